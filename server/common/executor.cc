#include "server/common/executor.h"

#include <utility>

#include "server/common/status.h"

namespace glutecare {

Executor::Executor(const Options& options) : max_queued_(options.max_queued) {
  workers_.reserve(options.threads);
  for (int i = 0; i < options.threads; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

Executor::~Executor() { Shutdown(); }

absl::Status Executor::Submit(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) {
    return absl::UnavailableError("the server is shutting down; retry");
  }
  if (queue_.size() >= max_queued_) {
    return WithReason(absl::ResourceExhaustedError(
                          "the server is overloaded; retry with backoff"),
                      reason::kOverloaded);
  }
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

void Executor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
}

void Executor::WorkerLoop() {
  while (true) {
    absl::AnyInvocable<void() &&> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Executor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->shutting_down_ || !self->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // shutting down and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace glutecare
