// The alert rules (issue 3): which facts about a patient's recent data need a
// therapist's attention. Thresholds come from CLINICAL.md (pain_rules.h).
//
// EvaluateAlerts looks at a window of recent data and returns every rule that
// fires, each with a trigger key naming the event (a session, a day, a week).
// The store raises an alert for a key it has not seen, or adds the evidence to
// the patient's unresolved alert of the same rule; so evaluating the same data
// again, on the next submission or the next sweep, raises nothing twice.
#ifndef GLUTECARE_SERVER_DOMAIN_ALERT_RULES_H_
#define GLUTECARE_SERVER_DOMAIN_ALERT_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "glutecare/v1/alert.pb.h"
#include "glutecare/v1/session.pb.h"
#include "server/domain/adherence.h"

namespace glutecare {

// A rule that fired, before it is stored as (or merged into) an alert.
struct AlertCandidate {
  v1::AlertRule rule;
  // Identifies the event within the rule, such as the session's name or the
  // day; the same event never raises twice.
  std::string trigger_key;
  // The patient's day the data belongs to, YYYY-MM-DD.
  std::string local_date;
  std::string summary;
  // Resource names of the sessions and check-ins behind it.
  std::vector<std::string> evidence;
};

// How far back the rules look, in days, today included.
inline constexpr int kAlertWindowDays = 21;

// Missed sessions alert after this many days without one, unless the program
// says otherwise (Program.missed_session_alert_days).
inline constexpr int kDefaultMissedSessionAlertDays = 3;

// A finished week below this adherence raises an alert.
inline constexpr double kLowAdherencePercent = 50.0;

// A next-day rise in pain of at most this fraction is the usual rise when
// starting to exercise, not a flare (CLINICAL.md, Silbernagel 2007).
inline constexpr double kUsualPainRiseFraction = 0.10;

struct AlertInput {
  // The patient's today.
  absl::CivilDay today;
  // The patient's baseline pain (0-10), if known.
  std::optional<int> baseline;
  // Every program of the patient (ProgramHistories).
  std::vector<ProgramHistory> programs;
  // Sessions and check-ins with local_date in
  // [today - kAlertWindowDays + 1, today].
  std::vector<v1::Session> sessions;
  std::vector<v1::PainReport> pain_reports;
  // The local day of the patient's last session on or before today, if any
  // (it may be older than the window).
  std::optional<absl::CivilDay> last_session_day;
  // The first day the sessions and check-ins above cover. A rule that needs
  // the day before a session skips sessions on this day: their day before is
  // unknown, not empty.
  std::optional<absl::CivilDay> data_from;
};

// Every rule that fires on `input`.
std::vector<AlertCandidate> EvaluateAlerts(const AlertInput& input);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_ALERT_RULES_H_
