#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace glutecare {
namespace {

// How long a killed child may take to be reaped.
constexpr absl::Duration kReapTimeout = absl::Seconds(10);

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// Milliseconds left until `deadline` for poll(), never negative.
int MillisecondsUntil(absl::Time deadline) {
  return static_cast<int>(
      std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
}

// poll() that resumes after a signal with the time that is left.
int PollUntil(pollfd* fds, nfds_t count, absl::Time deadline) {
  while (true) {
    const int ready = poll(fds, count, MillisecondsUntil(deadline));
    if (ready >= 0 || errno != EINTR) return ready;
  }
}

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Waits up to `timeout` for `pid` to end and reaps it: its exit code, or
// nullopt while it still runs.
absl::StatusOr<std::optional<int>> WaitForExit(pid_t pid,
                                               absl::Duration timeout) {
  // Through syscall(): glibc 2.36 declares pidfd_open() without C linkage.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return ErrnoError("pidfd_open");
  pollfd exited = {.fd = pidfd, .events = POLLIN, .revents = 0};
  const int ready = PollUntil(&exited, 1, absl::Now() + timeout);
  close(pidfd);
  if (ready < 0) return ErrnoError("poll");
  if (ready == 0) return std::nullopt;
  int wait_status = 0;
  if (waitpid(pid, &wait_status, 0) < 0) return ErrnoError("waitpid");
  return ExitCodeOf(wait_status);
}

// SIGKILLs `pid` and reaps it.
absl::StatusOr<int> Kill(pid_t pid) {
  kill(pid, SIGKILL);
  absl::StatusOr<std::optional<int>> exit_code = WaitForExit(pid, kReapTimeout);
  if (!exit_code.ok()) return exit_code.status();
  if (!exit_code->has_value())
    return absl::InternalError("a killed child lingers");
  return **exit_code;
}

std::vector<std::string> ChildEnvironment(
    const std::vector<std::string>& extra) {
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (!absl::StartsWith(*variable, "GLUTECARE_"))
      environment.push_back(*variable);
  }
  environment.insert(environment.end(), extra.begin(), extra.end());
  return environment;
}

// A null-terminated array of pointers into `strings`, for exec.
std::vector<char*> CStringArray(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Starts `argv` with stdin from /dev/null, stdout onto `stdout_fd` and, unless
// it is -1, stderr onto `stderr_fd`. The child is SIGKILLed when this process
// ends (PR_SET_PDEATHSIG): a test binary that crashes takes its servers with
// it, instead of leaving them holding ctest's output pipe until the timeout.
// The kernel sends that signal when the *thread* that forked ends, so start
// children from a thread that outlives them (the tests' main thread).
// An exec failure (no such program) comes back as an error, as from
// posix_spawn: the child writes its errno to a close-on-exec pipe.
absl::StatusOr<pid_t> Spawn(std::vector<std::string> argv,
                            std::vector<std::string> environment, int stdout_fd,
                            int stderr_fd) {
  std::vector<char*> argv_pointers = CStringArray(argv);
  std::vector<char*> environment_pointers = CStringArray(environment);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return ErrnoError("open /dev/null");
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) {
    close(null_fd);
    return ErrnoError("pipe2");
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    int error = 0;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) error = errno;
    // The parent may have ended before prctl: then nobody would send it.
    if (error == 0 && getppid() != parent) _exit(127);
    if (error == 0 &&
        (dup2(null_fd, STDIN_FILENO) < 0 ||
         dup2(stdout_fd, STDOUT_FILENO) < 0 ||
         (stderr_fd >= 0 && dup2(stderr_fd, STDERR_FILENO) < 0))) {
      error = errno;
    }
    if (error == 0) {
      execve(argv_pointers[0], argv_pointers.data(),
             environment_pointers.data());
      error = errno;
    }
    while (write(exec_error[1], &error, sizeof error) < 0 && errno == EINTR) {
    }
    _exit(127);
  }
  const int fork_errno = errno;
  close(null_fd);
  close(exec_error[1]);
  if (pid < 0) {
    close(exec_error[0]);
    errno = fork_errno;
    return ErrnoError("fork");
  }
  // Nothing to read (EOF) once exec succeeded; the child's errno otherwise.
  int error = 0;
  ssize_t n;
  do {
    n = read(exec_error[0], &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  close(exec_error[0]);
  if (n == sizeof error) {
    int wait_status = 0;
    waitpid(pid, &wait_status, 0);
    return absl::InternalError(
        absl::StrCat("exec ", argv[0], ": ", std::strerror(error)));
  }
  return pid;
}

// A pipe whose ends are closed on exec (the child gets dup2'd copies).
absl::Status MakePipe(int (&fds)[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& environment, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int out_pipe[2];
  int err_pipe[2];
  if (absl::Status status = MakePipe(out_pipe); !status.ok()) return status;
  if (absl::Status status = MakePipe(err_pipe); !status.ok()) return status;
  absl::StatusOr<pid_t> pid =
      Spawn(argv, ChildEnvironment(environment), out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!pid.ok()) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return pid.status();
  }

  ProcessResult result;
  pollfd streams[2] = {{.fd = out_pipe[0], .events = POLLIN, .revents = 0},
                       {.fd = err_pipe[0], .events = POLLIN, .revents = 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  while (streams[0].fd >= 0 || streams[1].fd >= 0) {
    // poll() skips entries with a negative fd: the streams that ended.
    const int ready = PollUntil(streams, 2, deadline);
    if (ready <= 0) break;  // timed out (or poll failed): the kill follows
    for (int i = 0; i < 2; ++i) {
      if (streams[i].fd < 0 || streams[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(streams[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(streams[i].fd);
        streams[i].fd = -1;
      }
    }
  }
  for (const pollfd& stream : streams) {
    if (stream.fd >= 0) close(stream.fd);
  }

  absl::StatusOr<std::optional<int>> exit_code =
      WaitForExit(*pid, std::max(deadline - absl::Now(), absl::ZeroDuration()));
  if (!exit_code.ok()) return exit_code.status();
  if (exit_code->has_value()) {
    result.exit_code = **exit_code;
    return result;
  }
  result.timed_out = true;
  absl::StatusOr<int> killed = Kill(*pid);
  if (!killed.ok()) return killed.status();
  result.exit_code = *killed;
  return result;
}

absl::StatusOr<ChildProcess> ChildProcess::Start(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& environment, bool capture_stderr) {
  int out_pipe[2];
  int err_pipe[2] = {-1, -1};
  if (absl::Status status = MakePipe(out_pipe); !status.ok()) return status;
  if (capture_stderr) {
    if (absl::Status status = MakePipe(err_pipe); !status.ok()) {
      close(out_pipe[0]);
      close(out_pipe[1]);
      return status;
    }
  }
  absl::StatusOr<pid_t> pid =
      Spawn(argv, ChildEnvironment(environment), out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  if (capture_stderr) close(err_pipe[1]);
  if (!pid.ok()) {
    close(out_pipe[0]);
    if (capture_stderr) close(err_pipe[0]);
    return pid.status();
  }
  return ChildProcess(*pid, out_pipe[0], err_pipe[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_(std::exchange(other.stdout_, Output())),
      stderr_(std::exchange(other.stderr_, Output())) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Stop(kReapTimeout).IgnoreError();
  CloseOutputs();
}

absl::StatusOr<std::string> ChildProcess::ReadLine(absl::Duration timeout) {
  return ReadLineFrom(stdout_, timeout);
}

absl::StatusOr<std::string> ChildProcess::ReadErrorLine(
    absl::Duration timeout) {
  if (stderr_.fd < 0) {
    return absl::FailedPreconditionError("stderr was not captured");
  }
  return ReadLineFrom(stderr_, timeout);
}

absl::StatusOr<std::string> ChildProcess::ReadLineFrom(Output& output,
                                                       absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (const size_t newline = output.buffered.find('\n');
        newline != std::string::npos) {
      std::string line = output.buffered.substr(0, newline);
      output.buffered.erase(0, newline + 1);
      return line;
    }
    if (output.fd < 0) return absl::FailedPreconditionError("not running");
    pollfd stream = {.fd = output.fd, .events = POLLIN, .revents = 0};
    const int ready = PollUntil(&stream, 1, deadline);
    if (ready < 0) return ErrnoError("poll");
    if (ready == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no line of output within ", absl::FormatDuration(timeout)));
    }
    char buffer[4096];
    const ssize_t n = read(output.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read");
    if (n == 0) return absl::NotFoundError("the output ended before a line");
    output.buffered.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<int> ChildProcess::AwaitExit(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  absl::StatusOr<std::optional<int>> exit_code = WaitForExit(pid_, timeout);
  if (!exit_code.ok()) return exit_code.status();
  if (!exit_code->has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat("still running after ", absl::FormatDuration(timeout)));
  }
  pid_ = -1;
  return **exit_code;
}

absl::StatusOr<int> ChildProcess::Stop(absl::Duration grace) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  const pid_t pid = std::exchange(pid_, -1);
  kill(pid, SIGTERM);
  absl::StatusOr<std::optional<int>> exit_code = WaitForExit(pid, grace);
  CloseOutputs();
  if (!exit_code.ok()) return exit_code.status();
  if (exit_code->has_value()) return **exit_code;
  return Kill(pid);
}

void ChildProcess::CloseOutputs() {
  for (Output* output : {&stdout_, &stderr_}) {
    if (output->fd >= 0) close(std::exchange(output->fd, -1));
  }
}

}  // namespace glutecare
