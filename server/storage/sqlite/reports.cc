// The SQLite Store: What the reports read about a patient, in one snapshot.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

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
        db.Prepare("SELECT " GLUTECARE_SESSION_COLUMNS " FROM sessions s "
                   "JOIN programs g ON g.pk = s.program_pk "
                   "WHERE s.patient_pk = ?1 "
                   "AND s.local_date BETWEEN ?2 AND ?3 "
                   "ORDER BY s.local_date, s.perform_time_us"));
    sessions.BindInt64(1, row.pk).BindText(2, query.from).BindText(3, query.to);
    GLUTECARE_RETURN_IF_ERROR(AppendRows<v1::Session>(
        sessions,
        [&](const Statement& stmt) { return SessionAt(stmt, 0, patient); },
        &activity.sessions));

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
        db.Prepare("SELECT " GLUTECARE_PAIN_REPORT_COLUMNS
                   " FROM pain_reports WHERE patient_pk = ?1 "
                   "AND local_date BETWEEN ?2 AND ?3 "
                   "ORDER BY local_date, seq"));
    reports.BindInt64(1, row.pk).BindText(2, query.from).BindText(3, query.to);
    GLUTECARE_RETURN_IF_ERROR(AppendRows<v1::PainReport>(
        reports,
        [&](const Statement& stmt) { return PainReportAt(stmt, 0, patient); },
        &activity.pain_reports));

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

}  // namespace glutecare::sqlite_store_internal
