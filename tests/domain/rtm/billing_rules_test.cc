#include "server/domain/rtm/billing_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/validation.h"

namespace glutecare::rtm {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;

// `count` consecutive data days from `first`.
std::vector<absl::CivilDay> Days(absl::CivilDay first, int count) {
  std::vector<absl::CivilDay> days;
  for (int i = 0; i < count; ++i) days.push_back(first + i);
  return days;
}

// Management time logged on `day`.
v1::ManagementTimeEntry LoggedTime(absl::CivilDay day, int minutes,
                                   bool interactive) {
  v1::ManagementTimeEntry entry;
  entry.set_date(FormatDate(day));
  entry.set_minutes(minutes);
  entry.set_interactive(interactive);
  return entry;
}

const v1::RtmCodeFinding* Find(const v1::RtmReport& report,
                               const std::string& code) {
  for (const v1::RtmCodeFinding& finding : report.codes()) {
    if (finding.code() == code) return &finding;
  }
  return nullptr;
}

bool Supportable(const v1::RtmReport& report, const std::string& code) {
  const v1::RtmCodeFinding* finding = Find(report, code);
  return finding != nullptr && finding->supportable();
}

// An episode from 2026-04-15: its second period is 2026-05-15..06-13.
RtmInput Episode2026() {
  return {.as_of = absl::CivilDay(2026, 5, 14),
          .episode_start = absl::CivilDay(2026, 4, 15),
          .month = absl::CivilMonth(2026, 5)};
}

TEST(PeriodHolding, CountsThirtyDayPeriodsFromTheEpisodeStart) {
  const absl::CivilDay start(2026, 4, 15);
  EXPECT_EQ(PeriodHolding(start, start).first, start);
  EXPECT_EQ(PeriodHolding(start, start).last, absl::CivilDay(2026, 5, 14));
  EXPECT_EQ(PeriodHolding(start, start + 29).first, start);
  EXPECT_EQ(PeriodHolding(start, start + 30).first, start + 30);
  EXPECT_EQ(PeriodHolding(start, start - 5).first, start);
}

TEST(AssessRtm, DeviceSupplyEdgeIsSixteenDataDays) {
  struct Case {
    int data_days;
    bool supports_98977;
    bool supports_98985;
  };
  for (const Case& c : {Case{1, false, false}, Case{2, false, true},
                        Case{15, false, true}, Case{16, true, false},
                        Case{30, true, false}}) {
    SCOPED_TRACE(c.data_days);
    RtmInput input = Episode2026();
    input.data_days = Days(input.episode_start, c.data_days);
    const v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
    EXPECT_EQ(assessment.data_days(), c.data_days);
    EXPECT_EQ(Supportable(assessment, "98977"), c.supports_98977);
    EXPECT_EQ(Supportable(assessment, "98985"), c.supports_98985);
  }
}

TEST(AssessRtm, DataDaysAreDistinctAndWithinThePeriodUpToAsOf) {
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 5, 1);
  input.data_days = Days(absl::CivilDay(2026, 4, 10), 30);  // 5 before start
  input.data_days.push_back(absl::CivilDay(2026, 4, 20));   // a duplicate
  const v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
  // 2026-04-15 .. 2026-05-01 is 17 days.
  EXPECT_EQ(assessment.data_days(), 17);
  EXPECT_EQ(assessment.days_left(), 13);
}

TEST(AssessRtm, ManagementEdgesAreTenAndTwentyMinutes) {
  struct Case {
    int minutes;
    bool supports_98979;
    bool supports_98980;
    int units_98981;
  };
  for (const Case& c :
       {Case{9, false, false, 0}, Case{10, true, false, 0},
        Case{19, true, false, 0}, Case{20, false, true, 0},
        Case{39, false, true, 0}, Case{40, false, true, 1},
        Case{60, false, true, 2}}) {
    SCOPED_TRACE(c.minutes);
    RtmInput input = Episode2026();
    input.time = {LoggedTime(absl::CivilDay(2026, 5, 3), c.minutes, true)};
    const v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
    EXPECT_EQ(assessment.minutes(), c.minutes);
    EXPECT_EQ(Supportable(assessment, "98979"), c.supports_98979);
    EXPECT_EQ(Supportable(assessment, "98980"), c.supports_98980);
    EXPECT_EQ(Find(assessment, "98981")->units(), c.units_98981);
    EXPECT_FALSE(Supportable(assessment, "98979") &&
                 Supportable(assessment, "98980"))
        << "never billed together";
  }
}

TEST(AssessRtm, ManagementNeedsAnInteractiveCommunication) {
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 5, 10);
  input.time = {LoggedTime(absl::CivilDay(2026, 5, 3), 25, false)};
  const v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_FALSE(Supportable(assessment, "98980"));
  EXPECT_EQ(Find(assessment, "98980")->missing(),
            "an interactive communication with the patient by 2026-05-31 "
            "for 98980");
}

TEST(AssessRtm, SaysWhatIsMissingWhileItCanStillBeReached) {
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 5, 1);  // 13 days left in the period
  input.data_days = Days(input.episode_start, 13);
  v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(Find(assessment, "98977")->missing(),
            "3 more data days by 2026-05-14 for 98977");
  EXPECT_TRUE(assessment.near_threshold());

  // Two days left: 16 cannot be reached any more.
  input.as_of = absl::CivilDay(2026, 5, 12);
  assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(assessment.days_left(), 2);
  EXPECT_THAT(Find(assessment, "98977")->missing(), IsEmpty());
  EXPECT_FALSE(assessment.near_threshold());
  EXPECT_TRUE(Supportable(assessment, "98985"));

  // Far from it: not worth a nudge yet.
  input.as_of = absl::CivilDay(2026, 4, 20);
  input.data_days = Days(input.episode_start, 3);
  assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_THAT(Find(assessment, "98977")->missing(), Not(IsEmpty()));
  EXPECT_FALSE(assessment.near_threshold());
}

TEST(AssessRtm, AQuietPatientIsANudgeButOneNeverSetUpIsNot) {
  // Monitored, no data yet in a period with days left: 2 data days would
  // support 98985.
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 5, 20);
  v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(assessment.data_days(), 0);
  EXPECT_EQ(Find(assessment, "98985")->missing(),
            "2 more data days by 2026-06-13 for 98985");
  EXPECT_TRUE(assessment.near_threshold());

  // No program and no data: the same findings, no nudge.
  input.monitoring = false;
  assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(Find(assessment, "98985")->missing(),
            "2 more data days by 2026-06-13 for 98985");
  EXPECT_FALSE(assessment.near_threshold());
}

TEST(AssessRtm, MinutesShortOfTwentyAreANudge) {
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 5, 20);
  input.time = {LoggedTime(absl::CivilDay(2026, 5, 3), 16, true)};
  const v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(Find(assessment, "98980")->missing(),
            "4 more minutes by 2026-05-31 for 98980");
  EXPECT_TRUE(assessment.near_threshold());
}

TEST(AssessRtm, TheTwentyTwentySixCodesApplyFromTheirEffectiveDate) {
  // A period and a month in 2025: no 98985, no 98979.
  RtmInput input{.as_of = absl::CivilDay(2025, 12, 20),
                 .episode_start = absl::CivilDay(2025, 12, 1),
                 .data_days = Days(absl::CivilDay(2025, 12, 1), 10),
                 .month = absl::CivilMonth(2025, 12),
                 .time = {LoggedTime(absl::CivilDay(2025, 12, 5), 15, true)}};
  v1::RtmReport assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(Find(assessment, "98985"), nullptr);
  EXPECT_EQ(Find(assessment, "98979"), nullptr);
  EXPECT_FALSE(Supportable(assessment, "98977"));
  EXPECT_FALSE(Supportable(assessment, "98980"));

  // The same data a period and a month later: both apply.
  input.as_of = absl::CivilDay(2026, 1, 20);
  input.episode_start = absl::CivilDay(2026, 1, 1);
  input.data_days = Days(absl::CivilDay(2026, 1, 1), 10);
  input.month = absl::CivilMonth(2026, 1);
  input.time[0].set_date("2026-01-05");
  assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_TRUE(Supportable(assessment, "98985"));
  EXPECT_TRUE(Supportable(assessment, "98979"));

  // A period that starts on 2025-12-31 is assessed by the 2025 table.
  input.episode_start = absl::CivilDay(2025, 12, 31);
  assessment = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(Find(assessment, "98985"), nullptr);
}

TEST(AssessRtm, SetUpIsOncePerEpisodeInItsFirstPeriod) {
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 4, 15);
  EXPECT_FALSE(Supportable(AssessRtm(input, DefaultCodeTable()), "98975"));
  input.data_days = {absl::CivilDay(2026, 4, 15)};
  EXPECT_TRUE(Supportable(AssessRtm(input, DefaultCodeTable()), "98975"));
  input.as_of = absl::CivilDay(2026, 5, 20);  // the second period
  input.data_days = Days(absl::CivilDay(2026, 5, 15), 6);
  EXPECT_FALSE(Supportable(AssessRtm(input, DefaultCodeTable()), "98975"));
}

TEST(DataDays, AreCalendarDaysInThePatientsZone) {
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  // 23:30 on January 31 in New York is already February 1 in UTC.
  const absl::Time late_evening =
      absl::FromCivil(absl::CivilSecond(2026, 1, 31, 23, 30, 0), new_york);
  const absl::Time next_morning =
      absl::FromCivil(absl::CivilSecond(2026, 2, 1, 7, 0, 0), new_york);
  EXPECT_THAT(DataDays({late_evening, next_morning}, new_york),
              ::testing::ElementsAre(absl::CivilDay(2026, 1, 31),
                                     absl::CivilDay(2026, 2, 1)));
  EXPECT_THAT(DataDays({late_evening, next_morning}, absl::UTCTimeZone()),
              ::testing::ElementsAre(absl::CivilDay(2026, 2, 1)));
}

TEST(AssessRtm, TimeOnTheLastDayOfAMonthCountsInThatMonth) {
  RtmInput input = Episode2026();
  input.month = absl::CivilMonth(2026, 4);
  input.time = {LoggedTime(absl::CivilDay(2026, 4, 30), 12, true),
                LoggedTime(absl::CivilDay(2026, 5, 1), 12, true)};
  const v1::RtmReport april = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(april.minutes(), 12);
  EXPECT_TRUE(Supportable(april, "98979"));
  EXPECT_FALSE(Supportable(april, "98980"));
}

TEST(AssessRtm, TheReportNamesItsPeriodMonthAndEpisode) {
  RtmInput input = Episode2026();
  input.as_of = absl::CivilDay(2026, 5, 20);
  input.data_days = Days(absl::CivilDay(2026, 5, 15), 3);
  input.time = {LoggedTime(absl::CivilDay(2026, 5, 3), 7, true)};
  const v1::RtmReport report = AssessRtm(input, DefaultCodeTable());
  EXPECT_EQ(report.as_of_date(), "2026-05-20");
  EXPECT_EQ(report.episode_start_date(), "2026-04-15");
  EXPECT_EQ(report.period_start_date(), "2026-05-15");
  EXPECT_EQ(report.period_end_date(), "2026-06-13");
  EXPECT_EQ(report.data_days(), 3);
  EXPECT_EQ(report.days_left(), 24);
  EXPECT_EQ(report.month(), "2026-05");
  EXPECT_EQ(report.minutes(), 7);
  EXPECT_TRUE(report.interactive());
  EXPECT_THAT(report.patient(), IsEmpty()) << "the caller's to set";
}

TEST(AssessRtm, AnEntryWithoutADateCountsInNoMonth) {
  RtmInput input = Episode2026();
  input.time = {LoggedTime(absl::CivilDay(2026, 5, 3), 12, true)};
  input.time.push_back(input.time[0]);
  input.time[1].set_date("2026-05-32");
  EXPECT_EQ(AssessRtm(input, DefaultCodeTable()).minutes(), 12);
}

TEST(CheckManagementTimeEntry, NamesEachBadField) {
  struct Case {
    int minutes;
    std::string note;
    std::vector<std::string> fields;
  };
  for (const Case& c :
       {Case{1, "", {}}, Case{kMaxEntryMinutes, "Call", {}},
        Case{0, "", {"entry.minutes"}},
        Case{kMaxEntryMinutes + 1, "", {"entry.minutes"}},
        Case{15, "bell\a", {"entry.note"}},
        Case{15, std::string(kMaxShortNoteChars + 1, 'x'), {"entry.note"}},
        Case{-3, "\xff", {"entry.minutes", "entry.note"}}}) {
    SCOPED_TRACE(c.minutes);
    v1::ManagementTimeEntry entry;
    entry.set_minutes(c.minutes);
    entry.set_note(c.note);
    Violations violations;
    CheckManagementTimeEntry(entry, "entry", violations);
    std::vector<std::string> fields;
    for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
    EXPECT_EQ(fields, c.fields);
  }
}

}  // namespace
}  // namespace glutecare::rtm
