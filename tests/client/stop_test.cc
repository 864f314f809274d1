// Tests of client/stop.h: the stop switch, its hooks, and SIGINT/SIGTERM.
#include "client/stop.h"

#include <signal.h>

#include <memory>

#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

// Long enough never to pass in a healthy test; the waits below end early.
constexpr absl::Duration kPatience = absl::Seconds(20);

TEST(Stopper, SleepsUntilStopped) {
  Stopper stopper;
  EXPECT_FALSE(stopper.stopped());
  EXPECT_FALSE(stopper.SleepFor(absl::Milliseconds(1)));
  stopper.Stop();
  EXPECT_TRUE(stopper.stopped());
  EXPECT_TRUE(stopper.SleepFor(kPatience)) << "returns at once";
  stopper.Stop();  // a second time does nothing
  EXPECT_TRUE(stopper.stopped());
}

TEST(Stopper, RunsTheLiveHookOnce) {
  Stopper stopper;
  int runs = 0;
  {
    const Stopper::Hook gone = stopper.OnStop([&] { runs += 100; });
  }
  const Stopper::Hook hook = stopper.OnStop([&] { ++runs; });
  stopper.Stop();
  stopper.Stop();
  EXPECT_EQ(runs, 1) << "only the live hook, and only once";
}

TEST(Stopper, RunsAHookAddedAfterTheStopAtOnce) {
  Stopper stopper;
  stopper.Stop();
  bool ran = false;
  const Stopper::Hook hook = stopper.OnStop([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(SignalStop, TurnsSigintAndSigtermIntoAStop) {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal_number);
    Stopper stopper;
    absl::StatusOr<std::unique_ptr<SignalStop>> signals =
        SignalStop::Install(stopper);
    ASSERT_TRUE(signals.ok()) << signals.status();
    ASSERT_EQ(raise(signal_number), 0);
    EXPECT_TRUE(stopper.SleepFor(kPatience));
  }
}

TEST(SignalStop, IsOnePerProcessAndRestoresTheHandlers) {
  Stopper stopper;
  {
    absl::StatusOr<std::unique_ptr<SignalStop>> first =
        SignalStop::Install(stopper);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_EQ(SignalStop::Install(stopper).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  struct sigaction current = {};
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &current), 0);
  EXPECT_EQ(current.sa_handler, SIG_DFL);
  EXPECT_TRUE(SignalStop::Install(stopper).ok()) << "free again";
  EXPECT_FALSE(stopper.stopped());
}

}  // namespace
}  // namespace glutecare::client
