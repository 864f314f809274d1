// The SQLite Store: Sessions and pain check-ins.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {
namespace {

// A session's name and the program revision it followed.
struct SessionKeys {
  SessionName name;
  ProgramName revision;
};

absl::StatusOr<SessionKeys> KeysOf(const v1::Session& session) {
  GLUTECARE_ASSIGN_OR_RETURN(
      SessionName name, SessionName::Parse(session.name(), "session.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      ProgramName revision,
      ProgramName::ParseWithRevision(session.program_revision(),
                                     "session.program_revision"));
  return SessionKeys{std::move(name), std::move(revision)};
}

}  // namespace

absl::StatusOr<v1::Session> SqliteStore::CreateSession(
    const v1::Session& session, absl::string_view request_id) {
  GLUTECARE_ASSIGN_OR_RETURN(SessionKeys keys, KeysOf(session));
  const SessionName& name = keys.name;
  const ProgramName& revision = keys.revision;
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
    GLUTECARE_RETURN_IF_ERROR(InsertSession(db, patient.pk, name, request_id,
                                            program.pk, revision.revision_id,
                                            session));
    return session;
  });
}

absl::Status SqliteStore::InsertSession(Connection& db, int64_t patient_pk,
                                        const SessionName& name,
                                        absl::string_view request_id,
                                        int64_t program_pk, int64_t revision_id,
                                        const v1::Session& session) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO sessions (patient_pk, session_id, request_id, "
                 "perform_time_us, local_date, program_pk, revision_id, "
                 "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  stmt.BindInt64(1, patient_pk)
      .BindText(2, name.session)
      .BindTextOrNull(3, request_id)
      .BindInt64(4, UnixMicros(session.perform_time()))
      .BindText(5, session.local_date())
      .BindInt64(6, program_pk)
      .BindInt64(7, revision_id)
      .BindBlob(8, session.SerializeAsString());
  return stmt.Run();
}

absl::Status SqliteStore::InsertPainReport(Connection& db, int64_t patient_pk,
                                           const PainReportName& name,
                                           absl::string_view request_id,
                                           const v1::PainReport& report) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO pain_reports (patient_pk, pain_report_id, "
                 "request_id, local_date, body) VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.BindInt64(1, patient_pk)
      .BindText(2, name.pain_report)
      .BindTextOrNull(3, request_id)
      .BindText(4, report.local_date())
      .BindBlob(5, report.SerializeAsString());
  return stmt.Run();
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
        GLUTECARE_RETURN_IF_ERROR(
            InsertPainReport(db, patient.pk, name, request_id, report));
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

absl::Status SqliteStore::ImportHistory(const PatientName& patient,
                                        const ImportedHistory& history) {
  // Names first, outside the transaction.
  std::vector<SessionKeys> sessions;
  sessions.reserve(history.sessions.size());
  for (const v1::Session& session : history.sessions) {
    GLUTECARE_ASSIGN_OR_RETURN(SessionKeys keys, KeysOf(session));
    if (keys.name.parent() != patient || keys.revision.parent() != patient) {
      return InvalidFieldError(
          "session.name",
          absl::StrCat(session.name(), " is not a session of ",
                       patient.ToString(), " following its program"));
    }
    sessions.push_back(std::move(keys));
  }
  std::vector<PainReportName> reports;
  reports.reserve(history.pain_reports.size());
  for (const v1::PainReport& report : history.pain_reports) {
    GLUTECARE_ASSIGN_OR_RETURN(
        PainReportName name,
        PainReportName::Parse(report.name(), "pain_report.name"));
    if (name.parent() != patient) {
      return InvalidFieldError(
          "pain_report.name",
          absl::StrCat(report.name(), " is not of ", patient.ToString()));
    }
    reports.push_back(std::move(name));
  }
  return Write<bool>([&](Connection& db) -> absl::StatusOr<bool> {
           GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
           // Each program's row, read once.
           absl::flat_hash_map<std::string, ProgramRow> programs;
           for (size_t i = 0; i < sessions.size(); ++i) {
             const auto& [name, revision] = sessions[i];
             auto [it, added] = programs.try_emplace(revision.program);
             if (added) {
               GLUTECARE_ASSIGN_OR_RETURN(it->second,
                                          FindProgram(db, revision));
             }
             if (revision.revision_id < 1 ||
                 revision.revision_id > it->second.latest_revision) {
               return absl::NotFoundError(absl::StrCat(revision.ToString(),
                                                       " has no revision ",
                                                       revision.revision_id));
             }
             GLUTECARE_RETURN_IF_ERROR(
                 InsertSession(db, row.pk, name, "", it->second.pk,
                               revision.revision_id, history.sessions[i]));
           }
           for (size_t i = 0; i < reports.size(); ++i) {
             GLUTECARE_RETURN_IF_ERROR(InsertPainReport(
                 db, row.pk, reports[i], "", history.pain_reports[i]));
           }
           return true;
         })
      .status();
}

}  // namespace glutecare::sqlite_store_internal
