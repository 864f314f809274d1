// Child processes for the end-to-end tests and the benchmark: run a program to
// completion capturing its output, or keep one running (a server, a watch)
// and read its output line by line.
// Every wait is bounded; a child that overstays is killed. Every child also
// dies with this process (SIGKILL through PR_SET_PDEATHSIG), so a test binary
// that crashes leaves no server behind; as the kernel ties that signal to the
// thread that started the child, start children from a thread that outlives
// them.
//
//   absl::StatusOr<ProcessResult> result =
//       RunProcess({"/bin/echo", "hi"}, {"LANG=C"}, absl::Seconds(30));
//   result->exit_code;   // 0
//   result->out;         // "hi\n"
#ifndef GLUTECARE_COMMON_SUBPROCESS_H_
#define GLUTECARE_COMMON_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace glutecare {

struct ProcessResult {
  // The exit code, or 128 + the signal number when a signal ended it.
  int exit_code = -1;
  std::string out;         // all of stdout
  std::string err;         // all of stderr
  bool timed_out = false;  // killed after the timeout
};

// Runs `argv` (argv[0] is the program's path) with this process's environment
// minus every GLUTECARE_* variable, plus `environment` ("NAME=value" each),
// stdin from /dev/null. Kills it with SIGKILL once `timeout` has passed.
absl::StatusOr<ProcessResult> RunProcess(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& environment, absl::Duration timeout);

// A child process that keeps running (a server, a watch), with its stdout on
// a pipe and its stderr on a pipe too or shared with this process. Not
// thread-safe.
class ChildProcess final {
 public:
  // Starts `argv` as RunProcess() does, with `environment` added. With
  // `capture_stderr`, its stderr is read with ReadErrorLine(); a child that
  // writes more than a pipe holds (64 KiB) to it unread blocks.
  static absl::StatusOr<ChildProcess> Start(
      const std::vector<std::string>& argv,
      const std::vector<std::string>& environment = {},
      bool capture_stderr = false);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Stops the child if it still runs.
  ~ChildProcess();

  // The next line of its stdout without the newline. DEADLINE_EXCEEDED after
  // `timeout`, NOT_FOUND when stdout ends first.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // The same for stderr. REQUIRES: started with `capture_stderr`.
  absl::StatusOr<std::string> ReadErrorLine(absl::Duration timeout);

  // Waits up to `timeout` for the child to exit by itself and returns the
  // exit code as in ProcessResult; DEADLINE_EXCEEDED while it still runs.
  absl::StatusOr<int> AwaitExit(absl::Duration timeout);

  // Sends SIGTERM, waits up to `grace` for the exit, then SIGKILLs. Returns
  // the exit code as in ProcessResult.
  absl::StatusOr<int> Stop(absl::Duration grace);

  // The child's process id (for /proc/PID); -1 once it has been reaped.
  pid_t pid() const { return pid_; }

 private:
  // One of the child's output streams, and what was read from it but not
  // yet returned as a line.
  struct Output {
    int fd = -1;
    std::string buffered;
  };

  ChildProcess(pid_t pid, int stdout_fd, int stderr_fd)
      : pid_(pid), stdout_{stdout_fd, ""}, stderr_{stderr_fd, ""} {}

  static absl::StatusOr<std::string> ReadLineFrom(Output& output,
                                                  absl::Duration timeout);
  void CloseOutputs();

  pid_t pid_;
  Output stdout_;
  Output stderr_;  // fd -1 unless captured
};

}  // namespace glutecare

#endif  // GLUTECARE_COMMON_SUBPROCESS_H_
