// Opaque page tokens for keyset pagination. A token holds the sort key of the
// last item of a page and the query it belongs to, so a token is rejected when
// it is sent with another query (another parent, another filter).
#ifndef GLUTECARE_SERVER_COMMON_PAGE_TOKEN_H_
#define GLUTECARE_SERVER_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare {

// Where a page starts: after the row with this sort key and primary key.
struct PageCursor {
  std::variant<int64_t, std::string> sort_key;
  int64_t pk = 0;
};

// A URL-safe token for `cursor` within `query` (any string that identifies
// the query, such as "sessions:clinics/a/patients/b"). REQUIRES: neither
// `query` nor a string sort key holds a NUL byte (the token's separator);
// queries are built from resource names and sort keys come from SQLite
// text, which never do.
std::string EncodePageToken(absl::string_view query, const PageCursor& cursor);

// The cursor in `token`. INVALID_ARGUMENT naming "page_token" when the token
// is malformed or belongs to another query.
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view query,
                                           absl::string_view token);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_PAGE_TOKEN_H_
