// Tells live WatchAlerts streams that their clinic has new alerts. The hub
// carries no alerts: a listener re-reads the store from the last sequence it
// sent, so a slow listener costs the server nothing but a flag.
#ifndef GLUTECARE_SERVER_APP_ALERT_HUB_H_
#define GLUTECARE_SERVER_APP_ALERT_HUB_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace glutecare {

// Receives the hub's signals. Both calls are made with the hub's lock held:
// they must return quickly and must not call back into the hub.
class AlertListener {
 public:
  virtual ~AlertListener() = default;
  // The listener's clinic has alerts it may not have seen.
  virtual void OnNewAlerts() = 0;
  // The server is shutting down; no more signals will come.
  virtual void OnHubClosed() = 0;
};

// Thread-safe.
class AlertHub final {
 public:
  AlertHub() = default;
  AlertHub(const AlertHub&) = delete;
  AlertHub& operator=(const AlertHub&) = delete;

  // Registers `listener` for `clinic` (a clinic resource name). Returns false,
  // without registering, once the hub is closed.
  bool Subscribe(const std::string& clinic, AlertListener* listener);
  // After Unsubscribe returns, `listener` gets no more calls.
  void Unsubscribe(const std::string& clinic, AlertListener* listener);
  // Signals every listener of `clinic`.
  void Publish(absl::string_view clinic);
  // Signals OnHubClosed to every listener and refuses new ones.
  void Close();

 private:
  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, absl::flat_hash_set<AlertListener*>>
      listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_ALERT_HUB_H_
