// What `--db` names, before any backend looks at it: a scheme and a
// location. glutecare-server, its `bootstrap` and `backup` take the same
// value; main maps the scheme to a backend built into the binary (see
// server/main.cc), so this file knows no backend.
//
//   GLUTECARE_ASSIGN_OR_RETURN(DatabaseTarget target,
//                              ParseDatabaseTarget(flag_value, "--db"));
//   Log(LogSeverity::kInfo, absl::StrCat("database ", Redacted(target)));
//
// Forms:
// - a file path ("data/glutecare.db"): no scheme, the path as the location;
// - `SCHEME:PATH` ("embedded:data/x.db"): the scheme, lower-cased, and the
//   path after the colon as the location;
// - a URI `SCHEME://...` ("postgresql://app@db/glutecare",
//   "postgresql:///glutecare?host=/run/pg"): the scheme, lower-cased, and the
//   whole URI, credentials included, as the location.
// A scheme is a letter and then letters, digits, '+', '-' or '.' (RFC 3986),
// of two characters or more so that no one-letter folder is taken for one;
// compared ignoring case. A relative path whose first folder ends in a colon
// is written with "./" in front.
#ifndef GLUTECARE_SERVER_STORAGE_DATABASE_TARGET_H_
#define GLUTECARE_SERVER_STORAGE_DATABASE_TARGET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare {

struct DatabaseTarget {
  // Lower case; empty for a plain file path.
  std::string scheme;
  // The file path, or the whole URI (never log it; see Redacted).
  std::string location;
  // Whether the value was a URI (`SCHEME://...`).
  bool is_uri = false;

  bool operator==(const DatabaseTarget&) const = default;
};

// Parses a `--db` value (see the top of this file). INVALID_ARGUMENT naming
// `field` for an empty value or a `SCHEME:` with nothing after it.
absl::StatusOr<DatabaseTarget> ParseDatabaseTarget(absl::string_view value,
                                                   absl::string_view field);

// The location for logs and messages: a path as it is; a URI with any
// password replaced by "xxx" and the query (which may hold one) left out,
// "postgresql://app:xxx@db.example/glutecare".
std::string Redacted(const DatabaseTarget& target);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_STORAGE_DATABASE_TARGET_H_
