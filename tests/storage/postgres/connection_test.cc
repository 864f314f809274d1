#include "server/storage/postgres/connection.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/postgres/errors.h"
#include "tests/testing/postgres_database.h"

namespace glutecare::postgres {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ConnectionTest : public testing::PostgresTest {
 protected:
  std::string Scalar(absl::string_view sql) {
    return PostgresTest::Scalar(*db_, sql);
  }
};

TEST_F(ConnectionTest, ItReachesTheSuiteDatabaseOnItsSocketInTheSchemaAsked) {
  EXPECT_EQ(Scalar("SELECT current_database()"), "glutecare_test");
  EXPECT_EQ(Scalar("SELECT current_schema()"), schema_.name());
  // A Unix socket: no client address.
  EXPECT_EQ(Scalar("SELECT coalesce(inet_client_addr()::text, 'socket')"),
            "socket");
}

TEST_F(ConnectionTest, TheTestServerSyncsEveryCommitAndHasNoTcpPort) {
  EXPECT_EQ(Scalar("SHOW fsync"), "on");
  EXPECT_EQ(Scalar("SHOW synchronous_commit"), "on");
  EXPECT_EQ(Scalar("SHOW listen_addresses"), "");
}

TEST_F(ConnectionTest, AWrongPasswordIsPermissionDeniedAndNeverShowsIt) {
  const std::string password = "Wr0ng-Secret-4242";
  absl::StatusOr<std::unique_ptr<Connection>> db = Connection::Open(
      absl::StrCat(testing::TestPostgresUri(), "&password=", password));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kPermissionDenied)
      << db.status();
  EXPECT_THAT(db.status().message(), HasSubstr("glutecare_test"));
  EXPECT_THAT(db.status().message(), HasSubstr("password authentication"));
  EXPECT_THAT(db.status().message(), Not(HasSubstr(password)));
  EXPECT_THAT(db.status().message(), Not(HasSubstr("\n")));
}

TEST_F(ConnectionTest, AnUnreachableSocketIsUnavailable) {
  absl::StatusOr<std::unique_ptr<Connection>> db = Connection::Open(
      "postgresql://glutecare_test:Secret-77@/glutecare_test"
      "?host=/nonexistent-glutecare-socket&port=5432");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable)
      << db.status();
  EXPECT_THAT(db.status().message(),
              HasSubstr("/nonexistent-glutecare-socket/.s.PGSQL.5432"));
  EXPECT_THAT(db.status().message(), Not(HasSubstr("Secret-77")));
}

TEST_F(ConnectionTest, ItRunsAPreparedStatementWithParametersAndNulls) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE items (id bigint PRIMARY KEY, "
                        "name text, body bytea, done boolean)")
                  .ok());
  constexpr Statement kInsert = {
      .name = "items.insert",
      .sql = "INSERT INTO items VALUES ($1, $2, $3, $4)"};
  constexpr Statement kGet = {
      .name = "items.get",
      .sql = "SELECT id, name, body, done FROM items WHERE id = $1"};
  const std::string body("\0\xff\x01 bytes", 9);
  absl::StatusOr<Result> inserted = db_->Run(
      kInsert,
      Params().AddInt64(-42).AddText("Ana O'Neil").AddBytes(body).AddBool(
          true));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_EQ(inserted->affected_rows(), 1);
  inserted = db_->Run(
      kInsert,
      Params().AddInt64(int64_t{1} << 40).AddNull().AddNull().AddNull());
  ASSERT_TRUE(inserted.ok()) << inserted.status();

  absl::StatusOr<Result> row = db_->Run(kGet, Params().AddInt64(-42));
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_EQ(row->rows(), 1);
  ASSERT_EQ(row->columns(), 4);
  EXPECT_EQ(row->GetInt64(0, 0), -42);
  EXPECT_EQ(row->GetText(0, 1), "Ana O'Neil");
  EXPECT_EQ(row->GetBytes(0, 2), body);
  EXPECT_TRUE(row->GetBool(0, 3));

  row = db_->Run(kGet, Params().AddInt64(int64_t{1} << 40));
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_EQ(row->rows(), 1);
  EXPECT_EQ(row->GetInt64(0, 0), int64_t{1} << 40);
  EXPECT_FALSE(row->IsNull(0, 0));
  EXPECT_TRUE(row->IsNull(0, 1));
  EXPECT_TRUE(row->IsNull(0, 2));
  EXPECT_TRUE(row->IsNull(0, 3));

  row = db_->Run(kGet, Params().AddInt64(7));
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->rows(), 0);
}

TEST_F(ConnectionTest, AStatementIsPreparedOncePerConnection) {
  constexpr Statement kAdd = {.name = "numbers.add",
                              .sql = "SELECT $1::bigint + 1"};
  constexpr Statement kCount = {
      .name = "prepared.count",
      .sql = "SELECT count(*) FROM pg_prepared_statements WHERE name = $1"};
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Result> sum = db_->Run(kAdd, Params().AddInt64(i));
    ASSERT_TRUE(sum.ok()) << sum.status();
    EXPECT_EQ(sum->GetInt64(0, 0), i + 1);
  }
  absl::StatusOr<Result> count =
      db_->Run(kCount, Params().AddText("numbers.add"));
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->GetInt64(0, 0), 1);
}

TEST_F(ConnectionTest, TwoStatementsOfOneNameAreABug) {
  ASSERT_TRUE(db_->Run({.name = "twice", .sql = "SELECT 1"}).ok());
  EXPECT_EQ(db_->Run({.name = "twice", .sql = "SELECT 2"}).status().code(),
            absl::StatusCode::kInternal);
}

TEST_F(ConnectionTest, AUniqueViolationIsAlreadyExistsWithoutTheRowsValues) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE patients (mrn text PRIMARY KEY)").ok());
  constexpr Statement kInsert = {.name = "patients.insert",
                                 .sql = "INSERT INTO patients VALUES ($1)"};
  ASSERT_TRUE(db_->Run(kInsert, Params().AddText("MRN-55501")).ok());
  const absl::Status again =
      db_->Run(kInsert, Params().AddText("MRN-55501")).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(SqlStateOf(again), "23505");
  EXPECT_THAT(again.message(), HasSubstr("patients_pkey"));
  EXPECT_THAT(again.message(), Not(HasSubstr("MRN-55501")));
  EXPECT_TRUE(db_->reusable());
}

TEST_F(ConnectionTest, ABadStatementIsInternalAndTheConnectionStaysUsable) {
  const absl::Status status = db_->Exec("SELEKT 1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(SqlStateOf(status), "42601");
  EXPECT_TRUE(db_->reusable());
  EXPECT_EQ(Scalar("SELECT 2"), "2");
}

}  // namespace
}  // namespace glutecare::postgres
