// The SQLite Store: Programs and their revisions.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

absl::StatusOr<v1::Program> SqliteStore::CreateProgram(
    const v1::Program& program) {
  GLUTECARE_ASSIGN_OR_RETURN(
      ProgramName name, ProgramName::Parse(program.name(), "program.name"));
  return Write<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                               FindPatient(db, name.parent()));
    if (FindProgram(db, name).ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(name.ToString(), " already exists"));
    }
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert_program,
        db.Prepare("INSERT INTO programs (patient_pk, program_id, "
                   "latest_revision) VALUES (?1, ?2, 1)"));
    insert_program.BindInt64(1, patient.pk).BindText(2, name.program);
    GLUTECARE_RETURN_IF_ERROR(insert_program.Run());
    const int64_t program_pk = sqlite3_last_insert_rowid(db.raw());

    v1::Program stored = program;
    stored.set_revision_id(1);
    stored.clear_etag();
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert_revision,
        db.Prepare("INSERT INTO program_revisions (program_pk, revision_id, "
                   "body) VALUES (?1, ?2, ?3)"));
    insert_revision.BindInt64(1, program_pk)
        .BindInt64(2, 1)
        .BindBlob(3, stored.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(insert_revision.Run());
    stored.set_etag(EtagOf(1));
    return stored;
  });
}

absl::StatusOr<v1::Program> SqliteStore::GetProgram(const ProgramName& name) {
  return Read<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, name));
    const int64_t revision =
        name.revision_id == 0 ? row.latest_revision : name.revision_id;
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM program_revisions "
                   "WHERE program_pk = ?1 AND revision_id = ?2"));
    stmt.BindInt64(1, row.pk).BindInt64(2, revision);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat(name.ToString(), " has no revision ", revision,
                       " (latest is ", row.latest_revision, ")"));
    }
    GLUTECARE_ASSIGN_OR_RETURN(v1::Program program,
                               ParseBody<v1::Program>(stmt.ColumnBlob(0)));
    program.set_etag(EtagOf(row.latest_revision));
    return program;
  });
}

absl::StatusOr<Page<v1::Program>> SqliteStore::ListPrograms(
    const PatientName& patient, const PageRequest& page) {
  return Read<Page<v1::Program>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Program>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT g.pk, g.pk, g.latest_revision, r.body "
                       "FROM programs g JOIN program_revisions r "
                       "ON r.program_pk = g.pk "
                       "AND r.revision_id = g.latest_revision "
                       "WHERE g.patient_pk = ?1 AND (?2 IS NULL OR g.pk > ?3) "
                       "ORDER BY g.pk LIMIT ?4"));
        stmt.BindInt64(1, row.pk);
        return RunListQuery<v1::Program>(
            stmt, absl::StrCat("programs:", patient.ToString()), page,
            [](const Statement& r) -> absl::StatusOr<v1::Program> {
              GLUTECARE_ASSIGN_OR_RETURN(
                  v1::Program program, ParseBody<v1::Program>(r.ColumnBlob(3)));
              program.set_etag(EtagOf(r.ColumnInt64(2)));
              return program;
            });
      });
}

absl::StatusOr<v1::Program> SqliteStore::AddProgramRevision(
    const v1::Program& program, absl::string_view expected_etag) {
  GLUTECARE_ASSIGN_OR_RETURN(
      ProgramName name, ProgramName::Parse(program.name(), "program.name"));
  return Write<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, name));
    if (EtagOf(row.latest_revision) != expected_etag) {
      return StaleEtag(name.ToString(), expected_etag,
                       EtagOf(row.latest_revision));
    }
    return InsertNextRevision(db, row, program);
  });
}

absl::StatusOr<v1::Program> SqliteStore::InsertNextRevision(
    Connection& db, const ProgramRow& row, const v1::Program& program) {
  const int64_t revision = row.latest_revision + 1;
  v1::Program stored = program;
  stored.set_revision_id(revision);
  stored.clear_etag();
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement insert_revision,
      db.Prepare("INSERT INTO program_revisions (program_pk, revision_id, "
                 "body) VALUES (?1, ?2, ?3)"));
  insert_revision.BindInt64(1, row.pk)
      .BindInt64(2, revision)
      .BindBlob(3, stored.SerializeAsString());
  GLUTECARE_RETURN_IF_ERROR(insert_revision.Run());
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement bump,
      db.Prepare("UPDATE programs SET latest_revision = ?2 WHERE pk = ?1"));
  bump.BindInt64(1, row.pk).BindInt64(2, revision);
  GLUTECARE_RETURN_IF_ERROR(bump.Run());

  // Open suggestions about the older revision can no longer be accepted.
  GLUTECARE_ASSIGN_OR_RETURN(auto open, OpenSuggestions(db, row.pk));
  std::vector<v1::Suggestion> outdated;
  for (auto& [pk, suggestion] : open) outdated.push_back(std::move(suggestion));
  for (const v1::Suggestion& suggestion : DismissForNewRevision(
           std::move(outdated), revision, program.revision_create_time())) {
    GLUTECARE_RETURN_IF_ERROR(UpdateSuggestion(db, row.pk, suggestion));
  }
  stored.set_etag(EtagOf(revision));
  return stored;
}

absl::StatusOr<Page<v1::Program>> SqliteStore::ListProgramRevisions(
    const ProgramName& name, const PageRequest& page) {
  return Read<Page<v1::Program>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Program>> {
        GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, name));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT revision_id, revision_id, body "
                       "FROM program_revisions WHERE program_pk = ?1 "
                       "AND (?2 IS NULL OR revision_id < ?3) "
                       "ORDER BY revision_id DESC LIMIT ?4"));
        stmt.BindInt64(1, row.pk);
        const std::string latest_etag = EtagOf(row.latest_revision);
        return RunListQuery<v1::Program>(
            stmt, absl::StrCat("revisions:", name.ToString()), page,
            [&](const Statement& r) -> absl::StatusOr<v1::Program> {
              GLUTECARE_ASSIGN_OR_RETURN(
                  v1::Program program, ParseBody<v1::Program>(r.ColumnBlob(2)));
              program.set_etag(latest_etag);
              return program;
            });
      });
}

}  // namespace glutecare::sqlite_store_internal
