// US Remote Therapeutic Monitoring (RTM): which CPT codes a patient's
// reported data and the therapists' management time support, and what is
// missing for the ones they do not support yet.
//
// The codes, thresholds and exclusions are data, a table of CodeRule with
// effective dates (DefaultCodeTable), because they change every year; the
// evaluation reads only the table. The facts are in ../shared/CLINICAL.md
// ("US Remote Therapeutic Monitoring (RTM) billing").
//
//   RtmInput input{.as_of = today, .episode_start = first_day,
//                  .data_days = DataDays(report_times, zone),
//                  .month = absl::CivilMonth(today), .time = entries};
//   v1::RtmReport report = AssessRtm(input, DefaultCodeTable());
//   for (const v1::RtmCodeFinding& code : report.codes()) ...
//
// Rules (the project's reading of the code descriptors):
// - A data day is a distinct calendar day, in the patient's time zone, with
//   any patient-reported data (a session or a pain check-in).
// - Device supply counts over consecutive 30-day periods from the first day
//   of the episode of care; the period assessed is the one holding `as_of`.
//   A code applies when it is in force on the period's first day.
// - Management time counts over the calendar month `month`, with the month's
//   first day deciding which codes are in force. The first-20-minutes code
//   and the first-10-minutes code need at least one interactive
//   communication with the patient in the month.
// - Set-up and education (98975) is supportable once per episode, in the
//   episode's first period, once the patient has reported data at all.
// - Codes that exclude each other (98977 and 98985; 98980 and 98979) are
//   never both supportable: the ranges of the table keep them apart, and the
//   exclusion list says so for a reader.
#ifndef GLUTECARE_SERVER_DOMAIN_RTM_BILLING_RULES_H_
#define GLUTECARE_SERVER_DOMAIN_RTM_BILLING_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "glutecare/v1/rtm.pb.h"
#include "server/common/status.h"

namespace glutecare::rtm {

// What a code pays for, which decides what its thresholds count.
enum class CodeKind {
  // Once per episode of care.
  kSetup,
  // Per 30-day period; thresholds count data days.
  kDeviceSupply,
  // Per calendar month; thresholds count management minutes.
  kManagement,
  // Per further block of management minutes beyond a kManagement code.
  kManagementAddOn,
};

// One code of the table. Thresholds of 0 mean "no bound".
struct CodeRule {
  std::string code;
  std::string description;
  CodeKind kind;
  // In force for periods (or months) whose first day is in
  // [effective_from, effective_until]; no effective_until: still in force.
  absl::CivilDay effective_from;
  std::optional<absl::CivilDay> effective_until;
  // kDeviceSupply: data days in the period, inclusive bounds.
  int min_data_days = 0;
  int max_data_days = 0;
  // kManagement: minutes in the month, inclusive bounds. kManagementAddOn:
  // min_minutes is the base code's, block_minutes each further unit's.
  int min_minutes = 0;
  int max_minutes = 0;
  int block_minutes = 0;
  // kManagementAddOn: the code it adds on to.
  std::string adds_on_to;
  bool needs_interactive_communication = false;
  // Codes not billed with this one for the same period or month.
  std::vector<std::string> not_with;
};

// The codes as CLINICAL.md gives them: 98975, 98977, 98985 (from 2026),
// 98980, 98981, 98979 (from 2026).
const std::vector<CodeRule>& DefaultCodeTable();

// The distinct calendar days, in `zone`, of `times`, in ascending order.
std::vector<absl::CivilDay> DataDays(const std::vector<absl::Time>& times,
                                     absl::TimeZone zone);

struct RtmInput {
  // The day the assessment is made (or the period's last day, for a past
  // month): the device-supply period holding it is assessed, and days after
  // it are not counted.
  absl::CivilDay as_of;
  // First day of the episode of care (monitoring start).
  absl::CivilDay episode_start;
  // Data days (see DataDays), any order, duplicates allowed.
  std::vector<absl::CivilDay> data_days;
  // The calendar month whose management time is assessed.
  absl::CivilMonth month;
  // The therapists' management time (v1::ManagementTimeEntry: date, minutes,
  // interactive); entries dated outside `month` are ignored.
  std::vector<v1::ManagementTimeEntry> time;
  // Monitoring has begun: the patient has a program or has reported data.
  // A patient never set up is assessed (nothing is supportable) but is not
  // "near a threshold": there is nothing yet to nudge them back to.
  bool monitoring = true;
};

// A 30-day device-supply period, inclusive.
struct SupplyPeriod {
  absl::CivilDay first;
  absl::CivilDay last;
};

// The 30-day period of the episode starting `episode_start` that holds
// `day` (the first one if `day` is earlier).
SupplyPeriod PeriodHolding(absl::CivilDay episode_start, absl::CivilDay day);

// How close counts as "near": within this many data days of a device-supply
// minimum still reachable in the period, or this many minutes of a
// management minimum.
inline constexpr int kNearDataDays = 3;
inline constexpr int kNearMinutes = 5;

// The RTM report of `input` under `table`, as the API returns it, with every
// field but the patient's name and display name set:
// - the 30-day device-supply period holding as_of, its data days up to
//   as_of and the days left after it;
// - the month's management minutes and whether any was interactive;
// - every code in force, in table order: supportable or not, its units, why,
//   and what is missing while the period or month can still get there;
// - near_threshold: the patient is close to a threshold they can still
//   reach, worth a nudge. That includes a monitored patient with no data yet
//   in the period, while 2 data days (98985) can still be had: one who has
//   gone quiet is the one to nudge. Never set while `input.monitoring` is
//   false.
v1::RtmReport AssessRtm(const RtmInput& input,
                        const std::vector<CodeRule>& table);

// Management time per entry, in minutes: a day's work with one patient is
// never more than 4 hours; anything above is a typo.
inline constexpr int32_t kMaxEntryMinutes = 240;

// The writable fields of a management time entry (minutes, note), with
// violations named under `prefix` ("management_time_entry.minutes"). The
// date needs the patient's today and is the caller's to check.
void CheckManagementTimeEntry(const v1::ManagementTimeEntry& entry,
                              absl::string_view prefix, Violations& violations);

}  // namespace glutecare::rtm

#endif  // GLUTECARE_SERVER_DOMAIN_RTM_BILLING_RULES_H_
