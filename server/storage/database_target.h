// What `--db` names: which storage backend serves, and where its data lives.
// glutecare-server, its `bootstrap` and `backup` take the same value.
//
//   GLUTECARE_ASSIGN_OR_RETURN(DatabaseTarget target,
//                              ParseDatabaseTarget(flag_value, "--db"));
//   Log(LogSeverity::kInfo, absl::StrCat("database ", Describe(target)));
//
// Forms:
// - a file path, or `sqlite:PATH`: the embedded SQLite database (the default,
//   data/glutecare.db);
// - `postgresql://...` or `postgres://...`: a PostgreSQL libpq connection URI,
//   including the Unix-socket form `postgresql:///glutecare?host=/run/pg`.
#ifndef GLUTECARE_SERVER_STORAGE_DATABASE_TARGET_H_
#define GLUTECARE_SERVER_STORAGE_DATABASE_TARGET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare {

struct DatabaseTarget {
  enum class Backend {
    // One database file, opened by one server process.
    kSqlite,
    // A PostgreSQL server shared by any number of server processes.
    kPostgres,
  };
  Backend backend = Backend::kSqlite;
  // kSqlite: the database file's path. kPostgres: the connection URI as
  // given, credentials included (never log it; see Describe).
  std::string location;
};

// Parses a `--db` value (see the top of this file). INVALID_ARGUMENT naming
// `field` for an empty value, `sqlite:` without a path, or a URI of another
// scheme ("mysql://...").
absl::StatusOr<DatabaseTarget> ParseDatabaseTarget(absl::string_view value,
                                                   absl::string_view field);

// The target for logs and messages: "SQLite database data/glutecare.db", or
// "PostgreSQL database postgresql://app@db.example/glutecare" with any
// password in the URI replaced by "xxx" and the query (which may hold one)
// left out.
std::string Describe(const DatabaseTarget& target);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_STORAGE_DATABASE_TARGET_H_
