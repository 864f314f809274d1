// The SQLite Store: Clinics and their therapists.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

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

}  // namespace glutecare::sqlite_store_internal
