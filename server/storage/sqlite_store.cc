#include "server/storage/sqlite_store.h"

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
#include "server/storage/sqlite.h"
#include "server/storage/sqlite_schema.h"

namespace glutecare {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

template <typename Message>
absl::StatusOr<Message> ParseBody(absl::string_view body) {
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError(absl::StrCat(
        "a stored ", Message::descriptor()->name(), " does not parse"));
  }
  return message;
}

// The etag of a stored version: opaque to clients, compared as a string.
std::string EtagOf(int64_t version) { return absl::StrCat(version); }

int64_t UnixMicros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1'000'000 + ts.nanos() / 1000;
}

absl::Status StaleEtag(absl::string_view resource, absl::string_view expected,
                       absl::string_view current) {
  return absl::AbortedError(absl::StrCat(
      resource, " changed since it was read (etag ", QuoteForMessage(expected),
      ", now \"", current, "\"): read it again and reapply the change"));
}

// Runs a keyset-paginated list query and builds the page.
// REQUIRES: `stmt` selects the sort key as column 0 and the primary key as
// column 1, takes the cursor as ?2 (sort key, NULL for the first page) and ?3
// (pk), and the row limit as ?4; its other parameters are already bound.
template <typename Message>
absl::StatusOr<Page<Message>> RunListQuery(
    Statement& stmt, absl::string_view query, const PageRequest& page,
    absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row) {
  if (page.page_token.empty()) {
    stmt.BindNull(2).BindNull(3);
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(PageCursor cursor,
                               DecodePageToken(query, page.page_token));
    if (const auto* number = std::get_if<int64_t>(&cursor.sort_key)) {
      stmt.BindInt64(2, *number);
    } else {
      stmt.BindText(2, std::get<std::string>(cursor.sort_key));
    }
    stmt.BindInt64(3, cursor.pk);
  }
  // One row more than the page tells whether there is a next page.
  stmt.BindInt64(4, int64_t{page.page_size} + 1);

  Page<Message> result;
  PageCursor last;
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    if (static_cast<int>(result.items.size()) == page.page_size) {
      result.next_page_token = EncodePageToken(query, last);
      break;
    }
    GLUTECARE_ASSIGN_OR_RETURN(Message item, parse_row(stmt));
    result.items.push_back(std::move(item));
    if (stmt.ColumnType(0) == SQLITE_INTEGER) {
      last.sort_key = stmt.ColumnInt64(0);
    } else {
      last.sort_key = std::string(stmt.ColumnText(0));
    }
    last.pk = stmt.ColumnInt64(1);
  }
  return result;
}

// Appends the parsed body in column 0 of every remaining row to `out`.
template <typename Message>
absl::Status AppendBodies(Statement& stmt, std::vector<Message>* out) {
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return absl::OkStatus();
    GLUTECARE_ASSIGN_OR_RETURN(Message message,
                               ParseBody<Message>(stmt.ColumnBlob(0)));
    out->push_back(std::move(message));
  }
}

// Parses the body in `column` of the current row.
template <typename Message>
auto BodyAt(int column) {
  return [column](const Statement& stmt) -> absl::StatusOr<Message> {
    return ParseBody<Message>(stmt.ColumnBlob(column));
  };
}

// `count` read-only connections to the database of `writer_options`.
absl::StatusOr<std::vector<std::unique_ptr<Connection>>> OpenReaders(
    const Connection::Options& writer_options, int count) {
  Connection::Options reader_options = writer_options;
  reader_options.read_only = true;
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < count; ++i) {
    GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader,
                               Connection::Open(reader_options));
    readers.push_back(std::move(reader));
  }
  return readers;
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
      const PatientName& patient,
      const std::vector<AlertClearance>& clearances,
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
  static absl::Status UpdateAlert(Connection& db, int64_t pk,
                                  v1::Alert alert);
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

absl::StatusOr<Connection*> SqliteStore::TakeReader() {
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      absl::MutexLock lock(&read_mu_);
      read_mu_.Await(absl::Condition(
          +[](SqliteStore* store) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return !store->reopening_ && (!store->free_readers_.empty() ||
                                          store->readers_.empty());
          },
          this));
      if (!free_readers_.empty()) {
        Connection* db = free_readers_.back();
        free_readers_.pop_back();
        return db;
      }
    }
    // A Reopen failed and left the readers closed. The next write leader
    // tries it again before anything else: be that writer, with a write
    // that changes nothing.
    if (attempt == 0) {
      auto no_change = [](Connection&) { return absl::OkStatus(); };
      PendingWrite nothing{.run = no_change};
      (void)CommitInGroup(nothing);
    }
  }
  return absl::UnavailableError(
      "the database has not been reopened yet after a failed disk sync: "
      "retry shortly");
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

absl::Status SqliteStore::CommitInGroup(PendingWrite& write) {
  absl::MutexLock lock(&write_mu_);
  write_queue_.push_back(&write);
  struct Wait {
    SqliteStore* store;
    PendingWrite* write;
  } wait{this, &write};
  while (!write.done) {
    if (writing_) {
      write_mu_.Await(absl::Condition(
          +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return w->write->done || !w->store->writing_;
          },
          &wait));
      continue;
    }
    // The leader: this write is in the batch it takes.
    writing_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(write_queue_);
    const bool reopen = reopen_needed_;
    write_mu_.Unlock();
    const bool reopen_next = RunBatch(batch, reopen);
    write_mu_.Lock();
    reopen_needed_ = reopen_next;
    for (PendingWrite* done : batch) done->done = true;
    writing_ = false;
  }
  return write.status;
}

bool SqliteStore::RunBatch(const std::vector<PendingWrite*>& batch,
                           bool reopen) {
  if (reopen) {
    if (absl::Status reopened = Reopen(); !reopened.ok()) {
      Log(LogSeverity::kError,
          absl::StrCat("reopening the database after a failed disk sync "
                       "failed (",
                       reopened.ToString(),
                       "); writes are refused until it succeeds"));
      const absl::Status refused = absl::UnavailableError(absl::StrCat(
          "writes are refused until the database has been reopened after a "
          "failed disk sync, and reopening it failed (",
          reopened.message(), "): retry shortly"));
      for (PendingWrite* write : batch) write->status = refused;
      return true;
    }
    Log(LogSeverity::kWarning,
        "reopened the database after a failed disk sync: SQLite recovered it "
        "from the file as it is on disk; writes go on");
  }
  RunTransaction(batch);
  if (!writer_->sync_failed()) return false;
  Log(LogSeverity::kError,
      absl::StrCat("a disk sync failed while committing ", batch.size(),
                   " write(s): they were answered UNAVAILABLE, though they "
                   "may be on disk (the outcome is unknown); writes are "
                   "refused until the database has been closed and opened "
                   "again"));
  return true;
}

absl::Status SqliteStore::Reopen() {
  absl::MutexLock lock(&read_mu_);
  reopening_ = true;
  const bool readers_back = read_mu_.AwaitWithTimeout(
      absl::Condition(
          +[](SqliteStore* store) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return store->free_readers_.size() == store->readers_.size();
          },
          this),
      writer_options_.busy_timeout);
  if (!readers_back) {
    reopening_ = false;
    return absl::UnavailableError("reads in flight did not end in time");
  }
  free_readers_.clear();
  readers_.clear();
  // The last connection to close: SQLite checkpoints the commits it knows
  // of and, if the disk syncs again, removes the WAL. Opening the file again
  // then recovers the database from the WAL as it is on disk.
  writer_.reset();
  absl::Status opened = OpenConnections();
  reopening_ = false;
  return opened;
}

absl::Status SqliteStore::OpenConnections() {
  GLUTECARE_ASSIGN_OR_RETURN(writer_, Connection::Open(writer_options_));
  GLUTECARE_ASSIGN_OR_RETURN(readers_,
                             OpenReaders(writer_options_, read_connections_));
  for (auto& reader : readers_) free_readers_.push_back(reader.get());
  return absl::OkStatus();
}

void SqliteStore::RunTransaction(const std::vector<PendingWrite*>& batch) {
  Connection& db = *writer_;
  auto fail_all = [&](const absl::Status& status) {
    for (PendingWrite* write : batch) write->status = status;
  };
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(db, Transaction::Mode::kWrite);
  if (!txn.ok()) return fail_all(txn.status());
  for (PendingWrite* write : batch) {
    if (absl::Status status = db.Exec("SAVEPOINT w"); !status.ok()) {
      return fail_all(status);
    }
    write->status = write->run(db);
    if (write->status.ok()) {
      if (absl::Status status = db.Exec("RELEASE w"); !status.ok()) {
        return fail_all(status);
      }
      continue;
    }
    // Some errors (a full disk, an I/O error) make SQLite roll back the
    // whole transaction: then every write of the batch is lost, and none
    // may be answered OK.
    if (sqlite3_get_autocommit(db.raw())) {
      const absl::Status lost = write->status;
      return fail_all(absl::IsUnavailable(lost)
                          ? lost
                          : absl::UnavailableError(absl::StrCat(
                                "the write transaction was rolled back: ",
                                lost.message())));
    }
    absl::Status undone = db.Exec("ROLLBACK TO w");
    if (undone.ok()) undone = db.Exec("RELEASE w");
    if (!undone.ok()) return fail_all(undone);
  }
  if (absl::Status committed = txn->Commit(); !committed.ok()) {
    for (PendingWrite* write : batch) {
      if (write->status.ok()) write->status = committed;
    }
  }
}

absl::StatusOr<int64_t> SqliteStore::ClinicPk(Connection& db,
                                              const ClinicName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT pk FROM clinics WHERE clinic_id = ?1"));
  stmt.BindText(1, name.clinic);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  return stmt.ColumnInt64(0);
}

absl::StatusOr<int64_t> SqliteStore::TherapistPk(Connection& db,
                                                 const TherapistName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT t.pk FROM therapists t "
                 "JOIN clinics c ON c.pk = t.clinic_pk "
                 "WHERE c.clinic_id = ?1 AND t.therapist_id = ?2"));
  stmt.BindText(1, name.clinic).BindText(2, name.therapist);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  return stmt.ColumnInt64(0);
}

absl::StatusOr<int64_t> SqliteStore::TherapistFilter(
    Connection& db, const std::optional<TherapistName>& therapist) {
  if (!therapist.has_value()) return 0;
  absl::StatusOr<int64_t> pk = TherapistPk(db, *therapist);
  if (absl::IsNotFound(pk.status())) return -1;
  return pk;
}

absl::StatusOr<SqliteStore::PatientRow> SqliteStore::FindPatient(
    Connection& db, const PatientName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT p.pk, p.version, p.body FROM patients p "
                 "JOIN clinics c ON c.pk = p.clinic_pk "
                 "WHERE c.clinic_id = ?1 AND p.patient_id = ?2"));
  stmt.BindText(1, name.clinic).BindText(2, name.patient);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  PatientRow row{stmt.ColumnInt64(0), stmt.ColumnInt64(1), {}};
  GLUTECARE_ASSIGN_OR_RETURN(row.patient,
                             ParseBody<v1::Patient>(stmt.ColumnBlob(2)));
  row.patient.set_etag(EtagOf(row.version));
  return row;
}

absl::StatusOr<SqliteStore::ProgramRow> SqliteStore::FindProgram(
    Connection& db, const ProgramName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT g.pk, g.latest_revision FROM programs g "
                 "JOIN patients p ON p.pk = g.patient_pk "
                 "JOIN clinics c ON c.pk = p.clinic_pk "
                 "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                 "AND g.program_id = ?3"));
  stmt.BindText(1, name.clinic)
      .BindText(2, name.patient)
      .BindText(3, name.program);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  return ProgramRow{stmt.ColumnInt64(0), stmt.ColumnInt64(1)};
}

absl::StatusOr<std::optional<std::string>> SqliteStore::FindByRequestId(
    Connection& db, const char* sql, int64_t patient_pk,
    absl::string_view request_id) {
  if (request_id.empty()) return std::nullopt;
  GLUTECARE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindInt64(1, patient_pk).BindText(2, request_id);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  return std::string(stmt.ColumnBlob(0));
}

// ---- Clinics ----------------------------------------------------------------

absl::StatusOr<v1::Clinic> SqliteStore::CreateClinic(const v1::Clinic& clinic) {
  GLUTECARE_ASSIGN_OR_RETURN(ClinicName name,
                             ClinicName::Parse(clinic.name(), "clinic.name"));
  return Write<v1::Clinic>([&](Connection& db) -> absl::StatusOr<v1::Clinic> {
    if (ClinicPk(db, name).ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(name.ToString(), " already exists"));
    }
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO clinics (clinic_id, body) VALUES (?1, ?2)"));
    stmt.BindText(1, name.clinic).BindBlob(2, clinic.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(stmt.Run());
    return clinic;
  });
}

absl::StatusOr<v1::Clinic> SqliteStore::GetClinic(const ClinicName& name) {
  return Read<v1::Clinic>([&](Connection& db) -> absl::StatusOr<v1::Clinic> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM clinics WHERE clinic_id = ?1"));
    stmt.BindText(1, name.clinic);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
    }
    return ParseBody<v1::Clinic>(stmt.ColumnBlob(0));
  });
}

absl::StatusOr<Page<v1::Clinic>> SqliteStore::ListClinics(
    const PageRequest& page) {
  return Read<Page<v1::Clinic>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Clinic>> {
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt, db.Prepare("SELECT pk, pk, body FROM clinics "
                                       "WHERE ?2 IS NULL OR pk > ?3 "
                                       "ORDER BY pk LIMIT ?4"));
        return RunListQuery<v1::Clinic>(stmt, "clinics", page,
                                        BodyAt<v1::Clinic>(2));
      });
}

// ---- Therapists -------------------------------------------------------------

absl::StatusOr<v1::Therapist> SqliteStore::CreateTherapist(
    const v1::Therapist& therapist) {
  GLUTECARE_ASSIGN_OR_RETURN(
      TherapistName name,
      TherapistName::Parse(therapist.name(), "therapist.name"));
  return Write<v1::Therapist>(
      [&](Connection& db) -> absl::StatusOr<v1::Therapist> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk,
                                   ClinicPk(db, name.parent()));
        if (TherapistPk(db, name).ok()) {
          return absl::AlreadyExistsError(
              absl::StrCat(name.ToString(), " already exists"));
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO therapists (clinic_pk, therapist_id, body) "
                       "VALUES (?1, ?2, ?3)"));
        stmt.BindInt64(1, clinic_pk)
            .BindText(2, name.therapist)
            .BindBlob(3, therapist.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        return therapist;
      });
}

absl::StatusOr<v1::Therapist> SqliteStore::GetTherapist(
    const TherapistName& name) {
  return Read<v1::Therapist>(
      [&](Connection& db) -> absl::StatusOr<v1::Therapist> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t pk, TherapistPk(db, name));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT body FROM therapists WHERE pk = ?1"));
        stmt.BindInt64(1, pk);
        GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
        if (!found) return absl::InternalError("therapist row vanished");
        return ParseBody<v1::Therapist>(stmt.ColumnBlob(0));
      });
}

absl::StatusOr<Page<v1::Therapist>> SqliteStore::ListTherapists(
    const ClinicName& clinic, const PageRequest& page) {
  return Read<Page<v1::Therapist>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Therapist>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT pk, pk, body FROM therapists "
                       "WHERE clinic_pk = ?1 AND (?2 IS NULL OR pk > ?3) "
                       "ORDER BY pk LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk);
        return RunListQuery<v1::Therapist>(
            stmt, absl::StrCat("therapists:", clinic.ToString()), page,
            BodyAt<v1::Therapist>(2));
      });
}

// ---- Patients ---------------------------------------------------------------

absl::StatusOr<v1::Patient> SqliteStore::CreatePatient(
    const v1::Patient& patient) {
  GLUTECARE_ASSIGN_OR_RETURN(
      PatientName name, PatientName::Parse(patient.name(), "patient.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      TherapistName therapist,
      TherapistName::Parse(patient.therapist(), "patient.therapist"));
  return Write<v1::Patient>([&](Connection& db) -> absl::StatusOr<v1::Patient> {
    GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, name.parent()));
    GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                               TherapistPk(db, therapist));
    if (FindPatient(db, name).ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(name.ToString(), " already exists"));
    }
    GLUTECARE_ASSIGN_OR_RETURN(Statement taken,
                               db.Prepare("SELECT patient_id FROM patients "
                                          "WHERE clinic_pk = ?1 AND mrn = ?2"));
    taken.BindInt64(1, clinic_pk).BindText(2, patient.mrn());
    GLUTECARE_ASSIGN_OR_RETURN(bool mrn_taken, taken.Step());
    if (mrn_taken) {
      return absl::AlreadyExistsError(absl::StrCat(
          "MRN ", patient.mrn(), " is already used by ",
          PatientName{name.clinic, std::string(taken.ColumnText(0))}
              .ToString()));
    }
    v1::Patient stored = patient;
    stored.clear_etag();
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO patients (clinic_pk, patient_id, mrn, "
                   "therapist_pk, version, body) "
                   "VALUES (?1, ?2, ?3, ?4, 1, ?5)"));
    stmt.BindInt64(1, clinic_pk)
        .BindText(2, name.patient)
        .BindText(3, patient.mrn())
        .BindInt64(4, therapist_pk)
        .BindBlob(5, stored.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(stmt.Run());
    stored.set_etag(EtagOf(1));
    return stored;
  });
}

absl::StatusOr<v1::Patient> SqliteStore::GetPatient(const PatientName& name) {
  return Read<v1::Patient>([&](Connection& db) -> absl::StatusOr<v1::Patient> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, name));
    return std::move(row.patient);
  });
}

absl::StatusOr<v1::Patient> SqliteStore::FindPatientByMrn(
    const ClinicName& clinic, absl::string_view mrn) {
  return Read<v1::Patient>([&](Connection& db) -> absl::StatusOr<v1::Patient> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT p.version, p.body FROM patients p "
                   "JOIN clinics c ON c.pk = p.clinic_pk "
                   "WHERE c.clinic_id = ?1 AND p.mrn = ?2"));
    stmt.BindText(1, clinic.clinic).BindText(2, mrn);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(
          clinic.ToString(), " has no patient with MRN ", QuoteForMessage(mrn)));
    }
    GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient,
                               ParseBody<v1::Patient>(stmt.ColumnBlob(1)));
    patient.set_etag(EtagOf(stmt.ColumnInt64(0)));
    return patient;
  });
}

absl::StatusOr<Page<v1::Patient>> SqliteStore::ListPatients(
    const ClinicName& clinic, const std::optional<TherapistName>& therapist,
    const PageRequest& page) {
  return Read<Page<v1::Patient>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Patient>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                                   TherapistFilter(db, therapist));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT pk, pk, version, body FROM patients "
                       "WHERE clinic_pk = ?1 AND (?2 IS NULL OR pk > ?3) "
                       "AND (?5 = 0 OR therapist_pk = ?5) "
                       "ORDER BY pk LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk).BindInt64(5, therapist_pk);
        const std::string query =
            absl::StrCat("patients:", clinic.ToString(), ":",
                         therapist.has_value() ? therapist->ToString() : "");
        return RunListQuery<v1::Patient>(
            stmt, query, page,
            [](const Statement& row) -> absl::StatusOr<v1::Patient> {
              GLUTECARE_ASSIGN_OR_RETURN(
                  v1::Patient patient,
                  ParseBody<v1::Patient>(row.ColumnBlob(3)));
              patient.set_etag(EtagOf(row.ColumnInt64(2)));
              return patient;
            });
      });
}

absl::StatusOr<v1::Patient> SqliteStore::UpdatePatient(
    const v1::Patient& patient, absl::string_view expected_etag) {
  GLUTECARE_ASSIGN_OR_RETURN(
      PatientName name, PatientName::Parse(patient.name(), "patient.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      TherapistName therapist,
      TherapistName::Parse(patient.therapist(), "patient.therapist"));
  return Write<v1::Patient>([&](Connection& db) -> absl::StatusOr<v1::Patient> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, name));
    if (row.patient.etag() != expected_etag) {
      return StaleEtag(name.ToString(), expected_etag, row.patient.etag());
    }
    GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                               TherapistPk(db, therapist));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement taken,
        db.Prepare("SELECT patient_id FROM patients "
                   "WHERE clinic_pk = (SELECT clinic_pk FROM patients "
                   "WHERE pk = ?1) AND mrn = ?2 AND pk != ?1"));
    taken.BindInt64(1, row.pk).BindText(2, patient.mrn());
    GLUTECARE_ASSIGN_OR_RETURN(bool mrn_taken, taken.Step());
    if (mrn_taken) {
      return absl::AlreadyExistsError(absl::StrCat(
          "MRN ", patient.mrn(), " is already used by ",
          PatientName{name.clinic, std::string(taken.ColumnText(0))}
              .ToString()));
    }
    v1::Patient stored = patient;
    stored.clear_etag();
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE patients SET mrn = ?2, therapist_pk = ?3, "
                   "version = version + 1, body = ?4 WHERE pk = ?1"));
    stmt.BindInt64(1, row.pk)
        .BindText(2, patient.mrn())
        .BindInt64(3, therapist_pk)
        .BindBlob(4, stored.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(stmt.Run());
    stored.set_etag(EtagOf(row.version + 1));
    return stored;
  });
}

// ---- Programs ---------------------------------------------------------------

absl::StatusOr<v1::Program> SqliteStore::CreateProgram(
    const v1::Program& program) {
  GLUTECARE_ASSIGN_OR_RETURN(
      ProgramName name, ProgramName::Parse(program.name(), "program.name"));
  return Write<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                               FindPatient(db, name.parent()));
    if (FindProgram(db, name).ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(name.ToString(), " already exists"));
    }
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert_program,
        db.Prepare("INSERT INTO programs (patient_pk, program_id, "
                   "latest_revision) VALUES (?1, ?2, 1)"));
    insert_program.BindInt64(1, patient.pk).BindText(2, name.program);
    GLUTECARE_RETURN_IF_ERROR(insert_program.Run());
    const int64_t program_pk = sqlite3_last_insert_rowid(db.raw());

    v1::Program stored = program;
    stored.set_revision_id(1);
    stored.clear_etag();
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert_revision,
        db.Prepare("INSERT INTO program_revisions (program_pk, revision_id, "
                   "body) VALUES (?1, ?2, ?3)"));
    insert_revision.BindInt64(1, program_pk)
        .BindInt64(2, 1)
        .BindBlob(3, stored.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(insert_revision.Run());
    stored.set_etag(EtagOf(1));
    return stored;
  });
}

absl::StatusOr<v1::Program> SqliteStore::GetProgram(const ProgramName& name) {
  return Read<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, name));
    const int64_t revision =
        name.revision_id == 0 ? row.latest_revision : name.revision_id;
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM program_revisions "
                   "WHERE program_pk = ?1 AND revision_id = ?2"));
    stmt.BindInt64(1, row.pk).BindInt64(2, revision);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat(name.ToString(), " has no revision ", revision,
                       " (latest is ", row.latest_revision, ")"));
    }
    GLUTECARE_ASSIGN_OR_RETURN(v1::Program program,
                               ParseBody<v1::Program>(stmt.ColumnBlob(0)));
    program.set_etag(EtagOf(row.latest_revision));
    return program;
  });
}

absl::StatusOr<Page<v1::Program>> SqliteStore::ListPrograms(
    const PatientName& patient, const PageRequest& page) {
  return Read<Page<v1::Program>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Program>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT g.pk, g.pk, g.latest_revision, r.body "
                       "FROM programs g JOIN program_revisions r "
                       "ON r.program_pk = g.pk "
                       "AND r.revision_id = g.latest_revision "
                       "WHERE g.patient_pk = ?1 AND (?2 IS NULL OR g.pk > ?3) "
                       "ORDER BY g.pk LIMIT ?4"));
        stmt.BindInt64(1, row.pk);
        return RunListQuery<v1::Program>(
            stmt, absl::StrCat("programs:", patient.ToString()), page,
            [](const Statement& r) -> absl::StatusOr<v1::Program> {
              GLUTECARE_ASSIGN_OR_RETURN(
                  v1::Program program, ParseBody<v1::Program>(r.ColumnBlob(3)));
              program.set_etag(EtagOf(r.ColumnInt64(2)));
              return program;
            });
      });
}

absl::StatusOr<v1::Program> SqliteStore::AddProgramRevision(
    const v1::Program& program, absl::string_view expected_etag) {
  GLUTECARE_ASSIGN_OR_RETURN(
      ProgramName name, ProgramName::Parse(program.name(), "program.name"));
  return Write<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, name));
    if (EtagOf(row.latest_revision) != expected_etag) {
      return StaleEtag(name.ToString(), expected_etag,
                       EtagOf(row.latest_revision));
    }
    return InsertNextRevision(db, row, program);
  });
}

absl::StatusOr<v1::Program> SqliteStore::InsertNextRevision(
    Connection& db, const ProgramRow& row, const v1::Program& program) {
  const int64_t revision = row.latest_revision + 1;
  v1::Program stored = program;
  stored.set_revision_id(revision);
  stored.clear_etag();
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement insert_revision,
      db.Prepare("INSERT INTO program_revisions (program_pk, revision_id, "
                 "body) VALUES (?1, ?2, ?3)"));
  insert_revision.BindInt64(1, row.pk)
      .BindInt64(2, revision)
      .BindBlob(3, stored.SerializeAsString());
  GLUTECARE_RETURN_IF_ERROR(insert_revision.Run());
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement bump,
      db.Prepare("UPDATE programs SET latest_revision = ?2 WHERE pk = ?1"));
  bump.BindInt64(1, row.pk).BindInt64(2, revision);
  GLUTECARE_RETURN_IF_ERROR(bump.Run());

  // Open suggestions about the older revision can no longer be accepted.
  GLUTECARE_ASSIGN_OR_RETURN(auto open, OpenSuggestions(db, row.pk));
  std::vector<v1::Suggestion> outdated;
  for (auto& [pk, suggestion] : open) outdated.push_back(std::move(suggestion));
  for (const v1::Suggestion& suggestion : DismissForNewRevision(
           std::move(outdated), revision, program.revision_create_time())) {
    GLUTECARE_RETURN_IF_ERROR(UpdateSuggestion(db, row.pk, suggestion));
  }
  stored.set_etag(EtagOf(revision));
  return stored;
}

absl::StatusOr<Page<v1::Program>> SqliteStore::ListProgramRevisions(
    const ProgramName& name, const PageRequest& page) {
  return Read<Page<v1::Program>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Program>> {
        GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, name));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT revision_id, revision_id, body "
                       "FROM program_revisions WHERE program_pk = ?1 "
                       "AND (?2 IS NULL OR revision_id < ?3) "
                       "ORDER BY revision_id DESC LIMIT ?4"));
        stmt.BindInt64(1, row.pk);
        const std::string latest_etag = EtagOf(row.latest_revision);
        return RunListQuery<v1::Program>(
            stmt, absl::StrCat("revisions:", name.ToString()), page,
            [&](const Statement& r) -> absl::StatusOr<v1::Program> {
              GLUTECARE_ASSIGN_OR_RETURN(
                  v1::Program program, ParseBody<v1::Program>(r.ColumnBlob(2)));
              program.set_etag(latest_etag);
              return program;
            });
      });
}

// ---- Sessions and pain reports ---------------------------------------------

absl::StatusOr<v1::Session> SqliteStore::CreateSession(
    const v1::Session& session, absl::string_view request_id) {
  GLUTECARE_ASSIGN_OR_RETURN(
      SessionName name, SessionName::Parse(session.name(), "session.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      ProgramName revision,
      ProgramName::ParseWithRevision(session.program_revision(),
                                     "session.program_revision"));
  return Write<v1::Session>([&](Connection& db) -> absl::StatusOr<v1::Session> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                               FindPatient(db, name.parent()));
    GLUTECARE_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        FindByRequestId(db,
                        "SELECT body FROM sessions "
                        "WHERE patient_pk = ?1 AND request_id = ?2",
                        patient.pk, request_id));
    if (earlier.has_value()) return ParseBody<v1::Session>(*earlier);

    GLUTECARE_ASSIGN_OR_RETURN(ProgramRow program, FindProgram(db, revision));
    if (revision.revision_id < 1 ||
        revision.revision_id > program.latest_revision) {
      return absl::NotFoundError(absl::StrCat(
          revision.ToString(), " has no revision ", revision.revision_id));
    }
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO sessions (patient_pk, session_id, request_id, "
                   "perform_time_us, local_date, program_pk, revision_id, "
                   "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    stmt.BindInt64(1, patient.pk)
        .BindText(2, name.session)
        .BindTextOrNull(3, request_id)
        .BindInt64(4, UnixMicros(session.perform_time()))
        .BindText(5, session.local_date())
        .BindInt64(6, program.pk)
        .BindInt64(7, revision.revision_id)
        .BindBlob(8, session.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(stmt.Run());
    return session;
  });
}

absl::StatusOr<v1::Session> SqliteStore::GetSession(const SessionName& name) {
  return Read<v1::Session>([&](Connection& db) -> absl::StatusOr<v1::Session> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT s.body FROM sessions s "
                   "JOIN patients p ON p.pk = s.patient_pk "
                   "JOIN clinics c ON c.pk = p.clinic_pk "
                   "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                   "AND s.session_id = ?3"));
    stmt.BindText(1, name.clinic)
        .BindText(2, name.patient)
        .BindText(3, name.session);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
    }
    return ParseBody<v1::Session>(stmt.ColumnBlob(0));
  });
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

absl::StatusOr<Page<v1::Session>> SqliteStore::ListSessions(
    const PatientName& patient, const PageRequest& page) {
  return ListOfPatient<v1::Session>(
      patient,
      "SELECT perform_time_us, pk, body FROM sessions "
      "WHERE patient_pk = ?1 AND (?2 IS NULL OR "
      "(perform_time_us, pk) < (?2, ?3)) "
      "ORDER BY perform_time_us DESC, pk DESC LIMIT ?4",
      "sessions", page);
}

absl::StatusOr<v1::PainReport> SqliteStore::CreatePainReport(
    const v1::PainReport& report, absl::string_view request_id) {
  GLUTECARE_ASSIGN_OR_RETURN(
      PainReportName name,
      PainReportName::Parse(report.name(), "pain_report.name"));
  return Write<v1::PainReport>(
      [&](Connection& db) -> absl::StatusOr<v1::PainReport> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, name.parent()));
        GLUTECARE_ASSIGN_OR_RETURN(
            std::optional<std::string> earlier,
            FindByRequestId(db,
                            "SELECT body FROM pain_reports "
                            "WHERE patient_pk = ?1 AND request_id = ?2",
                            patient.pk, request_id));
        if (earlier.has_value()) return ParseBody<v1::PainReport>(*earlier);
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO pain_reports (patient_pk, pain_report_id, "
                       "request_id, local_date, body) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)"));
        stmt.BindInt64(1, patient.pk)
            .BindText(2, name.pain_report)
            .BindTextOrNull(3, request_id)
            .BindText(4, report.local_date())
            .BindBlob(5, report.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        return report;
      });
}

absl::StatusOr<Page<v1::PainReport>> SqliteStore::ListPainReports(
    const PatientName& patient, const PageRequest& page) {
  return ListOfPatient<v1::PainReport>(
      patient,
      "SELECT local_date, pk, body FROM pain_reports "
      "WHERE patient_pk = ?1 AND (?2 IS NULL OR "
      "(local_date, pk) < (?2, ?3)) "
      "ORDER BY local_date DESC, pk DESC LIMIT ?4",
      "pain_reports", page);
}

// ---- Outcome measures -------------------------------------------------------

namespace {

// The assignment row of `name` on a connection the caller holds: its pk and
// body. NOT_FOUND when missing.
absl::StatusOr<std::pair<int64_t, v1::OutcomeAssignment>> FindOutcomeAssignment(
    Connection& db, const OutcomeAssignmentName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT a.pk, a.body FROM outcome_assignments a "
                 "JOIN patients p ON p.pk = a.patient_pk "
                 "JOIN clinics c ON c.pk = p.clinic_pk "
                 "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                 "AND a.assignment_id = ?3"));
  stmt.BindText(1, name.clinic)
      .BindText(2, name.patient)
      .BindText(3, name.assignment);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::OutcomeAssignment assignment,
      ParseBody<v1::OutcomeAssignment>(stmt.ColumnBlob(1)));
  return std::make_pair(stmt.ColumnInt64(0), std::move(assignment));
}

// The first response to the assignment at `assignment_pk`, if any.
absl::StatusOr<std::optional<v1::OutcomeResponse>> FindOutcomeIntake(
    Connection& db, int64_t assignment_pk) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body FROM outcome_responses WHERE assignment_pk = ?1 "
                 "ORDER BY pk LIMIT 1"));
  stmt.BindInt64(1, assignment_pk);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::OutcomeResponse intake,
      ParseBody<v1::OutcomeResponse>(stmt.ColumnBlob(0)));
  return intake;
}

}  // namespace

absl::StatusOr<v1::OutcomeAssignment> SqliteStore::CreateOutcomeAssignment(
    const v1::OutcomeAssignment& assignment) {
  GLUTECARE_ASSIGN_OR_RETURN(
      OutcomeAssignmentName name,
      OutcomeAssignmentName::Parse(assignment.name(),
                                   "outcome_assignment.name"));
  return Write<v1::OutcomeAssignment>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeAssignment> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, name.parent()));
        if (FindOutcomeAssignment(db, name).ok()) {
          return absl::AlreadyExistsError(
              absl::StrCat(name.ToString(), " already exists"));
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO outcome_assignments (patient_pk, "
                       "assignment_id, body) VALUES (?1, ?2, ?3)"));
        stmt.BindInt64(1, patient.pk)
            .BindText(2, name.assignment)
            .BindBlob(3, assignment.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        return assignment;
      });
}

absl::StatusOr<v1::OutcomeAssignment> SqliteStore::GetOutcomeAssignment(
    const OutcomeAssignmentName& name) {
  return Read<v1::OutcomeAssignment>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeAssignment> {
        GLUTECARE_ASSIGN_OR_RETURN(auto row, FindOutcomeAssignment(db, name));
        return std::move(row.second);
      });
}

absl::StatusOr<std::vector<v1::OutcomeAssignment>>
SqliteStore::ListOutcomeAssignments(const PatientName& patient) {
  return Read<std::vector<v1::OutcomeAssignment>>(
      [&](Connection& db)
          -> absl::StatusOr<std::vector<v1::OutcomeAssignment>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT body FROM outcome_assignments "
                       "WHERE patient_pk = ?1 ORDER BY assignment_id"));
        stmt.BindInt64(1, row.pk);
        std::vector<v1::OutcomeAssignment> assignments;
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
          if (!has_row) break;
          GLUTECARE_ASSIGN_OR_RETURN(
              v1::OutcomeAssignment assignment,
              ParseBody<v1::OutcomeAssignment>(stmt.ColumnBlob(0)));
          assignments.push_back(std::move(assignment));
        }
        return assignments;
      });
}

absl::StatusOr<std::optional<v1::OutcomeResponse>>
SqliteStore::GetOutcomeIntake(const OutcomeAssignmentName& name) {
  return Read<std::optional<v1::OutcomeResponse>>(
      [&](Connection& db)
          -> absl::StatusOr<std::optional<v1::OutcomeResponse>> {
        GLUTECARE_ASSIGN_OR_RETURN(auto row, FindOutcomeAssignment(db, name));
        return FindOutcomeIntake(db, row.first);
      });
}

absl::StatusOr<v1::OutcomeResponse> SqliteStore::CreateOutcomeResponse(
    const v1::OutcomeResponse& response, absl::string_view request_id,
    absl::string_view expected_intake) {
  GLUTECARE_ASSIGN_OR_RETURN(
      OutcomeResponseName name,
      OutcomeResponseName::Parse(response.name(), "outcome_response.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      OutcomeAssignmentName assignment_name,
      OutcomeAssignmentName::Parse(response.assignment(),
                                   "outcome_response.assignment"));
  return Write<v1::OutcomeResponse>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeResponse> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, name.parent()));
        GLUTECARE_ASSIGN_OR_RETURN(
            std::optional<std::string> earlier,
            FindByRequestId(db,
                            "SELECT body FROM outcome_responses "
                            "WHERE patient_pk = ?1 AND request_id = ?2",
                            patient.pk, request_id));
        if (earlier.has_value()) {
          return ParseBody<v1::OutcomeResponse>(*earlier);
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            auto row, FindOutcomeAssignment(db, assignment_name));
        auto& [assignment_pk, assignment] = row;
        GLUTECARE_ASSIGN_OR_RETURN(std::optional<v1::OutcomeResponse> intake,
                                   FindOutcomeIntake(db, assignment_pk));
        const std::string intake_name = intake ? intake->name() : "";
        if (intake_name != expected_intake) {
          return absl::AbortedError(absl::StrCat(
              "the intake of ", assignment_name.ToString(),
              " changed while the response was scored; submit it again"));
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement insert,
            db.Prepare("INSERT INTO outcome_responses (patient_pk, "
                       "assignment_pk, response_id, request_id, local_date, "
                       "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        insert.BindInt64(1, patient.pk)
            .BindInt64(2, assignment_pk)
            .BindText(3, name.response)
            .BindTextOrNull(4, request_id)
            .BindText(5, response.local_date())
            .BindBlob(6, response.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(insert.Run());

        assignment = outcomes::CountResponse(std::move(assignment), response);
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement update,
            db.Prepare("UPDATE outcome_assignments SET body = ?2 "
                       "WHERE pk = ?1"));
        update.BindInt64(1, assignment_pk)
            .BindBlob(2, assignment.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(update.Run());
        return response;
      });
}

absl::StatusOr<v1::OutcomeResponse> SqliteStore::GetOutcomeResponse(
    const OutcomeResponseName& name) {
  return Read<v1::OutcomeResponse>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeResponse> {
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT r.body FROM outcome_responses r "
                       "JOIN patients p ON p.pk = r.patient_pk "
                       "JOIN clinics c ON c.pk = p.clinic_pk "
                       "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                       "AND r.response_id = ?3"));
        stmt.BindText(1, name.clinic)
            .BindText(2, name.patient)
            .BindText(3, name.response);
        GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
        if (!found) {
          return absl::NotFoundError(
              absl::StrCat(name.ToString(), " not found"));
        }
        return ParseBody<v1::OutcomeResponse>(stmt.ColumnBlob(0));
      });
}

absl::StatusOr<Page<v1::OutcomeResponse>> SqliteStore::ListOutcomeResponses(
    const PatientName& patient, const PageRequest& page) {
  return ListOfPatient<v1::OutcomeResponse>(
      patient,
      "SELECT local_date, pk, body FROM outcome_responses "
      "WHERE patient_pk = ?1 AND (?2 IS NULL OR "
      "(local_date, pk) < (?2, ?3)) "
      "ORDER BY local_date DESC, pk DESC LIMIT ?4",
      "outcome_responses", page);
}

// ---- Reports ----------------------------------------------------------------

absl::StatusOr<PatientActivity> SqliteStore::GetPatientActivity(
    const PatientName& patient, const ActivityQuery& query) {
  return Read<PatientActivity>([&](Connection& db)
                                   -> absl::StatusOr<PatientActivity> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
    PatientActivity activity;

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement programs,
        db.Prepare("SELECT g.pk, r.body FROM programs g "
                   "JOIN program_revisions r ON r.program_pk = g.pk "
                   "WHERE g.patient_pk = ?1 "
                   "ORDER BY g.pk, r.revision_id"));
    programs.BindInt64(1, row.pk);
    int64_t current_program = -1;
    while (true) {
      GLUTECARE_ASSIGN_OR_RETURN(bool has_row, programs.Step());
      if (!has_row) break;
      if (programs.ColumnInt64(0) != current_program) {
        current_program = programs.ColumnInt64(0);
        activity.programs.emplace_back();
      }
      GLUTECARE_ASSIGN_OR_RETURN(
          v1::Program revision, ParseBody<v1::Program>(programs.ColumnBlob(1)));
      activity.programs.back().push_back(std::move(revision));
    }

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement sessions,
        db.Prepare("SELECT body FROM sessions WHERE patient_pk = ?1 "
                   "AND local_date BETWEEN ?2 AND ?3 "
                   "ORDER BY local_date, perform_time_us"));
    sessions.BindInt64(1, row.pk).BindText(2, query.from).BindText(3, query.to);
    GLUTECARE_RETURN_IF_ERROR(AppendBodies(sessions, &activity.sessions));

    if (!query.history_from.empty()) {
      GLUTECARE_ASSIGN_OR_RETURN(Statement dates,
                                 db.Prepare("SELECT local_date FROM sessions "
                                            "WHERE patient_pk = ?1 "
                                            "AND local_date BETWEEN ?2 AND ?3 "
                                            "ORDER BY local_date"));
      dates.BindInt64(1, row.pk)
          .BindText(2, query.history_from)
          .BindText(3, query.to);
      while (true) {
        GLUTECARE_ASSIGN_OR_RETURN(bool has_row, dates.Step());
        if (!has_row) break;
        activity.session_dates.emplace_back(dates.ColumnText(0));
      }
    }

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement last,
        db.Prepare("SELECT max(local_date) FROM sessions "
                   "WHERE patient_pk = ?1 AND local_date <= ?2"));
    last.BindInt64(1, row.pk).BindText(2, query.to);
    GLUTECARE_ASSIGN_OR_RETURN(bool has_last, last.Step());
    if (has_last && !last.ColumnIsNull(0)) {
      activity.last_session_date = std::string(last.ColumnText(0));
    }

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement reports,
        db.Prepare("SELECT body FROM pain_reports WHERE patient_pk = ?1 "
                   "AND local_date BETWEEN ?2 AND ?3 "
                   "ORDER BY local_date, pk"));
    reports.BindInt64(1, row.pk).BindText(2, query.from).BindText(3, query.to);
    GLUTECARE_RETURN_IF_ERROR(AppendBodies(reports, &activity.pain_reports));

    if (query.outcome_responses) {
      GLUTECARE_ASSIGN_OR_RETURN(
          Statement outcomes,
          db.Prepare("SELECT body FROM outcome_responses WHERE patient_pk = ?1 "
                     "ORDER BY local_date, pk"));
      outcomes.BindInt64(1, row.pk);
      GLUTECARE_RETURN_IF_ERROR(
          AppendBodies(outcomes, &activity.outcome_responses));
    }
    return activity;
  });
}

// ---- RTM ---------------------------------------------------------------------

absl::StatusOr<v1::ManagementTimeEntry> SqliteStore::CreateManagementTimeEntry(
    const PatientName& patient, const v1::ManagementTimeEntry& entry,
    absl::string_view request_id) {
  const std::string prefix =
      absl::StrCat(patient.ToString(), "/managementTimeEntries/");
  if (!absl::StartsWith(entry.name(), prefix) ||
      entry.name().size() == prefix.size()) {
    return absl::InternalError(absl::StrCat(
        "management time entry ", QuoteForMessage(entry.name()),
        " is not under ", patient.ToString()));
  }
  const std::string entry_id = entry.name().substr(prefix.size());
  return Write<v1::ManagementTimeEntry>(
      [&](Connection& db) -> absl::StatusOr<v1::ManagementTimeEntry> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            std::optional<std::string> earlier,
            FindByRequestId(db,
                            "SELECT body FROM management_time "
                            "WHERE patient_pk = ?1 AND request_id = ?2",
                            row.pk, request_id));
        if (earlier.has_value()) {
          return ParseBody<v1::ManagementTimeEntry>(*earlier);
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO management_time (patient_pk, entry_id, "
                       "request_id, local_date, body) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)"));
        stmt.BindInt64(1, row.pk)
            .BindText(2, entry_id)
            .BindTextOrNull(3, request_id)
            .BindText(4, entry.date())
            .BindBlob(5, entry.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        return entry;
      });
}

absl::StatusOr<Page<v1::ManagementTimeEntry>>
SqliteStore::ListManagementTimeEntries(const PatientName& patient,
                                       const PageRequest& page) {
  return ListOfPatient<v1::ManagementTimeEntry>(
      patient,
      "SELECT local_date, pk, body FROM management_time "
      "WHERE patient_pk = ?1 AND (?2 IS NULL OR "
      "(local_date, pk) < (?2, ?3)) "
      "ORDER BY local_date DESC, pk DESC LIMIT ?4",
      "management_time", page);
}

absl::StatusOr<RtmActivity> SqliteStore::GetRtmActivity(
    const PatientName& patient, const RtmQuery& query) {
  return Read<RtmActivity>([&](Connection& db) -> absl::StatusOr<RtmActivity> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
    RtmActivity activity;

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement days,
        db.Prepare("SELECT local_date FROM sessions WHERE patient_pk = ?1 "
                   "AND local_date BETWEEN ?2 AND ?3 "
                   "UNION "
                   "SELECT local_date FROM pain_reports WHERE patient_pk = ?1 "
                   "AND local_date BETWEEN ?2 AND ?3 "
                   "ORDER BY 1"));
    days.BindInt64(1, row.pk)
        .BindText(2, query.data_from)
        .BindText(3, query.data_to);
    while (true) {
      GLUTECARE_ASSIGN_OR_RETURN(bool has_row, days.Step());
      if (!has_row) break;
      activity.data_dates.emplace_back(days.ColumnText(0));
    }

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement first,
        db.Prepare("SELECT min(d) FROM ("
                   "SELECT min(local_date) AS d FROM sessions "
                   "WHERE patient_pk = ?1 UNION ALL "
                   "SELECT min(local_date) FROM pain_reports "
                   "WHERE patient_pk = ?1)"));
    first.BindInt64(1, row.pk);
    GLUTECARE_ASSIGN_OR_RETURN(bool has_first, first.Step());
    if (has_first && !first.ColumnIsNull(0)) {
      activity.first_data_date = std::string(first.ColumnText(0));
    }

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement programs,
        db.Prepare("SELECT r.body FROM programs g "
                   "JOIN program_revisions r ON r.program_pk = g.pk "
                   "AND r.revision_id = g.latest_revision "
                   "WHERE g.patient_pk = ?1"));
    programs.BindInt64(1, row.pk);
    while (true) {
      GLUTECARE_ASSIGN_OR_RETURN(bool has_row, programs.Step());
      if (!has_row) break;
      GLUTECARE_ASSIGN_OR_RETURN(
          v1::Program program, ParseBody<v1::Program>(programs.ColumnBlob(0)));
      const std::string& start = program.start_date();
      if (!start.empty() && (activity.first_program_start_date.empty() ||
                             start < activity.first_program_start_date)) {
        activity.first_program_start_date = start;
      }
    }

    GLUTECARE_ASSIGN_OR_RETURN(
        Statement time,
        db.Prepare("SELECT body FROM management_time WHERE patient_pk = ?1 "
                   "AND local_date BETWEEN ?2 AND ?3 "
                   "ORDER BY local_date, pk"));
    time.BindInt64(1, row.pk)
        .BindText(2, query.time_from)
        .BindText(3, query.time_to);
    GLUTECARE_RETURN_IF_ERROR(AppendBodies(time, &activity.management_time));
    return activity;
  });
}

// ---- Alerts -----------------------------------------------------------------

// Parses an alert row's body and sets its sequence from the row's pk.
absl::StatusOr<v1::Alert> AlertFromRow(const Statement& row, int pk_column,
                                       int body_column) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert,
                             ParseBody<v1::Alert>(row.ColumnBlob(body_column)));
  alert.set_sequence(row.ColumnInt64(pk_column));
  return alert;
}

absl::StatusOr<std::pair<int64_t, v1::Alert>> SqliteStore::FindAlert(
    Connection& db, const AlertName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                             FindPatient(db, name.parent()));
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt, db.Prepare("SELECT pk, body FROM alerts "
                                 "WHERE patient_pk = ?1 AND alert_id = ?2"));
  stmt.BindInt64(1, patient.pk).BindText(2, name.alert);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert, AlertFromRow(stmt, 0, 1));
  return std::make_pair(stmt.ColumnInt64(0), std::move(alert));
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::RecordAlerts(
    const PatientName& patient, const std::vector<AlertCandidate>& candidates,
    const google::protobuf::Timestamp& now) {
  if (candidates.empty()) return std::vector<v1::Alert>();
  return Write<std::vector<v1::Alert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<v1::Alert>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            TherapistName therapist,
            TherapistName::Parse(row.patient.therapist(), "patient.therapist"));
        GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                                   TherapistPk(db, therapist));
        // The unresolved alert of each candidate's rule (alerts_unresolved
        // finds it), and where each candidate's event was recorded before.
        StoredAlerts stored;
        absl::flat_hash_map<std::string, int64_t> alert_pks;
        std::set<int> rules;
        for (const AlertCandidate& candidate : candidates) {
          if (!rules.insert(candidate.rule).second) continue;
          GLUTECARE_ASSIGN_OR_RETURN(
              Statement unresolved,
              db.Prepare("SELECT pk, body FROM alerts WHERE patient_pk = ?1 "
                         "AND rule = ?2 AND state != ?3"));
          unresolved.BindInt64(1, row.pk)
              .BindInt64(2, candidate.rule)
              .BindInt64(3, v1::ALERT_STATE_RESOLVED);
          GLUTECARE_ASSIGN_OR_RETURN(bool has_unresolved, unresolved.Step());
          if (!has_unresolved) continue;
          GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert,
                                     AlertFromRow(unresolved, 0, 1));
          alert_pks[alert.name()] = unresolved.ColumnInt64(0);
          stored.unresolved.push_back(std::move(alert));
        }
        for (const AlertCandidate& candidate : candidates) {
          GLUTECARE_ASSIGN_OR_RETURN(
              Statement seen,
              db.Prepare("SELECT a.alert_id FROM alert_triggers t "
                         "JOIN alerts a ON a.pk = t.alert_pk "
                         "WHERE t.patient_pk = ?1 AND t.rule = ?2 "
                         "AND t.trigger_key = ?3"));
          seen.BindInt64(1, row.pk)
              .BindInt64(2, candidate.rule)
              .BindText(3, candidate.trigger_key);
          GLUTECARE_ASSIGN_OR_RETURN(bool already_seen, seen.Step());
          if (!already_seen) continue;
          stored.triggers.push_back(
              {.rule = candidate.rule,
               .trigger_key = candidate.trigger_key,
               .alert = AlertName{patient.clinic, patient.patient,
                                  std::string(seen.ColumnText(0))}
                            .ToString()});
        }

        AlertPlan plan = PlanAlerts(patient, therapist, stored, candidates,
                                    now, GenerateResourceId);
        for (const v1::Alert& alert : plan.updates) {
          GLUTECARE_RETURN_IF_ERROR(
              UpdateAlert(db, alert_pks.at(alert.name()), alert));
        }
        for (v1::Alert& alert : plan.inserts) {
          GLUTECARE_ASSIGN_OR_RETURN(AlertName name,
                                     AlertName::Parse(alert.name(), "alert"));
          GLUTECARE_ASSIGN_OR_RETURN(
              Statement insert,
              db.Prepare("INSERT INTO alerts (clinic_pk, patient_pk, "
                         "therapist_pk, alert_id, rule, state, body) VALUES "
                         "((SELECT clinic_pk FROM patients WHERE pk = ?1), "
                         "?1, ?2, ?3, ?4, ?5, ?6)"));
          insert.BindInt64(1, row.pk)
              .BindInt64(2, therapist_pk)
              .BindText(3, name.alert)
              .BindInt64(4, alert.rule())
              .BindInt64(5, alert.state())
              .BindBlob(6, alert.SerializeAsString());
          GLUTECARE_RETURN_IF_ERROR(insert.Run());
          alert.set_sequence(sqlite3_last_insert_rowid(db.raw()));
          alert_pks[alert.name()] = alert.sequence();
        }
        for (const AlertTrigger& trigger : plan.triggers) {
          GLUTECARE_ASSIGN_OR_RETURN(
              Statement insert,
              db.Prepare("INSERT INTO alert_triggers (patient_pk, rule, "
                         "trigger_key, alert_pk) VALUES (?1, ?2, ?3, ?4)"));
          insert.BindInt64(1, row.pk)
              .BindInt64(2, trigger.rule)
              .BindText(3, trigger.trigger_key)
              .BindInt64(4, alert_pks.at(trigger.alert));
          GLUTECARE_RETURN_IF_ERROR(insert.Run());
        }
        return std::move(plan.inserts);
      });
}

absl::Status SqliteStore::UpdateAlert(Connection& db, int64_t pk,
                                      v1::Alert alert) {
  alert.clear_sequence();
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement update,
      db.Prepare("UPDATE alerts SET state = ?2, body = ?3 WHERE pk = ?1"));
  update.BindInt64(1, pk).BindInt64(2, alert.state()).BindBlob(
      3, alert.SerializeAsString());
  return update.Run();
}

absl::StatusOr<std::vector<UnresolvedAlert>> SqliteStore::ListUnresolvedAlerts(
    const PatientName& patient) {
  return Read<std::vector<UnresolvedAlert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<UnresolvedAlert>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        // The join follows alert_triggers' primary key (patient, rule).
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT a.pk, a.body, t.trigger_key FROM alerts a "
                       "LEFT JOIN alert_triggers t ON t.patient_pk = "
                       "a.patient_pk AND t.rule = a.rule AND t.alert_pk = a.pk "
                       "WHERE a.patient_pk = ?1 AND a.state != ?2 "
                       "ORDER BY a.pk, t.trigger_key"));
        stmt.BindInt64(1, row.pk).BindInt64(2, v1::ALERT_STATE_RESOLVED);
        std::vector<UnresolvedAlert> alerts;
        int64_t last_pk = 0;
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
          if (!has_row) break;
          if (alerts.empty() || stmt.ColumnInt64(0) != last_pk) {
            last_pk = stmt.ColumnInt64(0);
            GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert,
                                       AlertFromRow(stmt, 0, 1));
            alerts.push_back({.alert = std::move(alert)});
          }
          if (!stmt.ColumnIsNull(2)) {
            alerts.back().trigger_keys.emplace_back(stmt.ColumnText(2));
          }
        }
        return alerts;
      });
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::ResolveClearedAlerts(
    const PatientName& patient, const std::vector<AlertClearance>& clearances,
    const google::protobuf::Timestamp& now) {
  if (clearances.empty()) return std::vector<v1::Alert>();
  return Write<std::vector<v1::Alert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<v1::Alert>> {
        // Each alert as it is now, with the trigger keys recorded on it.
        std::vector<CountedAlert> stored;
        absl::flat_hash_map<std::string, int64_t> alert_pks;
        for (const AlertClearance& clearance : clearances) {
          GLUTECARE_ASSIGN_OR_RETURN(AlertName name,
                                     AlertName::Parse(clearance.alert, "alert"));
          if (name.parent() != patient) {
            return absl::InternalError(absl::StrCat(
                clearance.alert, " is not an alert of ", patient.ToString()));
          }
          GLUTECARE_ASSIGN_OR_RETURN(auto row, FindAlert(db, name));
          GLUTECARE_ASSIGN_OR_RETURN(
              Statement keys,
              db.Prepare("SELECT count(*) FROM alert_triggers "
                         "WHERE patient_pk = (SELECT patient_pk FROM alerts "
                         "WHERE pk = ?1) AND rule = ?2 AND alert_pk = ?1"));
          keys.BindInt64(1, row.first).BindInt64(2, row.second.rule());
          GLUTECARE_ASSIGN_OR_RETURN(bool counted, keys.Step());
          alert_pks[row.second.name()] = row.first;
          stored.push_back(
              {.alert = std::move(row.second),
               .trigger_keys =
                   counted ? static_cast<size_t>(keys.ColumnInt64(0)) : 0});
        }
        std::vector<v1::Alert> resolved =
            ResolveCleared(stored, clearances, now);
        for (const v1::Alert& alert : resolved) {
          GLUTECARE_RETURN_IF_ERROR(
              UpdateAlert(db, alert_pks.at(alert.name()), alert));
        }
        return resolved;
      });
}

absl::StatusOr<v1::Alert> SqliteStore::GetAlert(const AlertName& name) {
  return Read<v1::Alert>([&](Connection& db) -> absl::StatusOr<v1::Alert> {
    GLUTECARE_ASSIGN_OR_RETURN(auto row, FindAlert(db, name));
    return std::move(row.second);
  });
}

absl::StatusOr<v1::Alert> SqliteStore::SetAlertState(
    const AlertName& name, v1::AlertState state,
    const google::protobuf::Timestamp& now) {
  return Write<v1::Alert>([&](Connection& db) -> absl::StatusOr<v1::Alert> {
    GLUTECARE_ASSIGN_OR_RETURN(auto row, FindAlert(db, name));
    GLUTECARE_ASSIGN_OR_RETURN(std::optional<v1::Alert> moved,
                               MovedByTherapist(row.second, state, now));
    if (!moved.has_value()) return std::move(row.second);
    GLUTECARE_RETURN_IF_ERROR(UpdateAlert(db, row.first, *moved));
    return std::move(*moved);
  });
}

absl::StatusOr<Page<v1::Alert>> SqliteStore::ListAlerts(
    const AlertFilter& filter, const PageRequest& page) {
  return Read<Page<v1::Alert>>([&](Connection& db)
                                   -> absl::StatusOr<Page<v1::Alert>> {
    GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, filter.clinic));
    // 0 means "no filter" for the optional keys below.
    int64_t patient_pk = 0;
    if (filter.patient.has_value()) {
      GLUTECARE_ASSIGN_OR_RETURN(PatientRow row,
                                 FindPatient(db, *filter.patient));
      patient_pk = row.pk;
    }
    GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                               TherapistFilter(db, filter.therapist));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT a.pk, a.pk, a.body FROM alerts a "
                   "JOIN patients p ON p.pk = a.patient_pk "
                   "WHERE a.clinic_pk = ?1 AND (?2 IS NULL OR a.pk < ?3) "
                   "AND (?5 = 0 OR a.patient_pk = ?5) "
                   "AND (?6 = 0 OR p.therapist_pk = ?6) "
                   "AND (?7 = 0 OR a.state = ?7) "
                   "ORDER BY a.pk DESC LIMIT ?4"));
    stmt.BindInt64(1, clinic_pk)
        .BindInt64(5, patient_pk)
        .BindInt64(6, therapist_pk)
        .BindInt64(7, filter.state);
    const std::string query =
        absl::StrCat("alerts:", filter.clinic.ToString(), ":",
                     filter.patient ? filter.patient->ToString() : "-", ":",
                     filter.therapist ? filter.therapist->ToString() : "", ":",
                     filter.state);
    return RunListQuery<v1::Alert>(stmt, query, page, [](const Statement& row) {
      return AlertFromRow(row, 1, 2);
    });
  });
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::ListAlertsAfter(
    const ClinicName& clinic, const std::optional<TherapistName>& therapist,
    int64_t after_sequence, int limit) {
  return Read<std::vector<v1::Alert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<v1::Alert>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                                   TherapistFilter(db, therapist));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt, db.Prepare("SELECT a.pk, a.body FROM alerts a "
                                       "JOIN patients p ON p.pk = a.patient_pk "
                                       "WHERE a.clinic_pk = ?1 AND a.pk > ?2 "
                                       "AND (?3 = 0 OR p.therapist_pk = ?3) "
                                       "ORDER BY a.pk LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk)
            .BindInt64(2, after_sequence)
            .BindInt64(3, therapist_pk)
            .BindInt64(4, limit);
        std::vector<v1::Alert> alerts;
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
          if (!has_row) break;
          GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert, AlertFromRow(stmt, 0, 1));
          alerts.push_back(std::move(alert));
        }
        return alerts;
      });
}

absl::StatusOr<int32_t> SqliteStore::CountUnresolvedAlerts(
    const PatientName& patient) {
  return Read<int32_t>([&](Connection& db) -> absl::StatusOr<int32_t> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("SELECT count(*) FROM alerts "
                                   "WHERE patient_pk = ?1 AND state != ?2"));
    stmt.BindInt64(1, row.pk).BindInt64(2, v1::ALERT_STATE_RESOLVED);
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    return has_row ? static_cast<int32_t>(stmt.ColumnInt64(0)) : 0;
  });
}

// ---- Suggestions ------------------------------------------------------------

absl::StatusOr<std::pair<SqliteStore::ProgramRow, v1::Suggestion>>
SqliteStore::FindSuggestion(Connection& db, const SuggestionName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(ProgramRow program,
                             FindProgram(db, name.parent()));
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body FROM suggestions "
                 "WHERE program_pk = ?1 AND suggestion_id = ?2"));
  stmt.BindInt64(1, program.pk).BindText(2, name.suggestion);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                             ParseBody<v1::Suggestion>(stmt.ColumnBlob(0)));
  return std::make_pair(program, std::move(suggestion));
}

absl::Status SqliteStore::UpdateSuggestion(Connection& db, int64_t program_pk,
                                           const v1::Suggestion& suggestion) {
  GLUTECARE_ASSIGN_OR_RETURN(
      SuggestionName name,
      SuggestionName::Parse(suggestion.name(), "suggestion.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement update,
      db.Prepare("UPDATE suggestions SET state = ?3, body = ?4 "
                 "WHERE program_pk = ?1 AND suggestion_id = ?2"));
  update.BindInt64(1, program_pk)
      .BindText(2, name.suggestion)
      .BindInt64(3, suggestion.state())
      .BindBlob(4, suggestion.SerializeAsString());
  return update.Run();
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::Suggestion>>>
SqliteStore::OpenSuggestions(Connection& db, int64_t program_pk) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement open,
      db.Prepare("SELECT pk, body FROM suggestions "
                 "WHERE program_pk = ?1 AND state = ?2 ORDER BY pk"));
  open.BindInt64(1, program_pk).BindInt64(2, v1::SUGGESTION_STATE_OPEN);
  std::vector<std::pair<int64_t, v1::Suggestion>> result;
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, open.Step());
    if (!has_row) break;
    GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                               ParseBody<v1::Suggestion>(open.ColumnBlob(1)));
    result.emplace_back(open.ColumnInt64(0), std::move(suggestion));
  }
  return result;
}

absl::StatusOr<std::vector<v1::Suggestion>> SqliteStore::RecordSuggestions(
    const ProgramName& program, int64_t based_on_revision,
    const std::vector<SuggestionCandidate>& candidates,
    const google::protobuf::Timestamp& now) {
  if (candidates.empty()) return std::vector<v1::Suggestion>();
  return Write<std::vector<v1::Suggestion>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<v1::Suggestion>> {
        GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, program));
        // Findings about a revision that is no longer the latest are stale:
        // the evaluation of the newer revision makes its own.
        if (row.latest_revision != based_on_revision) {
          return std::vector<v1::Suggestion>();
        }
        StoredSuggestions stored;
        GLUTECARE_ASSIGN_OR_RETURN(auto open, OpenSuggestions(db, row.pk));
        for (auto& [pk, suggestion] : open) {
          stored.open.push_back(std::move(suggestion));
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement made,
            db.Prepare("SELECT exercise, kind FROM suggestions "
                       "WHERE program_pk = ?1 AND based_on_revision = ?2"));
        made.BindInt64(1, row.pk).BindInt64(2, based_on_revision);
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, made.Step());
          if (!has_row) break;
          stored.made_for_revision.emplace_back(
              std::string(made.ColumnText(0)),
              static_cast<v1::SuggestionKind>(made.ColumnInt64(1)));
        }

        SuggestionPlan plan =
            PlanSuggestions(program, based_on_revision, stored, candidates, now,
                            GenerateResourceId);
        for (const v1::Suggestion& suggestion : plan.updates) {
          GLUTECARE_RETURN_IF_ERROR(UpdateSuggestion(db, row.pk, suggestion));
        }
        for (const v1::Suggestion& suggestion : plan.inserts) {
          GLUTECARE_ASSIGN_OR_RETURN(
              SuggestionName name,
              SuggestionName::Parse(suggestion.name(), "suggestion.name"));
          GLUTECARE_ASSIGN_OR_RETURN(
              Statement insert,
              db.Prepare("INSERT INTO suggestions (program_pk, suggestion_id, "
                         "exercise, kind, based_on_revision, state, body) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
          insert.BindInt64(1, row.pk)
              .BindText(2, name.suggestion)
              .BindText(3, suggestion.exercise())
              .BindInt64(4, suggestion.kind())
              .BindInt64(5, based_on_revision)
              .BindInt64(6, suggestion.state())
              .BindBlob(7, suggestion.SerializeAsString());
          GLUTECARE_RETURN_IF_ERROR(insert.Run());
        }
        return std::move(plan.inserts);
      });
}

absl::StatusOr<v1::Suggestion> SqliteStore::GetSuggestion(
    const SuggestionName& name) {
  return Read<v1::Suggestion>(
      [&](Connection& db) -> absl::StatusOr<v1::Suggestion> {
        GLUTECARE_ASSIGN_OR_RETURN(auto row, FindSuggestion(db, name));
        return std::move(row.second);
      });
}

absl::StatusOr<Page<v1::Suggestion>> SqliteStore::ListSuggestions(
    const SuggestionFilter& filter, const PageRequest& page) {
  return Read<Page<v1::Suggestion>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Suggestion>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, filter.patient));
        int64_t program_pk = 0;  // 0: every program of the patient
        if (filter.program.has_value()) {
          GLUTECARE_ASSIGN_OR_RETURN(ProgramRow program,
                                     FindProgram(db, *filter.program));
          program_pk = program.pk;
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT s.pk, s.pk, s.body FROM suggestions s "
                       "JOIN programs g ON g.pk = s.program_pk "
                       "WHERE g.patient_pk = ?1 AND (?2 IS NULL OR s.pk < ?3) "
                       "AND (?5 = 0 OR s.program_pk = ?5) "
                       "AND (?6 = 0 OR s.state = ?6) "
                       "ORDER BY s.pk DESC LIMIT ?4"));
        stmt.BindInt64(1, patient.pk)
            .BindInt64(5, program_pk)
            .BindInt64(6, filter.state);
        const std::string query =
            absl::StrCat("suggestions:", filter.patient.ToString(), ":",
                         filter.program ? filter.program->ToString() : "-", ":",
                         filter.state);
        return RunListQuery<v1::Suggestion>(stmt, query, page,
                                            BodyAt<v1::Suggestion>(2));
      });
}

absl::StatusOr<v1::Program> SqliteStore::AcceptSuggestion(
    const SuggestionName& name, const v1::Program& revision,
    const google::protobuf::Timestamp& now) {
  return Write<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(auto found, FindSuggestion(db, name));
    auto& [program, suggestion] = found;
    GLUTECARE_RETURN_IF_ERROR(
        CheckAcceptable(suggestion, program.latest_revision));
    GLUTECARE_ASSIGN_OR_RETURN(v1::Program stored,
                               InsertNextRevision(db, program, revision));
    GLUTECARE_RETURN_IF_ERROR(UpdateSuggestion(
        db, program.pk,
        Accepted(std::move(suggestion), stored.revision_id(), now)));
    return stored;
  });
}

absl::StatusOr<v1::Suggestion> SqliteStore::DismissSuggestion(
    const SuggestionName& name, const google::protobuf::Timestamp& now) {
  return Write<v1::Suggestion>(
      [&](Connection& db) -> absl::StatusOr<v1::Suggestion> {
        GLUTECARE_ASSIGN_OR_RETURN(auto found, FindSuggestion(db, name));
        GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                                   Dismissed(std::move(found.second), now));
        GLUTECARE_RETURN_IF_ERROR(
            UpdateSuggestion(db, found.first.pk, suggestion));
        return suggestion;
      });
}

// ---- Access tokens ----------------------------------------------------------

absl::StatusOr<v1::AccessToken> SqliteStore::CreateAccessToken(
    const v1::AccessToken& token, absl::string_view secret_sha256) {
  GLUTECARE_ASSIGN_OR_RETURN(
      AccessTokenName name,
      AccessTokenName::Parse(token.name(), "access_token.name"));
  return Write<v1::AccessToken>(
      [&](Connection& db) -> absl::StatusOr<v1::AccessToken> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk,
                                   ClinicPk(db, name.parent()));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO access_tokens (clinic_pk, "
                       "access_token_id, secret_sha256, body) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"));
        stmt.BindInt64(1, clinic_pk)
            .BindText(2, name.access_token)
            .BindBlob(3, secret_sha256)
            .BindBlob(4, token.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        if (sqlite3_changes(db.raw()) == 0) {
          return absl::AlreadyExistsError(
              absl::StrCat(name.ToString(), " already exists"));
        }
        return token;
      });
}

absl::StatusOr<v1::AccessToken> SqliteStore::FindAccessToken(
    absl::string_view secret_sha256) {
  return Read<v1::AccessToken>([&](Connection& db)
                                   -> absl::StatusOr<v1::AccessToken> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM access_tokens WHERE secret_sha256 = ?1"));
    stmt.BindBlob(1, secret_sha256);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    // The message never names the hash.
    if (!found) return absl::NotFoundError("no such access token");
    return ParseBody<v1::AccessToken>(stmt.ColumnBlob(0));
  });
}

absl::StatusOr<Page<v1::AccessToken>> SqliteStore::ListAccessTokens(
    const ClinicName& clinic, const PageRequest& page) {
  return Read<Page<v1::AccessToken>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::AccessToken>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT pk, pk, body FROM access_tokens "
                       "WHERE clinic_pk = ?1 AND (?2 IS NULL OR pk < ?3) "
                       "ORDER BY pk DESC LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk);
        return RunListQuery<v1::AccessToken>(
            stmt, absl::StrCat("access_tokens:", clinic.ToString()), page,
            BodyAt<v1::AccessToken>(2));
      });
}

absl::StatusOr<v1::AccessToken> SqliteStore::RevokeAccessToken(
    const AccessTokenName& name, const google::protobuf::Timestamp& now) {
  return Write<v1::AccessToken>([&](Connection& db)
                                    -> absl::StatusOr<v1::AccessToken> {
    GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, name.parent()));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement find,
        db.Prepare("SELECT pk, body FROM access_tokens "
                   "WHERE clinic_pk = ?1 AND access_token_id = ?2"));
    find.BindInt64(1, clinic_pk).BindText(2, name.access_token);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, find.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
    }
    const int64_t pk = find.ColumnInt64(0);
    GLUTECARE_ASSIGN_OR_RETURN(v1::AccessToken token,
                               ParseBody<v1::AccessToken>(find.ColumnBlob(1)));
    if (token.has_revoke_time()) return token;
    *token.mutable_revoke_time() = now;
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement update,
        db.Prepare("UPDATE access_tokens SET body = ?2 WHERE pk = ?1"));
    update.BindInt64(1, pk).BindBlob(2, token.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(update.Run());
    return token;
  });
}

// ---- Audit trail ------------------------------------------------------------

absl::Status SqliteStore::AppendAuditEvents(
    const std::vector<AuditRecord>& records) {
  if (records.empty()) return absl::OkStatus();
  return Write<bool>([&](Connection& db) -> absl::StatusOr<bool> {
           for (const AuditRecord& record : records) {
             GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk,
                                        ClinicPk(db, record.clinic));
             GLUTECARE_ASSIGN_OR_RETURN(
                 Statement stmt,
                 db.Prepare("INSERT INTO audit_events (clinic_pk, patient, "
                            "time_micros, body) VALUES (?1, ?2, ?3, ?4)"));
             stmt.BindInt64(1, clinic_pk)
                 .BindText(2, record.event.patient())
                 .BindInt64(3, UnixMicros(record.event.time()))
                 .BindBlob(4, record.event.SerializeAsString());
             GLUTECARE_RETURN_IF_ERROR(stmt.Run());
           }
           return true;
         })
      .status();
}

absl::StatusOr<Page<v1::AuditEvent>> SqliteStore::ListAuditEvents(
    const AuditFilter& filter, const PageRequest& page) {
  return Read<Page<v1::AuditEvent>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::AuditEvent>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk,
                                   ClinicPk(db, filter.clinic));
        const std::string patient =
            filter.patient ? filter.patient->ToString() : "";
        const int64_t start = filter.start == absl::InfinitePast()
                                  ? std::numeric_limits<int64_t>::min()
                                  : absl::ToUnixMicros(filter.start);
        const int64_t end = filter.end == absl::InfiniteFuture()
                                ? std::numeric_limits<int64_t>::max()
                                : absl::ToUnixMicros(filter.end);
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT sequence, sequence, body FROM audit_events "
                       "WHERE clinic_pk = ?1 AND (?2 IS NULL OR sequence < ?3) "
                       "AND (?5 = '' OR patient = ?5) "
                       "AND time_micros >= ?6 AND time_micros < ?7 "
                       "ORDER BY sequence DESC LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk)
            .BindText(5, patient)
            .BindInt64(6, start)
            .BindInt64(7, end);
        const std::string query =
            absl::StrCat("audit:", filter.clinic.ToString(), ":", patient, ":",
                         start, ":", end);
        return RunListQuery<v1::AuditEvent>(
            stmt, query, page,
            [&filter](const Statement& row) -> absl::StatusOr<v1::AuditEvent> {
              GLUTECARE_ASSIGN_OR_RETURN(
                  v1::AuditEvent event,
                  ParseBody<v1::AuditEvent>(row.ColumnBlob(2)));
              event.set_sequence(row.ColumnInt64(1));
              event.set_name(absl::StrCat(filter.clinic.ToString(),
                                          "/auditEvents/", event.sequence()));
              return event;
            });
      });
}

// ---- Dashboard --------------------------------------------------------------

absl::Status SqliteStore::PutPatientStatus(const PatientName& patient,
                                           const v1::PatientStatus& status) {
  return Write<bool>([&](Connection& db) -> absl::StatusOr<bool> {
           GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
           GLUTECARE_ASSIGN_OR_RETURN(
               Statement stmt,
               db.Prepare("INSERT INTO patient_status (patient_pk, clinic_pk, "
                          "attention_milli, body) VALUES (?1, (SELECT "
                          "clinic_pk FROM patients WHERE pk = ?1), ?2, ?3) "
                          "ON CONFLICT (patient_pk) DO UPDATE SET "
                          "attention_milli = excluded.attention_milli, "
                          "body = excluded.body"));
           stmt.BindInt64(1, row.pk)
               .BindInt64(2, static_cast<int64_t>(
                                 std::llround(status.attention_score() * 1000)))
               .BindBlob(3, status.SerializeAsString());
           GLUTECARE_RETURN_IF_ERROR(stmt.Run());
           return true;
         })
      .status();
}

absl::StatusOr<Page<v1::PatientStatus>> SqliteStore::ListPatientStatuses(
    const ClinicName& clinic, const std::optional<TherapistName>& therapist,
    const PageRequest& page) {
  return Read<Page<v1::PatientStatus>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::PatientStatus>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                                   TherapistFilter(db, therapist));
        // Highest attention first; the cursor's sort key is negated so that
        // the keyset comparison stays "greater than".
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT -s.attention_milli, s.patient_pk, s.body "
                       "FROM patient_status s "
                       "JOIN patients p ON p.pk = s.patient_pk "
                       "WHERE s.clinic_pk = ?1 AND (?2 IS NULL OR "
                       "(-s.attention_milli, s.patient_pk) > (?2, ?3)) "
                       "AND (?5 = 0 OR p.therapist_pk = ?5) "
                       "ORDER BY s.attention_milli DESC, s.patient_pk "
                       "LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk).BindInt64(5, therapist_pk);
        const std::string query =
            absl::StrCat("statuses:", clinic.ToString(), ":",
                         therapist ? therapist->ToString() : "");
        return RunListQuery<v1::PatientStatus>(stmt, query, page,
                                               BodyAt<v1::PatientStatus>(2));
      });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const SqliteStoreOptions& options) {
  if (options.read_connections < 1) {
    return absl::InvalidArgumentError("read_connections must be at least 1");
  }
  sqlite::Connection::Options writer_options{
      .path = options.path,
      .read_only = false,
      .busy_timeout = options.busy_timeout,
      .durable = options.durable,
      .vfs = options.vfs};
  GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                             Connection::Open(writer_options));
  GLUTECARE_RETURN_IF_ERROR(sqlite::Migrate(*writer));
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<std::unique_ptr<Connection>> readers,
      OpenReaders(writer_options, options.read_connections));
  return std::make_unique<SqliteStore>(std::move(writer), std::move(readers),
                                       writer_options);
}

}  // namespace glutecare
