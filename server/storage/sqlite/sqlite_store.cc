// The SQLite Store: how reads reach the pool of read connections and writes
// the group commit, how it is opened, and the lookups every aggregate shares.
// Each aggregate's methods are in a file of its own.
#include "server/storage/sqlite/sqlite_store.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

absl::StatusOr<ConnectionPool::Lease> SqliteStore::TakeReader() {
  absl::StatusOr<ConnectionPool::Lease> reader = readers_->Acquire();
  if (reader.ok()) return reader;
  // A reopen after a failed sync failed and left the readers closed. The
  // next write transaction tries it again before anything else: run one,
  // with a write that changes nothing.
  (void)writes_.Commit([](Connection&) { return absl::OkStatus(); });
  absl::StatusOr<ConnectionPool::Lease> retried = readers_->Acquire();
  if (retried.ok()) return retried;
  return absl::UnavailableError(
      "the database has not been reopened yet after a failed disk sync: "
      "retry shortly");
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

}  // namespace glutecare::sqlite_store_internal

namespace glutecare {

using sqlite_store_internal::Connection;
using sqlite_store_internal::ConnectionPool;
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
  Connection::Options reader_options = writer_options;
  reader_options.read_only = true;
  GLUTECARE_ASSIGN_OR_RETURN(
      std::unique_ptr<ConnectionPool> readers,
      ConnectionPool::Open(reader_options, options.read_connections));
  return std::make_unique<SqliteStore>(std::move(writer), writer_options,
                                       std::move(readers));
}

}  // namespace glutecare
