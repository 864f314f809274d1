// The SQLite Store's class and the helpers its files share: one file per
// aggregate (clinics.cc, patients.cc, ...) defines that aggregate's methods;
// sqlite_store.cc how reads and writes reach their connections, and the
// shared lookups. The mechanisms have files of their own: group_commit.h
// (writes), connection_pool.h (reads), keyset_paging.h (List pages).
// Internal to server/storage/sqlite/.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_INTERNAL_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_INTERNAL_H_

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/common/log.h"
#include "server/common/page_token.h"
#include "server/common/status.h"
#include "server/domain/alert_plan.h"
#include "server/domain/outcomes/assignment_counters.h"
#include "server/domain/suggestion_plan.h"
#include "server/domain/text.h"
#include "server/storage/sqlite/connection_pool.h"
#include "server/storage/sqlite/group_commit.h"
#include "server/storage/sqlite/keyset_paging.h"
#include "server/storage/sqlite/schema.h"
#include "server/storage/sqlite/sqlite.h"
#include "server/storage/store.h"

namespace glutecare::sqlite_store_internal {

using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::GroupCommit;
using sqlite::Statement;
using sqlite::Transaction;

// The etag of a stored version: opaque to clients, compared as a string.
inline std::string EtagOf(int64_t version) { return absl::StrCat(version); }

inline int64_t UnixMicros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1'000'000 + ts.nanos() / 1000;
}

inline absl::Status StaleEtag(absl::string_view resource,
                              absl::string_view expected,
                              absl::string_view current) {
  return WithReason(absl::AbortedError(absl::StrCat(
                        resource, " changed since it was read (etag ",
                        QuoteForMessage(expected), ", now \"", current,
                        "\"): read it again and reapply the change")),
                    reason::kEtagMismatch);
}

// Lean bodies. A stored session or check-in body leaves out what its row's
// columns already hold: the name, local_date, and for a session the
// program_revision and perform_time where the columns give them back
// exactly, and with its name the `exercises/` that starts each exercise's
// name. Reading puts back only what a body lacks, so rows stored with full
// bodies read as they were stored. Defined in sessions.cc.

// The body to store for `session`, named `name` and following `revision`.
std::string LeanSessionBody(const v1::Session& session, const SessionName& name,
                            const ProgramName& revision);
// The body to store for `report`, named `name`.
std::string LeanPainReportBody(const v1::PainReport& report,
                               const PainReportName& name);

// What SessionAt reads, in this order, from `sessions s` joined with its
// program (`JOIN programs g ON g.pk = s.program_pk`).
#define GLUTECARE_SESSION_COLUMNS                                         \
  "s.body, s.session_id, s.perform_time_us, s.local_date, g.program_id, " \
  "s.revision_id"
// What PainReportAt reads, in this order, from `pain_reports`.
#define GLUTECARE_PAIN_REPORT_COLUMNS "body, pain_report_id, local_date"

// A session of `patient` read from the columns GLUTECARE_SESSION_COLUMNS
// that start at `column` of the current row.
absl::StatusOr<v1::Session> SessionAt(const Statement& stmt, int column,
                                      const PatientName& patient);
// A check-in of `patient` read from GLUTECARE_PAIN_REPORT_COLUMNS at
// `column`.
absl::StatusOr<v1::PainReport> PainReportAt(const Statement& stmt, int column,
                                            const PatientName& patient);

class SqliteStore final : public Store {
 public:
  // `writer` (opened with `writer_options`) takes every write, `readers`
  // every read. After a failed sync, both are reopened together: the readers
  // closed first, the writer last (see GroupCommit::Options::reopen_around),
  // waiting at most the busy timeout for the reads in flight.
  SqliteStore(std::unique_ptr<Connection> writer,
              const Connection::Options& writer_options,
              std::unique_ptr<ConnectionPool> readers)
      : readers_(std::move(readers)),
        writes_(
            std::move(writer),
            {.writer = writer_options,
             .reopen_around =
                 [readers = readers_.get(), wait = writer_options.busy_timeout](
                     absl::FunctionRef<absl::Status()> reopen_writer) {
                   return readers->Reopen(wait, reopen_writer);
                 }}) {}

  absl::StatusOr<v1::Clinic> CreateClinic(const v1::Clinic& clinic) override;
  absl::StatusOr<v1::Clinic> GetClinic(const ClinicName& name) override;
  absl::StatusOr<Page<v1::Clinic>> ListClinics(
      const PageRequest& page) override;
  absl::StatusOr<v1::Therapist> CreateTherapist(
      const v1::Therapist& therapist) override;
  absl::StatusOr<v1::Therapist> GetTherapist(
      const TherapistName& name) override;
  absl::StatusOr<Page<v1::Therapist>> ListTherapists(
      const ClinicName& clinic, const PageRequest& page) override;
  absl::StatusOr<v1::Patient> CreatePatient(
      const v1::Patient& patient) override;
  absl::StatusOr<v1::Patient> GetPatient(const PatientName& name) override;
  absl::StatusOr<v1::Patient> FindPatientByMrn(const ClinicName& clinic,
                                               absl::string_view mrn) override;
  absl::StatusOr<Page<v1::Patient>> ListPatients(
      const ClinicName& clinic, const std::optional<TherapistName>& therapist,
      const PageRequest& page) override;
  absl::StatusOr<v1::Patient> UpdatePatient(
      const v1::Patient& patient, absl::string_view expected_etag) override;
  absl::StatusOr<v1::Program> CreateProgram(
      const v1::Program& program) override;
  absl::StatusOr<v1::Program> GetProgram(const ProgramName& name) override;
  absl::StatusOr<Page<v1::Program>> ListPrograms(
      const PatientName& patient, const PageRequest& page) override;
  absl::StatusOr<v1::Program> AddProgramRevision(
      const v1::Program& program, absl::string_view expected_etag) override;
  absl::StatusOr<Page<v1::Program>> ListProgramRevisions(
      const ProgramName& name, const PageRequest& page) override;
  absl::StatusOr<v1::Session> CreateSession(
      const v1::Session& session, absl::string_view request_id) override;
  absl::StatusOr<v1::Session> GetSession(const SessionName& name) override;
  absl::StatusOr<Page<v1::Session>> ListSessions(
      const PatientName& patient, const PageRequest& page) override;
  absl::StatusOr<v1::PainReport> CreatePainReport(
      const v1::PainReport& report, absl::string_view request_id) override;
  absl::StatusOr<Page<v1::PainReport>> ListPainReports(
      const PatientName& patient, const PageRequest& page) override;
  absl::Status ImportHistory(const PatientName& patient,
                             const ImportedHistory& history) override;
  absl::StatusOr<std::vector<v1::Alert>> RecordEvaluation(
      const PatientName& patient, const Evaluation& evaluation,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<v1::OutcomeAssignment> CreateOutcomeAssignment(
      const v1::OutcomeAssignment& assignment) override;
  absl::StatusOr<v1::OutcomeAssignment> GetOutcomeAssignment(
      const OutcomeAssignmentName& name) override;
  absl::StatusOr<std::vector<v1::OutcomeAssignment>> ListOutcomeAssignments(
      const PatientName& patient) override;
  absl::StatusOr<std::optional<v1::OutcomeResponse>> GetOutcomeIntake(
      const OutcomeAssignmentName& name) override;
  absl::StatusOr<v1::OutcomeResponse> CreateOutcomeResponse(
      const v1::OutcomeResponse& response, absl::string_view request_id,
      absl::string_view expected_intake) override;
  absl::StatusOr<v1::OutcomeResponse> GetOutcomeResponse(
      const OutcomeResponseName& name) override;
  absl::StatusOr<Page<v1::OutcomeResponse>> ListOutcomeResponses(
      const PatientName& patient, const PageRequest& page) override;
  absl::StatusOr<v1::ManagementTimeEntry> CreateManagementTimeEntry(
      const PatientName& patient, const v1::ManagementTimeEntry& entry,
      absl::string_view request_id) override;
  absl::StatusOr<Page<v1::ManagementTimeEntry>> ListManagementTimeEntries(
      const PatientName& patient, const PageRequest& page) override;
  absl::StatusOr<RtmActivity> GetRtmActivity(const PatientName& patient,
                                             const RtmQuery& query) override;
  absl::StatusOr<PatientActivity> GetPatientActivity(
      const PatientName& patient, const ActivityQuery& query) override;
  absl::StatusOr<std::vector<v1::Alert>> RecordAlerts(
      const PatientName& patient, const std::vector<AlertCandidate>& candidates,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<std::vector<UnresolvedAlert>> ListUnresolvedAlerts(
      const PatientName& patient) override;
  absl::StatusOr<std::vector<v1::Alert>> ResolveClearedAlerts(
      const PatientName& patient, const std::vector<AlertClearance>& clearances,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<v1::Alert> GetAlert(const AlertName& name) override;
  absl::StatusOr<v1::Alert> SetAlertState(
      const AlertName& name, v1::AlertState state,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<Page<v1::Alert>> ListAlerts(const AlertFilter& filter,
                                             const PageRequest& page) override;
  absl::StatusOr<std::vector<v1::Alert>> ListAlertsAfter(
      const ClinicName& clinic, const std::optional<TherapistName>& therapist,
      int64_t after_sequence, int limit) override;
  absl::StatusOr<int32_t> CountUnresolvedAlerts(
      const PatientName& patient) override;
  absl::StatusOr<std::vector<v1::Suggestion>> RecordSuggestions(
      const ProgramName& program, int64_t based_on_revision,
      const std::vector<SuggestionCandidate>& candidates,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<v1::Suggestion> GetSuggestion(
      const SuggestionName& name) override;
  absl::StatusOr<Page<v1::Suggestion>> ListSuggestions(
      const SuggestionFilter& filter, const PageRequest& page) override;
  absl::StatusOr<v1::Program> AcceptSuggestion(
      const SuggestionName& name, const v1::Program& revision,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<v1::Suggestion> DismissSuggestion(
      const SuggestionName& name,
      const google::protobuf::Timestamp& now) override;
  absl::StatusOr<v1::AccessToken> CreateAccessToken(
      const v1::AccessToken& token, absl::string_view secret_sha256) override;
  absl::StatusOr<v1::AccessToken> FindAccessToken(
      absl::string_view secret_sha256) override;
  absl::StatusOr<Page<v1::AccessToken>> ListAccessTokens(
      const ClinicName& clinic, const PageRequest& page) override;
  absl::StatusOr<v1::AccessToken> RevokeAccessToken(
      const AccessTokenName& name,
      const google::protobuf::Timestamp& now) override;
  absl::Status AppendAuditEvents(
      const std::vector<AuditRecord>& records) override;
  absl::StatusOr<Page<v1::AuditEvent>> ListAuditEvents(
      const AuditFilter& filter, const PageRequest& page) override;
  absl::Status PutPatientStatus(const PatientName& patient,
                                const v1::PatientStatus& status) override;
  absl::StatusOr<Page<v1::PatientStatus>> ListPatientStatuses(
      const ClinicName& clinic, const std::optional<TherapistName>& therapist,
      const PageRequest& page) override;

 private:
  struct PatientRow {
    int64_t pk;
    int64_t version;
    v1::Patient patient;
  };
  struct ProgramRow {
    int64_t pk;
    int64_t latest_revision;
  };

  // Runs `fn` on a free read connection inside one read transaction, so
  // everything it reads comes from one snapshot (WAL: writes that commit
  // meanwhile are not seen).
  template <typename T>
  absl::StatusOr<T> Read(absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn);
  // A free read connection from the pool (see ConnectionPool::Acquire).
  // After a reopen that failed, has the next write try it again first;
  // UNAVAILABLE if that fails too.
  absl::StatusOr<ConnectionPool::Lease> TakeReader();

  // Runs `fn` on the write connection inside a savepoint of a write
  // transaction (BEGIN IMMEDIATE: the one writer) and returns once that
  // transaction has committed and synced; when `fn` fails, everything it
  // wrote is rolled back and the rest of the transaction is unaffected. See
  // GroupCommit for which writes share a transaction and how a failed one
  // or a failed sync is answered. `fn` must not call Write.
  template <typename T>
  absl::StatusOr<T> Write(absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn);

  // A page of one patient's records: `sql` selects as RunListQuery requires,
  // with the patient's pk as ?1 and the body as column 2. `sql` is a literal
  // (the statement cache's key); `kind` names the list in page tokens.
  template <typename Message>
  absl::StatusOr<Page<Message>> ListOfPatient(const PatientName& patient,
                                              const char* sql,
                                              absl::string_view kind,
                                              const PageRequest& page);
  // The same, each row read by `parse_row`.
  template <typename Message>
  absl::StatusOr<Page<Message>> ListOfPatient(
      const PatientName& patient, const char* sql, absl::string_view kind,
      const PageRequest& page,
      absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row);

  // Key lookups on a connection the caller holds. NOT_FOUND when missing.
  static absl::StatusOr<int64_t> ClinicPk(Connection& db,
                                          const ClinicName& name);
  static absl::StatusOr<int64_t> TherapistPk(Connection& db,
                                             const TherapistName& name);
  // The pk to filter by for an optional therapist: 0 for no filter, -1
  // (matching nothing) for an unknown therapist, who simply has no patients.
  static absl::StatusOr<int64_t> TherapistFilter(
      Connection& db, const std::optional<TherapistName>& therapist);
  static absl::StatusOr<PatientRow> FindPatient(Connection& db,
                                                const PatientName& name);
  static absl::StatusOr<ProgramRow> FindProgram(Connection& db,
                                                const ProgramName& name);
  // Stores `program` as the revision after `row`'s latest. REQUIRES: in a
  // write transaction.
  static absl::StatusOr<v1::Program> InsertNextRevision(
      Connection& db, const ProgramRow& row, const v1::Program& program);
  // The suggestion `name` with its program's row.
  static absl::StatusOr<std::pair<ProgramRow, v1::Suggestion>> FindSuggestion(
      Connection& db, const SuggestionName& name);
  // The open suggestions of a program, oldest first, with their pks.
  static absl::StatusOr<std::vector<std::pair<int64_t, v1::Suggestion>>>
  OpenSuggestions(Connection& db, int64_t program_pk);
  // Writes the state and body of a stored suggestion of the program.
  static absl::Status UpdateSuggestion(Connection& db, int64_t program_pk,
                                       const v1::Suggestion& suggestion);
  // The alert row of `name`: its pk and body (with sequence set).
  static absl::StatusOr<std::pair<int64_t, v1::Alert>> FindAlert(
      Connection& db, const AlertName& name);
  // Writes an alert's state and body (without its sequence, the pk).
  static absl::Status UpdateAlert(Connection& db, int64_t pk, v1::Alert alert);
  // Inserts a session of the patient `patient_pk` that followed `revision`
  // of the program `program_pk`, and a check-in; `request_id` may be empty.
  // Both are stored with lean bodies. REQUIRES: in a write transaction.
  static absl::Status InsertSession(Connection& db, int64_t patient_pk,
                                    const SessionName& name,
                                    absl::string_view request_id,
                                    int64_t program_pk,
                                    const ProgramName& revision,
                                    const v1::Session& session);
  static absl::Status InsertPainReport(Connection& db, int64_t patient_pk,
                                       const PainReportName& name,
                                       absl::string_view request_id,
                                       const v1::PainReport& report);
  // The bodies of RecordAlerts, ResolveClearedAlerts, RecordSuggestions,
  // PutPatientStatus and CountUnresolvedAlerts, in the caller's transaction
  // (RecordEvaluation writes them all in one). REQUIRES: in a write
  // transaction, except CountUnresolvedIn.
  absl::StatusOr<std::vector<v1::Alert>> RecordAlertsIn(
      Connection& db, const PatientName& patient,
      const std::vector<AlertCandidate>& candidates,
      const google::protobuf::Timestamp& now);
  absl::StatusOr<std::vector<v1::Alert>> ResolveClearedAlertsIn(
      Connection& db, const PatientName& patient,
      const std::vector<AlertClearance>& clearances,
      const google::protobuf::Timestamp& now);
  absl::StatusOr<std::vector<v1::Suggestion>> RecordSuggestionsIn(
      Connection& db, const ProgramName& program, int64_t based_on_revision,
      const std::vector<SuggestionCandidate>& candidates,
      const google::protobuf::Timestamp& now);
  static absl::Status PutPatientStatusIn(Connection& db,
                                         const PatientName& patient,
                                         const v1::PatientStatus& status);
  static absl::StatusOr<int32_t> CountUnresolvedIn(Connection& db,
                                                   int64_t patient_pk);
  // The record a patient stored under `request_id`, if any (none when
  // `request_id` is empty): `sql` selects it by the patient's pk (?1) and
  // the request_id (?2), and `parse_row` reads it.
  template <typename Message>
  static absl::StatusOr<std::optional<Message>> FindByRequestId(
      Connection& db, const char* sql, int64_t patient_pk,
      absl::string_view request_id,
      absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row);

  // Declared before writes_, whose reopen closes and opens them too.
  const std::unique_ptr<ConnectionPool> readers_;
  GroupCommit writes_;
};

template <typename T>
absl::StatusOr<T> SqliteStore::Read(
    absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn) {
  GLUTECARE_ASSIGN_OR_RETURN(ConnectionPool::Lease db, TakeReader());
  GLUTECARE_ASSIGN_OR_RETURN(Transaction txn,
                             Transaction::Begin(*db, Transaction::Mode::kRead));
  GLUTECARE_ASSIGN_OR_RETURN(T value, fn(*db));
  GLUTECARE_RETURN_IF_ERROR(txn.Commit());
  return value;
}

template <typename T>
absl::StatusOr<T> SqliteStore::Write(
    absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn) {
  std::optional<absl::StatusOr<T>> result;
  auto run = [&](Connection& db) -> absl::Status {
    result.emplace(fn(db));
    return result->status();
  };
  GLUTECARE_RETURN_IF_ERROR(writes_.Commit(run));
  return *std::move(result);
}

template <typename Message>
absl::StatusOr<Page<Message>> SqliteStore::ListOfPatient(
    const PatientName& patient, const char* sql, absl::string_view kind,
    const PageRequest& page) {
  return ListOfPatient<Message>(patient, sql, kind, page, BodyAt<Message>(2));
}

template <typename Message>
absl::StatusOr<Page<Message>> SqliteStore::ListOfPatient(
    const PatientName& patient, const char* sql, absl::string_view kind,
    const PageRequest& page,
    absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row) {
  return Read<Page<Message>>(
      [&](Connection& db) -> absl::StatusOr<Page<Message>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
        stmt.BindInt64(1, row.pk);
        return RunListQuery<Message>(
            stmt, absl::StrCat(kind, ":", patient.ToString()), page, parse_row);
      });
}

template <typename Message>
absl::StatusOr<std::optional<Message>> SqliteStore::FindByRequestId(
    Connection& db, const char* sql, int64_t patient_pk,
    absl::string_view request_id,
    absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row) {
  if (request_id.empty()) return std::nullopt;
  GLUTECARE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindInt64(1, patient_pk).BindText(2, request_id);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  return parse_row(stmt);
}

}  // namespace glutecare::sqlite_store_internal

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_INTERNAL_H_
