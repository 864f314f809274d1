#include "common/subprocess.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace glutecare {
namespace {

TEST(RunProcess, CapturesOutputAndExitCode) {
  absl::StatusOr<ProcessResult> result =
      RunProcess({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, {},
                 absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->out, "out\n");
  EXPECT_EQ(result->err, "err\n");
  EXPECT_FALSE(result->timed_out);
}

TEST(RunProcess, AMissingProgramIsAnErrorNotAnExitCode) {
  absl::StatusOr<ProcessResult> result =
      RunProcess({"/nonexistent/program"}, {}, absl::Seconds(30));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(
      absl::StrContains(result.status().message(), "No such file or directory"))
      << result.status();
}

TEST(ChildProcess, AMissingProgramIsAnError) {
  absl::StatusOr<ChildProcess> child =
      ChildProcess::Start({"/nonexistent/program"});
  ASSERT_FALSE(child.ok());
  EXPECT_TRUE(
      absl::StrContains(child.status().message(), "No such file or directory"))
      << child.status();
}

// A test binary that crashes must not leave its server running: the server
// would hold ctest's output pipe, and the crash would show up as a timeout.
// A forked stand-in for the test binary starts a long-running child, reports
// its pid, and is SIGKILLed; the child must end within seconds.
TEST(ChildProcess, DiesWithTheProcessThatStartedIt) {
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    close(report[0]);
    absl::StatusOr<ChildProcess> child =
        ChildProcess::Start({"/bin/sleep", "60"});
    const std::string pid = child.ok() ? std::to_string(child->pid()) : "-1";
    if (write(report[1], pid.data(), pid.size()) < 0) _exit(2);
    close(report[1]);
    raise(SIGKILL);  // a crash: no destructor runs
  }
  close(report[1]);
  char buffer[32] = {};
  const ssize_t n = read(report[0], buffer, sizeof buffer - 1);
  close(report[0]);
  int parent_status = 0;
  ASSERT_EQ(waitpid(parent, &parent_status, 0), parent);
  ASSERT_TRUE(WIFSIGNALED(parent_status));
  pid_t child = -1;
  ASSERT_GT(n, 0);
  ASSERT_TRUE(absl::SimpleAtoi(std::string(buffer, n), &child));
  ASSERT_GT(child, 0);

  // The orphan belongs to init (or a subreaper) now; a pidfd tells when it
  // has exited, whoever reaps it. ESRCH: already gone.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  if (pidfd < 0) {
    EXPECT_EQ(errno, ESRCH);
    return;
  }
  pollfd exited = {.fd = pidfd, .events = POLLIN, .revents = 0};
  const int ready = poll(&exited, 1, /*timeout ms=*/10'000);
  close(pidfd);
  if (ready != 1) kill(child, SIGKILL);
  EXPECT_EQ(ready, 1) << "the child outlived the process that started it";
}

}  // namespace
}  // namespace glutecare
