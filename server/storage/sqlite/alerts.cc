// The SQLite Store: Alerts.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

// An alert's sequence is its row's pk. AUTOINCREMENT assigns it inside the
// write transaction, which holds SQLite's one write lock until it commits,
// so pks increase in commit order: the Store's alert stream order.

// Parses an alert row's body and sets its sequence from the row's pk.
absl::StatusOr<v1::Alert> AlertFromRow(const Statement& row, int pk_column,
                                       int body_column) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert,
                             ParseBody<v1::Alert>(row.ColumnBlob(body_column)));
  alert.set_sequence(row.ColumnInt64(pk_column));
  return alert;
}

absl::StatusOr<std::pair<int64_t, v1::Alert>> SqliteStore::FindAlert(
    Connection& db, const AlertName& name) {
  GLUTECARE_ASSIGN_OR_RETURN(PatientRow patient,
                             FindPatient(db, name.parent()));
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt, db.Prepare("SELECT pk, body FROM alerts "
                                 "WHERE patient_pk = ?1 AND alert_id = ?2"));
  stmt.BindInt64(1, patient.pk).BindText(2, name.alert);
  GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert, AlertFromRow(stmt, 0, 1));
  return std::make_pair(stmt.ColumnInt64(0), std::move(alert));
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::RecordAlerts(
    const PatientName& patient, const std::vector<AlertCandidate>& candidates,
    const google::protobuf::Timestamp& now) {
  if (candidates.empty()) return std::vector<v1::Alert>();
  return Write<std::vector<v1::Alert>>([&](Connection& db) {
    return RecordAlertsIn(db, patient, candidates, now);
  });
}

absl::Status SqliteStore::UpdateAlert(Connection& db, int64_t pk,
                                      v1::Alert alert) {
  alert.clear_sequence();
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement update,
      db.Prepare("UPDATE alerts SET state = ?2, body = ?3 WHERE pk = ?1"));
  update.BindInt64(1, pk)
      .BindInt64(2, alert.state())
      .BindBlob(3, alert.SerializeAsString());
  return update.Run();
}

absl::StatusOr<std::vector<UnresolvedAlert>> SqliteStore::ListUnresolvedAlerts(
    const PatientName& patient) {
  return Read<std::vector<UnresolvedAlert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<UnresolvedAlert>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        // The join follows alert_triggers' primary key (patient, rule).
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT a.pk, a.body, t.trigger_key FROM alerts a "
                       "LEFT JOIN alert_triggers t ON t.patient_pk = "
                       "a.patient_pk AND t.rule = a.rule AND t.alert_pk = a.pk "
                       "WHERE a.patient_pk = ?1 AND a.state != ?2 "
                       "ORDER BY a.pk, t.trigger_key"));
        stmt.BindInt64(1, row.pk).BindInt64(2, v1::ALERT_STATE_RESOLVED);
        std::vector<UnresolvedAlert> alerts;
        int64_t last_pk = 0;
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
          if (!has_row) break;
          if (alerts.empty() || stmt.ColumnInt64(0) != last_pk) {
            last_pk = stmt.ColumnInt64(0);
            GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert,
                                       AlertFromRow(stmt, 0, 1));
            alerts.push_back({.alert = std::move(alert)});
          }
          if (!stmt.ColumnIsNull(2)) {
            alerts.back().trigger_keys.emplace_back(stmt.ColumnText(2));
          }
        }
        return alerts;
      });
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::ResolveClearedAlerts(
    const PatientName& patient, const std::vector<AlertClearance>& clearances,
    const google::protobuf::Timestamp& now) {
  if (clearances.empty()) return std::vector<v1::Alert>();
  return Write<std::vector<v1::Alert>>([&](Connection& db) {
    return ResolveClearedAlertsIn(db, patient, clearances, now);
  });
}

absl::StatusOr<v1::Alert> SqliteStore::GetAlert(const AlertName& name) {
  return Read<v1::Alert>([&](Connection& db) -> absl::StatusOr<v1::Alert> {
    GLUTECARE_ASSIGN_OR_RETURN(auto row, FindAlert(db, name));
    return std::move(row.second);
  });
}

absl::StatusOr<v1::Alert> SqliteStore::SetAlertState(
    const AlertName& name, v1::AlertState state,
    const google::protobuf::Timestamp& now) {
  return Write<v1::Alert>([&](Connection& db) -> absl::StatusOr<v1::Alert> {
    GLUTECARE_ASSIGN_OR_RETURN(auto row, FindAlert(db, name));
    GLUTECARE_ASSIGN_OR_RETURN(std::optional<v1::Alert> moved,
                               MovedByTherapist(row.second, state, now));
    if (!moved.has_value()) return std::move(row.second);
    GLUTECARE_RETURN_IF_ERROR(UpdateAlert(db, row.first, *moved));
    return std::move(*moved);
  });
}

absl::StatusOr<Page<v1::Alert>> SqliteStore::ListAlerts(
    const AlertFilter& filter, const PageRequest& page) {
  return Read<Page<v1::Alert>>([&](Connection& db)
                                   -> absl::StatusOr<Page<v1::Alert>> {
    GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, filter.clinic));
    // 0 means "no filter" for the optional keys below.
    int64_t patient_pk = 0;
    if (filter.patient.has_value()) {
      GLUTECARE_ASSIGN_OR_RETURN(PatientRow row,
                                 FindPatient(db, *filter.patient));
      patient_pk = row.pk;
    }
    GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                               TherapistFilter(db, filter.therapist));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT a.pk, a.pk, a.body FROM alerts a "
                   "JOIN patients p ON p.pk = a.patient_pk "
                   "WHERE a.clinic_pk = ?1 AND (?2 IS NULL OR a.pk < ?3) "
                   "AND (?5 = 0 OR a.patient_pk = ?5) "
                   "AND (?6 = 0 OR p.therapist_pk = ?6) "
                   "AND (?7 = 0 OR a.state = ?7) "
                   "ORDER BY a.pk DESC LIMIT ?4"));
    stmt.BindInt64(1, clinic_pk)
        .BindInt64(5, patient_pk)
        .BindInt64(6, therapist_pk)
        .BindInt64(7, filter.state);
    const std::string query =
        absl::StrCat("alerts:", filter.clinic.ToString(), ":",
                     filter.patient ? filter.patient->ToString() : "-", ":",
                     filter.therapist ? filter.therapist->ToString() : "", ":",
                     filter.state);
    return RunListQuery<v1::Alert>(stmt, query, page, [](const Statement& row) {
      return AlertFromRow(row, 1, 2);
    });
  });
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::ListAlertsAfter(
    const ClinicName& clinic, const std::optional<TherapistName>& therapist,
    int64_t after_sequence, int limit) {
  return Read<std::vector<v1::Alert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<v1::Alert>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk,
                                   TherapistFilter(db, therapist));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt, db.Prepare("SELECT a.pk, a.body FROM alerts a "
                                       "JOIN patients p ON p.pk = a.patient_pk "
                                       "WHERE a.clinic_pk = ?1 AND a.pk > ?2 "
                                       "AND (?3 = 0 OR p.therapist_pk = ?3) "
                                       "ORDER BY a.pk LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk)
            .BindInt64(2, after_sequence)
            .BindInt64(3, therapist_pk)
            .BindInt64(4, limit);
        std::vector<v1::Alert> alerts;
        while (true) {
          GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
          if (!has_row) break;
          GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert, AlertFromRow(stmt, 0, 1));
          alerts.push_back(std::move(alert));
        }
        return alerts;
      });
}

absl::StatusOr<int32_t> SqliteStore::CountUnresolvedAlerts(
    const PatientName& patient) {
  return Read<int32_t>([&](Connection& db) -> absl::StatusOr<int32_t> {
    GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
    return CountUnresolvedIn(db, row.pk);
  });
}

absl::StatusOr<int32_t> SqliteStore::CountUnresolvedIn(Connection& db,
                                                       int64_t patient_pk) {
  GLUTECARE_ASSIGN_OR_RETURN(
      Statement stmt, db.Prepare("SELECT count(*) FROM alerts "
                                 "WHERE patient_pk = ?1 AND state != ?2"));
  stmt.BindInt64(1, patient_pk).BindInt64(2, v1::ALERT_STATE_RESOLVED);
  GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? static_cast<int32_t>(stmt.ColumnInt64(0)) : 0;
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::RecordEvaluation(
    const PatientName& patient, const Evaluation& evaluation,
    const google::protobuf::Timestamp& now) {
  if (!evaluation.status) {
    return absl::InvalidArgumentError("evaluation.status: required");
  }
  return Write<std::vector<v1::Alert>>(
      [&](Connection& db) -> absl::StatusOr<std::vector<v1::Alert>> {
        GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
        if (!evaluation.clearances.empty()) {
          GLUTECARE_RETURN_IF_ERROR(
              ResolveClearedAlertsIn(db, patient, evaluation.clearances, now)
                  .status());
        }
        std::vector<v1::Alert> raised;
        if (!evaluation.alerts.empty()) {
          GLUTECARE_ASSIGN_OR_RETURN(
              raised, RecordAlertsIn(db, patient, evaluation.alerts, now));
        }
        for (const Evaluation::ProgramSuggestions& found :
             evaluation.suggestions) {
          if (found.candidates.empty()) continue;
          GLUTECARE_RETURN_IF_ERROR(RecordSuggestionsIn(db, found.program,
                                                        found.based_on_revision,
                                                        found.candidates, now)
                                        .status());
        }
        GLUTECARE_ASSIGN_OR_RETURN(int32_t unresolved,
                                   CountUnresolvedIn(db, row.pk));
        GLUTECARE_RETURN_IF_ERROR(
            PutPatientStatusIn(db, patient, evaluation.status(unresolved)));
        return raised;
      });
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::RecordAlertsIn(
    Connection& db, const PatientName& patient,
    const std::vector<AlertCandidate>& candidates,
    const google::protobuf::Timestamp& now) {
  GLUTECARE_ASSIGN_OR_RETURN(PatientRow row, FindPatient(db, patient));
  GLUTECARE_ASSIGN_OR_RETURN(
      TherapistName therapist,
      TherapistName::Parse(row.patient.therapist(), "patient.therapist"));
  GLUTECARE_ASSIGN_OR_RETURN(int64_t therapist_pk, TherapistPk(db, therapist));
  // The unresolved alert of each candidate's rule (alerts_unresolved
  // finds it), and where each candidate's event was recorded before.
  StoredAlerts stored;
  absl::flat_hash_map<std::string, int64_t> alert_pks;
  std::set<int> rules;
  for (const AlertCandidate& candidate : candidates) {
    if (!rules.insert(candidate.rule).second) continue;
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement unresolved,
        db.Prepare("SELECT pk, body FROM alerts WHERE patient_pk = ?1 "
                   "AND rule = ?2 AND state != ?3"));
    unresolved.BindInt64(1, row.pk)
        .BindInt64(2, candidate.rule)
        .BindInt64(3, v1::ALERT_STATE_RESOLVED);
    GLUTECARE_ASSIGN_OR_RETURN(bool has_unresolved, unresolved.Step());
    if (!has_unresolved) continue;
    GLUTECARE_ASSIGN_OR_RETURN(v1::Alert alert, AlertFromRow(unresolved, 0, 1));
    alert_pks[alert.name()] = unresolved.ColumnInt64(0);
    stored.unresolved.push_back(std::move(alert));
  }
  for (const AlertCandidate& candidate : candidates) {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement seen, db.Prepare("SELECT a.alert_id FROM alert_triggers t "
                                   "JOIN alerts a ON a.pk = t.alert_pk "
                                   "WHERE t.patient_pk = ?1 AND t.rule = ?2 "
                                   "AND t.trigger_key = ?3"));
    seen.BindInt64(1, row.pk)
        .BindInt64(2, candidate.rule)
        .BindText(3, candidate.trigger_key);
    GLUTECARE_ASSIGN_OR_RETURN(bool already_seen, seen.Step());
    if (!already_seen) continue;
    stored.triggers.push_back(
        {.rule = candidate.rule,
         .trigger_key = candidate.trigger_key,
         .alert = AlertName{patient.clinic, patient.patient,
                            std::string(seen.ColumnText(0))}
                      .ToString()});
  }

  AlertPlan plan = PlanAlerts(patient, therapist, stored, candidates, now,
                              GenerateResourceId);
  for (const v1::Alert& alert : plan.updates) {
    GLUTECARE_RETURN_IF_ERROR(
        UpdateAlert(db, alert_pks.at(alert.name()), alert));
  }
  for (v1::Alert& alert : plan.inserts) {
    GLUTECARE_ASSIGN_OR_RETURN(AlertName name,
                               AlertName::Parse(alert.name(), "alert"));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO alerts (clinic_pk, patient_pk, "
                   "therapist_pk, alert_id, rule, state, body) VALUES "
                   "((SELECT clinic_pk FROM patients WHERE pk = ?1), "
                   "?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.BindInt64(1, row.pk)
        .BindInt64(2, therapist_pk)
        .BindText(3, name.alert)
        .BindInt64(4, alert.rule())
        .BindInt64(5, alert.state())
        .BindBlob(6, alert.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(insert.Run());
    alert.set_sequence(sqlite3_last_insert_rowid(db.raw()));
    alert_pks[alert.name()] = alert.sequence();
  }
  for (const AlertTrigger& trigger : plan.triggers) {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO alert_triggers (patient_pk, rule, "
                   "trigger_key, alert_pk) VALUES (?1, ?2, ?3, ?4)"));
    insert.BindInt64(1, row.pk)
        .BindInt64(2, trigger.rule)
        .BindText(3, trigger.trigger_key)
        .BindInt64(4, alert_pks.at(trigger.alert));
    GLUTECARE_RETURN_IF_ERROR(insert.Run());
  }
  return std::move(plan.inserts);
}

absl::StatusOr<std::vector<v1::Alert>> SqliteStore::ResolveClearedAlertsIn(
    Connection& db, const PatientName& patient,
    const std::vector<AlertClearance>& clearances,
    const google::protobuf::Timestamp& now) {
  // Each alert as it is now, with the trigger keys recorded on it.
  std::vector<CountedAlert> stored;
  absl::flat_hash_map<std::string, int64_t> alert_pks;
  for (const AlertClearance& clearance : clearances) {
    GLUTECARE_ASSIGN_OR_RETURN(AlertName name,
                               AlertName::Parse(clearance.alert, "alert"));
    if (name.parent() != patient) {
      return absl::InternalError(absl::StrCat(
          clearance.alert, " is not an alert of ", patient.ToString()));
    }
    GLUTECARE_ASSIGN_OR_RETURN(auto row, FindAlert(db, name));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement keys,
        db.Prepare("SELECT count(*) FROM alert_triggers "
                   "WHERE patient_pk = (SELECT patient_pk FROM alerts "
                   "WHERE pk = ?1) AND rule = ?2 AND alert_pk = ?1"));
    keys.BindInt64(1, row.first).BindInt64(2, row.second.rule());
    GLUTECARE_ASSIGN_OR_RETURN(bool counted, keys.Step());
    alert_pks[row.second.name()] = row.first;
    stored.push_back(
        {.alert = std::move(row.second),
         .trigger_keys =
             counted ? static_cast<size_t>(keys.ColumnInt64(0)) : 0});
  }
  std::vector<v1::Alert> resolved = ResolveCleared(stored, clearances, now);
  for (const v1::Alert& alert : resolved) {
    GLUTECARE_RETURN_IF_ERROR(
        UpdateAlert(db, alert_pks.at(alert.name()), alert));
  }
  return resolved;
}

}  // namespace glutecare::sqlite_store_internal
