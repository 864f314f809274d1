// The SQLite Store: its connections (one writer, a pool of readers), the
// group commit, the reopen after a failed sync, and the lookups every
// aggregate shares. Each aggregate's methods are in a file of its own.
#include "server/storage/sqlite/sqlite_store.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

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

absl::StatusOr<Connection*> SqliteStore::TakeReader() {
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      absl::MutexLock lock(&read_mu_);
      read_mu_.Await(absl::Condition(
          +[](SqliteStore* store) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return !store->reopening_ &&
                   (!store->free_readers_.empty() || store->readers_.empty());
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

}  // namespace glutecare::sqlite_store_internal

namespace glutecare {

using sqlite_store_internal::Connection;
using sqlite_store_internal::OpenReaders;
using sqlite_store_internal::SqliteStore;

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
