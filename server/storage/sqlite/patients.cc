// The SQLite Store: Patients.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {
namespace {

// OK unless a patient of `clinic` (pk `clinic_pk`) other than the one of pk
// `except_pk` (0 for none) has `mrn`: then ALREADY_EXISTS naming it.
absl::Status CheckMrnFree(Connection& db, const ClinicName& clinic,
                          int64_t clinic_pk, absl::string_view mrn,
                          int64_t except_pk) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement taken,
      db.Prepare("SELECT patient_id FROM patients "
                 "WHERE clinic_pk = ?1 AND mrn = ?2 AND pk != ?3"));
  taken.BindInt64(1, clinic_pk).BindText(2, mrn).BindInt64(3, except_pk);
  GLUTECARE_ASSIGN_OR_RETURN(bool mrn_taken, taken.Step());
  if (!mrn_taken) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      "MRN ", mrn, " is already used by ",
      PatientName{clinic.clinic, std::string(taken.ColumnText(0))}.ToString()));
}

}  // namespace

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
    GLUTECARE_RETURN_IF_ERROR(CheckMrnFree(db, name.parent(), clinic_pk,
                                           patient.mrn(), /*except_pk=*/0));
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
        Statement stmt, db.Prepare("SELECT p.version, p.body FROM patients p "
                                   "JOIN clinics c ON c.pk = p.clinic_pk "
                                   "WHERE c.clinic_id = ?1 AND p.mrn = ?2"));
    stmt.BindText(1, clinic.clinic).BindText(2, mrn);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(clinic.ToString(),
                                              " has no patient with MRN ",
                                              QuoteForMessage(mrn)));
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
    GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, name.parent()));
    GLUTECARE_RETURN_IF_ERROR(
        CheckMrnFree(db, name.parent(), clinic_pk, patient.mrn(), row.pk));
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

}  // namespace glutecare::sqlite_store_internal
