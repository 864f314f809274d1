// The storage interface of glutecare: durable, transactional storage of the
// v1 resources. Services talk only to this interface, so another backend
// (PostgreSQL) can be added without touching them; every backend passes the
// contract suite in tests/storage/store_contract_test.cc.
//
// The stored values are the v1 proto messages themselves. Callers validate
// before they write; a Store checks only what needs stored data (uniqueness,
// existence, etags) and never leaves a half-written record. The rules that
// decide what a write changes (alerts, suggestions, outcome counters) are
// pure functions in server/domain/ (alert_plan.h, suggestion_plan.h,
// outcomes/assignment_counters.h): a backend reads what they name, calls
// them and writes what they return, inside the method's transaction.
//
// Guarantees every backend gives:
// - Durability: a write that returns OK survives a crash of the process or
//   of the machine (SQLite: synchronous=FULL; PostgreSQL:
//   synchronous_commit=on). An error means nothing was written, except
//   UNAVAILABLE from a failed commit, where the write may or may not have
//   been made durable: callers retry with the same request_id.
// - Atomicity: each write method is one transaction; everything it writes
//   commits together or not at all.
// - Isolation of writes: each write method behaves as if it ran alone
//   (serializable) with respect to the other writes of the same patient,
//   clinic-wide uniqueness (ids, MRNs, token hashes) and the clinic's alert
//   stream. A backend may get there with one writer at a time (SQLite) or
//   with row locks and serializable retries (PostgreSQL); either way the
//   check-then-write methods (CreatePatient's MRN, the request_id of the
//   create methods, RecordAlerts, RecordSuggestions, AcceptSuggestion, the
//   etag checks) never act on a value another transaction has changed
//   before it commits.
// - Isolation of reads: each read method reads one consistent snapshot that
//   includes every write that returned OK before the read began (read after
//   write); GetPatientActivity and GetRtmActivity read all they return from
//   that one snapshot.
// - Alert stream order: within a clinic, alert sequences increase in commit
//   order. When an alert with sequence N is visible to a reader, every alert
//   of its clinic with a sequence below N that will ever exist is visible
//   too; so a watcher that has seen everything up to N and asks for "after
//   N" (ListAlertsAfter) misses nothing and sees nothing twice, whatever the
//   interleaving of writers. Sequences need not be dense.
//
// Errors: NOT_FOUND for a missing resource, ALREADY_EXISTS for a taken id or
// MRN, ABORTED for a stale etag (reason ETAG_MISMATCH, server/common/status.h)
// or a changed outcome intake (INTAKE_CHANGED), INVALID_ARGUMENT for a bad
// page token,
// UNAVAILABLE when storage cannot be written or read right now (disk full,
// read-only, busy, the database unreachable), INTERNAL otherwise.
//
// Thread-safety: every method may be called from many threads at once.
#ifndef GLUTECARE_SERVER_STORAGE_STORE_H_
#define GLUTECARE_SERVER_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "glutecare/v1/access.pb.h"
#include "glutecare/v1/alert.pb.h"
#include "glutecare/v1/audit.pb.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/dashboard.pb.h"
#include "glutecare/v1/outcome.pb.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/rtm.pb.h"
#include "glutecare/v1/session.pb.h"
#include "glutecare/v1/suggestion.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/alert_rules.h"
#include "server/domain/progression.h"
#include "server/domain/resource_names.h"

namespace glutecare {

// What a List call asks for. `page_size` is already validated (1 or more).
struct PageRequest {
  int32_t page_size = 50;
  // Empty for the first page.
  std::string page_token;
};

// One page of a List call.
template <typename T>
struct Page {
  std::vector<T> items;
  // Empty on the last page.
  std::string next_page_token;
};

// What reports read about one patient in one snapshot (GetPatientActivity).
struct ActivityQuery {
  // Sessions and pain check-ins with local_date in [from, to] (YYYY-MM-DD).
  std::string from;
  std::string to;
  // Session dates (only) from this day to `to`; empty means none.
  std::string history_from;
  // Also every outcome response of the patient, whatever its date (the
  // latest before `to` is compared with an intake that may be older than
  // `from`).
  bool outcome_responses = false;
};

struct PatientActivity {
  // Every program of the patient, each as its revisions, oldest first.
  std::vector<std::vector<v1::Program>> programs;
  // Sessions with local_date in [from, to], oldest first.
  std::vector<v1::Session> sessions;
  // The local_date of each session in [history_from, to], oldest first.
  std::vector<std::string> session_dates;
  // Pain check-ins with local_date in [from, to], oldest first.
  std::vector<v1::PainReport> pain_reports;
  // The latest local_date of any session on or before `to`; empty if none.
  std::string last_session_date;
  // When the query asked for them: every outcome response of the patient,
  // oldest local_date first, in the order stored within a day.
  std::vector<v1::OutcomeResponse> outcome_responses;
};

// What an RTM report reads about one patient (GetRtmActivity). Dates are
// `YYYY-MM-DD` in the patient's time zone, bounds inclusive.
struct RtmQuery {
  // Data days from `data_from` to `data_to`.
  std::string data_from;
  std::string data_to;
  // Management time from `time_from` to `time_to`.
  std::string time_from;
  std::string time_to;
};

struct RtmActivity {
  // Distinct local dates with a session or a pain check-in in
  // [data_from, data_to], ascending.
  std::vector<std::string> data_dates;
  // The earliest local date of any session or pain check-in; empty if none.
  std::string first_data_date;
  // The earliest start_date of the latest revision of each of the patient's
  // programs; empty if the patient has no program.
  std::string first_program_start_date;
  // Management time entries dated in [time_from, time_to], oldest first.
  std::vector<v1::ManagementTimeEntry> management_time;
};

// A patient's history, stored in bulk by ImportHistory.
struct ImportedHistory {
  // Sessions, each named as a new resource of the patient, with local_date
  // and create_time set, as CreateSession takes them.
  std::vector<v1::Session> sessions;
  // Pain check-ins, the same way.
  std::vector<v1::PainReport> pain_reports;
};

// What one evaluation of a patient's rules decided (PatientMonitor), for
// RecordEvaluation to write in one transaction.
struct Evaluation {
  // As ResolveClearedAlerts takes them.
  std::vector<AlertClearance> clearances;
  // As RecordAlerts takes them.
  std::vector<AlertCandidate> alerts;
  // As RecordSuggestions takes them, for each program revision.
  struct ProgramSuggestions {
    ProgramName program;
    int64_t based_on_revision = 0;
    std::vector<SuggestionCandidate> candidates;
  };
  std::vector<ProgramSuggestions> suggestions;
  // The patient's dashboard status, given how many unresolved alerts the
  // patient has once the above are written. Required. A pure function: a
  // backend may call it more than once (when it retries a transaction), and
  // calls it only before RecordEvaluation returns, so it may refer to the
  // caller's locals.
  std::function<v1::PatientStatus(int32_t unresolved_alerts)> status;
};

// Which alerts ListAlerts returns.
struct AlertFilter {
  ClinicName clinic;
  // One patient's alerts only, when set.
  std::optional<PatientName> patient;
  // Only alerts of this therapist's patients, when set.
  std::optional<TherapistName> therapist;
  // Only alerts in this state; ALERT_STATE_UNSPECIFIED means any.
  v1::AlertState state = v1::ALERT_STATE_UNSPECIFIED;
};

// Which suggestions ListSuggestions returns.
struct SuggestionFilter {
  PatientName patient;
  // One program's suggestions only, when set.
  std::optional<ProgramName> program;
  // Only suggestions in this state; SUGGESTION_STATE_UNSPECIFIED means any.
  v1::SuggestionState state = v1::SUGGESTION_STATE_UNSPECIFIED;
};

// Which audit events ListAuditEvents returns.
struct AuditFilter {
  ClinicName clinic;
  // Only events about this patient, when set.
  std::optional<PatientName> patient;
  // Only events with start <= time < end.
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
};

// One audit event to append, with the clinic whose trail it belongs to.
struct AuditRecord {
  ClinicName clinic;
  // name and sequence are assigned by the store.
  v1::AuditEvent event;
};

class Store {
 public:
  virtual ~Store() = default;

  // Clinics. `clinic.name` holds the new resource name.
  virtual absl::StatusOr<v1::Clinic> CreateClinic(const v1::Clinic& clinic) = 0;
  virtual absl::StatusOr<v1::Clinic> GetClinic(const ClinicName& name) = 0;
  virtual absl::StatusOr<Page<v1::Clinic>> ListClinics(
      const PageRequest& page) = 0;

  // Therapists. `therapist.name` holds the new resource name; NOT_FOUND if
  // its clinic does not exist.
  virtual absl::StatusOr<v1::Therapist> CreateTherapist(
      const v1::Therapist& therapist) = 0;
  virtual absl::StatusOr<v1::Therapist> GetTherapist(
      const TherapistName& name) = 0;
  virtual absl::StatusOr<Page<v1::Therapist>> ListTherapists(
      const ClinicName& clinic, const PageRequest& page) = 0;

  // Patients. `patient.name` holds the new resource name; its therapist must
  // exist (NOT_FOUND otherwise). The returned patient carries its etag.
  virtual absl::StatusOr<v1::Patient> CreatePatient(
      const v1::Patient& patient) = 0;
  virtual absl::StatusOr<v1::Patient> GetPatient(const PatientName& name) = 0;
  // The patient of `clinic` whose MRN is `mrn`, with its etag; NOT_FOUND if
  // there is none.
  virtual absl::StatusOr<v1::Patient> FindPatientByMrn(
      const ClinicName& clinic, absl::string_view mrn) = 0;
  // Patients of `clinic`, only those of `therapist` when it is set.
  virtual absl::StatusOr<Page<v1::Patient>> ListPatients(
      const ClinicName& clinic, const std::optional<TherapistName>& therapist,
      const PageRequest& page) = 0;
  // Replaces the stored patient named `patient.name` if its etag is still
  // `expected_etag` (ABORTED otherwise), and returns it with its new etag.
  virtual absl::StatusOr<v1::Patient> UpdatePatient(
      const v1::Patient& patient, absl::string_view expected_etag) = 0;

  // Programs. CreateProgram stores revision 1 of `program` (whose name is the
  // new resource name); NOT_FOUND if the patient does not exist.
  virtual absl::StatusOr<v1::Program> CreateProgram(
      const v1::Program& program) = 0;
  // The revision `name.revision_id`, or the latest when it is 0.
  virtual absl::StatusOr<v1::Program> GetProgram(const ProgramName& name) = 0;
  // The latest revision of each of a patient's programs.
  virtual absl::StatusOr<Page<v1::Program>> ListPrograms(
      const PatientName& patient, const PageRequest& page) = 0;
  // Stores `program` as the next revision of the program it names if the
  // latest revision's etag is still `expected_etag` (ABORTED otherwise).
  virtual absl::StatusOr<v1::Program> AddProgramRevision(
      const v1::Program& program, absl::string_view expected_etag) = 0;
  // A program's revisions, newest first.
  virtual absl::StatusOr<Page<v1::Program>> ListProgramRevisions(
      const ProgramName& name, const PageRequest& page) = 0;

  // Sessions. Stores `session` (whose name is the new resource name) unless
  // `request_id` is non-empty and the patient already submitted a session
  // with it: then nothing is written and that first session is returned.
  // NOT_FOUND if the patient or the program revision does not exist.
  virtual absl::StatusOr<v1::Session> CreateSession(
      const v1::Session& session, absl::string_view request_id) = 0;
  virtual absl::StatusOr<v1::Session> GetSession(const SessionName& name) = 0;
  // A patient's sessions, newest perform_time first.
  virtual absl::StatusOr<Page<v1::Session>> ListSessions(
      const PatientName& patient, const PageRequest& page) = 0;

  // Pain check-ins, idempotent by `request_id` like CreateSession.
  virtual absl::StatusOr<v1::PainReport> CreatePainReport(
      const v1::PainReport& report, absl::string_view request_id) = 0;
  // A patient's check-ins, newest local_date first.
  virtual absl::StatusOr<Page<v1::PainReport>> ListPainReports(
      const PatientName& patient, const PageRequest& page) = 0;

  // Stores every session and check-in of `history`, all of `patient`, in
  // one transaction: all of them or none. For loading history in bulk (the
  // benchmark's dataset), many times faster than a call per record. Nothing
  // is idempotent by request_id here: an import that failed wrote nothing
  // and is run again. NOT_FOUND if the patient or a session's program
  // revision does not exist, ALREADY_EXISTS if an id is taken,
  // INVALID_ARGUMENT if a record is not named under `patient`.
  virtual absl::Status ImportHistory(const PatientName& patient,
                                     const ImportedHistory& history) = 0;

  // Outcome measures. Stores `assignment` (whose name is the new resource
  // name); ALREADY_EXISTS if the patient has one with its id, NOT_FOUND if
  // the patient does not exist.
  virtual absl::StatusOr<v1::OutcomeAssignment> CreateOutcomeAssignment(
      const v1::OutcomeAssignment& assignment) = 0;
  virtual absl::StatusOr<v1::OutcomeAssignment> GetOutcomeAssignment(
      const OutcomeAssignmentName& name) = 0;
  // A patient's assignments, by id. NOT_FOUND if the patient does not exist.
  virtual absl::StatusOr<std::vector<v1::OutcomeAssignment>>
  ListOutcomeAssignments(const PatientName& patient) = 0;
  // The first (intake) response to an assignment, if any.
  virtual absl::StatusOr<std::optional<v1::OutcomeResponse>> GetOutcomeIntake(
      const OutcomeAssignmentName& name) = 0;
  // In one transaction: unless `request_id` is non-empty and the patient
  // used it before (then that first response is returned and nothing is
  // written), checks that the intake of `response.assignment` is still
  // `expected_intake` (a response name, empty for none; ABORTED otherwise, as
  // the response was compared with another intake), stores `response` (whose
  // name is the new resource name) and updates the assignment's
  // intake_date, last_response_date and response_count. NOT_FOUND if the
  // assignment does not exist.
  virtual absl::StatusOr<v1::OutcomeResponse> CreateOutcomeResponse(
      const v1::OutcomeResponse& response, absl::string_view request_id,
      absl::string_view expected_intake) = 0;
  virtual absl::StatusOr<v1::OutcomeResponse> GetOutcomeResponse(
      const OutcomeResponseName& name) = 0;
  // A patient's responses, newest local_date first.
  virtual absl::StatusOr<Page<v1::OutcomeResponse>> ListOutcomeResponses(
      const PatientName& patient, const PageRequest& page) = 0;

  // What the reports need about `patient`, read in one snapshot. NOT_FOUND
  // if the patient does not exist.
  virtual absl::StatusOr<PatientActivity> GetPatientActivity(
      const PatientName& patient, const ActivityQuery& query) = 0;

  // RTM management time (issue 8). Stores `entry` (whose name is the new
  // resource name, under `patient`, and whose date is set) unless
  // `request_id` is non-empty and was used for the patient before: then
  // nothing is written and that first entry is returned. NOT_FOUND if the
  // patient does not exist.
  virtual absl::StatusOr<v1::ManagementTimeEntry> CreateManagementTimeEntry(
      const PatientName& patient, const v1::ManagementTimeEntry& entry,
      absl::string_view request_id) = 0;
  // A patient's management time, newest date first.
  virtual absl::StatusOr<Page<v1::ManagementTimeEntry>>
  ListManagementTimeEntries(const PatientName& patient,
                            const PageRequest& page) = 0;
  // What an RTM report needs about `patient`, read in one snapshot.
  // NOT_FOUND if the patient does not exist.
  virtual absl::StatusOr<RtmActivity> GetRtmActivity(const PatientName& patient,
                                                     const RtmQuery& query) = 0;

  // Alerts. Records what the rules found for `patient`, in one transaction,
  // candidate by candidate in the order given: one whose (rule, trigger_key)
  // was recorded before changes nothing, unless it is the last candidate of
  // its rule (the rule's latest event) and the alert it was recorded on is
  // still unresolved: that alert then takes the candidate's summary and
  // local_date (the numbers moved: a longer gap, a late-delivered session).
  // One whose rule already has an unresolved alert for the patient adds its
  // evidence to that alert, which takes its summary and local_date; any
  // other becomes a new OPEN alert, stamped `now`, for the patient's current
  // therapist. Updating an alert leaves its update_time (the state's) as it
  // was. Returns the new alerts as stored, with what later candidates of
  // the same call added to them, each with its sequence in the clinic's
  // stream. Concurrent calls for one patient behave as if one ran after the
  // other: one rule never has two unresolved alerts, and no event raises
  // twice.
  virtual absl::StatusOr<std::vector<v1::Alert>> RecordAlerts(
      const PatientName& patient, const std::vector<AlertCandidate>& candidates,
      const google::protobuf::Timestamp& now) = 0;
  // The unresolved (open or acknowledged) alerts of `patient`, each with the
  // trigger keys recorded on it, oldest first. NOT_FOUND if the patient does
  // not exist.
  virtual absl::StatusOr<std::vector<UnresolvedAlert>> ListUnresolvedAlerts(
      const PatientName& patient) = 0;
  // Resolves each alert of `clearances` (alerts of `patient`) that is still
  // unresolved, in one transaction: state RESOLVED, resolution
  // ALERT_RESOLUTION_CONDITION_CLEARED with the clearance's summary and
  // evidence, update_time `now`. An alert resolved meanwhile (by a
  // therapist), or with more trigger keys than the clearance saw (an event
  // the decision missed), is left as it is. Returns the alerts it resolved.
  virtual absl::StatusOr<std::vector<v1::Alert>> ResolveClearedAlerts(
      const PatientName& patient, const std::vector<AlertClearance>& clearances,
      const google::protobuf::Timestamp& now) = 0;
  virtual absl::StatusOr<v1::Alert> GetAlert(const AlertName& name) = 0;
  // Moves an alert to `state` (ACKNOWLEDGED or RESOLVED), a therapist's
  // decision: RESOLVED records ALERT_RESOLUTION_THERAPIST. A resolved alert
  // cannot be acknowledged (FAILED_PRECONDITION); resolving it again changes
  // nothing.
  virtual absl::StatusOr<v1::Alert> SetAlertState(
      const AlertName& name, v1::AlertState state,
      const google::protobuf::Timestamp& now) = 0;
  // Alerts matching `filter`, newest first.
  virtual absl::StatusOr<Page<v1::Alert>> ListAlerts(
      const AlertFilter& filter, const PageRequest& page) = 0;
  // Up to `limit` alerts of `clinic` (of `therapist`'s patients when set)
  // with sequence > `after_sequence`, in sequence order, as they are now
  // (their state may have moved since they were raised). Sequences follow
  // the clinic's commit order (see "Alert stream order" at the top), so
  // reading on from the last sequence returned never skips an alert that
  // commits later.
  virtual absl::StatusOr<std::vector<v1::Alert>> ListAlertsAfter(
      const ClinicName& clinic, const std::optional<TherapistName>& therapist,
      int64_t after_sequence, int limit) = 0;
  // Unresolved (open or acknowledged) alerts of `patient`.
  virtual absl::StatusOr<int32_t> CountUnresolvedAlerts(
      const PatientName& patient) = 0;

  // Writes what one evaluation decided, in one transaction and so with one
  // commit: as ResolveClearedAlerts, RecordAlerts, RecordSuggestions for each
  // program revision (those with candidates) and PutPatientStatus of
  // `evaluation.status` called with the patient's count of unresolved alerts
  // after them, one after the other, would. Returns the new alerts.
  // NOT_FOUND if the patient does not exist, INVALID_ARGUMENT without a
  // status function. All or nothing: when a part fails, the alerts of the
  // evaluation are not raised either (the next evaluation raises them).
  virtual absl::StatusOr<std::vector<v1::Alert>> RecordEvaluation(
      const PatientName& patient, const Evaluation& evaluation,
      const google::protobuf::Timestamp& now) = 0;

  // Suggestions. Records what the progression rules found for revision
  // `based_on_revision` of `program`, in one transaction: a candidate that was
  // suggested before for the same exercise, kind and revision is skipped; an
  // open suggestion for the same exercise from an older revision or of the
  // other kind is dismissed in favour of the new one. Returns the new ones.
  virtual absl::StatusOr<std::vector<v1::Suggestion>> RecordSuggestions(
      const ProgramName& program, int64_t based_on_revision,
      const std::vector<SuggestionCandidate>& candidates,
      const google::protobuf::Timestamp& now) = 0;
  virtual absl::StatusOr<v1::Suggestion> GetSuggestion(
      const SuggestionName& name) = 0;
  // Suggestions matching `filter`, newest first.
  virtual absl::StatusOr<Page<v1::Suggestion>> ListSuggestions(
      const SuggestionFilter& filter, const PageRequest& page) = 0;
  // In one transaction: checks the suggestion is open and its program's latest
  // revision is still the one it was based on (FAILED_PRECONDITION
  // otherwise), stores `revision` as the program's next revision and marks
  // the suggestion accepted. Returns the new revision.
  virtual absl::StatusOr<v1::Program> AcceptSuggestion(
      const SuggestionName& name, const v1::Program& revision,
      const google::protobuf::Timestamp& now) = 0;
  // Marks an open suggestion dismissed (FAILED_PRECONDITION if not open).
  virtual absl::StatusOr<v1::Suggestion> DismissSuggestion(
      const SuggestionName& name, const google::protobuf::Timestamp& now) = 0;

  // Access tokens. `token.name` holds the new resource name and
  // `secret_sha256` the hash of its secret (HashTokenSecret). NOT_FOUND if
  // the clinic does not exist.
  virtual absl::StatusOr<v1::AccessToken> CreateAccessToken(
      const v1::AccessToken& token, absl::string_view secret_sha256) = 0;
  // The token whose secret hashes to `secret_sha256`, revoked and expired
  // ones included; NOT_FOUND if there is none.
  virtual absl::StatusOr<v1::AccessToken> FindAccessToken(
      absl::string_view secret_sha256) = 0;
  // A clinic's tokens, newest first.
  virtual absl::StatusOr<Page<v1::AccessToken>> ListAccessTokens(
      const ClinicName& clinic, const PageRequest& page) = 0;
  // Sets the token's revoke_time to `now` unless it is already revoked, and
  // returns it.
  virtual absl::StatusOr<v1::AccessToken> RevokeAccessToken(
      const AccessTokenName& name, const google::protobuf::Timestamp& now) = 0;

  // The audit trail, append-only. Appends `records` in one transaction, in
  // order; NOT_FOUND (and nothing written) if a clinic does not exist.
  virtual absl::Status AppendAuditEvents(
      const std::vector<AuditRecord>& records) = 0;
  // Events matching `filter`, newest first, with name and sequence set.
  virtual absl::StatusOr<Page<v1::AuditEvent>> ListAuditEvents(
      const AuditFilter& filter, const PageRequest& page) = 0;

  // Dashboard. Replaces the stored status of `patient`.
  virtual absl::Status PutPatientStatus(const PatientName& patient,
                                        const v1::PatientStatus& status) = 0;
  // Statuses of `clinic`'s patients (of `therapist`'s, when set), highest
  // attention_score first.
  virtual absl::StatusOr<Page<v1::PatientStatus>> ListPatientStatuses(
      const ClinicName& clinic, const std::optional<TherapistName>& therapist,
      const PageRequest& page) = 0;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_STORAGE_STORE_H_
