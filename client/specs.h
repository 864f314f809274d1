// What a user types on the glutecare command line, parsed into protobuf values,
// and those values formatted back for people: exercise specs, friendly enum
// names, the answers of an outcome measure, calendar days and instants. Pure
// functions, no gRPC.
//
// The client checks syntax only; ranges (sets 1-10, pain 0-10, ...) are the
// server's to check, so that there is one source of truth for them.
//
//   absl::StatusOr<v1::Prescription> dose =
//       ParseExerciseSpec<v1::Prescription>("clamshell:3x15@band-light");
//   FormatExerciseSpec(*dose);                        //
//   "clamshell:3x15@band-light" ParseFriendlyName<v1::PainArea>("lower-back",
//   "--area");  // PAIN_AREA_LOWER_BACK FriendlyName(v1::LOAD_TYPE_BAND_LIGHT);
//   // "band-light"
//
// Every parse error is a UsageError() (client/errors.h) naming the flag and the
// text it got.
#ifndef GLUTECARE_CLIENT_SPECS_H_
#define GLUTECARE_CLIENT_SPECS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/spec_format.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/session.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace glutecare::client {

// ---- Exercise specs -------------------------------------------------------
//
// Grammar: `EXERCISE:SETSxREPS[@LOAD]`, or `EXERCISE:SETSxSECONDSs[@LOAD]` for
// holds. EXERCISE is a catalog id (`glute-bridge`) or name
// (`exercises/glute-bridge`). LOAD is `bodyweight` (the default),
// `band-light`, `band-medium`, `band-heavy`, or a weight such as `8kg` or
// `2.5kg`. Examples: `glute-bridge:3x12`, `glute-bridge:3x30s`,
// `goblet-squat:3x10@8kg`.

// Parses `spec` into the exercise, sets, reps or hold_seconds, and load of a
// Dose: v1::Prescription (its sessions_per_week and notes stay unset) or
// v1::PerformedExercise.
template <typename Dose>
absl::StatusOr<Dose> ParseExerciseSpec(absl::string_view spec);

// FormatExerciseSpec(dose) writes a spec back (common/spec_format.h).

// The specs of `doses` joined by ", ": "glute-bridge:3x12,
// clamshell:3x15@band-light".
template <typename Dose>
std::string FormatExerciseSpecs(
    const google::protobuf::RepeatedPtrField<Dose>& doses) {
  std::string specs;
  for (const Dose& dose : doses) {
    if (!specs.empty()) specs += ", ";
    specs += FormatExerciseSpec(dose);
  }
  return specs;
}

// "3 x 12" for repetitions, "3 x 30s" for holds.
std::string FormatSetsAndReps(int sets, int reps, int hold_seconds);

// FormatLoad(load): "band-light", "bodyweight" or "2.5kg"
// (common/spec_format.h).

// A 0-10 NRS pain score, or "" when it is not set.
std::string FormatPainScore(bool has_score, int score);

// ---- Enums ----------------------------------------------------------------

// FriendlyName(value) and FriendlyEnumName(descriptor, value): a value's
// friendly name, PAIN_AREA_LOWER_BACK -> "lower-back" (common/spec_format.h).

// The friendly names of the values of a repeated enum field, joined by ", ":
// "lower-back, hip".
template <typename Enum>
std::string FormatFriendlyNames(
    const google::protobuf::RepeatedField<int>& values) {
  std::string names;
  for (const int value : values) {
    if (!names.empty()) names += ", ";
    names += FriendlyName(static_cast<Enum>(value));
  }
  return names;
}

// The enum value whose friendly name is `text`. The UNSPECIFIED value is never
// accepted. A usage error naming `flag` lists the accepted names.
absl::StatusOr<int> ParseFriendlyEnumName(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view text,
    absl::string_view flag);

template <typename Enum>
absl::StatusOr<Enum> ParseFriendlyName(absl::string_view text,
                                       absl::string_view flag) {
  absl::StatusOr<int> value = ParseFriendlyEnumName(
      *google::protobuf::GetEnumDescriptor<Enum>(), text, flag);
  if (!value.ok()) return value.status();
  return static_cast<Enum>(*value);
}

// ParseFriendlyName of an optional flag; `unset` when it was not given.
template <typename Enum>
absl::StatusOr<Enum> ParseOptionalFriendlyName(
    const std::optional<std::string>& text, absl::string_view flag,
    Enum unset) {
  if (!text.has_value()) return unset;
  return ParseFriendlyName<Enum>(*text, flag);
}

// A difficulty: `easy`, `right`, `hard`, or the friendly names `too-easy`,
// `about-right`, `too-hard`.
absl::StatusOr<v1::Difficulty> ParseDifficulty(absl::string_view text,
                                               absl::string_view flag);

// ---- Answers of outcome measures ----------------------------------------
//
// Grammar of `glutecare outcomes submit --answers` and of its `--file`: one
// entry per item, separated by commas, blanks or newlines; an entry is a
// score (whole number) or `-` for a skipped item; `#` starts a comment to
// the end of its line. Example: `3, 2, - # item 3 skipped`.

// The answers in `text`, one per item: a score, or nullopt for `-`.
// Whether a score is in its item's range is the server's to check. A usage
// error naming `flag` for an entry that is neither, or for other than
// `items` entries.
absl::StatusOr<std::vector<std::optional<int>>> ParseAnswerList(
    absl::string_view text, int items, absl::string_view flag);

// ---- Days and instants ----------------------------------------------------

// OK when `text` is a calendar day written `YYYY-MM-DD`; otherwise a usage
// error naming `flag`.
absl::Status CheckDate(absl::string_view text, absl::string_view flag);

// The calendar day (`YYYY-MM-DD`) that `time` falls on in `zone`.
std::string LocalDate(absl::Time time, absl::TimeZone zone);

// An RFC 3339 instant with an offset, such as `2024-05-01T08:30:00+02:00`,
// from year 1 to 9999 as a google.protobuf.Timestamp holds it; anything else
// is a usage error naming `flag`.
absl::StatusOr<absl::Time> ParseInstant(absl::string_view text,
                                        absl::string_view flag);

google::protobuf::Timestamp ToTimestamp(absl::Time time);

// `timestamp` in RFC 3339, UTC, whole seconds; "" when it is unset (zero).
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

// ---- Explicit instantiations (in specs.cc) --------------------------------
extern template absl::StatusOr<v1::Prescription> ParseExerciseSpec(
    absl::string_view);
extern template absl::StatusOr<v1::PerformedExercise> ParseExerciseSpec(
    absl::string_view);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_SPECS_H_
