// glutecare.v1.SuggestionService: the progression suggestions that the
// PatientMonitor makes, for therapists to accept (a new program revision) or
// dismiss.
#ifndef GLUTECARE_SERVER_SERVICE_SUGGESTION_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_SUGGESTION_SERVICE_H_

#include "glutecare/v1/suggestion_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/domain/exercise_catalog.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

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
      v1::ListSuggestionsResponse* response) override;
  grpc::ServerUnaryReactor* AcceptSuggestion(
      grpc::CallbackServerContext* context,
      const v1::AcceptSuggestionRequest* request,
      v1::Program* response) override;
  grpc::ServerUnaryReactor* DismissSuggestion(
      grpc::CallbackServerContext* context,
      const v1::DismissSuggestionRequest* request,
      v1::Suggestion* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_SUGGESTION_SERVICE_H_
