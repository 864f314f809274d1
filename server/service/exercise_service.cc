#include "server/service/exercise_service.h"

#include "absl/strings/str_cat.h"
#include "server/common/page_token.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"

namespace glutecare {
namespace {

constexpr char kListQuery[] = "exercises";

}  // namespace

grpc::ServerUnaryReactor* ExerciseServiceImpl::GetExercise(
    grpc::CallbackServerContext* context, const v1::GetExerciseRequest* request,
    v1::Exercise* response) {
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

grpc::ServerUnaryReactor* ExerciseServiceImpl::ListExercises(
    grpc::CallbackServerContext* context,
    const v1::ListExercisesRequest* request,
    v1::ListExercisesResponse* response) {
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
    const int64_t end =
        std::min<int64_t>(start + page_size, static_cast<int64_t>(all.size()));
    for (int64_t i = start; i < end; ++i) *response->add_exercises() = all[i];
    if (end < static_cast<int64_t>(all.size())) {
      response->set_next_page_token(
          EncodePageToken(kListQuery, {.sort_key = end, .pk = end}));
    }
    return absl::OkStatus();
  });
}

}  // namespace glutecare
