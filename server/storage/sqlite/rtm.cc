// The SQLite Store: RTM management time and what an RTM report reads.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

absl::StatusOr<v1::ManagementTimeEntry> SqliteStore::CreateManagementTimeEntry(
    const PatientName& patient, const v1::ManagementTimeEntry& entry,
    absl::string_view request_id) {
  const std::string prefix =
      absl::StrCat(patient.ToString(), "/managementTimeEntries/");
  if (!absl::StartsWith(entry.name(), prefix) ||
      entry.name().size() == prefix.size()) {
    return absl::InternalError(
        absl::StrCat("management time entry ", QuoteForMessage(entry.name()),
                     " is not under ", patient.ToString()));
  }
  const std::string entry_id = entry.name().substr(prefix.size());
  return Write<v1::ManagementTimeEntry>(
      [&](Connection& db) -> absl::StatusOr<v1::ManagementTimeEntry> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            std::optional<v1::ManagementTimeEntry> earlier,
            FindByRequestId<v1::ManagementTimeEntry>(
                db,
                "SELECT body FROM management_time "
                "WHERE patient_pk = ?1 AND request_id = ?2",
                row.pk, request_id, BodyAt<v1::ManagementTimeEntry>(0)));
        if (earlier.has_value()) return *std::move(earlier);
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
        Statement first, db.Prepare("SELECT min(d) FROM ("
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

}  // namespace glutecare::sqlite_store_internal
