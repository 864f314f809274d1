// glutecare.v1.ReportService: adherence and pain reports for therapists,
// computed by the domain rules (adherence.h, pain_trend.h) from one snapshot
// of the patient's data, each with the latest outcome scores up to its last
// day (outcomes/latest_scores.h).
#ifndef GLUTECARE_SERVER_SERVICE_REPORT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_REPORT_SERVICE_H_

#include "glutecare/v1/report_service.grpc.pb.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class ReportServiceImpl final : public v1::ReportService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  ReportServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* GetAdherenceReport(
      grpc::CallbackServerContext* context,
      const v1::GetAdherenceReportRequest* request,
      v1::AdherenceReport* response) override;
  grpc::ServerUnaryReactor* GetPainTrendReport(
      grpc::CallbackServerContext* context,
      const v1::GetPainTrendReportRequest* request,
      v1::PainTrendReport* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_REPORT_SERVICE_H_
