#include "server/domain/calendar.h"

#include <string>

#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

// Checks that `status` is the refusal of a parser: INVALID_ARGUMENT with one
// field violation, of `field`.
void ExpectRefusalOf(const absl::Status& status, absl::string_view field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, field);
}

TEST(ParseDate, AcceptsStrictIsoDates) {
  absl::StatusOr<absl::CivilDay> day = ParseDate("2026-02-28", "d");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(FormatDate(*day), "2026-02-28");
  EXPECT_TRUE(ParseDate("2028-02-29", "d").ok());  // leap year
}

TEST(ParseDate, RejectsMalformedAndImpossibleDates) {
  const std::string cases[] = {
      "",           "2026-2-28",          "2026/02/28", "2026-02-30",
      "2027-02-29", "2026-13-01",         "1999-12-31", "2200-01-01",
      "+026-02-28", "2026-02-28T00:00:00"};
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    ExpectRefusalOf(ParseDate(text, "session.local_date").status(),
                    "session.local_date");
  }
}

TEST(ParseMonth, AcceptsStrictMonthsOfTheApiDates) {
  absl::StatusOr<absl::CivilMonth> month = ParseMonth("2026-02", "m");
  ASSERT_TRUE(month.ok()) << month.status();
  EXPECT_EQ(*month, absl::CivilMonth(2026, 2));
  EXPECT_TRUE(ParseMonth("2000-01", "m").ok());
  EXPECT_TRUE(ParseMonth("2199-12", "m").ok());
  EXPECT_EQ(LastDayOf(absl::CivilMonth(2028, 2)), absl::CivilDay(2028, 2, 29));
}

TEST(ParseMonth, RejectsMalformedMonthsAndOnesOutsideTheApiDates) {
  const std::string cases[] = {"",        "2026-2",  "2026/02",
                               "2026-13", "2026-00", "1999-12",
                               "2200-01", "+026-02", "2026-02-01"};
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    ExpectRefusalOf(ParseMonth(text, "month").status(), "month");
  }
}

TEST(Violations, AddAllJoinsAParsersViolationsToTheOthers) {
  Violations violations;
  violations.Add("first", "is wrong");
  violations.AddAll(ParseMonth("2026-13", "month").status());
  violations.AddAll(absl::OkStatus());
  violations.AddAll(absl::InternalError("carries no field"));
  ASSERT_EQ(violations.list().size(), 2u);
  EXPECT_EQ(violations.list()[1].field, "month");
  EXPECT_EQ(violations.list()[1].description, "must be a month as YYYY-MM");
}

TEST(LoadTimeZone, LoadsIanaNamesOnly) {
  EXPECT_TRUE(LoadTimeZone("Europe/Berlin", "tz").ok());
  EXPECT_TRUE(LoadTimeZone("America/Argentina/Buenos_Aires", "tz").ok());
  EXPECT_TRUE(LoadTimeZone("UTC", "tz").ok());
  for (const char* bad :
       {"", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime",
        "localtime", "Europe//Berlin", "Europe/Berlin\n"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<absl::TimeZone> zone =
        LoadTimeZone(bad, "patient.time_zone");
    ASSERT_FALSE(zone.ok());
    EXPECT_EQ(FieldViolationsOf(zone.status())[0].field, "patient.time_zone");
  }
}

// A session at 23:30 local time belongs to that local day, whatever the UTC
// date (issue 3, section 7), across a DST change too.
TEST(LocalDay, UsesThePatientsTimeZone) {
  absl::TimeZone berlin = *LoadTimeZone("Europe/Berlin", "tz");
  absl::TimeZone los_angeles = *LoadTimeZone("America/Los_Angeles", "tz");
  // 2026-03-28 23:30 in Berlin is 22:30 UTC, before the DST change.
  EXPECT_EQ(LocalDay(absl::FromCivil(absl::CivilSecond(2026, 3, 28, 23, 30, 0),
                                     berlin),
                     berlin),
            absl::CivilDay(2026, 3, 28));
  // 2026-03-29 23:30 in Berlin (after the change to CEST) is 21:30 UTC.
  EXPECT_EQ(LocalDay(absl::FromCivil(absl::CivilSecond(2026, 3, 29, 23, 30, 0),
                                     berlin),
                     berlin),
            absl::CivilDay(2026, 3, 29));
  // 23:30 in Los Angeles is already the next day in UTC.
  const absl::Time late_evening =
      absl::FromCivil(absl::CivilSecond(2026, 11, 1, 23, 30, 0), los_angeles);
  EXPECT_EQ(LocalDay(late_evening, los_angeles), absl::CivilDay(2026, 11, 1));
  EXPECT_EQ(LocalDay(late_evening, absl::UTCTimeZone()),
            absl::CivilDay(2026, 11, 2));
}

}  // namespace
}  // namespace glutecare
