// glutecare.v1.ProgramService: revisioned home exercise programs.
#ifndef GLUTECARE_SERVER_SERVICE_PROGRAM_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_PROGRAM_SERVICE_H_

#include "glutecare/v1/program_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/domain/exercise_catalog.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class ProgramServiceImpl final : public v1::ProgramService::CallbackService {
 public:
  // The arguments must outlive the service.
  ProgramServiceImpl(Store& store, CallRunner& calls,
                     const ExerciseCatalog& catalog, PatientMonitor& monitor)
      : store_(store), calls_(calls), catalog_(catalog), monitor_(monitor) {}

  grpc::ServerUnaryReactor* CreateProgram(
      grpc::CallbackServerContext* context,
      const v1::CreateProgramRequest* request, v1::Program* response) override;
  grpc::ServerUnaryReactor* GetProgram(grpc::CallbackServerContext* context,
                                       const v1::GetProgramRequest* request,
                                       v1::Program* response) override;
  grpc::ServerUnaryReactor* ListPrograms(
      grpc::CallbackServerContext* context,
      const v1::ListProgramsRequest* request,
      v1::ListProgramsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProgram(
      grpc::CallbackServerContext* context,
      const v1::UpdateProgramRequest* request, v1::Program* response) override;
  grpc::ServerUnaryReactor* ListProgramRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListProgramRevisionsRequest* request,
      v1::ListProgramRevisionsResponse* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_PROGRAM_SERVICE_H_
