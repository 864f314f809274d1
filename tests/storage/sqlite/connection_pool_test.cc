#include "server/storage/sqlite/connection_pool.h"

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/storage/sqlite/fault_disk_test.h"

namespace glutecare::sqlite {
namespace {

// Waits until `done` holds, at most 10 seconds; returns whether it did.
bool PoolEventually(const std::function<bool()>& done) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

// Whether the connection has the TEMP table MarkConnection makes: it is
// gone once the connection has been closed and opened again.
bool IsMarked(Connection& db) {
  absl::StatusOr<Statement> stmt = db.Prepare(
      "SELECT count(*) FROM sqlite_temp_master WHERE name = 'marker'");
  if (!stmt.ok()) return false;
  absl::StatusOr<bool> has_row = stmt->Step();
  return has_row.ok() && *has_row && stmt->ColumnInt64(0) == 1;
}

void MarkConnection(Connection& db) {
  EXPECT_TRUE(db.Exec("CREATE TEMP TABLE marker (x)").ok());
}

class ConnectionPoolTest : public FaultDiskTest {
 protected:
  ConnectionPoolTest() : FaultDiskTest("connection-pool-test") {}

  void SetUp() override {
    ASSERT_NE(CreateDatabase("CREATE TABLE rows (key TEXT)"), nullptr);
  }

  std::unique_ptr<ConnectionPool> OpenPool(int size) {
    absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
        ConnectionPool::Open(options_, size);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }
};

TEST_F(ConnectionPoolTest, ItNeedsAtLeastOneConnection) {
  EXPECT_EQ(ConnectionPool::Open(options_, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ConnectionPoolTest, ItLendsEachOfItsConnectionsOnce) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(3);
  ASSERT_NE(pool, nullptr);
  std::vector<ConnectionPool::Lease> leases;
  std::set<Connection*> lent;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    lent.insert(&**lease);
    leases.push_back(*std::move(lease));
  }
  EXPECT_EQ(lent.size(), 3u);
  EXPECT_EQ(pool->lent(), 3);
  leases.clear();
  EXPECT_EQ(pool->lent(), 0);
}

TEST_F(ConnectionPoolTest, WhenEveryConnectionIsLentAcquireWaitsForALease) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(1);
  ASSERT_NE(pool, nullptr);
  std::optional<ConnectionPool::Lease> held;
  {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    held.emplace(*std::move(lease));
  }
  Connection* const connection = &**held;

  std::atomic<Connection*> got{nullptr};
  std::thread waiter([&] {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (lease.ok()) got.store(&**lease);
  });
  EXPECT_TRUE(PoolEventually(
      [&] { return pool->waiting() == 1 || got.load() != nullptr; }));
  EXPECT_EQ(got.load(), nullptr) << "lent while it was lent already";

  held.reset();
  waiter.join();
  EXPECT_EQ(got.load(), connection);
  EXPECT_EQ(pool->waiting(), 0);
}

TEST_F(ConnectionPoolTest, NoConnectionIsUsedByTwoThreadsAtOnce) {
  constexpr int kConnections = 2;
  constexpr int kThreads = 8;
  constexpr int kReads = 50;
  std::unique_ptr<ConnectionPool> pool = OpenPool(kConnections);
  ASSERT_NE(pool, nullptr);
  absl::Mutex mu;
  absl::flat_hash_map<Connection*, int> users;
  std::atomic<int> shared{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kReads; ++i) {
        absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
        if (!lease.ok()) {
          failed.fetch_add(1);
          continue;
        }
        Connection* db = &**lease;
        {
          absl::MutexLock lock(&mu);
          if (++users[db] > 1) shared.fetch_add(1);
        }
        absl::StatusOr<Statement> stmt =
            db->Prepare("SELECT count(*) FROM rows");
        if (!stmt.ok() || !stmt->Step().ok()) failed.fetch_add(1);
        std::this_thread::yield();
        absl::MutexLock lock(&mu);
        --users[db];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(shared.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(users.size(), static_cast<size_t>(kConnections));
}

TEST_F(ConnectionPoolTest, ReopenGivesUpWhileALeaseOutlastsItsWait) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(2);
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  MarkConnection(**lease);

  bool ran = false;
  const absl::Status status =
      pool->Reopen(absl::Milliseconds(20), [&] {
        ran = true;
        return absl::OkStatus();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_FALSE(ran);
  // Nothing was closed: the lease's connection is the one it was.
  EXPECT_TRUE(IsMarked(**lease));
  EXPECT_TRUE(pool->Acquire().ok());
}

TEST_F(ConnectionPoolTest, ReopenClosesEveryConnectionAndAcquireWaitsMeanwhile) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(2);
  ASSERT_NE(pool, nullptr);
  {
    absl::StatusOr<ConnectionPool::Lease> first = pool->Acquire();
    absl::StatusOr<ConnectionPool::Lease> second = pool->Acquire();
    ASSERT_TRUE(first.ok() && second.ok());
    MarkConnection(**first);
    MarkConnection(**second);
  }

  // While the connections are closed, a reader arrives; it waits, and gets
  // a connection opened again.
  std::thread reader;
  std::atomic<bool> marked{true};
  const absl::Status status = pool->Reopen(absl::Seconds(10), [&] {
    EXPECT_EQ(pool->lent(), 0);
    reader = std::thread([&] {
      absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
      EXPECT_TRUE(lease.ok()) << lease.status();
      if (lease.ok()) marked.store(IsMarked(**lease));
    });
    EXPECT_TRUE(PoolEventually([&] { return pool->waiting() == 1; }));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  reader.join();
  EXPECT_FALSE(marked.load());

  // Every connection is a new one.
  absl::StatusOr<ConnectionPool::Lease> first = pool->Acquire();
  absl::StatusOr<ConnectionPool::Lease> second = pool->Acquire();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_FALSE(IsMarked(**first));
  EXPECT_FALSE(IsMarked(**second));
}

TEST_F(ConnectionPoolTest, AfterAFailedReopenAcquireFailsUntilOneSucceeds) {
  std::unique_ptr<ConnectionPool> pool = OpenPool(2);
  ASSERT_NE(pool, nullptr);

  // What runs while closed fails: the pool stays closed.
  absl::Status status = pool->Reopen(absl::Seconds(10), [] {
    return absl::UnavailableError("the writer did not open");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(pool->Acquire().status().code(), absl::StatusCode::kUnavailable);

  // Its connections do not open: closed still.
  disk_.FailOpens(SQLITE_CANTOPEN);
  status = pool->Reopen(absl::Seconds(10), [] { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(pool->Acquire().status().code(), absl::StatusCode::kUnavailable);

  disk_.FailOpens(SQLITE_OK);
  EXPECT_TRUE(
      pool->Reopen(absl::Seconds(10), [] { return absl::OkStatus(); }).ok());
  absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  absl::StatusOr<Statement> stmt = (*lease)->Prepare("SELECT count(*) FROM rows");
  ASSERT_TRUE(stmt.ok()) << stmt.status();
  EXPECT_TRUE(stmt->Step().ok());
}

}  // namespace
}  // namespace glutecare::sqlite
