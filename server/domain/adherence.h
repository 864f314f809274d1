// Adherence: how much of what was prescribed a patient did, day by day in the
// patient's calendar, against the program revision in force on each day.
//
//   AdherenceInput input{.start = day - 27, .end = day};
//   input.programs = ...;   // every program's revisions, oldest first
//   input.sessions = ...;   // sessions with local_date in [start, end]
//   v1::AdherenceReport report = ComputeAdherence(input);
//
// Rules:
// - A program prescribes sessions on a day when the revision in force that day
//   is ACTIVE and the day is within its start_date and end_date. It then
//   prescribes max(sessions_per_week) / 7 sessions that day, and for each
//   exercise sets x (reps or hold seconds) x sessions_per_week / 7 volume.
// - Revision 1 is in force from the program's start; a later revision from
//   the local day it was made.
// - Several programs in force on one day add up.
#ifndef GLUTECARE_SERVER_DOMAIN_ADHERENCE_H_
#define GLUTECARE_SERVER_DOMAIN_ADHERENCE_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/report.pb.h"
#include "glutecare/v1/session.pb.h"

namespace glutecare {

// A revision of a program and the first day (patient's calendar) it is in
// force. For revision 1, `from` is ignored: it is in force until the next.
struct RevisionInForce {
  absl::CivilDay from;
  v1::Program revision;
};

// One program's revisions, oldest first.
using ProgramHistory = std::vector<RevisionInForce>;

// The histories of a patient's programs from their stored revisions (each
// program's revisions oldest first): a revision is in force from the day, in
// `zone`, of its revision_create_time.
std::vector<ProgramHistory> ProgramHistories(
    const std::vector<std::vector<v1::Program>>& programs, absl::TimeZone zone);

// The revision of `history` in force on `day`, or nullptr for an empty
// history.
const v1::Program* RevisionOn(const ProgramHistory& history,
                              absl::CivilDay day);

// Sessions that `program` prescribes on `day` (0 when it is not active then).
double PrescribedSessionsOn(const v1::Program& program, absl::CivilDay day);

// Exercise volume of one prescription or performed exercise: sets x reps, or
// sets x hold seconds for a hold.
int64_t Volume(int32_t sets, int32_t reps, int32_t hold_seconds);

// Weeks start on Monday.
absl::CivilDay WeekStart(absl::CivilDay day);

struct AdherenceInput {
  // The range, inclusive. REQUIRES: start <= end.
  absl::CivilDay start;
  absl::CivilDay end;
  // Every program of the patient.
  std::vector<ProgramHistory> programs;
  // The sessions whose local_date is within [start, end].
  std::vector<v1::Session> sessions;
  // The local day of every session on or before `end`, one entry per
  // session, any order; the streak and days-since-last-session look back
  // beyond `start` through these.
  std::vector<absl::CivilDay> session_days;
  // The local days of pain check-ins within [start, end].
  std::vector<absl::CivilDay> pain_report_days;
};

// How many weeks back the streak looks at most.
inline constexpr int kMaxStreakWeeks = 104;

// The report for `input`; the caller fills in AdherenceReport.patient.
v1::AdherenceReport ComputeAdherence(const AdherenceInput& input);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_ADHERENCE_H_
