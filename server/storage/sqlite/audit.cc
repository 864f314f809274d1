// The SQLite Store: The audit trail.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

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

}  // namespace glutecare::sqlite_store_internal
