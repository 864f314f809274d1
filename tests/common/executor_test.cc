#include "server/common/executor.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace glutecare {
namespace {

TEST(Executor, RunsEveryQueuedTaskBeforeShutdownReturns) {
  std::atomic<int> ran{0};
  Executor executor({.threads = 2});
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(executor.Submit([&] { ran.fetch_add(1); }).ok());
  }
  executor.Shutdown();
  EXPECT_EQ(ran.load(), 100);
  EXPECT_EQ(executor.Submit([] {}).code(), absl::StatusCode::kUnavailable);
}

TEST(Executor, RefusesWorkBeyondItsQueueLimit) {
  Executor executor({.threads = 1, .max_queued = 2});
  absl::Notification release;
  absl::Notification started;
  ASSERT_TRUE(executor
                  .Submit([&] {
                    started.Notify();
                    release.WaitForNotification();
                  })
                  .ok());
  started.WaitForNotification();  // the worker is busy; the queue is empty
  EXPECT_TRUE(executor.Submit([] {}).ok());
  EXPECT_TRUE(executor.Submit([] {}).ok());
  EXPECT_EQ(executor.Submit([] {}).code(),
            absl::StatusCode::kResourceExhausted);
  release.Notify();
}

}  // namespace
}  // namespace glutecare
