// glutecare.v1.SuggestionService: the progression suggestions that the
// PatientMonitor makes, for therapists to accept (a new program revision) or
// dismiss.
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glutecare/v1/suggestion_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/patient_monitor.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/progression.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

constexpr absl::string_view kAllPrograms = "/programs/-";

class SuggestionServiceImpl final
    : public v1::SuggestionService::CallbackService {
 public:
  // The arguments must outlive the service.
  SuggestionServiceImpl(Store& store, CallRunner& calls,
                        const ExerciseCatalog& catalog, PatientMonitor& monitor)
      : store_(store), calls_(calls), catalog_(catalog), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListSuggestions(
      grpc::CallbackServerContext* context,
      const v1::ListSuggestionsRequest* request,
      v1::ListSuggestionsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      // What the monitor derives includes every write answered before.
      monitor_.Flush();
      SuggestionFilter filter;
      // `.../patients/{patient}/programs/-` lists every program (AIP-159).
      if (absl::EndsWith(request->parent(), kAllPrograms)) {
        const std::string patient = request->parent().substr(
            0, request->parent().size() - kAllPrograms.size());
        GLUTECARE_ASSIGN_OR_RETURN(filter.patient,
                                   PatientName::Parse(patient, "parent"));
      } else {
        GLUTECARE_ASSIGN_OR_RETURN(
            ProgramName program,
            ProgramName::Parse(request->parent(), "parent"));
        filter.patient = program.parent();
        filter.program = std::move(program);
      }
      GLUTECARE_RETURN_IF_ERROR(CheckEnumFilter(
          request->state(), v1::SuggestionState_IsValid, "state"));
      filter.state = request->state();
      return ListInto(
          request->page_size(), request->page_token(),
          [&](const PageRequest& page) {
            return store_.ListSuggestions(filter, page);
          },
          response->mutable_suggestions(), response->mutable_next_page_token());
    });
  }

  grpc::ServerUnaryReactor* AcceptSuggestion(
      grpc::CallbackServerContext* context,
      const v1::AcceptSuggestionRequest* request,
      v1::Program* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      // What the monitor derives includes every write answered before.
      monitor_.Flush();
      GLUTECARE_ASSIGN_OR_RETURN(
          SuggestionName name, SuggestionName::Parse(request->name(), "name"));
      GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                                 store_.GetSuggestion(name));
      ProgramName revision_name = name.parent();
      revision_name.revision_id = suggestion.based_on_revision();
      GLUTECARE_ASSIGN_OR_RETURN(v1::Program based_on,
                                 store_.GetProgram(revision_name));
      GLUTECARE_ASSIGN_OR_RETURN(v1::Program revised,
                                 ApplySuggestion(based_on, suggestion));
      // The revised program must still be a valid program (the catalog or the
      // limits may have changed since the suggestion was made).
      Violations violations;
      CheckProgram(revised, catalog_, name.parent().parent().parent(),
                   "program", violations);
      if (!violations.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("the suggested program is no longer valid: ",
                         violations.ToStatus().message()));
      }
      *revised.mutable_revision_create_time() = NowTimestamp();
      // The store checks, in the same transaction, that the suggestion is still
      // open and the program still at the revision it was based on.
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.AcceptSuggestion(name, revised,
                                             revised.revision_create_time()));
      monitor_.Schedule(name.parent().parent());
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* DismissSuggestion(
      grpc::CallbackServerContext* context,
      const v1::DismissSuggestionRequest* request,
      v1::Suggestion* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      // What the monitor derives includes every write answered before.
      monitor_.Flush();
      GLUTECARE_ASSIGN_OR_RETURN(
          SuggestionName name, SuggestionName::Parse(request->name(), "name"));
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.DismissSuggestion(name, NowTimestamp()));
      return absl::OkStatus();
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewSuggestionService(
    Store& store, CallRunner& calls, const ExerciseCatalog& catalog,
    PatientMonitor& monitor) {
  return std::make_unique<SuggestionServiceImpl>(store, calls, catalog,
                                                 monitor);
}

}  // namespace glutecare
