// glutecare.v1.RtmService: therapists log treatment-management time and read
// Remote Therapeutic Monitoring reports, per patient and per clinic. The
// billing rules are the domain's (domain/rtm/billing_rules.h); this service
// reads one snapshot of a patient's data days and logged time per report and
// hands them to AssessRtm.
//
// The episode of care starts on the earlier of the earliest start_date of
// the patient's programs and the patient's first data day (the patient's
// as-of day when there is neither): monitoring begins when the program is
// handed over, or when the patient first reports, whichever comes first.
#ifndef GLUTECARE_SERVER_SERVICE_RTM_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_RTM_SERVICE_H_

#include "glutecare/v1/rtm_service.grpc.pb.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class RtmServiceImpl final : public v1::RtmService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  RtmServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* LogManagementTime(
      grpc::CallbackServerContext* context,
      const v1::LogManagementTimeRequest* request,
      v1::ManagementTimeEntry* response) override;
  grpc::ServerUnaryReactor* ListManagementTime(
      grpc::CallbackServerContext* context,
      const v1::ListManagementTimeRequest* request,
      v1::ListManagementTimeResponse* response) override;
  grpc::ServerUnaryReactor* GetRtmReport(
      grpc::CallbackServerContext* context,
      const v1::GetRtmReportRequest* request,
      v1::RtmReport* response) override;
  grpc::ServerUnaryReactor* ListRtmReports(
      grpc::CallbackServerContext* context,
      const v1::ListRtmReportsRequest* request,
      v1::ListRtmReportsResponse* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_RTM_SERVICE_H_
