// The SQLite Store: The dashboard: stored patient statuses.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

absl::Status SqliteStore::PutPatientStatus(const PatientName& patient,
                                           const v1::PatientStatus& status) {
  return Write<bool>([&](Connection& db) -> absl::StatusOr<bool> {
           GLUTECARE_RETURN_IF_ERROR(PutPatientStatusIn(db, patient, status));
           return true;
         })
      .status();
}

absl::Status SqliteStore::PutPatientStatusIn(Connection& db,
                                             const PatientName& patient,
                                             const v1::PatientStatus& status) {
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
  return stmt.Run();
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

}  // namespace glutecare::sqlite_store_internal
