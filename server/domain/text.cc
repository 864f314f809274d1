#include "server/domain/text.h"

#include <cstdint>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace glutecare {

std::optional<size_t> Utf8Length(absl::string_view text) {
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<uint8_t>(text[i]);
    size_t extra;
    uint32_t code_point;
    if (lead < 0x80) {
      extra = 0;
      code_point = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
      code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      code_point = lead & 0x07;
    } else {
      return std::nullopt;  // continuation byte, 0xC0/0xC1 or above 0xF4
    }
    if (i + extra >= text.size()) return std::nullopt;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if ((extra == 2 && code_point < 0x800) ||
        (extra == 3 && (code_point < 0x10000 || code_point > 0x10FFFF)) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;  // overlong, out of range or a surrogate
    }
    i += extra + 1;
    ++count;
  }
  return count;
}

bool HasControlCharacters(absl::string_view text, bool allow_newlines) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      if (allow_newlines && (c == '\n' || c == '\t')) continue;
      return true;
    }
    // C1 controls U+0080-U+009F are encoded as 0xC2 0x80-0x9F.
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<uint8_t>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string QuoteForMessage(absl::string_view text, size_t max_bytes) {
  std::string out = "\"";
  const size_t n = text.size() < max_bytes ? text.size() : max_bytes;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    }
  }
  out += n < text.size() ? "\"..." : "\"";
  return out;
}

}  // namespace glutecare
