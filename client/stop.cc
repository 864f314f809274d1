#include "client/stop.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace glutecare::client {
namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM};

// What the handler writes to the pipe for each signal.
constexpr char kSignalled = 's';

// The write end of the live SignalStop's pipe, -1 when there is none. Lock
// free, so that the signal handler may read it.
std::atomic<int> signal_pipe_write_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

// The handlers that SignalStop replaced, in the order of kStopSignals.
struct sigaction previous_actions[std::size(kStopSignals)];

// The signal handler: async-signal-safe, it only writes one byte.
extern "C" void NoteStopSignal(int) {
  const int saved_errno = errno;
  const int fd = signal_pipe_write_fd.load();
  if (fd >= 0) {
    const char byte = kSignalled;
    // A full pipe already holds a stop request: nothing is lost.
    [[maybe_unused]] const ssize_t written = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

Stopper::Hook::Hook(Hook&& other) noexcept
    : stopper_(std::exchange(other.stopper_, nullptr)) {}

Stopper::Hook::~Hook() {
  if (stopper_ == nullptr) return;
  absl::MutexLock lock(&stopper_->mutex_);
  stopper_->action_ = nullptr;
}

void Stopper::Stop() {
  absl::MutexLock lock(&mutex_);
  if (stopped_.HasBeenNotified()) return;
  stopped_.Notify();
  // Under the lock, so that a Hook going away waits for its action.
  if (action_) action_();
}

Stopper::Hook Stopper::OnStop(std::function<void()> action) {
  absl::MutexLock lock(&mutex_);
  assert(!action_);
  if (stopped_.HasBeenNotified()) action();
  action_ = std::move(action);
  return Hook(this);
}

absl::StatusOr<std::unique_ptr<SignalStop>> SignalStop::Install(
    Stopper& stopper) {
  if (signal_pipe_write_fd.load() >= 0) {
    return absl::FailedPreconditionError("signals are already handled");
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  // The handler must never block on a full pipe.
  if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
    const absl::Status error = ErrnoError("fcntl");
    close(fds[0]);
    close(fds[1]);
    return error;
  }
  std::unique_ptr<SignalStop> signal_stop(
      new SignalStop(stopper, fds[0], fds[1]));
  signal_pipe_write_fd.store(fds[1]);
  struct sigaction action = {};
  action.sa_handler = NoteStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (size_t i = 0; i < std::size(kStopSignals); ++i) {
    sigaction(kStopSignals[i], &action, &previous_actions[i]);
  }
  return signal_stop;
}

SignalStop::SignalStop(Stopper& stopper, int read_fd, int write_fd)
    : read_fd_(read_fd), write_fd_(write_fd) {
  reader_ = std::thread([this, &stopper] {
    while (true) {
      char byte = 0;
      const ssize_t n = read(read_fd_, &byte, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // the pipe was closed
      stopper.Stop();
    }
  });
}

SignalStop::~SignalStop() {
  for (size_t i = 0; i < std::size(kStopSignals); ++i) {
    sigaction(kStopSignals[i], &previous_actions[i], nullptr);
  }
  signal_pipe_write_fd.store(-1);
  // The reader reads what is left, then the end of the pipe, and returns.
  close(write_fd_);
  reader_.join();
  close(read_fd_);
}

}  // namespace glutecare::client
