// The alert rules: which facts about a patient's recent data need a
// therapist's attention, and which of them later data has cleared. Thresholds
// come from CLINICAL.md (pain_rules.h).
//
// EvaluateAlerts looks at a window of recent data and returns every rule that
// fires, each with a trigger key naming the event (a session, a day, a week).
// The store raises an alert for a key it has not seen, or adds the evidence to
// the patient's unresolved alert of the same rule; so evaluating the same data
// again, on the next submission or the next sweep, raises nothing twice. An
// unresolved alert tells its rule's latest event: it takes the summary of the
// rule's last candidate recorded on it, also when that event fires again with
// new numbers (a longer gap, a late-delivered session counted).
//
// ClearedAlerts looks at the same window and the patient's unresolved alerts
// and returns those whose condition no longer holds; the store resolves them
// (ALERT_RESOLUTION_CONDITION_CLEARED, with what cleared them) before it
// records what fired.
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
  // [today - kAlertWindowDays + 1, today], sessions in the order they were
  // done (local_date, then perform_time).
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

// Every rule that fires on `input`. The candidates of one rule come in the
// same order for the same data, by day (sessions in the order of
// `input.sessions`, pain areas in enum order), so that the last one is the
// rule's latest event and evaluating again does not reorder them.
std::vector<AlertCandidate> EvaluateAlerts(const AlertInput& input);

// A patient's unresolved (open or acknowledged) alert, with the trigger key
// of every event recorded on it.
struct UnresolvedAlert {
  v1::Alert alert;
  std::vector<std::string> trigger_keys;
};

// An unresolved alert whose condition the data no longer meets.
struct AlertClearance {
  // The alert's resource name.
  std::string alert;
  // What cleared it, in one sentence (Alert.resolution_summary).
  std::string summary;
  // Resource names of the sessions that cleared it
  // (Alert.resolution_evidence).
  std::vector<std::string> evidence;
  // How many trigger keys the alert had when this was decided: an event
  // recorded on it since is one the decision did not see.
  size_t trigger_keys_seen = 0;
};

// The alerts of `unresolved` whose condition `input` shows no longer holds,
// in the order given. An alert's condition is that of its latest event, the
// one its summary tells: the greatest of its trigger keys, which for the
// rules below are dates.
//
// The rules about doing the program clear, because later data can show the
// patient is no longer that way; a session delivered late (the CLI's outbox)
// counts for the day it was done:
// - MISSED_SESSIONS ("no session since day S") clears once the patient has a
//   session on or after S and the rule no longer fires. If it still fires (a
//   later gap, already as long as the program allows), the alert is not
//   cleared: EvaluateAlerts names the later gap, and the store records it on
//   this alert as its latest event. The clearance names the first session on
//   or after S.
// - LOW_ADHERENCE ("the week of W was below 50%") clears once the last
//   finished week, W itself (late deliveries) or a later one, reaches
//   kLowAdherencePercent. The clearance names that week's sessions.
// The pain rules (POST_EXERCISE_PAIN, FLARE, PAIN_ABOVE_BASELINE) never
// clear: a reported score is never withdrawn, and unacceptable pain, a flare
// or a clinically important rise calls for a therapist's look at the load
// even once the pain has settled (CLINICAL.md: Silbernagel 2007, Farrar
// 2001).
//
// Open and acknowledged alerts clear alike: an acknowledged alert still
// counts on the dashboard and would take the rule's next event, so keeping
// it would leave the therapist an alert about a patient who is no longer
// that way.
std::vector<AlertClearance> ClearedAlerts(
    const AlertInput& input, const std::vector<UnresolvedAlert>& unresolved);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_ALERT_RULES_H_
