#include "server/storage/postgres/connection_pool.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/postgres_database.h"

namespace glutecare::postgres {
namespace {

class PostgresPoolTest : public testing::PostgresTest {
 protected:
  std::unique_ptr<ConnectionPool> OpenPool(int size,
                                           absl::Duration acquire_timeout) {
    absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
        ConnectionPool::Open({.uri = schema_.uri(),
                              .size = size,
                              .acquire_timeout = acquire_timeout});
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  // The server process behind `db`.
  static std::string BackendPid(Connection& db) {
    return Scalar(db, "SELECT pg_backend_pid()");
  }
};

TEST_F(PostgresPoolTest, ItNeedsAtLeastOneConnection) {
  EXPECT_EQ(ConnectionPool::Open({.uri = schema_.uri(), .size = 0})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PostgresPoolTest, OpenFailsAtOnceWhenTheServerRefusesTheCredentials) {
  const absl::Status status =
      ConnectionPool::Open(
          {.uri = absl::StrCat(schema_.uri(), "&password=Wr0ng-8086")})
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
}

TEST_F(PostgresPoolTest, NoConnectionIsUsedByTwoThreadsAtOnce) {
  constexpr int kSize = 3;
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::unique_ptr<ConnectionPool> pool = OpenPool(kSize, absl::Seconds(30));
  ASSERT_NE(pool, nullptr);
  absl::Mutex mu;
  absl::flat_hash_map<Connection*, int> users;  // guarded by mu
  std::set<std::string> backends;               // guarded by mu
  std::atomic<int> shared{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        absl::StatusOr<ConnectionPool::Lease> db = pool->Acquire();
        if (!db.ok()) {
          ++failed;
          continue;
        }
        {
          absl::MutexLock lock(&mu);
          if (++users[db->get()] > 1) ++shared;
        }
        absl::StatusOr<Result> pid = (*db)->Exec("SELECT pg_backend_pid()");
        if (!pid.ok()) ++failed;
        absl::MutexLock lock(&mu);
        if (pid.ok()) backends.insert(std::string(pid->GetText(0, 0)));
        --users[db->get()];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(shared.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(backends.size(), static_cast<size_t>(kSize));
  EXPECT_LE(pool->open(), kSize);
  EXPECT_EQ(pool->lent(), 0);
}

TEST_F(PostgresPoolTest, WhenEveryConnectionIsLentAcquireWaitsAtMostItsTimeout) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(1, absl::Milliseconds(200));
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<ConnectionPool::Lease> held = pool->Acquire();
  ASSERT_TRUE(held.ok()) << held.status();
  const absl::Time start = absl::Now();
  const absl::Status status = pool->Acquire().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
  EXPECT_EQ(pool->open(), 1);
}

TEST_F(PostgresPoolTest, AWaitingAcquireGetsTheConnectionGivenBack) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(1, absl::Seconds(30));
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<ConnectionPool::Lease> held = pool->Acquire();
  ASSERT_TRUE(held.ok()) << held.status();
  Connection* const connection = held->get();
  std::atomic<Connection*> got{nullptr};
  std::thread waiter([&] {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (lease.ok()) got.store(lease->get());
  });
  held->reset();
  waiter.join();
  EXPECT_EQ(got.load(), connection);
  EXPECT_EQ(pool->open(), 1);
}

TEST_F(PostgresPoolTest, ABrokenConnectionIsClosedAndReplaced) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(1, absl::Seconds(30));
  ASSERT_NE(pool, nullptr);
  std::string killed;
  {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    killed = BackendPid(**lease);
    // Ends that server process, waiting up to 10 s until it has exited.
    ASSERT_EQ(Scalar(*db_, absl::StrCat("SELECT pg_terminate_backend(",
                                        killed, ", 10000)")),
              "t");
    const absl::Status status = (*lease)->Exec("SELECT 1").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_FALSE((*lease)->reusable());
  }
  EXPECT_EQ(pool->open(), 0);
  absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_NE(BackendPid(**lease), killed);
}

TEST_F(PostgresPoolTest, AConnectionGivenBackInATransactionIsNotLentAgain) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(1, absl::Seconds(30));
  ASSERT_NE(pool, nullptr);
  {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    ASSERT_TRUE((*lease)->Exec("BEGIN").ok());
  }
  EXPECT_EQ(pool->open(), 0);
  absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_TRUE((*lease)->reusable());
}

}  // namespace
}  // namespace glutecare::postgres
