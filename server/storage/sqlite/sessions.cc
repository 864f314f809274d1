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

// The instant `micros` microseconds after the Unix epoch; UnixMicros undone.
google::protobuf::Timestamp FromUnixMicros(int64_t micros) {
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    --seconds;
  }
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  time.set_nanos(static_cast<int32_t>(rest * 1000));
  return time;
}

// True when the perform_time_us column gives `session`'s perform_time back
// exactly. A session without one has perform_time_us 0, which therefore
// never stands for a perform_time left out of the body.
bool PerformTimeInColumn(const v1::Session& session) {
  if (!session.has_perform_time()) return false;
  const int64_t micros = UnixMicros(session.perform_time());
  const google::protobuf::Timestamp back = FromUnixMicros(micros);
  return micros != 0 && back.seconds() == session.perform_time().seconds() &&
         back.nanos() == session.perform_time().nanos();
}

// Every exercise's name starts with this: `exercises/{exercise}`.
constexpr absl::string_view kExercisePrefix = "exercises/";

// A lean body leaves out the session's name and the prefix of each
// exercise's name together, so that a body without a name is one whose
// exercises get their prefix back. A session whose name or exercises are
// not of that form keeps both.
bool NameAndPrefixesLeftOut(const v1::Session& session,
                            const SessionName& name) {
  if (session.name() != name.ToString()) return false;
  for (const v1::PerformedExercise& exercise : session.exercises()) {
    if (!absl::StartsWith(exercise.exercise(), kExercisePrefix)) return false;
  }
  return true;
}

}  // namespace

std::string LeanSessionBody(const v1::Session& session, const SessionName& name,
                            const ProgramName& revision) {
  v1::Session lean = session;
  if (NameAndPrefixesLeftOut(lean, name)) {
    lean.clear_name();
    for (v1::PerformedExercise& exercise : *lean.mutable_exercises()) {
      exercise.mutable_exercise()->erase(0, kExercisePrefix.size());
    }
  }
  // The local_date column is this field.
  lean.clear_local_date();
  // Read back from the program's id and the revision_id column, under the
  // session's own patient.
  if (revision.parent() == name.parent() &&
      lean.program_revision() == revision.ToRevisionString()) {
    lean.clear_program_revision();
  }
  if (PerformTimeInColumn(lean)) lean.clear_perform_time();
  return lean.SerializeAsString();
}

std::string LeanPainReportBody(const v1::PainReport& report,
                               const PainReportName& name) {
  v1::PainReport lean = report;
  if (lean.name() == name.ToString()) lean.clear_name();
  lean.clear_local_date();
  return lean.SerializeAsString();
}

absl::StatusOr<v1::Session> SessionAt(const Statement& stmt, int column,
                                      const PatientName& patient) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Session session,
                             ParseBody<v1::Session>(stmt.ColumnBlob(column)));
  if (session.name().empty()) {
    session.set_name(SessionName{patient.clinic, patient.patient,
                                 std::string(stmt.ColumnText(column + 1))}
                         .ToString());
    for (v1::PerformedExercise& exercise : *session.mutable_exercises()) {
      exercise.mutable_exercise()->insert(0, kExercisePrefix.data(),
                                          kExercisePrefix.size());
    }
  }
  const int64_t perform_time_us = stmt.ColumnInt64(column + 2);
  if (!session.has_perform_time() && perform_time_us != 0) {
    *session.mutable_perform_time() = FromUnixMicros(perform_time_us);
  }
  if (session.local_date().empty()) {
    session.set_local_date(std::string(stmt.ColumnText(column + 3)));
  }
  if (session.program_revision().empty()) {
    session.set_program_revision(
        ProgramName{.clinic = patient.clinic,
                    .patient = patient.patient,
                    .program = std::string(stmt.ColumnText(column + 4)),
                    .revision_id = stmt.ColumnInt64(column + 5)}
            .ToRevisionString());
  }
  return session;
}

absl::StatusOr<v1::PainReport> PainReportAt(const Statement& stmt, int column,
                                            const PatientName& patient) {
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::PainReport report,
      ParseBody<v1::PainReport>(stmt.ColumnBlob(column)));
  if (report.name().empty()) {
    report.set_name(PainReportName{patient.clinic, patient.patient,
                                   std::string(stmt.ColumnText(column + 1))}
                        .ToString());
  }
  if (report.local_date().empty()) {
    report.set_local_date(std::string(stmt.ColumnText(column + 2)));
  }
  return report;
}

absl::StatusOr<v1::Session> SqliteStore::CreateSession(
    const v1::Session& session, absl::string_view request_id) {
  GLUTECARE_ASSIGN_OR_RETURN(SessionKeys keys, KeysOf(session));
  const SessionName& name = keys.name;
  const ProgramName& revision = keys.revision;
  return Write<v1::Session>([&](Connection& db) -> absl::StatusOr<v1::Session> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                               FindPatient(db, name.parent()));
    GLUTECARE_ASSIGN_OR_RETURN(
        std::optional<v1::Session> earlier,
        FindByRequestId<v1::Session>(
            db,
            "SELECT " GLUTECARE_SESSION_COLUMNS " FROM sessions s "
            "JOIN programs g ON g.pk = s.program_pk "
            "WHERE s.patient_pk = ?1 AND s.request_id = ?2",
            patient.pk, request_id, [&](const Statement& stmt) {
              return SessionAt(stmt, 0, name.parent());
            }));
    if (earlier.has_value()) return *std::move(earlier);

    GLUTECARE_ASSIGN_OR_RETURN(ProgramRow program, FindProgram(db, revision));
    if (revision.revision_id < 1 ||
        revision.revision_id > program.latest_revision) {
      return absl::NotFoundError(absl::StrCat(
          revision.ToString(), " has no revision ", revision.revision_id));
    }
    GLUTECARE_RETURN_IF_ERROR(InsertSession(db, patient.pk, name, request_id,
                                            program.pk, revision, session));
    return session;
  });
}

absl::Status SqliteStore::InsertSession(Connection& db, int64_t patient_pk,
                                        const SessionName& name,
                                        absl::string_view request_id,
                                        int64_t program_pk,
                                        const ProgramName& revision,
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
      .BindInt64(7, revision.revision_id)
      .BindBlob(8, LeanSessionBody(session, name, revision));
  return stmt.Run();
}

absl::Status SqliteStore::InsertPainReport(Connection& db, int64_t patient_pk,
                                           const PainReportName& name,
                                           absl::string_view request_id,
                                           const v1::PainReport& report) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO pain_reports (patient_pk, local_date, seq, "
                 "pain_report_id, request_id, body) VALUES (?1, ?4, "
                 "(SELECT coalesce(max(seq), 0) + 1 FROM pain_reports "
                 "WHERE patient_pk = ?1 AND local_date = ?4), ?2, ?3, ?5)"));
  stmt.BindInt64(1, patient_pk)
      .BindText(2, name.pain_report)
      .BindTextOrNull(3, request_id)
      .BindText(4, report.local_date())
      .BindBlob(5, LeanPainReportBody(report, name));
  return stmt.Run();
}

absl::StatusOr<v1::Session> SqliteStore::GetSession(const SessionName& name) {
  return Read<v1::Session>([&](Connection& db) -> absl::StatusOr<v1::Session> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT " GLUTECARE_SESSION_COLUMNS " FROM sessions s "
                   "JOIN patients p ON p.pk = s.patient_pk "
                   "JOIN clinics c ON c.pk = p.clinic_pk "
                   "JOIN programs g ON g.pk = s.program_pk "
                   "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                   "AND s.session_id = ?3"));
    stmt.BindText(1, name.clinic)
        .BindText(2, name.patient)
        .BindText(3, name.session);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
    }
    return SessionAt(stmt, 0, name.parent());
  });
}

absl::StatusOr<Page<v1::Session>> SqliteStore::ListSessions(
    const PatientName& patient, const PageRequest& page) {
  return ListOfPatient<v1::Session>(
      patient,
      "SELECT s.perform_time_us, s.pk, " GLUTECARE_SESSION_COLUMNS
      " FROM sessions s JOIN programs g ON g.pk = s.program_pk "
      "WHERE s.patient_pk = ?1 AND (?2 IS NULL OR "
      "(s.perform_time_us, s.pk) < (?2, ?3)) "
      "ORDER BY s.perform_time_us DESC, s.pk DESC LIMIT ?4",
      "sessions", page,
      [&](const Statement& stmt) { return SessionAt(stmt, 2, patient); });
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
            std::optional<v1::PainReport> earlier,
            FindByRequestId<v1::PainReport>(
                db,
                "SELECT " GLUTECARE_PAIN_REPORT_COLUMNS " FROM pain_reports "
                "WHERE patient_pk = ?1 AND request_id = ?2",
                patient.pk, request_id, [&](const Statement& stmt) {
                  return PainReportAt(stmt, 0, name.parent());
                }));
        if (earlier.has_value()) return *std::move(earlier);
        GLUTECARE_RETURN_IF_ERROR(
            InsertPainReport(db, patient.pk, name, request_id, report));
        return report;
      });
}

absl::StatusOr<Page<v1::PainReport>> SqliteStore::ListPainReports(
    const PatientName& patient, const PageRequest& page) {
  return ListOfPatient<v1::PainReport>(
      patient,
      "SELECT local_date, seq, " GLUTECARE_PAIN_REPORT_COLUMNS
      " FROM pain_reports "
      "WHERE patient_pk = ?1 AND (?2 IS NULL OR "
      "(local_date, seq) < (?2, ?3)) "
      "ORDER BY local_date DESC, seq DESC LIMIT ?4",
      "pain_reports", page,
      [&](const Statement& stmt) { return PainReportAt(stmt, 2, patient); });
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
             GLUTECARE_RETURN_IF_ERROR(InsertSession(db, row.pk, name, "",
                                                     it->second.pk, revision,
                                                     history.sessions[i]));
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
