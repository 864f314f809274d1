#include "server/storage/database_target.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

constexpr absl::string_view kSqlitePrefix = "sqlite:";

// The scheme of `value` when it is a URI ("postgresql" of
// "postgresql://..."), empty otherwise. RFC 3986: a letter, then letters,
// digits, '+', '-' or '.'.
absl::string_view SchemeOf(absl::string_view value) {
  const size_t end = value.find("://");
  if (end == absl::string_view::npos || end == 0) return {};
  const absl::string_view scheme = value.substr(0, end);
  if (!absl::ascii_isalpha(static_cast<unsigned char>(scheme[0]))) return {};
  for (char c : scheme) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' &&
        c != '-' && c != '.') {
      return {};
    }
  }
  return scheme;
}

}  // namespace

absl::StatusOr<DatabaseTarget> ParseDatabaseTarget(absl::string_view value,
                                                   absl::string_view field) {
  if (value.empty()) {
    return InvalidFieldError(std::string(field),
                             "must name a database: a file path, "
                             "sqlite:PATH or postgresql://...");
  }
  const absl::string_view scheme = SchemeOf(value);
  if (!scheme.empty()) {
    if (absl::EqualsIgnoreCase(scheme, "postgresql") ||
        absl::EqualsIgnoreCase(scheme, "postgres")) {
      return DatabaseTarget{.backend = DatabaseTarget::Backend::kPostgres,
                            .location = std::string(value)};
    }
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("names a database of an unknown kind (", scheme,
                     "://); use a file path, sqlite:PATH or "
                     "postgresql://..."));
  }
  if (absl::StartsWith(value, kSqlitePrefix)) {
    value.remove_prefix(kSqlitePrefix.size());
    if (value.empty()) {
      return InvalidFieldError(std::string(field),
                               "sqlite: must be followed by the file's path");
    }
  }
  return DatabaseTarget{.backend = DatabaseTarget::Backend::kSqlite,
                        .location = std::string(value)};
}

std::string Describe(const DatabaseTarget& target) {
  if (target.backend == DatabaseTarget::Backend::kSqlite) {
    return absl::StrCat("SQLite database ", target.location);
  }
  // scheme://[user[:password]@]host[:port][/dbname][?params]
  absl::string_view uri = target.location;
  uri = uri.substr(0, uri.find('?'));
  const size_t authority = uri.find("://") + 3;
  const size_t path = uri.find('/', authority);
  const size_t at = uri.substr(0, path).rfind('@');
  std::string shown(uri);
  if (at != absl::string_view::npos && at >= authority) {
    const size_t colon = uri.substr(authority, at - authority).find(':');
    if (colon != absl::string_view::npos) {
      shown = absl::StrCat(uri.substr(0, authority + colon), ":xxx",
                           uri.substr(at));
    }
  }
  return absl::StrCat("PostgreSQL database ", shown);
}

}  // namespace glutecare
