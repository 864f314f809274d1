#include "server/storage/sqlite/schema.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "glutecare/v1/alert.pb.h"
#include "glutecare/v1/suggestion.pb.h"
#include "server/common/status.h"

namespace glutecare::sqlite {
namespace {

// The partial indexes below name enum numbers as literals, because SQLite
// takes no parameters in an index definition and a shipped migration never
// changes; these pin the numbers, and every query binds them from the enums.
static_assert(v1::ALERT_STATE_RESOLVED == 3,
              "alerts_unresolved is WHERE state != 3 (migration 3)");
static_assert(v1::SUGGESTION_STATE_OPEN == 1,
              "suggestions_open is WHERE state = 1 (migration 4)");

// Migration N (1-based) brings user_version from N-1 to N. Never edit a
// migration that has shipped: add a new one.
//
// Every resource is stored as its serialized v1 proto in `body`; the columns
// beside it are the keys that queries, uniqueness and foreign keys need.
constexpr std::array<absl::string_view, 9> kMigrations = {
    R"sql(
CREATE TABLE clinics (
  pk INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL UNIQUE,
  body BLOB NOT NULL
) STRICT;

CREATE TABLE therapists (
  pk INTEGER PRIMARY KEY,
  clinic_pk INTEGER NOT NULL REFERENCES clinics (pk),
  therapist_id TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (clinic_pk, therapist_id)
) STRICT;

CREATE TABLE patients (
  pk INTEGER PRIMARY KEY,
  clinic_pk INTEGER NOT NULL REFERENCES clinics (pk),
  patient_id TEXT NOT NULL,
  mrn TEXT NOT NULL,
  therapist_pk INTEGER NOT NULL REFERENCES therapists (pk),
  -- Bumped by every update; the etag is derived from it.
  version INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (clinic_pk, patient_id),
  UNIQUE (clinic_pk, mrn)
) STRICT;
CREATE INDEX patients_by_therapist ON patients (therapist_pk, pk);

CREATE TABLE programs (
  pk INTEGER PRIMARY KEY,
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  program_id TEXT NOT NULL,
  latest_revision INTEGER NOT NULL,
  UNIQUE (patient_pk, program_id)
) STRICT;

CREATE TABLE program_revisions (
  program_pk INTEGER NOT NULL REFERENCES programs (pk),
  revision_id INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (program_pk, revision_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
  pk INTEGER PRIMARY KEY,
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  session_id TEXT NOT NULL,
  -- The client's idempotency key, NULL when none was sent.
  request_id TEXT,
  -- perform_time in microseconds since the Unix epoch (UTC).
  perform_time_us INTEGER NOT NULL,
  -- YYYY-MM-DD in the patient's time zone.
  local_date TEXT NOT NULL,
  program_pk INTEGER NOT NULL,
  revision_id INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (patient_pk, session_id),
  FOREIGN KEY (program_pk, revision_id)
    REFERENCES program_revisions (program_pk, revision_id)
) STRICT;
CREATE UNIQUE INDEX sessions_by_request
  ON sessions (patient_pk, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX sessions_by_time ON sessions (patient_pk, perform_time_us, pk);

CREATE TABLE pain_reports (
  pk INTEGER PRIMARY KEY,
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  pain_report_id TEXT NOT NULL,
  request_id TEXT,
  local_date TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (patient_pk, pain_report_id)
) STRICT;
CREATE UNIQUE INDEX pain_reports_by_request
  ON pain_reports (patient_pk, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX pain_reports_by_date ON pain_reports (patient_pk, local_date, pk);
)sql",
    // 2: reports read a patient's sessions by local date.
    R"sql(
CREATE INDEX sessions_by_date ON sessions (patient_pk, local_date);
)sql",
    // 3: alerts. The primary key is the alert's sequence in the clinic's
    // alert stream; AUTOINCREMENT never reuses one.
    R"sql(
CREATE TABLE alerts (
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  clinic_pk INTEGER NOT NULL REFERENCES clinics (pk),
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  therapist_pk INTEGER NOT NULL REFERENCES therapists (pk),
  alert_id TEXT NOT NULL,
  -- glutecare.v1.AlertRule and AlertState numbers.
  rule INTEGER NOT NULL,
  state INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (patient_pk, alert_id)
) STRICT;
-- At most one unresolved (open or acknowledged) alert per rule and patient.
CREATE UNIQUE INDEX alerts_unresolved ON alerts (patient_pk, rule)
  WHERE state != 3;
CREATE INDEX alerts_by_clinic ON alerts (clinic_pk, pk);
CREATE INDEX alerts_by_patient ON alerts (patient_pk, pk);

-- Every event a rule has fired on, so that no event raises twice.
CREATE TABLE alert_triggers (
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  rule INTEGER NOT NULL,
  trigger_key TEXT NOT NULL,
  alert_pk INTEGER NOT NULL REFERENCES alerts (pk),
  PRIMARY KEY (patient_pk, rule, trigger_key)
) STRICT, WITHOUT ROWID;
)sql",
    // 4: progression suggestions and the dashboard's patient statuses.
    R"sql(
CREATE TABLE suggestions (
  pk INTEGER PRIMARY KEY,
  program_pk INTEGER NOT NULL REFERENCES programs (pk),
  suggestion_id TEXT NOT NULL,
  -- The prescribed exercise it concerns, exercises/{exercise}.
  exercise TEXT NOT NULL,
  -- glutecare.v1.SuggestionKind and SuggestionState numbers.
  kind INTEGER NOT NULL,
  based_on_revision INTEGER NOT NULL,
  state INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (program_pk, suggestion_id),
  -- The same suggestion is never made twice for one revision.
  UNIQUE (program_pk, exercise, kind, based_on_revision)
) STRICT;
-- At most one open suggestion per exercise of a program.
CREATE UNIQUE INDEX suggestions_open ON suggestions (program_pk, exercise)
  WHERE state = 1;

-- Kept current on write (and by the periodic sweep) so the dashboard reads
-- one ordered index instead of every patient's history.
CREATE TABLE patient_status (
  patient_pk INTEGER PRIMARY KEY REFERENCES patients (pk),
  clinic_pk INTEGER NOT NULL REFERENCES clinics (pk),
  -- attention_score x 1000, an integer for exact ordering and paging.
  attention_milli INTEGER NOT NULL,
  body BLOB NOT NULL
) STRICT;
CREATE INDEX patient_status_by_attention
  ON patient_status (clinic_pk, attention_milli, patient_pk);
)sql",
    // 5: access tokens (only the SHA-256 of each secret) and the audit
    // trail, which triggers keep append-only.
    R"sql(
CREATE TABLE access_tokens (
  pk INTEGER PRIMARY KEY,
  clinic_pk INTEGER NOT NULL REFERENCES clinics (pk),
  access_token_id TEXT NOT NULL,
  secret_sha256 BLOB NOT NULL UNIQUE,
  body BLOB NOT NULL,
  UNIQUE (clinic_pk, access_token_id)
) STRICT;

CREATE TABLE audit_events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  clinic_pk INTEGER NOT NULL REFERENCES clinics (pk),
  -- The patient's resource name, or '' for calls about no single patient.
  patient TEXT NOT NULL,
  -- Microseconds since the Unix epoch.
  time_micros INTEGER NOT NULL,
  body BLOB NOT NULL
) STRICT;
CREATE INDEX audit_events_by_clinic ON audit_events (clinic_pk, sequence);
CREATE INDEX audit_events_by_patient
  ON audit_events (clinic_pk, patient, sequence) WHERE patient != '';
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
)sql",
    // 6: RTM management time (issue 8), one row per entry a therapist
    // logged, read by the patient's local date.
    R"sql(
CREATE TABLE management_time (
  pk INTEGER PRIMARY KEY,
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  entry_id TEXT NOT NULL,
  -- The client's idempotency key, NULL when none was sent.
  request_id TEXT,
  -- YYYY-MM-DD in the patient's time zone.
  local_date TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (patient_pk, entry_id)
) STRICT;
CREATE UNIQUE INDEX management_time_by_request
  ON management_time (patient_pk, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX management_time_by_date
  ON management_time (patient_pk, local_date, pk);
)sql",
    // 7: outcome measures (issue 8): a patient's assignments (at most one
    // per measure, the id being the measure's) and scored responses.
    R"sql(
CREATE TABLE outcome_assignments (
  pk INTEGER PRIMARY KEY,
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  assignment_id TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (patient_pk, assignment_id)
) STRICT;

CREATE TABLE outcome_responses (
  pk INTEGER PRIMARY KEY,
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  assignment_pk INTEGER NOT NULL REFERENCES outcome_assignments (pk),
  response_id TEXT NOT NULL,
  -- The client's idempotency key, NULL when none was sent.
  request_id TEXT,
  -- YYYY-MM-DD in the patient's time zone.
  local_date TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (patient_pk, response_id)
) STRICT;
CREATE UNIQUE INDEX outcome_responses_by_request
  ON outcome_responses (patient_pk, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX outcome_responses_by_date
  ON outcome_responses (patient_pk, local_date, pk);
CREATE INDEX outcome_responses_by_assignment
  ON outcome_responses (assignment_pk, pk);
)sql",
    // 8: leaner indexes (tests/storage/sqlite/query_plan_test.cc plans every
    // query against them). Two served no query: ListPatients and
    // ListAuditEvents filter by a therapist or patient bound as "0 or this
    // one", which the planner cannot look up in them. The others named the
    // rowid (pk) as their last column, which SQLite appends to every index
    // entry anyway: the same order, without storing the rowid twice.
    R"sql(
DROP INDEX patients_by_therapist;
DROP INDEX audit_events_by_patient;

DROP INDEX sessions_by_time;
CREATE INDEX sessions_by_time ON sessions (patient_pk, perform_time_us);
DROP INDEX pain_reports_by_date;
CREATE INDEX pain_reports_by_date ON pain_reports (patient_pk, local_date);
DROP INDEX alerts_by_clinic;
CREATE INDEX alerts_by_clinic ON alerts (clinic_pk);
DROP INDEX alerts_by_patient;
CREATE INDEX alerts_by_patient ON alerts (patient_pk);
DROP INDEX patient_status_by_attention;
CREATE INDEX patient_status_by_attention
  ON patient_status (clinic_pk, attention_milli);
DROP INDEX audit_events_by_clinic;
CREATE INDEX audit_events_by_clinic ON audit_events (clinic_pk);
DROP INDEX management_time_by_date;
CREATE INDEX management_time_by_date
  ON management_time (patient_pk, local_date);
DROP INDEX outcome_responses_by_date;
CREATE INDEX outcome_responses_by_date
  ON outcome_responses (patient_pk, local_date);
DROP INDEX outcome_responses_by_assignment;
CREATE INDEX outcome_responses_by_assignment
  ON outcome_responses (assignment_pk);
)sql",
    // 9: check-ins in one b-tree ordered as they are read, by patient and
    // day, instead of a rowid table and a date index beside it. Rows moved
    // over keep their pk as their seq, which keeps their order and the page
    // tokens that name them.
    R"sql(
CREATE TABLE pain_reports_by_day (
  patient_pk INTEGER NOT NULL REFERENCES patients (pk),
  -- YYYY-MM-DD in the patient's time zone.
  local_date TEXT NOT NULL,
  -- Orders a patient's check-ins of one day: each new one is one more than
  -- the day's last.
  seq INTEGER NOT NULL,
  pain_report_id TEXT NOT NULL,
  -- The client's idempotency key, NULL when none was sent.
  request_id TEXT,
  body BLOB NOT NULL,
  PRIMARY KEY (patient_pk, local_date, seq),
  UNIQUE (patient_pk, pain_report_id)
) STRICT, WITHOUT ROWID;
INSERT INTO pain_reports_by_day
  (patient_pk, local_date, seq, pain_report_id, request_id, body)
  SELECT patient_pk, local_date, pk, pain_report_id, request_id, body
  FROM pain_reports;
DROP TABLE pain_reports;
ALTER TABLE pain_reports_by_day RENAME TO pain_reports;
CREATE UNIQUE INDEX pain_reports_by_request
  ON pain_reports (patient_pk, request_id) WHERE request_id IS NOT NULL;
)sql",
};

absl::StatusOr<int> UserVersion(Connection& connection) {
  GLUTECARE_ASSIGN_OR_RETURN(Statement stmt,
                             connection.Prepare("PRAGMA user_version"));
  GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return absl::InternalError("PRAGMA user_version gave no row");
  return static_cast<int>(stmt.ColumnInt64(0));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

absl::Status Migrate(Connection& connection) {
  GLUTECARE_RETURN_IF_ERROR(connection.Exec("PRAGMA journal_mode = WAL"));
  GLUTECARE_ASSIGN_OR_RETURN(int version, UserVersion(connection));
  if (version > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database has schema version ", version, " but this server knows ",
        LatestSchemaVersion(), ": run a newer glutecare-server"));
  }
  for (; version < LatestSchemaVersion(); ++version) {
    GLUTECARE_ASSIGN_OR_RETURN(
        Transaction txn,
        Transaction::Begin(connection, Transaction::Mode::kWrite));
    GLUTECARE_RETURN_IF_ERROR(connection.Exec(kMigrations[version]));
    GLUTECARE_RETURN_IF_ERROR(
        connection.Exec(absl::StrCat("PRAGMA user_version = ", version + 1)));
    GLUTECARE_RETURN_IF_ERROR(txn.Commit());
  }
  return absl::OkStatus();
}

}  // namespace glutecare::sqlite
