#include "server/storage/postgres/transaction.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "server/storage/postgres/errors.h"
#include "tests/testing/postgres_database.h"

namespace glutecare::postgres {
namespace {

constexpr Statement kInsertNote = {.name = "notes.insert",
                                   .sql = "INSERT INTO notes VALUES ($1)"};

class TransactionTest : public testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    other_ = Connect();
    ASSERT_NE(other_, nullptr);
    ASSERT_TRUE(db_->Exec("CREATE TABLE notes (text text PRIMARY KEY)").ok());
  }

  // The notes another connection sees: what was committed.
  std::string CommittedNotes() {
    return Scalar(*other_, "SELECT count(*) FROM notes");
  }

  std::unique_ptr<Connection> other_;
};

TEST_F(TransactionTest, WhatACommittedTransactionWroteIsSeenByOthers) {
  absl::StatusOr<Transaction> tx =
      Transaction::Begin(*db_, Isolation::kReadCommitted);
  ASSERT_TRUE(tx.ok()) << tx.status();
  ASSERT_TRUE(tx->connection().Run(kInsertNote, Params().AddText("a")).ok());
  EXPECT_EQ(CommittedNotes(), "0");
  EXPECT_TRUE(tx->Commit().ok());
  EXPECT_EQ(CommittedNotes(), "1");
  EXPECT_TRUE(db_->reusable());
}

TEST_F(TransactionTest, ATransactionDestroyedUncommittedRollsBack) {
  {
    absl::StatusOr<Transaction> tx =
        Transaction::Begin(*db_, Isolation::kSerializable);
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE(tx->connection().Run(kInsertNote, Params().AddText("a")).ok());
    EXPECT_FALSE(db_->reusable()) << "a transaction is open on it";
  }
  EXPECT_TRUE(db_->reusable());
  EXPECT_EQ(CommittedNotes(), "0");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM notes"), "0");
}

TEST_F(TransactionTest, CommitAfterAFailedStatementIsAbortedAndKeepsNothing) {
  absl::StatusOr<Transaction> tx =
      Transaction::Begin(*db_, Isolation::kReadCommitted);
  ASSERT_TRUE(tx.ok()) << tx.status();
  ASSERT_TRUE(tx->connection().Run(kInsertNote, Params().AddText("a")).ok());
  EXPECT_EQ(tx->connection().Run(kInsertNote, Params().AddText("a"))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  const absl::Status committed = tx->Commit();
  EXPECT_EQ(committed.code(), absl::StatusCode::kAborted) << committed;
  EXPECT_EQ(CommittedNotes(), "0");
  EXPECT_TRUE(db_->reusable());
}

TEST_F(TransactionTest, ItRunsAtTheIsolationLevelAsked) {
  struct Row {
    Isolation isolation;
    bool read_only;
    const char* level;
    const char* read_only_setting;
  };
  const Row rows[] = {
      {Isolation::kReadCommitted, false, "read committed", "off"},
      {Isolation::kRepeatableRead, false, "repeatable read", "off"},
      {Isolation::kSerializable, false, "serializable", "off"},
      {Isolation::kSerializable, true, "serializable", "on"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.level);
    absl::StatusOr<Transaction> tx =
        Transaction::Begin(*db_, row.isolation, row.read_only);
    ASSERT_TRUE(tx.ok()) << tx.status();
    absl::StatusOr<Result> level = db_->Exec("SHOW transaction_isolation");
    ASSERT_TRUE(level.ok()) << level.status();
    EXPECT_EQ(level->GetText(0, 0), row.level);
    absl::StatusOr<Result> read_only = db_->Exec("SHOW transaction_read_only");
    ASSERT_TRUE(read_only.ok()) << read_only.status();
    EXPECT_EQ(read_only->GetText(0, 0), row.read_only_setting);
  }
}

// Write skew: each of two serializable transactions reads what the other
// writes. The first to commit wins; the other fails with a serialization
// failure, at a statement or at COMMIT, and may run again.
TEST_F(TransactionTest, ASerializationFailureIsAbortedAndRetryable) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE on_call (name text PRIMARY KEY, "
                        "on_duty boolean NOT NULL);"
                        "INSERT INTO on_call VALUES ('tess', true), "
                        "('theo', true)")
                  .ok());
  constexpr Statement kOnDuty = {
      .name = "on_call.count",
      .sql = "SELECT count(*) FROM on_call WHERE on_duty"};
  constexpr Statement kLeave = {
      .name = "on_call.leave",
      .sql = "UPDATE on_call SET on_duty = false WHERE name = $1"};

  absl::StatusOr<Transaction> first =
      Transaction::Begin(*db_, Isolation::kSerializable);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Transaction> second =
      Transaction::Begin(*other_, Isolation::kSerializable);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(first->connection().Run(kOnDuty).ok());
  ASSERT_TRUE(second->connection().Run(kOnDuty).ok());
  ASSERT_TRUE(
      first->connection().Run(kLeave, Params().AddText("tess")).ok());
  absl::Status failure =
      second->connection().Run(kLeave, Params().AddText("theo")).status();
  ASSERT_TRUE(first->Commit().ok());
  if (failure.ok()) failure = second->Commit();

  EXPECT_EQ(failure.code(), absl::StatusCode::kAborted) << failure;
  EXPECT_EQ(SqlStateOf(failure), "40001");
  EXPECT_TRUE(IsRetryable(failure));
}

}  // namespace
}  // namespace glutecare::postgres
