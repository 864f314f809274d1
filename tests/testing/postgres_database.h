// The suite's throwaway PostgreSQL database, a schema of its own for each
// test, and a fixture with a connection to it. ctest starts the server
// (tests/testing/pg_server.sh, the fixture `postgres` of
// tests/CMakeLists.txt) and passes its URI in GLUTECARE_TEST_PG_URI; a test
// that needs it fails when it is not set.
//
//   class VisitTest : public testing::PostgresTest {};
//   TEST_F(VisitTest, ...) {
//     ASSERT_TRUE(db_->Exec("CREATE TABLE visits (id text)").ok());
//     EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM visits"), "0");
//   }
#ifndef GLUTECARE_TESTS_TESTING_POSTGRES_DATABASE_H_
#define GLUTECARE_TESTS_TESTING_POSTGRES_DATABASE_H_

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/storage/postgres/connection.h"

namespace glutecare::testing {

// The URI of the suite's PostgreSQL database; empty when
// GLUTECARE_TEST_PG_URI is not set.
inline std::string TestPostgresUri() {
  const char* uri = std::getenv("GLUTECARE_TEST_PG_URI");
  return uri != nullptr ? uri : "";
}

// A schema in the suite's database that only this object uses, dropped with
// everything in it when the object goes away: tests that ctest runs at the
// same time never see each other's tables.
class ScratchSchema final {
 public:
  ScratchSchema() {
    const std::string base = TestPostgresUri();
    if (base.empty()) {
      error_ =
          "GLUTECARE_TEST_PG_URI is not set: this test needs the suite's "
          "PostgreSQL server; run it through ctest (the fixture `postgres`)";
      return;
    }
    static std::atomic<int> next{0};
    name_ = absl::StrCat("test_", getpid(), "_", next++);
    absl::StatusOr<std::unique_ptr<postgres::Connection>> admin =
        postgres::Connection::Open(base);
    if (!admin.ok()) {
      error_ = admin.status().ToString();
      return;
    }
    admin_ = *std::move(admin);
    absl::StatusOr<postgres::Result> created =
        admin_->Exec(absl::StrCat("CREATE SCHEMA ", name_));
    if (!created.ok()) {
      error_ = created.status().ToString();
      return;
    }
    uri_ = absl::StrCat(base, absl::StrContains(base, "?") ? "&" : "?",
                        "options=-csearch_path%3D", name_);
  }
  ScratchSchema(const ScratchSchema&) = delete;
  ScratchSchema& operator=(const ScratchSchema&) = delete;
  ~ScratchSchema() {
    if (ok()) (void)admin_->Exec(absl::StrCat("DROP SCHEMA ", name_, " CASCADE"));
  }

  // Whether the schema was made; error() says why not.
  bool ok() const { return !uri_.empty(); }
  const std::string& error() const { return error_; }

  const std::string& name() const { return name_; }
  // The suite's URI with the search path set to this schema: connections
  // opened with it make and find their tables in it.
  const std::string& uri() const { return uri_; }

 private:
  std::string name_;
  std::string uri_;
  std::string error_;
  std::unique_ptr<postgres::Connection> admin_;
};

// A test on a ScratchSchema of its own, with a connection to it in `db_`.
class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(schema_.ok()) << schema_.error();
    db_ = Connect();
    ASSERT_NE(db_, nullptr);
  }

  // A new connection to the schema; null (and the test fails) if it failed.
  std::unique_ptr<postgres::Connection> Connect() {
    absl::StatusOr<std::unique_ptr<postgres::Connection>> db =
        postgres::Connection::Open(schema_.uri());
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // The text of the one value that `sql` returns on `db`.
  static std::string Scalar(postgres::Connection& db, absl::string_view sql) {
    absl::StatusOr<postgres::Result> result = db.Exec(sql);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok() || result->rows() != 1) return "<no row>";
    return std::string(result->GetText(0, 0));
  }

  ScratchSchema schema_;
  std::unique_ptr<postgres::Connection> db_;
};

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_POSTGRES_DATABASE_H_
