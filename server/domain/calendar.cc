#include "server/domain/calendar.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/domain/text.h"

namespace glutecare {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// IANA names are ASCII path-like words ("America/Argentina/Buenos_Aires",
// "Etc/GMT+5", "UTC"); anything else, such as "..", never reaches the file
// system.
bool LooksLikeIanaName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (name.front() == '/' || name.back() == '/') return false;
  char previous = '/';
  for (char c : name) {
    const bool word_char = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                           c == '_' || c == '-' || c == '+';
    if (!word_char && c != '/') return false;
    if (c == '/' && previous == '/') return false;
    previous = c;
  }
  // "localtime" is cctz's alias for the server's own zone, not an IANA name.
  return name.find("..") == absl::string_view::npos && name != "localtime";
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text,
                                         absl::string_view field) {
  int64_t year = 0, month = 0, day = 0;
  const bool shape_ok = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                        AllDigits(text.substr(0, 4)) &&
                        AllDigits(text.substr(5, 2)) &&
                        AllDigits(text.substr(8, 2)) &&
                        absl::SimpleAtoi(text.substr(0, 4), &year) &&
                        absl::SimpleAtoi(text.substr(5, 2), &month) &&
                        absl::SimpleAtoi(text.substr(8, 2), &day);
  if (!shape_ok) {
    return InvalidFieldError(std::string(field),
                             absl::StrCat("must be a date YYYY-MM-DD (got ",
                                          QuoteForMessage(text), ")"));
  }
  const absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat(QuoteForMessage(text), " is not a calendar date"));
  }
  if (civil < kMinDate || civil > kMaxDate) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("must be between ", FormatDate(kMinDate), " and ",
                     FormatDate(kMaxDate), " (got ", text, ")"));
  }
  return civil;
}

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text,
                                            absl::string_view field) {
  int64_t year = 0, month = 0;
  if (text.size() != 7 || text[4] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) ||
      !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || month < 1 || month > 12) {
    return InvalidFieldError(std::string(field), "must be a month as YYYY-MM");
  }
  const absl::CivilMonth parsed(year, month);
  const absl::CivilMonth first(kMinDate);
  const absl::CivilMonth last(kMaxDate);
  if (parsed < first || parsed > last) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("must be from ", absl::FormatCivilTime(first), " to ",
                     absl::FormatCivilTime(last)));
  }
  return parsed;
}

std::optional<absl::CivilDay> StoredDay(absl::string_view date) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(date, "date");
  if (!day.ok()) return std::nullopt;
  return *day;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::TimeZone> LoadTimeZone(absl::string_view name,
                                            absl::string_view field) {
  absl::TimeZone zone;
  if (!LooksLikeIanaName(name) ||
      !absl::LoadTimeZone(std::string(name), &zone)) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat(name.empty()
                         ? "required"
                         : "unknown time zone " + QuoteForMessage(name),
                     ": use an IANA name such as Europe/Berlin"));
  }
  return zone;
}

}  // namespace glutecare
