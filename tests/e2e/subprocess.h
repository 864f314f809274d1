// Child processes for end-to-end tests: run a program to completion capturing
// its output, or keep one running (a server) and read its stdout line by line.
// Every wait is bounded; a child that overstays is killed.
//
//   absl::StatusOr<ProcessResult> result =
//       RunProcess({"/bin/echo", "hi"}, {"LANG=C"}, absl::Seconds(30));
//   result->exit_code;   // 0
//   result->out;         // "hi\n"
#ifndef GLUTECARE_TESTS_E2E_SUBPROCESS_H_
#define GLUTECARE_TESTS_E2E_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace glutecare::testing {

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

// A child process that keeps running, with its stdout on a pipe and its
// stderr shared with this process. Not thread-safe.
class ChildProcess final {
 public:
  // Starts `argv` as RunProcess() does.
  static absl::StatusOr<ChildProcess> Start(
      const std::vector<std::string>& argv);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Stops the child if it still runs.
  ~ChildProcess();

  // The next line of its stdout without the newline. DEADLINE_EXCEEDED after
  // `timeout`, NOT_FOUND when stdout ends first.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // Sends SIGTERM, waits up to `grace` for the exit, then SIGKILLs. Returns
  // the exit code as in ProcessResult.
  absl::StatusOr<int> Stop(absl::Duration grace);

 private:
  ChildProcess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}

  pid_t pid_;
  int stdout_fd_;
  std::string buffered_;  // read from stdout, not yet returned as a line
};

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_E2E_SUBPROCESS_H_
