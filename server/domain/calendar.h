// Calendar days and time zones. Dates travel in the API as `YYYY-MM-DD`
// strings; a patient's calendar is their IANA time zone, so "the day of a
// session" is the civil day of its instant in that zone.
#ifndef GLUTECARE_SERVER_DOMAIN_CALENDAR_H_
#define GLUTECARE_SERVER_DOMAIN_CALENDAR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace glutecare {

// The earliest and latest calendar days the API accepts anywhere.
inline constexpr absl::CivilDay kMinDate{2000, 1, 1};
inline constexpr absl::CivilDay kMaxDate{2199, 12, 31};

// Parses a strict `YYYY-MM-DD` (no normalisation: 2026-02-30 is an error)
// between kMinDate and kMaxDate. Errors are INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text,
                                         absl::string_view field);

// The day of a stored `YYYY-MM-DD` date, as ParseDate reads it; none when it
// is empty or not such a date.
std::optional<absl::CivilDay> StoredDay(absl::string_view date);

// `YYYY-MM-DD`.
std::string FormatDate(absl::CivilDay day);

// Parses a strict `YYYY-MM` in the months of kMinDate to kMaxDate. Errors are
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text,
                                            absl::string_view field);

// The last calendar day of `month`.
inline absl::CivilDay LastDayOf(absl::CivilMonth month) {
  return absl::CivilDay(month + 1) - 1;
}

// Loads an IANA time zone such as "Europe/Berlin" from the system's zoneinfo.
// Names are checked before any file is touched. Errors are INVALID_ARGUMENT
// naming `field`. Thread-safe; zones are cached after the first load.
absl::StatusOr<absl::TimeZone> LoadTimeZone(absl::string_view name,
                                            absl::string_view field);

// The civil day of `instant` in `zone`: a session at 23:30 local time belongs
// to that local day, whatever the UTC date.
inline absl::CivilDay LocalDay(absl::Time instant, absl::TimeZone zone) {
  return absl::ToCivilDay(instant, zone);
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_CALENDAR_H_
