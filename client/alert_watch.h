// Following a clinic's alerts live (AlertService.WatchAlerts) across lost
// connections: every alert once, in sequence order. After a stream breaks,
// the watch reconnects with a growing backoff and asks for the alerts after
// the last one it saw, so that a server restart loses none.
//
//   AlertWatchOptions options;
//   options.max_alerts = 1;
//   v1::WatchAlertsRequest request;
//   request.set_parent("clinics/demo");
//   absl::Status status =
//   WatchAlerts(connection.stub<v1::AlertService::Stub>(),
//                                     request, options, stopper, listener);
#ifndef GLUTECARE_CLIENT_ALERT_WATCH_H_
#define GLUTECARE_CLIENT_ALERT_WATCH_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/stop.h"
#include "glutecare/v1/alert_service.grpc.pb.h"

namespace glutecare::client {

struct AlertWatchOptions {
  // The caller's access token, sent with every stream (see AddBearerToken in
  // client/access_token.h); none when empty.
  std::string access_token;
  // Stop after this many alerts; 0 for no limit.
  int max_alerts = 0;
  // The wait before reconnecting after the first failure in a row; it
  // doubles with each further failure, up to max_backoff. A stream that
  // opened resets it.
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
};

// What a watch reports as it goes, on the thread that runs WatchAlerts().
class AlertWatchListener {
 public:
  virtual ~AlertWatchListener() = default;

  // The stream is open: the server will send the alerts after
  // `after_sequence`, then each new one.
  virtual void OnConnected(int64_t after_sequence) = 0;

  // The next alert.
  virtual void OnAlert(const v1::Alert& alert) = 0;

  // The stream failed with `status`; the next attempt follows in `backoff`.
  virtual void OnReconnecting(const absl::Status& status,
                              absl::Duration backoff) = 0;
};

// True when a stream that ended with `code` while nobody asked it to stop is
// worth opening again: the server is unreachable or went away (UNAVAILABLE),
// the call was cut (CANCELLED), or it ended (OK) when it should not.
bool ShouldReconnect(grpc::StatusCode code);

// Watches the alerts `request` asks for, its after_sequence advancing with
// each alert, until options.max_alerts alerts came or `stopper` stops (both
// OK), or until a stream fails with a status that ShouldReconnect() rejects:
// that status, as FromGrpcStatus() (client/errors.h) makes it. Calls carry no
// deadline and fail at once when the server is unreachable (no
// wait-for-ready), so that the backoff is the watch's own. A token the server
// rejects (UNAUTHENTICATED, PERMISSION_DENIED) ends the watch.
absl::Status WatchAlerts(v1::AlertService::StubInterface& stub,
                         v1::WatchAlertsRequest request,
                         const AlertWatchOptions& options, Stopper& stopper,
                         AlertWatchListener& listener);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_ALERT_WATCH_H_
