// libFuzzer target, in process: what a user types for `glutecare` flags
// (client/specs.h), the input used whole as each of:
// - an exercise spec (`goblet-squat:3x10@8kg`): a v1::Prescription and a
//   v1::PerformedExercise read it alike; a spec that parses, with a weight
//   the server accepts, is written back by FormatExerciseSpec (as the CSV
//   export and the CLI's tables show it) into a spec that parses to the same
//   dose; one that does not parse is a usage error;
// - a friendly enum name (`lower-back`) or difficulty: one that parses is
//   the friendly name of the value it gives;
// - a calendar day: a day the server's ParseDate takes, the CLI takes too;
// - an RFC 3339 instant: one that parses is sent as a valid Timestamp of
//   the same instant, and shown back as text that parses to it, to the
//   second.
//
//   build-asan/fuzz/glutecare_spec_fuzzer fuzz/corpus/spec
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/errors.h"
#include "client/specs.h"
#include "common/spec_format.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/domain/calendar.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/validation.h"

namespace glutecare::fuzz {
namespace {

using google::protobuf::util::MessageDifferencer;

// The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z, in seconds since the Unix epoch.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// Whether the server takes the load of `exercise` as far as its weight goes
// (an external weight is 0.25-250 kg in steps of 0.25 kg, validation.cc):
// only such a weight must survive formatting, and "%g" keeps it exact.
bool ServerAcceptsWeight(const v1::PerformedExercise& exercise) {
  v1::Session session;
  *session.add_exercises() = exercise;
  Violations violations;
  CheckSession(session, ExerciseCatalog::Default(), PatientName{"c", "p"},
               absl::UnixEpoch(), "", violations);
  for (const FieldViolation& v : violations.list()) {
    if (v.field == "exercises[0].load.weight_kg") return false;
  }
  return true;
}

void CheckExerciseSpec(absl::string_view input) {
  const absl::StatusOr<v1::Prescription> prescription =
      client::ParseExerciseSpec<v1::Prescription>(input);
  const absl::StatusOr<v1::PerformedExercise> performed =
      client::ParseExerciseSpec<v1::PerformedExercise>(input);
  GLUTECARE_FUZZ_CHECK(prescription.ok() == performed.ok(), Quoted(input),
                       " parses as one kind of dose only");
  if (!performed.ok()) {
    GLUTECARE_FUZZ_CHECK(client::IsUsageError(performed.status()),
                         performed.status().ToString());
    return;
  }
  GLUTECARE_FUZZ_CHECK(
      prescription->exercise() == performed->exercise() &&
          prescription->sets() == performed->sets() &&
          prescription->reps() == performed->reps() &&
          prescription->hold_seconds() == performed->hold_seconds() &&
          MessageDifferencer::Equals(prescription->load(), performed->load()),
      Quoted(input), " parses as two different doses");
  if (!ServerAcceptsWeight(*performed)) return;

  const std::string written = FormatExerciseSpec(*performed);
  const absl::StatusOr<v1::PerformedExercise> again =
      client::ParseExerciseSpec<v1::PerformedExercise>(written);
  GLUTECARE_FUZZ_CHECK(again.ok(), Quoted(input), " is written as ",
                       Quoted(written),
                       ", which does not parse: ", again.status().ToString());
  GLUTECARE_FUZZ_CHECK(MessageDifferencer::Equals(*again, *performed),
                       Quoted(input), " is written as ", Quoted(written),
                       ", which parses to ", again->ShortDebugString(),
                       " instead of ", performed->ShortDebugString());
  GLUTECARE_FUZZ_CHECK(FormatExerciseSpec(*prescription) == written,
                       Quoted(input), " is written two ways");
}

template <typename Enum>
void CheckFriendlyName(absl::string_view input) {
  const absl::StatusOr<Enum> value =
      client::ParseFriendlyName<Enum>(input, "--x");
  if (!value.ok()) {
    GLUTECARE_FUZZ_CHECK(client::IsUsageError(value.status()),
                         value.status().ToString());
    return;
  }
  GLUTECARE_FUZZ_CHECK(*value != 0, Quoted(input), " parses as UNSPECIFIED");
  GLUTECARE_FUZZ_CHECK(FriendlyName(*value) == input, Quoted(input),
                       " parses as ", FriendlyName(*value));
}

void CheckDifficulty(absl::string_view input) {
  const absl::StatusOr<v1::Difficulty> difficulty =
      client::ParseDifficulty(input, "--difficulty");
  if (!difficulty.ok()) return;
  GLUTECARE_FUZZ_CHECK(v1::Difficulty_IsValid(*difficulty) &&
                           *difficulty != v1::DIFFICULTY_UNSPECIFIED,
                       Quoted(input), " parses as difficulty ", *difficulty);
}

void CheckDays(absl::string_view input) {
  const absl::StatusOr<absl::CivilDay> day = ParseDate(input, "local_date");
  const absl::Status client = client::CheckDate(input, "--date");
  if (!day.ok()) {
    CheckFieldViolations(day.status(), "local_date");
    return;
  }
  GLUTECARE_FUZZ_CHECK(FormatDate(*day) == input, Quoted(input), " parses as ",
                       FormatDate(*day));
  GLUTECARE_FUZZ_CHECK(client.ok(), "the server takes ", Quoted(input),
                       " but the CLI refuses it: ", client.ToString());
}

// What the CLI sends for an instant must be a valid google.protobuf.Timestamp
// (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, nanos
// 0-999,999,999) of that same instant, and the CLI shows it back as text it
// takes again, to the second.
void CheckInstant(absl::string_view input) {
  const absl::StatusOr<absl::Time> time = client::ParseInstant(input, "--at");
  if (!time.ok()) {
    GLUTECARE_FUZZ_CHECK(client::IsUsageError(time.status()),
                         time.status().ToString());
    return;
  }
  const google::protobuf::Timestamp timestamp = client::ToTimestamp(*time);
  GLUTECARE_FUZZ_CHECK(
      timestamp.seconds() >= kMinTimestampSeconds &&
          timestamp.seconds() <= kMaxTimestampSeconds &&
          timestamp.nanos() >= 0 && timestamp.nanos() <= 999'999'999,
      Quoted(input), " is sent as ", timestamp.ShortDebugString());
  GLUTECARE_FUZZ_CHECK(absl::FromUnixSeconds(timestamp.seconds()) +
                               absl::Nanoseconds(timestamp.nanos()) ==
                           *time,
                       Quoted(input), " is sent as another instant, ",
                       timestamp.ShortDebugString());
  const std::string shown = client::FormatTimestamp(timestamp);
  if (shown.empty()) return;  // the epoch itself reads as unset
  const absl::StatusOr<absl::Time> again = client::ParseInstant(shown, "--at");
  GLUTECARE_FUZZ_CHECK(
      again.ok() && *again == absl::FromUnixSeconds(timestamp.seconds()),
      Quoted(input), " is shown as ", Quoted(shown),
      ", which the CLI reads otherwise");
}

}  // namespace
}  // namespace glutecare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace glutecare;  // NOLINT: the target's own file
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::CheckExerciseSpec(input);
  fuzz::CheckFriendlyName<v1::PainArea>(input);
  fuzz::CheckFriendlyName<v1::LoadType>(input);
  fuzz::CheckFriendlyName<v1::ProgramStatus>(input);
  fuzz::CheckDifficulty(input);
  fuzz::CheckDays(input);
  fuzz::CheckInstant(input);
  return 0;
}
