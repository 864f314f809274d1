// glutecare.v1.ExerciseService: the read-only exercise catalog, served from
// memory.
#ifndef GLUTECARE_SERVER_SERVICE_EXERCISE_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_EXERCISE_SERVICE_H_

#include "glutecare/v1/exercise_service.grpc.pb.h"
#include "server/domain/exercise_catalog.h"
#include "server/service/call.h"

namespace glutecare {

class ExerciseServiceImpl final : public v1::ExerciseService::CallbackService {
 public:
  // `catalog` and `calls` must outlive the service.
  ExerciseServiceImpl(const ExerciseCatalog& catalog, CallRunner& calls)
      : catalog_(catalog), calls_(calls) {}

  grpc::ServerUnaryReactor* GetExercise(grpc::CallbackServerContext* context,
                                        const v1::GetExerciseRequest* request,
                                        v1::Exercise* response) override;
  grpc::ServerUnaryReactor* ListExercises(
      grpc::CallbackServerContext* context,
      const v1::ListExercisesRequest* request,
      v1::ListExercisesResponse* response) override;

 private:
  const ExerciseCatalog& catalog_;
  CallRunner& calls_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_EXERCISE_SERVICE_H_
