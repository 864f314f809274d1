#include "server/domain/program_followed.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

const PatientName kFollower{"c", "p"};
constexpr char kField[] = "session.program_revision";

// 2026-11-02 09:00 UTC, and times relative to it.
const absl::Time kT0 = absl::FromCivil(absl::CivilSecond(2026, 11, 2, 9, 0, 0),
                                       absl::UTCTimeZone());

// Revision `id` of program `program`, made at `made`.
v1::Program Revision(const std::string& program, int64_t id, absl::Time made,
                     v1::ProgramStatus status = v1::PROGRAM_STATUS_ACTIVE) {
  v1::Program revision;
  revision.set_name(absl::StrCat("clinics/c/patients/p/programs/", program));
  revision.set_revision_id(id);
  revision.set_status(status);
  const int64_t nanos = absl::ToUnixNanos(made);
  revision.mutable_revision_create_time()->set_seconds(nanos / 1'000'000'000);
  revision.mutable_revision_create_time()->set_nanos(nanos % 1'000'000'000);
  return revision;
}

TEST(RevisionInForceAt, IsTheLatestMadeAtOrBeforeTheTimeElseTheFirst) {
  // Revisions made at T0, T0 + 1 day and T0 + 2 days (with a fraction of a
  // second, to check nanos count).
  const absl::Time second = kT0 + absl::Hours(24) + absl::Milliseconds(250);
  const std::vector<v1::Program> revisions = {
      Revision("g", 1, kT0), Revision("g", 2, second),
      Revision("g", 3, kT0 + absl::Hours(48))};
  const struct {
    const char* what;
    absl::Time time;
    int64_t want;
  } kCases[] = {
      {"long before the first revision", kT0 - absl::Hours(24 * 30), 1},
      {"just before the first revision", kT0 - absl::Nanoseconds(1), 1},
      {"exactly when revision 1 was made", kT0, 1},
      {"between revisions 1 and 2", kT0 + absl::Hours(12), 1},
      {"a nanosecond before revision 2", second - absl::Nanoseconds(1), 1},
      {"exactly when revision 2 was made", second, 2},
      {"exactly when revision 3 was made", kT0 + absl::Hours(48), 3},
      {"after the last revision", kT0 + absl::Hours(24 * 365), 3},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    const v1::Program* in_force = RevisionInForceAt(revisions, c.time);
    ASSERT_NE(in_force, nullptr);
    EXPECT_EQ(in_force->revision_id(), c.want);
  }
}

TEST(RevisionInForceAt, IsNullForNoRevisions) {
  EXPECT_EQ(RevisionInForceAt({}, kT0), nullptr);
}

TEST(RevisionInForceAt, PointsIntoTheGivenRevisions) {
  const std::vector<v1::Program> revisions = {Revision("g", 1, kT0)};
  EXPECT_EQ(RevisionInForceAt(revisions, kT0), &revisions[0]);
}

// The program ids of what ProgramActiveAt chose: one entry, or the error.
std::string Chosen(const std::vector<std::vector<v1::Program>>& programs,
                   absl::Time time) {
  absl::StatusOr<const std::vector<v1::Program>*> chosen =
      ProgramActiveAt(programs, time, kFollower, kField);
  if (!chosen.ok()) return chosen.status().ToString();
  const std::string& name = (*chosen)->front().name();
  return name.substr(name.rfind('/') + 1);
}

TEST(ProgramActiveAt, ChoosesTheOneProgramActiveAtTheTime) {
  const absl::Duration day = absl::Hours(24);
  const struct {
    const char* what;
    std::vector<std::vector<v1::Program>> programs;
    absl::Time time;
    std::string want;
  } kCases[] = {
      {"one active program", {{Revision("a", 1, kT0)}}, kT0 + day, "a"},
      {"made exactly at the time", {{Revision("a", 1, kT0)}}, kT0, "a"},
      {"one active and one paused",
       {{Revision("a", 1, kT0)},
        {Revision("b", 1, kT0, v1::PROGRAM_STATUS_PAUSED)}},
       kT0 + day,
       "a"},
      {"paused after the time: still active then",
       {{Revision("a", 1, kT0),
         Revision("a", 2, kT0 + 2 * day, v1::PROGRAM_STATUS_COMPLETED)}},
       kT0 + day,
       "a"},
      {"a program made after the time does not count",
       {{Revision("a", 1, kT0),
         Revision("a", 2, kT0 + 2 * day, v1::PROGRAM_STATUS_COMPLETED)},
        {Revision("b", 1, kT0 + 2 * day)}},
       kT0 + day,
       "a"},
      {"the replacement, once made",
       {{Revision("a", 1, kT0),
         Revision("a", 2, kT0 + 2 * day, v1::PROGRAM_STATUS_COMPLETED)},
        {Revision("b", 1, kT0 + 2 * day)}},
       kT0 + 3 * day,
       "b"},
      {"no program made yet: the one whose revision 1 is active",
       {{Revision("a", 1, kT0)},
        {Revision("b", 1, kT0, v1::PROGRAM_STATUS_PAUSED)}},
       kT0 - day,
       "a"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(Chosen(c.programs, c.time), c.want);
  }
}

TEST(ProgramActiveAt, NoneOrSeveralIsAFieldViolationAskingForTheProgram) {
  const absl::Duration day = absl::Hours(24);
  const struct {
    const char* what;
    std::vector<std::vector<v1::Program>> programs;
    absl::Time time;
    std::string mention;
  } kCases[] = {
      {"no program at all", {}, kT0, "had no active program at"},
      {"only a paused program",
       {{Revision("a", 1, kT0, v1::PROGRAM_STATUS_PAUSED)}},
       kT0 + day,
       "had no active program at 2026-11-03T09:00:00+00:00"},
      {"paused at the time, active again later",
       {{Revision("a", 1, kT0, v1::PROGRAM_STATUS_PAUSED),
         Revision("a", 2, kT0 + 2 * day)}},
       kT0 + day,
       "had no active program"},
      {"a paused program before a later active one does not fall back",
       {{Revision("a", 1, kT0, v1::PROGRAM_STATUS_PAUSED)},
        {Revision("b", 1, kT0 + 2 * day)}},
       kT0 + day,
       "had no active program"},
      {"two active programs",
       {{Revision("a", 1, kT0)}, {Revision("b", 1, kT0 + absl::Hours(1))}},
       kT0 + day,
       "had 2 active programs at 2026-11-03T09:00:00+00:00 (a, b)"},
      {"two programs made later, both active from revision 1",
       {{Revision("a", 1, kT0)}, {Revision("b", 1, kT0)}},
       kT0 - day,
       "had 2 active programs"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    const absl::StatusOr<const std::vector<v1::Program>*> chosen =
        ProgramActiveAt(c.programs, c.time, kFollower, kField);
    ASSERT_FALSE(chosen.ok());
    EXPECT_EQ(chosen.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(FieldViolationsOf(chosen.status()),
                ElementsAre(Field(&FieldViolation::field, kField)));
    EXPECT_THAT(chosen.status().message(), HasSubstr("clinics/c/patients/p"));
    EXPECT_THAT(chosen.status().message(), HasSubstr(c.mention));
    EXPECT_THAT(chosen.status().message(),
                HasSubstr("name the program followed"));
  }
}

}  // namespace
}  // namespace glutecare
