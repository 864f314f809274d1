// The SQLite Store's class and the helpers its files share: one file per
// aggregate (clinics.cc, patients.cc, ...) defines that aggregate's methods;
// sqlite_store.cc the connections, the group commit and the shared lookups.
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
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message_lite.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/common/log.h"
#include "server/common/page_token.h"
#include "server/common/status.h"
#include "server/domain/alert_plan.h"
#include "server/domain/outcomes/assignment_counters.h"
#include "server/domain/suggestion_plan.h"
#include "server/domain/text.h"
#include "server/storage/sqlite/keyset_paging.h"
#include "server/storage/sqlite/schema.h"
#include "server/storage/sqlite/sqlite.h"
#include "server/storage/store.h"

namespace glutecare::sqlite_store_internal {

using sqlite::Connection;
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
  return absl::AbortedError(absl::StrCat(
      resource, " changed since it was read (etag ", QuoteForMessage(expected),
      ", now \"", current, "\"): read it again and reapply the change"));
}

class SqliteStore final : public Store {
 public:
  // `writer_options` (the writer's) and as many readers as given reopen the
  // connections after a failed sync (see Reopen).
  SqliteStore(std::unique_ptr<Connection> writer,
              std::vector<std::unique_ptr<Connection>> readers,
              Connection::Options writer_options)
      : writer_options_(std::move(writer_options)),
        read_connections_(static_cast<int>(readers.size())),
        writer_(std::move(writer)),
        readers_(std::move(readers)) {
    for (auto& reader : readers_) free_readers_.push_back(reader.get());
  }

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
  // everything it reads comes from one snapshot.
  template <typename T>
  absl::StatusOr<T> Read(absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn);
  // A free read connection, taken from the pool (Read gives it back). Waits
  // for one, and while Reopen runs. After a Reopen that failed, tries it
  // again first; UNAVAILABLE if that fails too.
  absl::StatusOr<Connection*> TakeReader();

  // Runs `fn` on the write connection inside a savepoint of a write
  // transaction and returns once that transaction has committed; when `fn`
  // fails, everything it wrote is rolled back and the rest of the
  // transaction is unaffected. Group commit: writes that arrive while a
  // transaction commits wait and then share the next one (one BEGIN
  // IMMEDIATE, one COMMIT, one disk sync), each in its own savepoint, so
  // concurrent writers pay for one sync between them, not one each. A
  // commit that fails fails every write of its transaction. `fn` must not
  // call Write.
  template <typename T>
  absl::StatusOr<T> Write(absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn);

  // One caller's write, queued for group commit.
  struct PendingWrite {
    // Runs the caller's function in the open transaction.
    absl::FunctionRef<absl::Status(Connection&)> run;
    // The outcome once `done`: run's error, the transaction's, or OK.
    absl::Status status;
    bool done = false;
  };

  // Queues `write` and returns its outcome once its transaction ended. The
  // first waiting caller that finds no transaction running becomes the
  // leader: it takes the whole queue and runs it as one transaction
  // (RunBatch) while later callers queue up for the next.
  absl::Status CommitInGroup(PendingWrite& write);
  // Runs `batch` as RunTransaction does, after reopening the database when
  // `reopen` (see Reopen); while reopening fails, every write of the batch
  // fails UNAVAILABLE. Returns whether the database must be reopened before
  // the next batch: after a failed sync, or a failed reopen. REQUIRES: the
  // caller is the leader.
  bool RunBatch(const std::vector<PendingWrite*>& batch, bool reopen);
  // Runs `batch` in one write transaction on writer_, a savepoint per write,
  // and sets each write's status. REQUIRES: the caller is the leader.
  void RunTransaction(const std::vector<PendingWrite*>& batch);
  // Closes every connection and opens the database again, so that SQLite
  // recovers it from the file as it is on disk. After a failed sync the
  // connections' view of the file cannot be trusted: the commit whose sync
  // failed was written to the WAL and may be on disk, and the operating
  // system may have dropped the pages it could not write (PostgreSQL stops
  // on a failed fsync for the same reason). Waits at most busy_timeout for
  // the reads in flight; reads arriving meanwhile wait. UNAVAILABLE when a
  // connection cannot be opened: then reads are refused too until a later
  // Reopen succeeds. REQUIRES: the caller is the leader.
  absl::Status Reopen();
  // Opens writer_ and readers_. REQUIRES: both are closed.
  absl::Status OpenConnections() ABSL_EXCLUSIVE_LOCKS_REQUIRED(read_mu_);

  // A page of one patient's records: `sql` selects as RunListQuery requires,
  // with the patient's pk as ?1 and the body as column 2. `sql` is a literal
  // (the statement cache's key); `kind` names the list in page tokens.
  template <typename Message>
  absl::StatusOr<Page<Message>> ListOfPatient(const PatientName& patient,
                                              const char* sql,
                                              absl::string_view kind,
                                              const PageRequest& page);

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
  // Inserts a session of the patient `patient_pk` that followed revision
  // `revision_id` of the program `program_pk`, and a check-in; `request_id`
  // may be empty. REQUIRES: in a write transaction.
  static absl::Status InsertSession(Connection& db, int64_t patient_pk,
                                    const SessionName& name,
                                    absl::string_view request_id,
                                    int64_t program_pk, int64_t revision_id,
                                    const v1::Session& session);
  static absl::Status InsertPainReport(Connection& db, int64_t patient_pk,
                                       const PainReportName& name,
                                       absl::string_view request_id,
                                       const v1::PainReport& report);
  // The stored body of a request_id already used by a patient, if any.
  static absl::StatusOr<std::optional<std::string>> FindByRequestId(
      Connection& db, const char* sql, int64_t patient_pk,
      absl::string_view request_id);

  const Connection::Options writer_options_;
  const int read_connections_;

  absl::Mutex write_mu_;
  // Writes waiting for the next transaction, in arrival order.
  std::vector<PendingWrite*> write_queue_ ABSL_GUARDED_BY(write_mu_);
  // A leader is running a transaction; only it uses or replaces writer_.
  bool writing_ ABSL_GUARDED_BY(write_mu_) = false;
  // A sync failed (or reopening after one did): the next leader reopens the
  // database before it writes anything.
  bool reopen_needed_ ABSL_GUARDED_BY(write_mu_) = false;
  // Null only after a Reopen that failed.
  std::unique_ptr<Connection> writer_;

  absl::Mutex read_mu_;
  // Empty only after a Reopen that failed.
  std::vector<std::unique_ptr<Connection>> readers_ ABSL_GUARDED_BY(read_mu_);
  std::vector<Connection*> free_readers_ ABSL_GUARDED_BY(read_mu_);
  // Reopen is waiting for the readers or replacing them: reads wait.
  bool reopening_ ABSL_GUARDED_BY(read_mu_) = false;
};

template <typename T>
absl::StatusOr<T> SqliteStore::Read(
    absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn) {
  GLUTECARE_ASSIGN_OR_RETURN(Connection * db, TakeReader());
  absl::StatusOr<T> result = [&]() -> absl::StatusOr<T> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Transaction txn, Transaction::Begin(*db, Transaction::Mode::kRead));
    GLUTECARE_ASSIGN_OR_RETURN(T value, fn(*db));
    GLUTECARE_RETURN_IF_ERROR(txn.Commit());
    return value;
  }();
  absl::MutexLock lock(&read_mu_);
  free_readers_.push_back(db);
  return result;
}

template <typename T>
absl::StatusOr<T> SqliteStore::Write(
    absl::FunctionRef<absl::StatusOr<T>(Connection&)> fn) {
  std::optional<absl::StatusOr<T>> result;
  auto run = [&](Connection& db) -> absl::Status {
    result.emplace(fn(db));
    return result->status();
  };
  PendingWrite write{.run = run};
  GLUTECARE_RETURN_IF_ERROR(CommitInGroup(write));
  return *std::move(result);
}

template <typename Message>
absl::StatusOr<Page<Message>> SqliteStore::ListOfPatient(
    const PatientName& patient, const char* sql, absl::string_view kind,
    const PageRequest& page) {
  return Read<Page<Message>>(
      [&](Connection& db) -> absl::StatusOr<Page<Message>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
        stmt.BindInt64(1, row.pk);
        return RunListQuery<Message>(
            stmt, absl::StrCat(kind, ":", patient.ToString()), page,
            BodyAt<Message>(2));
      });
}

}  // namespace glutecare::sqlite_store_internal

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_INTERNAL_H_
