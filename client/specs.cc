#include "client/specs.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "client/errors.h"
#include "client/names.h"

namespace glutecare::client {
namespace {

constexpr absl::string_view kExerciseCollection = "exercises";

absl::Status BadSpec(absl::string_view spec, absl::string_view problem) {
  return UsageError(absl::StrCat(
      "bad --exercise \"", spec, "\": ", problem,
      " (format EXERCISE:SETSxREPS[@LOAD] or EXERCISE:SETSxSECONDSs[@LOAD], "
      "such as glute-bridge:3x12 or clamshell:3x15@band-light)"));
}

// A count in a spec (sets, repetitions or seconds): plain digits that fit an
// int32. Whether it is in range is the server's to say.
std::optional<int32_t> ParseCount(absl::string_view text) {
  int32_t count = 0;
  if (text.empty() || !absl::c_all_of(text, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &count)) {
    return std::nullopt;
  }
  return count;
}

// `bodyweight`, a band, or a weight such as `8kg` / `2.5kg`; nullopt for
// anything else.
std::optional<v1::Load> ParseLoad(absl::string_view text) {
  v1::Load load;
  if (absl::ConsumeSuffix(&text, "kg")) {
    const bool is_decimal =
        absl::c_any_of(text, absl::ascii_isdigit) &&
        absl::c_all_of(
            text, [](char c) { return absl::ascii_isdigit(c) || c == '.'; }) &&
        absl::c_count(text, '.') <= 1;
    double weight_kg = 0;
    if (!is_decimal || !absl::SimpleAtod(text, &weight_kg)) return std::nullopt;
    load.set_type(v1::LOAD_TYPE_EXTERNAL_WEIGHT);
    load.set_weight_kg(weight_kg);
    return load;
  }
  for (const v1::LoadType type :
       {v1::LOAD_TYPE_BODYWEIGHT, v1::LOAD_TYPE_BAND_LIGHT,
        v1::LOAD_TYPE_BAND_MEDIUM, v1::LOAD_TYPE_BAND_HEAVY}) {
    if (text == FriendlyName(type)) {
      load.set_type(type);
      return load;
    }
  }
  return std::nullopt;
}

}  // namespace

template <typename Dose>
absl::StatusOr<Dose> ParseExerciseSpec(absl::string_view spec) {
  const size_t colon = spec.find(':');
  if (colon == absl::string_view::npos) {
    return BadSpec(spec, "no ':' after the exercise");
  }
  absl::string_view exercise = spec.substr(0, colon);
  absl::ConsumePrefix(&exercise, absl::StrCat(kExerciseCollection, "/"));
  if (exercise.empty() ||
      exercise.find_first_of(" \t/") != absl::string_view::npos) {
    return BadSpec(spec, "no exercise id before ':'");
  }

  absl::string_view sets_and_reps = spec.substr(colon + 1);
  std::optional<absl::string_view> load_text;
  if (const size_t at = sets_and_reps.find('@');
      at != absl::string_view::npos) {
    load_text = sets_and_reps.substr(at + 1);
    sets_and_reps = sets_and_reps.substr(0, at);
  }

  const size_t times = sets_and_reps.find_first_of("xX");
  if (times == absl::string_view::npos) {
    return BadSpec(spec, "no 'x' between sets and repetitions");
  }
  const std::optional<int32_t> sets =
      ParseCount(sets_and_reps.substr(0, times));
  if (!sets.has_value()) return BadSpec(spec, "sets must be a whole number");
  absl::string_view per_set = sets_and_reps.substr(times + 1);
  const bool is_hold = absl::ConsumeSuffix(&per_set, "s");
  const std::optional<int32_t> count = ParseCount(per_set);
  if (!count.has_value()) {
    return BadSpec(spec, is_hold ? "hold seconds must be a whole number"
                                 : "repetitions must be a whole number, or "
                                   "seconds such as 30s");
  }
  v1::Load load;
  load.set_type(v1::LOAD_TYPE_BODYWEIGHT);  // the default
  if (load_text.has_value()) {
    std::optional<v1::Load> parsed_load = ParseLoad(*load_text);
    if (!parsed_load.has_value()) {
      return BadSpec(spec, absl::StrCat("unknown load \"", *load_text,
                                        "\": use bodyweight, band-light, "
                                        "band-medium, band-heavy or a weight "
                                        "such as 8kg"));
    }
    load = *std::move(parsed_load);
  }

  Dose dose;
  dose.set_exercise(JoinName("", kExerciseCollection, exercise));
  dose.set_sets(*sets);
  if (is_hold) {
    dose.set_hold_seconds(*count);
  } else {
    dose.set_reps(*count);
  }
  *dose.mutable_load() = std::move(load);
  return dose;
}

template absl::StatusOr<v1::Prescription> ParseExerciseSpec(absl::string_view);
template absl::StatusOr<v1::PerformedExercise> ParseExerciseSpec(
    absl::string_view);

std::string FormatSetsAndReps(int sets, int reps, int hold_seconds) {
  if (hold_seconds > 0) return absl::StrCat(sets, " x ", hold_seconds, "s");
  return absl::StrCat(sets, " x ", reps);
}

std::string FormatPainScore(bool has_score, int score) {
  return has_score ? absl::StrCat(score) : "";
}

absl::StatusOr<int> ParseFriendlyEnumName(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view text,
    absl::string_view flag) {
  std::vector<std::string> accepted;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const int number = descriptor.value(i)->number();
    if (number == 0) continue;
    std::string name = FriendlyEnumName(descriptor, number);
    if (name == text) return number;
    accepted.push_back(std::move(name));
  }
  return UsageError(absl::StrCat("bad ", flag, " \"", text,
                                 "\": expected one of ",
                                 absl::StrJoin(accepted, ", ")));
}

absl::StatusOr<v1::Difficulty> ParseDifficulty(absl::string_view text,
                                               absl::string_view flag) {
  static constexpr std::pair<absl::string_view, v1::Difficulty> kShortNames[] =
      {
          {"easy", v1::DIFFICULTY_TOO_EASY},
          {"right", v1::DIFFICULTY_ABOUT_RIGHT},
          {"hard", v1::DIFFICULTY_TOO_HARD},
      };
  for (const auto& [short_name, difficulty] : kShortNames) {
    if (text == short_name) return difficulty;
  }
  absl::StatusOr<v1::Difficulty> difficulty =
      ParseFriendlyName<v1::Difficulty>(text, flag);
  if (difficulty.ok()) return difficulty;
  return UsageError(absl::StrCat("bad ", flag, " \"", text,
                                 "\": expected easy, right or hard"));
}

absl::StatusOr<std::vector<std::optional<int>>> ParseAnswerList(
    absl::string_view text, int items, absl::string_view flag) {
  std::string cleaned;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    absl::StrAppend(&cleaned, line, ",");
  }
  std::vector<std::optional<int>> answers;
  for (absl::string_view entry :
       absl::StrSplit(cleaned, absl::ByAnyChar(", \t\r"), absl::SkipEmpty())) {
    if (entry == "-") {
      answers.push_back(std::nullopt);
      continue;
    }
    int score = 0;
    if (!absl::SimpleAtoi(entry, &score)) {
      return UsageError(absl::StrCat(flag, ": answer ", answers.size() + 1,
                                     " must be a score or - (got \"", entry,
                                     "\")"));
    }
    answers.push_back(score);
  }
  if (static_cast<int>(answers.size()) != items) {
    return UsageError(absl::StrCat(flag, ": needs ", items,
                                   " answers, one per item (- skips one); got ",
                                   answers.size()));
  }
  return answers;
}

absl::Status CheckDate(absl::string_view text, absl::string_view flag) {
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day) && absl::FormatCivilTime(day) == text) {
    return absl::OkStatus();
  }
  return UsageError(absl::StrCat("bad ", flag, " \"", text,
                                 "\": expected a calendar day YYYY-MM-DD"));
}

std::string LocalDate(absl::Time time, absl::TimeZone zone) {
  return absl::FormatCivilTime(absl::ToCivilDay(time, zone));
}

absl::StatusOr<absl::Time> ParseInstant(absl::string_view text,
                                        absl::string_view flag) {
  // absl::ParseTime also takes "infinite-future", "infinite-past" and years
  // of other than four digits, which no Timestamp holds.
  static const absl::Time kFirst =
      absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kLast =
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                      absl::UTCTimeZone()) +
      absl::Nanoseconds(999'999'999);
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error) &&
      time >= kFirst && time <= kLast) {
    return time;
  }
  return UsageError(absl::StrCat(
      "bad ", flag, " \"", text,
      "\": expected an RFC 3339 time such as 2024-05-01T08:30:00+02:00"));
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      (time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return timestamp;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

}  // namespace glutecare::client
