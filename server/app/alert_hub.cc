#include "server/app/alert_hub.h"

namespace glutecare {

bool AlertHub::Subscribe(const std::string& clinic, AlertListener* listener) {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  listeners_[clinic].insert(listener);
  return true;
}

void AlertHub::Unsubscribe(const std::string& clinic, AlertListener* listener) {
  absl::MutexLock lock(&mu_);
  auto it = listeners_.find(clinic);
  if (it == listeners_.end()) return;
  it->second.erase(listener);
  if (it->second.empty()) listeners_.erase(it);
}

void AlertHub::Publish(absl::string_view clinic) {
  absl::MutexLock lock(&mu_);
  auto it = listeners_.find(clinic);
  if (it == listeners_.end()) return;
  for (AlertListener* listener : it->second) listener->OnNewAlerts();
}

void AlertHub::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (auto& [clinic, listeners] : listeners_) {
    for (AlertListener* listener : listeners) listener->OnHubClosed();
  }
}

}  // namespace glutecare
