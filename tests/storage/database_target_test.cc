#include "server/storage/database_target.h"

#include <string>

#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

TEST(ParseDatabaseTarget, SplitsSchemeAndLocation) {
  struct Case {
    std::string value;
    DatabaseTarget target;
  };
  const Case cases[] = {
      {"data/glutecare.db", {.location = "data/glutecare.db"}},
      {"/var/lib/glutecare/clinic.db",
       {.location = "/var/lib/glutecare/clinic.db"}},
      {"data/a:b.db", {.location = "data/a:b.db"}},
      {"c:glutecare.db", {.location = "c:glutecare.db"}},
      {"embedded:data/glutecare.db",
       {.scheme = "embedded", .location = "data/glutecare.db"}},
      {"Embedded:/tmp/a:b.db",
       {.scheme = "embedded", .location = "/tmp/a:b.db"}},
      {"postgresql://app:secret@db.example:5432/glutecare",
       {.scheme = "postgresql",
        .location = "postgresql://app:secret@db.example:5432/glutecare",
        .is_uri = true}},
      {"postgresql:///glutecare?host=/run/pg&port=5432",
       {.scheme = "postgresql",
        .location = "postgresql:///glutecare?host=/run/pg&port=5432",
        .is_uri = true}},
      {"PostgreSQL://db/glutecare",
       {.scheme = "postgresql",
        .location = "PostgreSQL://db/glutecare",
        .is_uri = true}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    absl::StatusOr<DatabaseTarget> target =
        ParseDatabaseTarget(c.value, "--db");
    ASSERT_TRUE(target.ok()) << target.status();
    EXPECT_EQ(*target, c.target);
  }
}

TEST(ParseDatabaseTarget, RefusesAnEmptyValueOrASchemeWithoutALocation) {
  for (const std::string value : {"", "embedded:"}) {
    SCOPED_TRACE(value);
    absl::StatusOr<DatabaseTarget> target = ParseDatabaseTarget(value, "--db");
    ASSERT_FALSE(target.ok());
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(FieldViolationsOf(target.status()).size(), 1u);
    EXPECT_EQ(FieldViolationsOf(target.status())[0].field, "--db");
  }
}

TEST(Redacted, NeverShowsAPassword) {
  struct Case {
    std::string value;
    std::string shown;
  };
  const Case cases[] = {
      {"data/glutecare.db", "data/glutecare.db"},
      {"postgresql://app:s3cret@db.example:5432/glutecare",
       "postgresql://app:xxx@db.example:5432/glutecare"},
      {"postgresql://app@db.example/glutecare",
       "postgresql://app@db.example/glutecare"},
      {"postgresql:///glutecare?host=/run/pg&password=s3cret",
       "postgresql:///glutecare"},
      {"postgres://a:b@c@db/glutecare", "postgres://a:xxx@db/glutecare"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    absl::StatusOr<DatabaseTarget> target =
        ParseDatabaseTarget(c.value, "--db");
    ASSERT_TRUE(target.ok()) << target.status();
    EXPECT_EQ(Redacted(*target), c.shown);
  }
}

}  // namespace
}  // namespace glutecare
