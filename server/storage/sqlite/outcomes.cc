// The SQLite Store: Outcome measures: assignments and responses.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

namespace {

// The assignment row of `name` on a connection the caller holds: its pk and
// body. NOT_FOUND when missing.
absl::StatusOr<std::pair<int64_t, v1::OutcomeAssignment>> FindOutcomeAssignment(
    Connection& db, const OutcomeAssignmentName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT a.pk, a.body FROM outcome_assignments a "
                 "JOIN patients p ON p.pk = a.patient_pk "
                 "JOIN clinics c ON c.pk = p.clinic_pk "
                 "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                 "AND a.assignment_id = ?3"));
  stmt.BindText(1, name.clinic)
      .BindText(2, name.patient)
      .BindText(3, name.assignment);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::OutcomeAssignment assignment,
      ParseBody<v1::OutcomeAssignment>(stmt.ColumnBlob(1)));
  return std::make_pair(stmt.ColumnInt64(0), std::move(assignment));
}

// The first response to the assignment at `assignment_pk`, if any.
absl::StatusOr<std::optional<v1::OutcomeResponse>> FindOutcomeIntake(
    Connection& db, int64_t assignment_pk) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body FROM outcome_responses WHERE assignment_pk = ?1 "
                 "ORDER BY pk LIMIT 1"));
  stmt.BindInt64(1, assignment_pk);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::OutcomeResponse intake,
      ParseBody<v1::OutcomeResponse>(stmt.ColumnBlob(0)));
  return intake;
}

}  // namespace

absl::StatusOr<v1::OutcomeAssignment> SqliteStore::CreateOutcomeAssignment(
    const v1::OutcomeAssignment& assignment) {
  GLUTECARE_ASSIGN_OR_RETURN(OutcomeAssignmentName name,
                             OutcomeAssignmentName::Parse(
                                 assignment.name(), "outcome_assignment.name"));
  return Write<v1::OutcomeAssignment>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeAssignment> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, name.parent()));
        if (FindOutcomeAssignment(db, name).ok()) {
          return absl::AlreadyExistsError(
              absl::StrCat(name.ToString(), " already exists"));
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO outcome_assignments (patient_pk, "
                       "assignment_id, body) VALUES (?1, ?2, ?3)"));
        stmt.BindInt64(1, patient.pk)
            .BindText(2, name.assignment)
            .BindBlob(3, assignment.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        return assignment;
      });
}

absl::StatusOr<v1::OutcomeAssignment> SqliteStore::GetOutcomeAssignment(
    const OutcomeAssignmentName& name) {
  return Read<v1::OutcomeAssignment>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeAssignment> {
        GLUTECARE_ASSIGN_OR_RETURN(auto row, FindOutcomeAssignment(db, name));
        return std::move(row.second);
      });
}

absl::StatusOr<std::vector<v1::OutcomeAssignment>>
SqliteStore::ListOutcomeAssignments(const PatientName& patient) {
  return Read<std::vector<v1::OutcomeAssignment>>(
      [&](Connection& db)
          -> absl::StatusOr<std::vector<v1::OutcomeAssignment>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT body FROM outcome_assignments "
                       "WHERE patient_pk = ?1 ORDER BY assignment_id"));
        stmt.BindInt64(1, row.pk);
        std::vector<v1::OutcomeAssignment> assignments;
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
          if (!has_row) break;
          GLUTECARE_ASSIGN_OR_RETURN(
              v1::OutcomeAssignment assignment,
              ParseBody<v1::OutcomeAssignment>(stmt.ColumnBlob(0)));
          assignments.push_back(std::move(assignment));
        }
        return assignments;
      });
}

absl::StatusOr<std::optional<v1::OutcomeResponse>>
SqliteStore::GetOutcomeIntake(const OutcomeAssignmentName& name) {
  return Read<std::optional<v1::OutcomeResponse>>(
      [&](Connection& db)
          -> absl::StatusOr<std::optional<v1::OutcomeResponse>> {
        GLUTECARE_ASSIGN_OR_RETURN(auto row, FindOutcomeAssignment(db, name));
        return FindOutcomeIntake(db, row.first);
      });
}

absl::StatusOr<v1::OutcomeResponse> SqliteStore::CreateOutcomeResponse(
    const v1::OutcomeResponse& response, absl::string_view request_id,
    absl::string_view expected_intake) {
  GLUTECARE_ASSIGN_OR_RETURN(
      OutcomeResponseName name,
      OutcomeResponseName::Parse(response.name(), "outcome_response.name"));
  GLUTECARE_ASSIGN_OR_RETURN(
      OutcomeAssignmentName assignment_name,
      OutcomeAssignmentName::Parse(response.assignment(),
                                   "outcome_response.assignment"));
  return Write<v1::OutcomeResponse>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeResponse> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                                   FindPatient(db, name.parent()));
        GLUTECARE_ASSIGN_OR_RETURN(
            std::optional<v1::OutcomeResponse> earlier,
            FindByRequestId<v1::OutcomeResponse>(
                db,
                "SELECT body FROM outcome_responses "
                "WHERE patient_pk = ?1 AND request_id = ?2",
                patient.pk, request_id, BodyAt<v1::OutcomeResponse>(0)));
        if (earlier.has_value()) return *std::move(earlier);
        GLUTECARE_ASSIGN_OR_RETURN(auto row,
                                   FindOutcomeAssignment(db, assignment_name));
        auto& [assignment_pk, assignment] = row;
        GLUTECARE_ASSIGN_OR_RETURN(std::optional<v1::OutcomeResponse> intake,
                                   FindOutcomeIntake(db, assignment_pk));
        const std::string intake_name = intake ? intake->name() : "";
        if (intake_name != expected_intake) {
          return WithReason(
              absl::AbortedError(absl::StrCat(
                  "the intake of ", assignment_name.ToString(),
                  " changed while the response was scored; submit it again")),
              reason::kIntakeChanged);
        }
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement insert,
            db.Prepare("INSERT INTO outcome_responses (patient_pk, "
                       "assignment_pk, response_id, request_id, local_date, "
                       "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        insert.BindInt64(1, patient.pk)
            .BindInt64(2, assignment_pk)
            .BindText(3, name.response)
            .BindTextOrNull(4, request_id)
            .BindText(5, response.local_date())
            .BindBlob(6, response.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(insert.Run());

        assignment = outcomes::CountResponse(std::move(assignment), response);
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement update,
            db.Prepare("UPDATE outcome_assignments SET body = ?2 "
                       "WHERE pk = ?1"));
        update.BindInt64(1, assignment_pk)
            .BindBlob(2, assignment.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(update.Run());
        return response;
      });
}

absl::StatusOr<v1::OutcomeResponse> SqliteStore::GetOutcomeResponse(
    const OutcomeResponseName& name) {
  return Read<v1::OutcomeResponse>(
      [&](Connection& db) -> absl::StatusOr<v1::OutcomeResponse> {
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT r.body FROM outcome_responses r "
                       "JOIN patients p ON p.pk = r.patient_pk "
                       "JOIN clinics c ON c.pk = p.clinic_pk "
                       "WHERE c.clinic_id = ?1 AND p.patient_id = ?2 "
                       "AND r.response_id = ?3"));
        stmt.BindText(1, name.clinic)
            .BindText(2, name.patient)
            .BindText(3, name.response);
        GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
        if (!found) {
          return absl::NotFoundError(
              absl::StrCat(name.ToString(), " not found"));
        }
        return ParseBody<v1::OutcomeResponse>(stmt.ColumnBlob(0));
      });
}

absl::StatusOr<Page<v1::OutcomeResponse>> SqliteStore::ListOutcomeResponses(
    const PatientName& patient, const PageRequest& page) {
  return ListOfPatient<v1::OutcomeResponse>(
      patient,
      "SELECT local_date, pk, body FROM outcome_responses "
      "WHERE patient_pk = ?1 AND (?2 IS NULL OR "
      "(local_date, pk) < (?2, ?3)) "
      "ORDER BY local_date DESC, pk DESC LIMIT ?4",
      "outcome_responses", page);
}

}  // namespace glutecare::sqlite_store_internal
