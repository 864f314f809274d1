#include "server/storage/database_target.h"

#include <string>

#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

using Backend = DatabaseTarget::Backend;

TEST(ParseDatabaseTarget, TellsTheBackendFromTheValue) {
  struct Case {
    std::string value;
    Backend backend;
    std::string location;
  };
  const Case cases[] = {
      {"data/glutecare.db", Backend::kSqlite, "data/glutecare.db"},
      {"/var/lib/glutecare/clinic.db", Backend::kSqlite,
       "/var/lib/glutecare/clinic.db"},
      {"sqlite:data/glutecare.db", Backend::kSqlite, "data/glutecare.db"},
      {"sqlite:/tmp/a:b.db", Backend::kSqlite, "/tmp/a:b.db"},
      {"postgresql://app:secret@db.example:5432/glutecare", Backend::kPostgres,
       "postgresql://app:secret@db.example:5432/glutecare"},
      {"postgres://db.example/glutecare", Backend::kPostgres,
       "postgres://db.example/glutecare"},
      {"postgresql:///glutecare?host=/run/pg&port=5432", Backend::kPostgres,
       "postgresql:///glutecare?host=/run/pg&port=5432"},
      {"PostgreSQL://db/glutecare", Backend::kPostgres,
       "PostgreSQL://db/glutecare"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    absl::StatusOr<DatabaseTarget> target =
        ParseDatabaseTarget(c.value, "--db");
    ASSERT_TRUE(target.ok()) << target.status();
    EXPECT_EQ(target->backend, c.backend);
    EXPECT_EQ(target->location, c.location);
  }
}

TEST(ParseDatabaseTarget, RefusesWhatNamesNoDatabaseItKnows) {
  for (const std::string value :
       {"", "sqlite:", "mysql://db/glutecare", "file://data/glutecare.db"}) {
    SCOPED_TRACE(value);
    absl::StatusOr<DatabaseTarget> target = ParseDatabaseTarget(value, "--db");
    ASSERT_FALSE(target.ok());
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(FieldViolationsOf(target.status()).size(), 1u);
    EXPECT_EQ(FieldViolationsOf(target.status())[0].field, "--db");
  }
}

TEST(Describe, NeverShowsAPassword) {
  struct Case {
    std::string value;
    std::string shown;
  };
  const Case cases[] = {
      {"data/glutecare.db", "SQLite database data/glutecare.db"},
      {"postgresql://app:s3cret@db.example:5432/glutecare",
       "PostgreSQL database postgresql://app:xxx@db.example:5432/glutecare"},
      {"postgresql://app@db.example/glutecare",
       "PostgreSQL database postgresql://app@db.example/glutecare"},
      {"postgresql:///glutecare?host=/run/pg&password=s3cret",
       "PostgreSQL database postgresql:///glutecare"},
      {"postgres://a:b@c@db/glutecare",
       "PostgreSQL database postgres://a:xxx@db/glutecare"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    absl::StatusOr<DatabaseTarget> target =
        ParseDatabaseTarget(c.value, "--db");
    ASSERT_TRUE(target.ok()) << target.status();
    EXPECT_EQ(Describe(*target), c.shown);
  }
}

}  // namespace
}  // namespace glutecare
