// glutecare.v1.ExerciseService: the read-only exercise catalog, served from
// memory.
#include <memory>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/exercise_service.grpc.pb.h"
#include "server/common/page_token.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"

namespace glutecare {
namespace {

constexpr char kListQuery[] = "exercises";

class ExerciseServiceImpl final : public v1::ExerciseService::CallbackService {
 public:
  // `catalog` and `calls` must outlive the service.
  ExerciseServiceImpl(const ExerciseCatalog& catalog, CallRunner& calls)
      : catalog_(catalog), calls_(calls) {}

  grpc::ServerUnaryReactor* GetExercise(grpc::CallbackServerContext* context,
                                        const v1::GetExerciseRequest* request,
                                        v1::Exercise* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_RETURN_IF_ERROR(
          ExerciseName::Parse(request->name(), "name").status());
      const v1::Exercise* exercise = catalog_.Find(request->name());
      if (exercise == nullptr) {
        return WithReason(
            absl::NotFoundError(absl::StrCat(request->name(), " not found")),
            reason::kResourceNotFound);
      }
      *response = *exercise;
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListExercises(
      grpc::CallbackServerContext* context,
      const v1::ListExercisesRequest* request,
      v1::ListExercisesResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(int32_t page_size,
                                 EffectivePageSize(request->page_size()));
      // The cursor is the index of the first exercise of the page.
      int64_t start = 0;
      if (!request->page_token().empty()) {
        GLUTECARE_ASSIGN_OR_RETURN(
            PageCursor cursor,
            DecodePageToken(kListQuery, request->page_token()));
        start = cursor.pk;
      }
      const auto& all = catalog_.exercises();
      if (start < 0 || start > static_cast<int64_t>(all.size())) {
        return InvalidFieldError("page_token", "is out of range");
      }
      const int64_t end = std::min<int64_t>(start + page_size,
                                            static_cast<int64_t>(all.size()));
      for (int64_t i = start; i < end; ++i) *response->add_exercises() = all[i];
      if (end < static_cast<int64_t>(all.size())) {
        response->set_next_page_token(
            EncodePageToken(kListQuery, {.sort_key = end, .pk = end}));
      }
      return absl::OkStatus();
    });
  }

 private:
  const ExerciseCatalog& catalog_;
  CallRunner& calls_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewExerciseService(
    const ExerciseCatalog& catalog, CallRunner& calls) {
  return std::make_unique<ExerciseServiceImpl>(catalog, calls);
}

}  // namespace glutecare
