// Stopping a long-running command (`alerts watch`) cleanly, whether it is
// done, another thread says so, or the user presses Ctrl-C (SIGINT) or a
// service manager sends SIGTERM.
//
//   Stopper stopper;
//   absl::StatusOr<std::unique_ptr<SignalStop>> signals =
//       SignalStop::Install(stopper);
//   {
//     grpc::ClientContext context;
//     Stopper::Hook hook = stopper.OnStop([&] { context.TryCancel(); });
//     ... a call that may block for hours ...
//   }
//   if (stopper.SleepFor(absl::Seconds(1))) return;  // stopped meanwhile
#ifndef GLUTECARE_CLIENT_STOP_H_
#define GLUTECARE_CLIENT_STOP_H_

#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace glutecare::client {

// A switch that is thrown once. Thread-safe, but not async-signal-safe: a
// signal handler must not call it (SignalStop does it from a thread).
class Stopper final {
 public:
  // While a Hook lives, Stop() runs its action. Movable, not copyable.
  class Hook final {
   public:
    Hook(Hook&& other) noexcept;
    Hook& operator=(Hook&&) = delete;
    Hook(const Hook&) = delete;
    Hook& operator=(const Hook&) = delete;
    // Detaches the action; waits for it if it is running.
    ~Hook();

   private:
    friend class Stopper;
    explicit Hook(Stopper* stopper) : stopper_(stopper) {}
    Stopper* stopper_;  // null once moved from
  };

  Stopper() = default;
  Stopper(const Stopper&) = delete;
  Stopper& operator=(const Stopper&) = delete;

  // Throws the switch: stopped() becomes true, SleepFor() returns, and the
  // action of the live Hook runs (on this thread). Later calls do nothing.
  void Stop();

  bool stopped() const { return stopped_.HasBeenNotified(); }

  // Sleeps for `duration` or until Stop(), whichever comes first; returns
  // stopped().
  bool SleepFor(absl::Duration duration) const {
    return stopped_.WaitForNotificationWithTimeout(duration);
  }

  // Runs `action` on Stop() while the returned Hook lives, or at once when
  // already stopped. REQUIRES: no other Hook of this Stopper lives.
  [[nodiscard]] Hook OnStop(std::function<void()> action);

 private:
  absl::Mutex mutex_;
  std::function<void()> action_ ABSL_GUARDED_BY(mutex_);
  absl::Notification stopped_;
};

// While it lives, SIGINT and SIGTERM stop a Stopper instead of ending the
// process. A signal handler may do next to nothing, so it only writes a byte
// to a pipe (the self-pipe trick); a thread reading the pipe calls Stop().
// One per process at a time.
class SignalStop final {
 public:
  // Installs the handlers. `stopper` must outlive the returned object.
  static absl::StatusOr<std::unique_ptr<SignalStop>> Install(Stopper& stopper);

  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
  // Restores the previous handlers and ends the thread.
  ~SignalStop();

 private:
  SignalStop(Stopper& stopper, int read_fd, int write_fd);

  const int read_fd_;
  const int write_fd_;  // closed by the destructor to end reader_
  std::thread reader_;
};

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_STOP_H_
