// glutecare.v1.AlertService: list, acknowledge and resolve alerts, and watch
// a clinic's alerts live.
#ifndef GLUTECARE_SERVER_SERVICE_ALERT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_ALERT_SERVICE_H_

#include <atomic>
#include <cstdint>

#include "glutecare/v1/alert_service.grpc.pb.h"
#include "server/app/alert_hub.h"
#include "server/app/patient_monitor.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

// What the live WatchAlerts streams hold in memory, for operators and tests.
// A stream holds at most one batch (64 alerts) read from the store and not
// yet sent, however slowly its client reads: the rest stays in the store.
struct WatchStats {
  // Streams open now.
  int64_t streams = 0;
  // Alerts read from the store and not yet sent, over every open stream.
  int64_t alerts_held = 0;
  // The most alerts one stream has held at once since the server started.
  int64_t max_alerts_held_by_a_stream = 0;
  // Alerts handed to gRPC for sending since the server started.
  int64_t alerts_sent = 0;
};

// The counters behind WatchStats, updated by the streams. Thread-safe.
struct WatchCounters {
  std::atomic<int64_t> streams{0};
  std::atomic<int64_t> alerts_held{0};
  std::atomic<int64_t> max_alerts_held_by_a_stream{0};
  std::atomic<int64_t> alerts_sent{0};
};

class AlertServiceImpl final : public v1::AlertService::CallbackService {
 public:
  // The arguments must outlive the service.
  AlertServiceImpl(Store& store, CallRunner& calls, AlertHub& hub,
                   PatientMonitor& monitor)
      : store_(store), calls_(calls), hub_(hub), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListAlerts(
      grpc::CallbackServerContext* context,
      const v1::ListAlertsRequest* request,
      v1::ListAlertsResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeAlert(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeAlertRequest* request, v1::Alert* response) override;
  grpc::ServerUnaryReactor* ResolveAlert(grpc::CallbackServerContext* context,
                                         const v1::ResolveAlertRequest* request,
                                         v1::Alert* response) override;
  grpc::ServerWriteReactor<v1::Alert>* WatchAlerts(
      grpc::CallbackServerContext* context,
      const v1::WatchAlertsRequest* request) override;

  WatchStats watch_stats() const;

 private:
  // Moves the alert named `alert` (a field of `request`) to `state`.
  grpc::ServerUnaryReactor* SetState(grpc::CallbackServerContext* context,
                                     const google::protobuf::Message& request,
                                     const std::string& alert,
                                     v1::AlertState state, v1::Alert* response);

  Store& store_;
  CallRunner& calls_;
  AlertHub& hub_;
  PatientMonitor& monitor_;
  WatchCounters watch_counters_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_ALERT_SERVICE_H_
