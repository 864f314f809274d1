// Tests of client/specs.h: exercise specs, friendly enum names, the answers
// of outcome measures, days and instants.
#include "client/specs.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseExerciseSpec, ParsesEveryFormOfTheGrammar) {
  struct Case {
    std::string spec;
    std::string exercise;
    int sets;
    int reps;
    int hold_seconds;
    v1::LoadType load_type;
    double weight_kg;
  };
  const std::vector<Case> cases = {
      {"glute-bridge:3x12", "exercises/glute-bridge", 3, 12, 0,
       v1::LOAD_TYPE_BODYWEIGHT, 0},
      {"clamshell:3x15@band-light", "exercises/clamshell", 3, 15, 0,
       v1::LOAD_TYPE_BAND_LIGHT, 0},
      {"banded-clamshell:2x20@band-medium", "exercises/banded-clamshell", 2, 20,
       0, v1::LOAD_TYPE_BAND_MEDIUM, 0},
      {"hip-thrust:4x8@band-heavy", "exercises/hip-thrust", 4, 8, 0,
       v1::LOAD_TYPE_BAND_HEAVY, 0},
      {"glute-bridge:3x30s", "exercises/glute-bridge", 3, 0, 30,
       v1::LOAD_TYPE_BODYWEIGHT, 0},
      {"goblet-squat:3x10@8kg", "exercises/goblet-squat", 3, 10, 0,
       v1::LOAD_TYPE_EXTERNAL_WEIGHT, 8},
      {"split-squat:2X8@2.5kg", "exercises/split-squat", 2, 8, 0,
       v1::LOAD_TYPE_EXTERNAL_WEIGHT, 2.5},
      {"single-leg-bridge:3x45s@bodyweight", "exercises/single-leg-bridge", 3,
       0, 45, v1::LOAD_TYPE_BODYWEIGHT, 0},
      {"exercises/bodyweight-squat:3x10", "exercises/bodyweight-squat", 3, 10,
       0, v1::LOAD_TYPE_BODYWEIGHT, 0},
      // Ranges are the server's to check: the syntax is fine.
      {"glute-bridge:0x500", "exercises/glute-bridge", 0, 500, 0,
       v1::LOAD_TYPE_BODYWEIGHT, 0},
      {"no-such-exercise:3x12", "exercises/no-such-exercise", 3, 12, 0,
       v1::LOAD_TYPE_BODYWEIGHT, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    const absl::StatusOr<v1::Prescription> dose =
        ParseExerciseSpec<v1::Prescription>(c.spec);
    ASSERT_TRUE(dose.ok()) << dose.status();
    EXPECT_EQ(dose->exercise(), c.exercise);
    EXPECT_EQ(dose->sets(), c.sets);
    EXPECT_EQ(dose->reps(), c.reps);
    EXPECT_EQ(dose->hold_seconds(), c.hold_seconds);
    EXPECT_EQ(dose->load().type(), c.load_type);
    EXPECT_EQ(dose->load().weight_kg(), c.weight_kg);
    EXPECT_EQ(dose->sessions_per_week(), 0);
  }
}

TEST(ParseExerciseSpec, FillsAPerformedExerciseAlike) {
  const absl::StatusOr<v1::PerformedExercise> performed =
      ParseExerciseSpec<v1::PerformedExercise>("clamshell:3x15@band-light");
  ASSERT_TRUE(performed.ok()) << performed.status();
  EXPECT_EQ(performed->exercise(), "exercises/clamshell");
  EXPECT_EQ(performed->sets(), 3);
  EXPECT_EQ(performed->reps(), 15);
  EXPECT_EQ(performed->load().type(), v1::LOAD_TYPE_BAND_LIGHT);
}

TEST(ParseExerciseSpec, RejectsMalformedSpecsNamingSpecAndProblem) {
  struct Case {
    std::string spec;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"glute-bridge", "no ':' after the exercise"},
      {"", "no ':' after the exercise"},
      {":3x12", "no exercise id before ':'"},
      {"glute bridge:3x12", "no exercise id before ':'"},
      {"glute-bridge:312", "no 'x' between sets and repetitions"},
      {"glute-bridge:x12", "sets must be a whole number"},
      {"glute-bridge:-3x12", "sets must be a whole number"},
      {"glute-bridge:3x", "repetitions must be a whole number"},
      {"glute-bridge:3x12.5", "repetitions must be a whole number"},
      {"glute-bridge:3x99999999999", "repetitions must be a whole number"},
      {"glute-bridge:3xs", "hold seconds must be a whole number"},
      {"glute-bridge:3x12@", "unknown load \"\""},
      {"clamshell:3x15@band", "unknown load \"band\""},
      {"clamshell:3x15@BAND-LIGHT", "unknown load \"BAND-LIGHT\""},
      {"clamshell:3x15@external-weight", "unknown load \"external-weight\""},
      {"goblet-squat:3x10@kg", "unknown load \"kg\""},
      {"goblet-squat:3x10@-8kg", "unknown load \"-8kg\""},
      {"goblet-squat:3x10@8.5.1kg", "unknown load \"8.5.1kg\""},
      {"goblet-squat:3x10@8 kg", "unknown load \"8 kg\""},
      {"goblet-squat:3x10@8", "unknown load \"8\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    const absl::StatusOr<v1::Prescription> dose =
        ParseExerciseSpec<v1::Prescription>(c.spec);
    ASSERT_FALSE(dose.ok());
    EXPECT_TRUE(IsUsageError(dose.status()));
    EXPECT_THAT(dose.status().message(),
                HasSubstr("bad --exercise \"" + c.spec + "\": " + c.problem));
  }
}

TEST(FormatExerciseSpec, WritesBackWhatWasParsed) {
  const std::vector<std::string> specs = {
      "glute-bridge:3x12",     "clamshell:3x15@band-light",
      "glute-bridge:3x30s",    "goblet-squat:3x10@8kg",
      "split-squat:2x8@2.5kg", "hip-thrust:4x8@band-heavy",
  };
  for (const std::string& spec : specs) {
    SCOPED_TRACE(spec);
    const absl::StatusOr<v1::PerformedExercise> performed =
        ParseExerciseSpec<v1::PerformedExercise>(spec);
    ASSERT_TRUE(performed.ok()) << performed.status();
    EXPECT_EQ(FormatExerciseSpec(*performed), spec);
  }
}

TEST(FormatSetsAndReps, ShowsRepetitionsOrHoldSeconds) {
  EXPECT_EQ(FormatSetsAndReps(3, 12, 0), "3 x 12");
  EXPECT_EQ(FormatSetsAndReps(3, 0, 30), "3 x 30s");
}

TEST(FormatLoad, ShowsTheRungOrTheWeight) {
  struct Case {
    v1::LoadType type;
    double weight_kg;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {v1::LOAD_TYPE_BODYWEIGHT, 0, "bodyweight"},
      {v1::LOAD_TYPE_BAND_LIGHT, 0, "band-light"},
      {v1::LOAD_TYPE_BAND_MEDIUM, 0, "band-medium"},
      {v1::LOAD_TYPE_BAND_HEAVY, 0, "band-heavy"},
      {v1::LOAD_TYPE_EXTERNAL_WEIGHT, 8, "8kg"},
      {v1::LOAD_TYPE_EXTERNAL_WEIGHT, 2.25, "2.25kg"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expected);
    v1::Load load;
    load.set_type(c.type);
    load.set_weight_kg(c.weight_kg);
    EXPECT_EQ(FormatLoad(load), c.expected);
  }
}

TEST(FriendlyName, DropsTheEnumPrefixInLowerCaseWithHyphens) {
  EXPECT_EQ(FriendlyName(v1::PAIN_AREA_LOWER_BACK), "lower-back");
  EXPECT_EQ(FriendlyName(v1::PAIN_AREA_HIP), "hip");
  EXPECT_EQ(FriendlyName(v1::LOAD_TYPE_BAND_LIGHT), "band-light");
  EXPECT_EQ(FriendlyName(v1::DIFFICULTY_TOO_EASY), "too-easy");
  EXPECT_EQ(FriendlyName(v1::DIFFICULTY_ABOUT_RIGHT), "about-right");
  EXPECT_EQ(FriendlyName(v1::PROGRAM_STATUS_ACTIVE), "active");
  EXPECT_EQ(FriendlyName(v1::PROGRAM_STATUS_DISCONTINUED), "discontinued");
  EXPECT_EQ(FriendlyName(v1::MUSCLE_GLUTEUS_MAXIMUS), "gluteus-maximus");
  EXPECT_EQ(FriendlyName(v1::PAIN_AREA_UNSPECIFIED), "unspecified");
  EXPECT_EQ(FriendlyName(static_cast<v1::PainArea>(99)), "99");
}

// Every named value of `Enum` parses back from its friendly name.
template <typename Enum>
void ExpectEveryValueRoundTrips() {
  const google::protobuf::EnumDescriptor& descriptor =
      *google::protobuf::GetEnumDescriptor<Enum>();
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const auto value = static_cast<Enum>(descriptor.value(i)->number());
    if (value == 0) continue;
    SCOPED_TRACE(descriptor.value(i)->name());
    const absl::StatusOr<Enum> parsed =
        ParseFriendlyName<Enum>(FriendlyName(value), "--flag");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, value);
  }
}

TEST(ParseFriendlyName, AcceptsTheFriendlyNameOfEveryValue) {
  ExpectEveryValueRoundTrips<v1::PainArea>();
  ExpectEveryValueRoundTrips<v1::LoadType>();
  ExpectEveryValueRoundTrips<v1::Difficulty>();
  ExpectEveryValueRoundTrips<v1::ProgramStatus>();
  ExpectEveryValueRoundTrips<v1::Muscle>();
}

TEST(ParseFriendlyName, RejectsOtherTextListingTheAcceptedNames) {
  const std::vector<std::string> texts = {
      "", "unspecified", "LOWER_BACK", "PAIN_AREA_HIP", "back", "hips"};
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    const absl::StatusOr<v1::PainArea> area =
        ParseFriendlyName<v1::PainArea>(text, "--area");
    ASSERT_FALSE(area.ok());
    EXPECT_TRUE(IsUsageError(area.status()));
    EXPECT_EQ(
        area.status().message(),
        "bad --area \"" + text + "\": expected one of lower-back, hip, knee");
  }
}

TEST(ParseDifficulty, AcceptsShortAndFriendlyNames) {
  struct Case {
    std::string text;
    v1::Difficulty expected;
  };
  const std::vector<Case> cases = {
      {"easy", v1::DIFFICULTY_TOO_EASY},
      {"right", v1::DIFFICULTY_ABOUT_RIGHT},
      {"hard", v1::DIFFICULTY_TOO_HARD},
      {"too-easy", v1::DIFFICULTY_TOO_EASY},
      {"about-right", v1::DIFFICULTY_ABOUT_RIGHT},
      {"too-hard", v1::DIFFICULTY_TOO_HARD},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const absl::StatusOr<v1::Difficulty> difficulty =
        ParseDifficulty(c.text, "--difficulty");
    ASSERT_TRUE(difficulty.ok()) << difficulty.status();
    EXPECT_EQ(*difficulty, c.expected);
  }
  const absl::StatusOr<v1::Difficulty> medium =
      ParseDifficulty("medium", "--difficulty");
  ASSERT_FALSE(medium.ok());
  EXPECT_EQ(medium.status().message(),
            "bad --difficulty \"medium\": expected easy, right or hard");
}

TEST(CheckDate, AcceptsOnlyCalendarDaysWrittenYyyyMmDd) {
  struct Case {
    std::string text;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"2024-05-01", true},  {"2024-02-29", true},
      {"2023-02-29", false}, {"2024-02-30", false},
      {"2024-13-01", false}, {"2024-5-1", false},
      {"01.05.2024", false}, {"2024-05-01T00:00:00", false},
      {"", false},           {"today", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const absl::Status status = CheckDate(c.text, "--start");
    EXPECT_EQ(status.ok(), c.ok) << status;
    if (!c.ok) {
      EXPECT_TRUE(IsUsageError(status));
      EXPECT_THAT(status.message(),
                  HasSubstr("bad --start \"" + c.text + "\""));
    }
  }
}

TEST(ParseAnswerList, ReadsScoresSkipsAndComments) {
  const absl::StatusOr<std::vector<std::optional<int>>> answers =
      ParseAnswerList("# ODI\n3, 2, - # item 3 skipped\n4\t5\r\n", 5, "--file");
  ASSERT_TRUE(answers.ok()) << answers.status();
  EXPECT_THAT(*answers, ElementsAre(3, 2, std::nullopt, 4, 5));
}

TEST(ParseAnswerList, RefusesAnEntryThatIsNoScoreAndAWrongCount) {
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"3, two, 1", "--file: answer 2 must be a score or - (got \"two\")"},
      {"1, 2", "--file: needs 3 answers, one per item (- skips one); got 2"},
      {"1, 2, 3 # , 4", ""},
      {"1, 2, 3, 4", "got 4"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const absl::StatusOr<std::vector<std::optional<int>>> answers =
        ParseAnswerList(c.text, 3, "--file");
    if (c.message.empty()) {
      EXPECT_TRUE(answers.ok()) << answers.status();
      continue;
    }
    ASSERT_FALSE(answers.ok());
    EXPECT_TRUE(IsUsageError(answers.status()));
    EXPECT_THAT(answers.status().message(), HasSubstr(c.message));
  }
}

TEST(LocalDate, IsTheCalendarDayInTheGivenZone) {
  absl::TimeZone berlin;
  absl::TimeZone los_angeles;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  ASSERT_TRUE(absl::LoadTimeZone("America/Los_Angeles", &los_angeles));
  const absl::Time late_evening_utc = absl::FromCivil(
      absl::CivilSecond(2024, 5, 1, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(LocalDate(late_evening_utc, absl::UTCTimeZone()), "2024-05-01");
  EXPECT_EQ(LocalDate(late_evening_utc, berlin), "2024-05-02");
  EXPECT_EQ(LocalDate(late_evening_utc, los_angeles), "2024-05-01");
}

TEST(ParseInstant, AcceptsRfc3339WithAnOffset) {
  const absl::StatusOr<absl::Time> time =
      ParseInstant("2024-05-01T08:30:00+02:00", "--at");
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_EQ(*time, absl::FromCivil(absl::CivilSecond(2024, 5, 1, 6, 30, 0),
                                   absl::UTCTimeZone()));
  for (const std::string text : {"2024-05-01", "2024-05-01 08:30", "now", ""}) {
    SCOPED_TRACE(text);
    const absl::StatusOr<absl::Time> bad = ParseInstant(text, "--at");
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(IsUsageError(bad.status()));
  }
}

// Found by glutecare_spec_fuzzer: `--at infinite-future` was taken, and
// sent as a Timestamp with nanos -1.
TEST(ParseInstant, RefusesInstantsThatNoTimestampHolds) {
  for (const std::string text :
       {"infinite-future", "infinite-past", "10000-01-01T00:00:00Z",
        "0001-01-01T00:30:00+01:00"}) {
    SCOPED_TRACE(text);
    const absl::StatusOr<absl::Time> bad = ParseInstant(text, "--at");
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(IsUsageError(bad.status()));
  }
  for (const std::string text :
       {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
    SCOPED_TRACE(text);
    const absl::StatusOr<absl::Time> time = ParseInstant(text, "--at");
    ASSERT_TRUE(time.ok()) << time.status();
    const google::protobuf::Timestamp timestamp = ToTimestamp(*time);
    EXPECT_GE(timestamp.nanos(), 0);
    EXPECT_LE(timestamp.nanos(), 999'999'999);
  }
}

TEST(Timestamps, ConvertWithNanosAndFormatInUtc) {
  const absl::Time time =
      absl::FromUnixSeconds(1714545000) + absl::Milliseconds(250);
  const google::protobuf::Timestamp timestamp = ToTimestamp(time);
  EXPECT_EQ(timestamp.seconds(), 1714545000);
  EXPECT_EQ(timestamp.nanos(), 250000000);
  EXPECT_EQ(FormatTimestamp(timestamp), "2024-05-01T06:30:00Z");
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp()), "");
}

TEST(FormatPainScore, IsEmptyWhenUnset) {
  EXPECT_EQ(FormatPainScore(true, 0), "0");
  EXPECT_EQ(FormatPainScore(true, 7), "7");
  EXPECT_EQ(FormatPainScore(false, 0), "");
}

}  // namespace
}  // namespace glutecare::client
