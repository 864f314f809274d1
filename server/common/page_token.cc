#include "server/common/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

// Token layout before base64: "v1" NUL query NUL ('i'|'s') key NUL pk.
constexpr char kSeparator = '\0';

absl::Status BadToken() {
  return InvalidFieldError(
      "page_token",
      "is not a token from the previous page of this same list: start again "
      "with an empty page_token");
}

}  // namespace

std::string EncodePageToken(absl::string_view query, const PageCursor& cursor) {
  std::string key;
  if (const auto* number = std::get_if<int64_t>(&cursor.sort_key)) {
    key = absl::StrCat("i", *number);
  } else {
    key = absl::StrCat("s", std::get<std::string>(cursor.sort_key));
  }
  const std::string raw = absl::StrCat("v1", std::string(1, kSeparator), query,
                                       std::string(1, kSeparator), key,
                                       std::string(1, kSeparator), cursor.pk);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view query,
                                           absl::string_view token) {
  std::string raw;
  if (token.size() > 4096 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return BadToken();
  }
  std::vector<absl::string_view> parts = absl::StrSplit(raw, kSeparator);
  if (parts.size() != 4 || parts[0] != "v1" || parts[1] != query ||
      parts[2].empty()) {
    return BadToken();
  }
  PageCursor cursor;
  if (!absl::SimpleAtoi(parts[3], &cursor.pk)) return BadToken();
  const absl::string_view key = parts[2].substr(1);
  if (parts[2][0] == 'i') {
    int64_t number = 0;
    if (!absl::SimpleAtoi(key, &number)) return BadToken();
    cursor.sort_key = number;
  } else if (parts[2][0] == 's') {
    cursor.sort_key = std::string(key);
  } else {
    return BadToken();
  }
  return cursor;
}

}  // namespace glutecare
