// A fixed pool of worker threads for blocking work (the store), so that
// gRPC's callback threads never wait on the database (TOOLING.md).
#ifndef GLUTECARE_SERVER_COMMON_EXECUTOR_H_
#define GLUTECARE_SERVER_COMMON_EXECUTOR_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace glutecare {

// Runs submitted tasks on `threads` workers, first in, first out.
// Thread-safe.
class Executor final {
 public:
  struct Options {
    // Worker threads.
    int threads = 4;
    // Tasks that may wait before Submit refuses more (back-pressure: the
    // caller answers RESOURCE_EXHAUSTED rather than queueing without bound).
    size_t max_queued = 10'000;
  };

  explicit Executor(const Options& options);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  // Shuts down (see Shutdown).
  ~Executor();

  // Queues `task`. When the queue is full (RESOURCE_EXHAUSTED) or the
  // executor is shutting down (UNAVAILABLE), drops it and says so.
  absl::Status Submit(absl::AnyInvocable<void() &&> task);

  // Stops accepting tasks, runs every task already queued, and joins the
  // workers. Idempotent; call it from one thread (the owner).
  void Shutdown();

 private:
  void WorkerLoop();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_EXECUTOR_H_
