#include "server/storage/database_target.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

// The length of the scheme `value` starts with (the characters before its
// first ':'), or 0 when it does not start with one.
size_t SchemeLength(absl::string_view value) {
  const size_t colon = value.find(':');
  if (colon == absl::string_view::npos || colon < 2) return 0;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(value[0]))) return 0;
  for (char c : value.substr(0, colon)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' &&
        c != '-' && c != '.') {
      return 0;
    }
  }
  return colon;
}

}  // namespace

absl::StatusOr<DatabaseTarget> ParseDatabaseTarget(absl::string_view value,
                                                   absl::string_view field) {
  if (value.empty()) {
    return InvalidFieldError(std::string(field),
                             "must name a database: a file path or a URI");
  }
  const size_t scheme_length = SchemeLength(value);
  if (scheme_length == 0) {
    return DatabaseTarget{.location = std::string(value)};
  }
  DatabaseTarget target{
      .scheme = absl::AsciiStrToLower(value.substr(0, scheme_length))};
  absl::string_view rest = value.substr(scheme_length + 1);
  if (absl::StartsWith(rest, "//")) {
    target.is_uri = true;
    target.location = std::string(value);
    return target;
  }
  if (rest.empty()) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat(value, " must be followed by the database file's path"));
  }
  target.location = std::string(rest);
  return target;
}

std::string Redacted(const DatabaseTarget& target) {
  if (!target.is_uri) return target.location;
  // scheme://[user[:password]@]host[:port][/dbname][?params]
  absl::string_view uri = target.location;
  uri = uri.substr(0, uri.find('?'));
  const size_t authority = uri.find("://") + 3;
  const size_t path = uri.find('/', authority);
  const size_t at = uri.substr(0, path).rfind('@');
  if (at != absl::string_view::npos && at >= authority) {
    const size_t colon = uri.substr(authority, at - authority).find(':');
    if (colon != absl::string_view::npos) {
      return absl::StrCat(uri.substr(0, authority + colon), ":xxx",
                          uri.substr(at));
    }
  }
  return std::string(uri);
}

}  // namespace glutecare
