#include "server/app/patient_monitor.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/log.h"
#include "server/common/status.h"
#include "server/domain/adherence.h"
#include "server/domain/alert_rules.h"
#include "server/domain/calendar.h"
#include "server/domain/outcomes/latest_scores.h"
#include "server/domain/pain_trend.h"
#include "server/domain/patient_status.h"
#include "server/domain/progression.h"
#include "server/domain/validation.h"

namespace glutecare {
namespace {

// The items of `all` whose local_date is on or after `first`.
template <typename T>
std::vector<T> Since(const std::vector<T>& all, absl::CivilDay first) {
  const std::string from = FormatDate(first);
  std::vector<T> recent;
  for (const T& item : all) {
    if (item.local_date() >= from) recent.push_back(item);
  }
  return recent;
}

}  // namespace

absl::Status PatientMonitor::Evaluate(const PatientName& name, absl::Time now) {
  if (options_.on_evaluation_start) options_.on_evaluation_start(name);
  absl::Status status = EvaluateRules(name, now);
  if (options_.on_evaluation_end) options_.on_evaluation_end(name);
  return status;
}

absl::Status PatientMonitor::EvaluateRules(const PatientName& name,
                                           absl::Time now) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient, store_.GetPatient(name));
  GLUTECARE_ASSIGN_OR_RETURN(
      absl::TimeZone zone,
      LoadTimeZone(patient.time_zone(), "patient.time_zone"));
  const absl::CivilDay today = LocalDay(now, zone);
  const google::protobuf::Timestamp stamp =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(now));
  // One read for everything below: the dashboard's 28 days, plus the 6 days
  // before them that its first rolling pain means look back over, and the
  // outcome responses.
  const absl::CivilDay first_day = today - (kDefaultReportDays - 1);
  GLUTECARE_ASSIGN_OR_RETURN(
      PatientActivity activity,
      store_.GetPatientActivity(
          name, {.from = FormatDate(first_day - (kRollingDays - 1)),
                 .to = FormatDate(today),
                 .outcome_responses = true}));
  const std::vector<ProgramHistory> programs =
      ProgramHistories(activity.programs, zone);
  std::optional<absl::CivilDay> last_session_day;
  if (absl::StatusOr<absl::CivilDay> last =
          ParseDate(activity.last_session_date, "");
      last.ok()) {
    last_session_day = *last;
  }

  // Alerts.
  const absl::CivilDay alert_start = today - (kAlertWindowDays - 1);
  AlertInput alerts{.today = today,
                    .last_session_day = last_session_day,
                    .data_from = alert_start};
  if (patient.has_baseline_pain()) alerts.baseline = patient.baseline_pain();
  alerts.programs = programs;
  alerts.sessions = Since(activity.sessions, alert_start);
  alerts.pain_reports = Since(activity.pain_reports, alert_start);
  // Resolve what the data has cleared before recording what fired: a new
  // event of a rule whose alert just cleared raises a new alert rather than
  // joining the old one. Sessions are never deleted, so sessions written
  // since this snapshot can only clear more; an event another evaluation
  // recorded on the alert since makes the store leave it as it is.
  GLUTECARE_ASSIGN_OR_RETURN(std::vector<UnresolvedAlert> open_alerts,
                             store_.ListUnresolvedAlerts(name));
  // Everything below is written at the end, in one transaction.
  Evaluation evaluation{.clearances = ClearedAlerts(alerts, open_alerts),
                        .alerts = EvaluateAlerts(alerts)};

  // Progression suggestions, for each program's latest revision.
  const absl::CivilDay progression_start = today - kProgressionWindowDays;
  for (const ProgramHistory& history : programs) {
    if (history.empty()) continue;
    const RevisionInForce& latest = history.back();
    // Revision 1 counts from the program's start (a program entered late
    // still has its history); later ones from the day they were made.
    absl::CivilDay revision_from = latest.from;
    if (history.size() == 1) {
      absl::StatusOr<absl::CivilDay> start =
          ParseDate(latest.revision.start_date(), "");
      if (start.ok()) revision_from = *start;
    }
    ProgressionInput progression{.today = today,
                                 .revision = latest.revision,
                                 .revision_from = revision_from};
    progression.sessions = Since(activity.sessions, progression_start);
    progression.pain_reports = Since(activity.pain_reports, progression_start);
    std::vector<SuggestionCandidate> candidates =
        SuggestProgressions(progression, catalog_);
    if (candidates.empty()) continue;
    GLUTECARE_ASSIGN_OR_RETURN(
        ProgramName program,
        ProgramName::Parse(latest.revision.name(), "program.name"));
    evaluation.suggestions.push_back(
        {.program = std::move(program),
         .based_on_revision = latest.revision.revision_id(),
         .candidates = std::move(candidates)});
  }

  // The dashboard status.
  AdherenceInput adherence_input{.start = first_day, .end = today};
  adherence_input.programs = programs;
  adherence_input.sessions = Since(activity.sessions, first_day);
  if (last_session_day.has_value()) {
    adherence_input.session_days.push_back(*last_session_day);
  }
  const v1::AdherenceReport adherence = ComputeAdherence(adherence_input);
  PainTrendInput pain_input{.start = first_day, .end = today};
  if (patient.has_baseline_pain())
    pain_input.baseline = patient.baseline_pain();
  pain_input.scores = PainScoresOf(activity.sessions, activity.pain_reports);
  const v1::PainTrendReport pain = ComputePainTrend(pain_input);
  const auto scores =
      outcomes::LatestOutcomeScores(activity.outcome_responses, today);
  evaluation.status = [&](int32_t unresolved) {
    v1::PatientStatus status =
        ComputePatientStatus({.patient = patient,
                              .adherence = adherence,
                              .pain = pain,
                              .unresolved_alerts = unresolved});
    *status.mutable_outcome_scores() = scores;
    *status.mutable_update_time() = stamp;
    return status;
  };
  GLUTECARE_ASSIGN_OR_RETURN(std::vector<v1::Alert> raised,
                             store_.RecordEvaluation(name, evaluation, stamp));
  if (!raised.empty()) hub_.Publish(name.parent().ToString());
  return absl::OkStatus();
}

PatientMonitor::PatientMonitor(Store& store, AlertHub& hub,
                               const ExerciseCatalog& catalog, Options options)
    : store_(store),
      hub_(hub),
      catalog_(catalog),
      options_(std::move(options)),
      executor_(Executor::Options{.threads = options_.threads}) {}

PatientMonitor::~PatientMonitor() { Shutdown(); }

absl::Status PatientMonitor::EvaluatePatient(const PatientName& patient,
                                             absl::Time now) {
  const std::string key = patient.ToString();
  {
    absl::MutexLock lock(&mu_);
    if (JoinPendingLocked(key)) return absl::OkStatus();
    pending_.emplace(key, Pending{.position = 0, .running = true});
  }
  absl::Status status = Evaluate(patient, now);
  absl::MutexLock lock(&mu_);
  EndRunLocked(patient);
  return status;
}

bool PatientMonitor::JoinPendingLocked(const std::string& key) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return false;
  // Queued and not started: that evaluation will see what came before.
  if (!it->second.running) return true;
  // Running: it may have read before; one more after it.
  if (it->second.rerun_position == 0) {
    it->second.rerun_position = ++last_position_;
    outstanding_.insert(last_position_);
  }
  return true;
}

void PatientMonitor::Schedule(const PatientName& patient) {
  const std::string key = patient.ToString();
  absl::MutexLock lock(&mu_);
  while (true) {
    if (stopping_) return;
    if (JoinPendingLocked(key)) return;
    if (outstanding_.size() < kMaxBacklog) break;
    // Wait for room (see kMaxBacklog), then look again: another write may
    // have scheduled the patient meanwhile.
    mu_.Await(absl::Condition(
        +[](PatientMonitor* m) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return m->outstanding_.size() < kMaxBacklog || m->stopping_;
        },
        this));
  }
  const int64_t position = ++last_position_;
  absl::Status queued = executor_.Submit([this, patient] { Run(patient); });
  if (!queued.ok()) {
    Log(LogSeverity::kWarning,
        absl::StrCat("rules for ", key, " not run: ", queued.ToString()));
    return;
  }
  pending_.emplace(key, Pending{.position = position});
  outstanding_.insert(position);
}

void PatientMonitor::Run(const PatientName& patient) {
  const std::string key = patient.ToString();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      Done(pending_[key].position);
      if (pending_[key].rerun_position != 0) {
        Done(pending_[key].rerun_position);
      }
      pending_.erase(key);
      return;
    }
    pending_[key].running = true;
  }
  absl::Status status = Evaluate(patient, absl::Now());
  if (!status.ok()) {
    Log(LogSeverity::kWarning,
        absl::StrCat("rules for ", key, ": ", status.ToString()));
  }
  absl::MutexLock lock(&mu_);
  EndRunLocked(patient);
}

void PatientMonitor::EndRunLocked(const PatientName& patient) {
  const std::string key = patient.ToString();
  Pending& pending = pending_[key];
  if (pending.position != 0) Done(pending.position);
  if (pending.rerun_position == 0) {
    pending_.erase(key);
    return;
  }
  pending = Pending{.position = pending.rerun_position};
  absl::Status queued = executor_.Submit([this, patient] { Run(patient); });
  if (!queued.ok()) {
    Done(pending.position);
    pending_.erase(key);
  }
}

void PatientMonitor::Done(int64_t position) { outstanding_.erase(position); }

void PatientMonitor::Flush() {
  absl::MutexLock lock(&mu_);
  struct Until {
    PatientMonitor* monitor;
    int64_t position;
  } until{this, last_position_};
  mu_.Await(absl::Condition(
      +[](Until* u) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        const auto& outstanding = u->monitor->outstanding_;
        return outstanding.empty() || *outstanding.begin() > u->position;
      },
      &until));
}

void PatientMonitor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  executor_.Shutdown();
}

absl::Status PatientMonitor::EvaluateAll(absl::Time now,
                                         absl::FunctionRef<bool()> stop) {
  absl::Status first_error;
  PageRequest clinics_page{.page_size = 100};
  do {
    GLUTECARE_ASSIGN_OR_RETURN(Page<v1::Clinic> clinics,
                               store_.ListClinics(clinics_page));
    for (const v1::Clinic& clinic : clinics.items) {
      GLUTECARE_ASSIGN_OR_RETURN(ClinicName clinic_name,
                                 ClinicName::Parse(clinic.name(), "clinic"));
      PageRequest patients_page{.page_size = 500};
      do {
        GLUTECARE_ASSIGN_OR_RETURN(
            Page<v1::Patient> patients,
            store_.ListPatients(clinic_name, std::nullopt, patients_page));
        for (const v1::Patient& patient : patients.items) {
          if (stop()) return first_error;
          absl::StatusOr<PatientName> name =
              PatientName::Parse(patient.name(), "patient");
          absl::Status status =
              name.ok() ? EvaluatePatient(*name, now) : name.status();
          if (!status.ok() && first_error.ok()) first_error = status;
        }
        patients_page.page_token = std::move(patients.next_page_token);
      } while (!patients_page.page_token.empty());
    }
    clinics_page.page_token = std::move(clinics.next_page_token);
  } while (!clinics_page.page_token.empty());
  return first_error;
}

}  // namespace glutecare
