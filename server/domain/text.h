// Checks on user-supplied text: UTF-8 validity, length in characters, control
// characters, and a safe way to quote bad input back in an error message.
#ifndef GLUTECARE_SERVER_DOMAIN_TEXT_H_
#define GLUTECARE_SERVER_DOMAIN_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace glutecare {

// The number of code points in `text`, or nullopt when it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::optional<size_t> Utf8Length(absl::string_view text);

// True when `text` holds a C0/C1 control character or DEL. With
// `allow_newlines`, '\n' and '\t' are allowed (multi-line notes).
// REQUIRES: `text` is valid UTF-8.
bool HasControlCharacters(absl::string_view text, bool allow_newlines);

// `text` in double quotes, cut to at most `max_bytes` (plus "..."), with any
// byte that is not printable ASCII written as \xNN, so it is safe to put in an
// error message whatever the client sent.
std::string QuoteForMessage(absl::string_view text, size_t max_bytes = 64);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_TEXT_H_
