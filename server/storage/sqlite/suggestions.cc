// The SQLite Store: Progression suggestions.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

absl::StatusOr<std::pair<SqliteStore::ProgramRow, v1::Suggestion>>
SqliteStore::FindSuggestion(Connection& db, const SuggestionName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(ProgramRow program,
                             FindProgram(db, name.parent()));
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body FROM suggestions "
                 "WHERE program_pk = ?1 AND suggestion_id = ?2"));
  stmt.BindInt64(1, program.pk).BindText(2, name.suggestion);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                             ParseBody<v1::Suggestion>(stmt.ColumnBlob(0)));
  return std::make_pair(program, std::move(suggestion));
}

absl::Status SqliteStore::UpdateSuggestion(Connection& db, int64_t program_pk,
                                           const v1::Suggestion& suggestion) {
  GLUTECARE_ASSIGN_OR_RETURN(
      SuggestionName name,
      SuggestionName::Parse(suggestion.name(), "suggestion.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement update,
      db.Prepare("UPDATE suggestions SET state = ?3, body = ?4 "
                 "WHERE program_pk = ?1 AND suggestion_id = ?2"));
  update.BindInt64(1, program_pk)
      .BindText(2, name.suggestion)
      .BindInt64(3, suggestion.state())
      .BindBlob(4, suggestion.SerializeAsString());
  return update.Run();
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::Suggestion>>>
SqliteStore::OpenSuggestions(Connection& db, int64_t program_pk) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement open,
      db.Prepare("SELECT pk, body FROM suggestions "
                 "WHERE program_pk = ?1 AND state = ?2 ORDER BY pk"));
  open.BindInt64(1, program_pk).BindInt64(2, v1::SUGGESTION_STATE_OPEN);
  std::vector<std::pair<int64_t, v1::Suggestion>> result;
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, open.Step());
    if (!has_row) break;
    GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                               ParseBody<v1::Suggestion>(open.ColumnBlob(1)));
    result.emplace_back(open.ColumnInt64(0), std::move(suggestion));
  }
  return result;
}

absl::StatusOr<std::vector<v1::Suggestion>> SqliteStore::RecordSuggestions(
    const ProgramName& program, int64_t based_on_revision,
    const std::vector<SuggestionCandidate>& candidates,
    const google::protobuf::Timestamp& now) {
  if (candidates.empty()) return std::vector<v1::Suggestion>();
  return Write<std::vector<v1::Suggestion>>([&](Connection& db) {
    return RecordSuggestionsIn(db, program, based_on_revision, candidates, now);
  });
}

absl::StatusOr<v1::Suggestion> SqliteStore::GetSuggestion(
    const SuggestionName& name) {
  return Read<v1::Suggestion>(
      [&](Connection& db) -> absl::StatusOr<v1::Suggestion> {
        GLUTECARE_ASSIGN_OR_RETURN(auto row, FindSuggestion(db, name));
        return std::move(row.second);
      });
}

absl::StatusOr<Page<v1::Suggestion>> SqliteStore::ListSuggestions(
    const SuggestionFilter& filter, const PageRequest& page) {
  return Read<Page<v1::Suggestion>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::Suggestion>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, filter.patient));
        int64_t program_pk = 0;  // 0: every program of the patient
        if (filter.program.has_value()) {
          GLUTECARE_ASSIGN_OR_RETURN(ProgramRow program,
                                     FindProgram(db, *filter.program));
          program_pk = program.pk;
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT s.pk, s.pk, s.body FROM suggestions s "
                       "JOIN programs g ON g.pk = s.program_pk "
                       "WHERE g.patient_pk = ?1 AND (?2 IS NULL OR s.pk < ?3) "
                       "AND (?5 = 0 OR s.program_pk = ?5) "
                       "AND (?6 = 0 OR s.state = ?6) "
                       "ORDER BY s.pk DESC LIMIT ?4"));
        stmt.BindInt64(1, patient.pk)
            .BindInt64(5, program_pk)
            .BindInt64(6, filter.state);
        const std::string query =
            absl::StrCat("suggestions:", filter.patient.ToString(), ":",
                         filter.program ? filter.program->ToString() : "-", ":",
                         filter.state);
        return RunListQuery<v1::Suggestion>(stmt, query, page,
                                            BodyAt<v1::Suggestion>(2));
      });
}

absl::StatusOr<v1::Program> SqliteStore::AcceptSuggestion(
    const SuggestionName& name, const v1::Program& revision,
    const google::protobuf::Timestamp& now) {
  return Write<v1::Program>([&](Connection& db) -> absl::StatusOr<v1::Program> {
    GLUTECARE_ASSIGN_OR_RETURN(auto found, FindSuggestion(db, name));
    auto& [program, suggestion] = found;
    GLUTECARE_RETURN_IF_ERROR(
        CheckAcceptable(suggestion, program.latest_revision));
    GLUTECARE_ASSIGN_OR_RETURN(v1::Program stored,
                               InsertNextRevision(db, program, revision));
    GLUTECARE_RETURN_IF_ERROR(UpdateSuggestion(
        db, program.pk,
        Accepted(std::move(suggestion), stored.revision_id(), now)));
    return stored;
  });
}

absl::StatusOr<v1::Suggestion> SqliteStore::DismissSuggestion(
    const SuggestionName& name, const google::protobuf::Timestamp& now) {
  return Write<v1::Suggestion>(
      [&](Connection& db) -> absl::StatusOr<v1::Suggestion> {
        GLUTECARE_ASSIGN_OR_RETURN(auto found, FindSuggestion(db, name));
        GLUTECARE_ASSIGN_OR_RETURN(v1::Suggestion suggestion,
                                   Dismissed(std::move(found.second), now));
        GLUTECARE_RETURN_IF_ERROR(
            UpdateSuggestion(db, found.first.pk, suggestion));
        return suggestion;
      });
}

absl::StatusOr<std::vector<v1::Suggestion>> SqliteStore::RecordSuggestionsIn(
    Connection& db, const ProgramName& program, int64_t based_on_revision,
    const std::vector<SuggestionCandidate>& candidates,
    const google::protobuf::Timestamp& now) {
  GLUTECARE_ASSIGN_OR_RETURN(ProgramRow row, FindProgram(db, program));
  // Findings about a revision that is no longer the latest are stale:
  // the evaluation of the newer revision makes its own.
  if (row.latest_revision != based_on_revision) {
    return std::vector<v1::Suggestion>();
  }
  StoredSuggestions stored;
  GLUTECARE_ASSIGN_OR_RETURN(auto open, OpenSuggestions(db, row.pk));
  for (auto& [pk, suggestion] : open) {
    stored.open.push_back(std::move(suggestion));
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement made,
      db.Prepare("SELECT exercise, kind FROM suggestions "
                 "WHERE program_pk = ?1 AND based_on_revision = ?2"));
  made.BindInt64(1, row.pk).BindInt64(2, based_on_revision);
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, made.Step());
    if (!has_row) break;
    stored.made_for_revision.emplace_back(
        std::string(made.ColumnText(0)),
        static_cast<v1::SuggestionKind>(made.ColumnInt64(1)));
  }

  SuggestionPlan plan = PlanSuggestions(program, based_on_revision, stored,
                                        candidates, now, GenerateResourceId);
  for (const v1::Suggestion& suggestion : plan.updates) {
    GLUTECARE_RETURN_IF_ERROR(UpdateSuggestion(db, row.pk, suggestion));
  }
  for (const v1::Suggestion& suggestion : plan.inserts) {
    GLUTECARE_ASSIGN_OR_RETURN(
        SuggestionName name,
        SuggestionName::Parse(suggestion.name(), "suggestion.name"));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO suggestions (program_pk, suggestion_id, "
                   "exercise, kind, based_on_revision, state, body) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    insert.BindInt64(1, row.pk)
        .BindText(2, name.suggestion)
        .BindText(3, suggestion.exercise())
        .BindInt64(4, suggestion.kind())
        .BindInt64(5, based_on_revision)
        .BindInt64(6, suggestion.state())
        .BindBlob(7, suggestion.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(insert.Run());
  }
  return std::move(plan.inserts);
}

}  // namespace glutecare::sqlite_store_internal
