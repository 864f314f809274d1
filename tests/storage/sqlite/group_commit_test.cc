#include "server/storage/sqlite/group_commit.h"

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/storage/sqlite/fault_disk_test.h"

namespace glutecare::sqlite {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// Inserts `key` into the table `rows`, whose keys are unique.
absl::Status InsertRow(Connection& db, const std::string& key) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt, db.Prepare("INSERT INTO rows (key) VALUES (?1)"));
  stmt.BindText(1, key);
  return stmt.Run();
}

absl::StatusOr<int64_t> CountRows(Connection& db) {
  GLUTECARE_ASSIGN_OR_RETURN(Statement stmt,
                             db.Prepare("SELECT count(*) FROM rows"));
  GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return absl::InternalError("count(*) returned no row");
  return stmt.ColumnInt64(0);
}

int CountCommit(void* commits) {
  static_cast<std::atomic<int>*>(commits)->fetch_add(1);
  return 0;  // let it commit
}

// A GroupCommit over a fresh database on a disk that fails on command, and
// writers on threads of their own. A transaction can be held open (Hold), so
// that the writes started meanwhile queue up for the next one, in the order
// they were started (StartQueued).
class GroupCommitTest : public FaultDiskTest {
 protected:
  GroupCommitTest() : FaultDiskTest("group-commit-test") {}

  void SetUp() override {
    std::unique_ptr<Connection> writer =
        CreateDatabase("CREATE TABLE rows (key TEXT NOT NULL UNIQUE)");
    ASSERT_NE(writer, nullptr);
    // Counts the transactions that reach COMMIT on this connection.
    sqlite3_commit_hook(writer->raw(), &CountCommit, &commits_);
    commit_ = std::make_unique<GroupCommit>(
        std::move(writer),
        GroupCommit::Options{
            .writer = options_,
            .reopen_around =
                [this](absl::FunctionRef<absl::Status()> reopen_writer) {
                  reopens_.fetch_add(1);
                  return reopen_writer();
                }});
  }

  void TearDown() override {
    (void)Release();
    JoinWriters();
  }

  // Starts a write that inserts "held" and then holds its transaction open
  // until Release; returns once it holds it.
  void Hold() {
    held_ = std::thread([this] {
      held_status_ = commit_->Commit([this](Connection& db) -> absl::Status {
        GLUTECARE_RETURN_IF_ERROR(InsertRow(db, "held"));
        holding_.Notify();
        // Bounded: a test that never releases fails rather than hangs.
        release_.WaitForNotificationWithTimeout(absl::Seconds(30));
        return absl::OkStatus();
      });
    });
    EXPECT_TRUE(holding_.WaitForNotificationWithTimeout(absl::Seconds(10)));
  }

  // Lets the held transaction commit; returns the held write's outcome.
  absl::Status Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
    if (held_.joinable()) held_.join();
    return held_status_;
  }

  // Starts `write` on a thread of its own and returns once it is queued
  // behind the held transaction.
  void StartQueued(std::function<absl::Status(Connection&)> write) {
    auto& writer = writers_.emplace_back(std::make_unique<Writer>());
    writer->thread = std::thread([this, w = writer.get(), write] {
      w->status = commit_->Commit(write);
    });
    const int queued = static_cast<int>(writers_.size());
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (commit_->queued() < queued && absl::Now() < give_up) {
      std::this_thread::yield();
    }
    EXPECT_EQ(commit_->queued(), queued) << "the write never queued";
  }

  // Waits for every started write; their outcomes, in the order started.
  std::vector<absl::Status> JoinWriters() {
    std::vector<absl::Status> statuses;
    for (auto& writer : writers_) {
      if (writer->thread.joinable()) writer->thread.join();
      statuses.push_back(writer->status);
    }
    return statuses;
  }

  // The keys stored, as a new connection reads them.
  std::set<std::string> StoredKeys() {
    std::set<std::string> keys;
    Connection::Options reader = options_;
    reader.read_only = true;
    absl::StatusOr<std::unique_ptr<Connection>> db = Connection::Open(reader);
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return keys;
    absl::StatusOr<Statement> stmt = (*db)->Prepare("SELECT key FROM rows");
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    if (!stmt.ok()) return keys;
    while (true) {
      absl::StatusOr<bool> has_row = stmt->Step();
      EXPECT_TRUE(has_row.ok()) << has_row.status();
      if (!has_row.ok() || !*has_row) break;
      keys.emplace(stmt->ColumnText(0));
    }
    return keys;
  }

  struct Writer {
    std::thread thread;
    absl::Status status;
  };

  std::atomic<int> commits_{0};
  std::atomic<int> reopens_{0};
  std::unique_ptr<GroupCommit> commit_;

  std::thread held_;
  absl::Status held_status_;
  absl::Notification holding_;
  absl::Notification release_;
  std::vector<std::unique_ptr<Writer>> writers_;
};

TEST_F(GroupCommitTest, WritesQueuedBehindATransactionShareTheNextInOrder) {
  Hold();
  // Each write counts the rows it sees: the held one and those of the
  // writes queued before it.
  constexpr int kWriters = 6;
  std::vector<int64_t> seen(kWriters, -1);
  for (int i = 0; i < kWriters; ++i) {
    StartQueued([i, &seen](Connection& db) -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(seen[i], CountRows(db));
      return InsertRow(db, "w" + std::to_string(i));
    });
  }
  EXPECT_TRUE(Release().ok());
  for (const absl::Status& status : JoinWriters()) {
    EXPECT_TRUE(status.ok()) << status;
  }

  EXPECT_EQ(commits_.load(), 2);  // the held one, and one for the six
  for (int i = 0; i < kWriters; ++i) EXPECT_EQ(seen[i], i + 1) << i;
  EXPECT_EQ(StoredKeys().size(), static_cast<size_t>(kWriters + 1));
}

TEST_F(GroupCommitTest, AFailedWriteIsUndoneAloneAndGetsItsOwnError) {
  Hold();
  // The second write stores a row and then fails on a duplicate key.
  StartQueued([](Connection& db) { return InsertRow(db, "first"); });
  StartQueued([](Connection& db) -> absl::Status {
    GLUTECARE_RETURN_IF_ERROR(InsertRow(db, "second"));
    return InsertRow(db, "held");
  });
  StartQueued([](Connection& db) { return InsertRow(db, "third"); });
  EXPECT_TRUE(Release().ok());
  const std::vector<absl::Status> statuses = JoinWriters();

  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];
  EXPECT_EQ(statuses[1].code(), absl::StatusCode::kAlreadyExists)
      << statuses[1];
  EXPECT_TRUE(statuses[2].ok()) << statuses[2];
  EXPECT_EQ(commits_.load(), 2);
  EXPECT_THAT(StoredKeys(), UnorderedElementsAre("held", "first", "third"));
}

TEST_F(GroupCommitTest, AWriteWhoseErrorEndsTheTransactionFailsEveryWriteOfIt) {
  Hold();
  StartQueued([](Connection& db) { return InsertRow(db, "first"); });
  // SQLite rolls the whole transaction back on some errors (a full disk, an
  // I/O error); this write does so itself, deterministically.
  StartQueued([](Connection& db) -> absl::Status {
    GLUTECARE_RETURN_IF_ERROR(InsertRow(db, "second"));
    GLUTECARE_RETURN_IF_ERROR(db.Exec("ROLLBACK"));
    return absl::InternalError("the disk is full");
  });
  StartQueued([](Connection& db) { return InsertRow(db, "third"); });
  EXPECT_TRUE(Release().ok());

  // None is answered OK, not even the one that ran before and succeeded.
  for (const absl::Status& status : JoinWriters()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_THAT(status.message(), HasSubstr("rolled back")) << status;
  }
  EXPECT_THAT(StoredKeys(), UnorderedElementsAre("held"));
  // The next transaction is not affected.
  EXPECT_TRUE(
      commit_->Commit([](Connection& db) { return InsertRow(db, "next"); })
          .ok());
  EXPECT_THAT(StoredKeys(), UnorderedElementsAre("held", "next"));
  EXPECT_EQ(reopens_.load(), 0);
}

TEST_F(GroupCommitTest, AFailedSyncFailsEveryWriteOfItsTransactionAndReopens) {
  Hold();
  // The sync of the first commit that writes this marker fails, and every
  // sync after it.
  disk_.FailSyncsFrom("sync-fails");
  constexpr int kWriters = 4;
  for (int i = 0; i < kWriters; ++i) {
    StartQueued([i](Connection& db) {
      return InsertRow(db, "sync-fails-" + std::to_string(i));
    });
  }
  EXPECT_TRUE(Release().ok());
  for (const absl::Status& status : JoinWriters()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_THAT(status.message(), HasSubstr("the outcome is unknown"))
        << status;
  }
  EXPECT_EQ(reopens_.load(), 0);

  // The disk syncs again: the next transaction reopens the database first,
  // once, and commits.
  disk_.FailSyncs(SQLITE_OK);
  EXPECT_TRUE(
      commit_->Commit([](Connection& db) { return InsertRow(db, "after"); })
          .ok());
  EXPECT_EQ(reopens_.load(), 1);
  EXPECT_TRUE(
      commit_->Commit([](Connection& db) { return InsertRow(db, "later"); })
          .ok());
  EXPECT_EQ(reopens_.load(), 1);
  EXPECT_TRUE(StoredKeys().contains("after"));
  EXPECT_TRUE(StoredKeys().contains("later"));
}

TEST_F(GroupCommitTest, WhileReopeningFailsEveryTransactionIsRefusedAndRetries) {
  disk_.FailSyncs(SQLITE_IOERR_FSYNC);
  EXPECT_EQ(
      commit_->Commit([](Connection& db) { return InsertRow(db, "a"); }).code(),
      absl::StatusCode::kUnavailable);

  // The disk syncs again, but the file cannot be opened: every transaction
  // tries to reopen it, fails, and refuses its writes without running them.
  disk_.FailSyncs(SQLITE_OK);
  disk_.FailOpens(SQLITE_CANTOPEN);
  bool ran = false;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const absl::Status status = commit_->Commit([&](Connection& db) {
      ran = true;
      return InsertRow(db, "refused");
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_THAT(status.message(), HasSubstr("after a failed disk sync"));
    EXPECT_EQ(reopens_.load(), attempt);
  }
  EXPECT_FALSE(ran);

  // It opens again: the next transaction reopens it and writes go on.
  disk_.FailOpens(SQLITE_OK);
  EXPECT_TRUE(
      commit_->Commit([](Connection& db) { return InsertRow(db, "b"); }).ok());
  EXPECT_EQ(reopens_.load(), 3);
  EXPECT_TRUE(StoredKeys().contains("b"));
  EXPECT_FALSE(StoredKeys().contains("refused"));
}

}  // namespace
}  // namespace glutecare::sqlite
