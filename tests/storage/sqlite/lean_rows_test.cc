// How the SQLite store lays out sessions and check-ins: bodies without what
// the row's columns hold, read back whole; check-ins clustered by patient
// and day; and rows stored before either change still read as they were.
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/builders.h"
#include "tests/testing/stored_clinic.h"

namespace glutecare {
namespace {

constexpr char kP1[] = "clinics/demo/patients/p1";

v1::Program Program(const std::string& patient) {
  v1::Program program = testing::Program(
      "2026-11-01", {testing::Prescription("glute-bridge", 3, 10)});
  program.set_name(std::string("clinics/demo/patients/") + patient +
                   "/programs/g1");
  return program;
}

// Session `id` of p1 following `program_revision`, performed at `seconds`
// and `nanos` past the epoch.
v1::Session Session(const std::string& id, int64_t seconds, int32_t nanos = 0,
                    const std::string& program_revision = std::string(kP1) +
                                                          "/programs/g1@1") {
  v1::Session session = testing::Session(program_revision);
  session.set_name(std::string(kP1) + "/sessions/" + id);
  session.mutable_perform_time()->set_seconds(seconds);
  session.mutable_perform_time()->set_nanos(nanos);
  session.set_local_date("2026-11-20");
  *session.mutable_create_time() = session.perform_time();
  return session;
}

v1::PainReport PainReport(const std::string& id) {
  v1::PainReport report;
  report.set_name(std::string(kP1) + "/painReports/" + id);
  report.set_local_date("2026-11-20");
  report.set_area(v1::PAIN_AREA_HIP);
  report.set_score(4);
  return report;
}

// `read` holds a record named as `expected`, equal to it.
template <typename Message>
void ExpectAmong(const std::vector<Message>& read, const Message& expected) {
  int found = 0;
  for (const Message& message : read) {
    if (message.name() != expected.name()) continue;
    ++found;
    EXPECT_EQ(message.ShortDebugString(), expected.ShortDebugString());
  }
  EXPECT_EQ(found, 1) << expected.name();
}

class LeanRowsTest : public testing::StoredClinicTest {
 protected:
  void SetUp() override {
    StoredClinicTest::SetUp();
    for (const char* patient : {"p1", "p2"}) {
      ASSERT_TRUE(store_
                      ->CreatePatient(testing::Patient(
                          "demo", patient, std::string("MRN-") + patient, "t1"))
                      .ok());
      ASSERT_TRUE(store_->CreateProgram(Program(patient)).ok());
    }
    ASSERT_EQ(sqlite3_open(dir_.File("glutecare.db").c_str(), &db_), SQLITE_OK);
  }
  void TearDown() override { sqlite3_close(db_); }

  // `sql` prepared on the test's own connection, with `id` bound to ?1.
  // The caller finalizes it.
  sqlite3_stmt* PrepareForId(const std::string& sql, const std::string& id) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sql;
    sqlite3_bind_text(stmt, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    return stmt;
  }

  // The body stored in `table` for the record `id` (`id_column`).
  std::string StoredBody(const std::string& table, const std::string& id_column,
                         const std::string& id) {
    sqlite3_stmt* stmt = PrepareForId(
        "SELECT body FROM " + table + " WHERE " + id_column + " = ?1", id);
    std::string body;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      body.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                  sqlite3_column_bytes(stmt, 0));
    } else {
      ADD_FAILURE() << "no " << table << " row " << id;
    }
    sqlite3_finalize(stmt);
    return body;
  }

  // Replaces the body stored in `table` for `id` with `body`, as the store
  // wrote every body before bodies were lean.
  void StoreBody(const std::string& table, const std::string& id_column,
                 const std::string& id, const std::string& body) {
    sqlite3_stmt* stmt = PrepareForId(
        "UPDATE " + table + " SET body = ?2 WHERE " + id_column + " = ?1", id);
    sqlite3_bind_blob(stmt, 2, body.data(), static_cast<int>(body.size()),
                      SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    EXPECT_EQ(sqlite3_changes(db_), 1);
    sqlite3_finalize(stmt);
  }

  // Every way a session is read back, each compared with `expected`.
  void ExpectSessionReadsAs(const v1::Session& expected, const std::string& id,
                            const std::string& request_id) {
    absl::StatusOr<v1::Session> got = store_->GetSession({"demo", "p1", id});
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->ShortDebugString(), expected.ShortDebugString());

    absl::StatusOr<Page<v1::Session>> page =
        store_->ListSessions({"demo", "p1"}, {.page_size = 100});
    ASSERT_TRUE(page.ok()) << page.status();
    ExpectAmong(page->items, expected);

    absl::StatusOr<PatientActivity> activity = store_->GetPatientActivity(
        {"demo", "p1"}, {.from = "2026-11-01", .to = "2026-11-30"});
    ASSERT_TRUE(activity.ok()) << activity.status();
    ExpectAmong(activity->sessions, expected);

    // A retry under the same request_id answers with the stored session.
    v1::Session retry = expected;
    retry.set_notes("a retry is answered with the first session");
    got = store_->CreateSession(retry, request_id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->ShortDebugString(), expected.ShortDebugString());
  }

  // Every way a check-in is read back, each compared with `expected`, one
  // of the patient's `stored` check-ins.
  void ExpectPainReportReadsAs(const v1::PainReport& expected,
                               const std::string& request_id,
                               size_t stored = 1) {
    absl::StatusOr<Page<v1::PainReport>> page =
        store_->ListPainReports({"demo", "p1"}, {.page_size = 100});
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->items.size(), stored);
    ExpectAmong(page->items, expected);

    absl::StatusOr<PatientActivity> activity = store_->GetPatientActivity(
        {"demo", "p1"}, {.from = "2026-11-01", .to = "2026-11-30"});
    ASSERT_TRUE(activity.ok()) << activity.status();
    ASSERT_EQ(activity->pain_reports.size(), stored);
    ExpectAmong(activity->pain_reports, expected);

    v1::PainReport retry = expected;
    retry.set_score(9);
    absl::StatusOr<v1::PainReport> got =
        store_->CreatePainReport(retry, request_id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->ShortDebugString(), expected.ShortDebugString());
  }

  sqlite3* db_ = nullptr;
};

TEST_F(LeanRowsTest, ASessionsBodyLeavesOutWhatItsRowHoldsAndReadsBackWhole) {
  const v1::Session session = Session("s1", 1'763'600'000, 123'000);
  ASSERT_TRUE(store_->CreateSession(session, "r1").ok());

  v1::Session body;
  ASSERT_TRUE(body.ParseFromString(StoredBody("sessions", "session_id", "s1")));
  EXPECT_EQ(body.name(), "");
  EXPECT_EQ(body.local_date(), "");
  EXPECT_EQ(body.program_revision(), "");
  EXPECT_FALSE(body.has_perform_time());
  ASSERT_EQ(body.exercises_size(), 1);
  EXPECT_EQ(body.exercises(0).exercise(), "glute-bridge");
  EXPECT_EQ(body.create_time().nanos(), 123'000);

  ExpectSessionReadsAs(session, "s1", "r1");
}

TEST_F(LeanRowsTest, ACheckInsBodyLeavesOutItsNameAndDateAndReadsBackWhole) {
  const v1::PainReport report = PainReport("c1");
  ASSERT_TRUE(store_->CreatePainReport(report, "r1").ok());

  v1::PainReport body;
  ASSERT_TRUE(
      body.ParseFromString(StoredBody("pain_reports", "pain_report_id", "c1")));
  EXPECT_EQ(body.name(), "");
  EXPECT_EQ(body.local_date(), "");
  EXPECT_EQ(body.score(), 4);

  ExpectPainReportReadsAs(report, "r1");
}

TEST_F(LeanRowsTest, ImportedHistoryIsStoredLeanToo) {
  ImportedHistory history;
  history.sessions.push_back(Session("h1", 1'763'600'000));
  history.pain_reports.push_back(PainReport("c1"));
  ASSERT_TRUE(store_->ImportHistory({"demo", "p1"}, history).ok());

  v1::Session session;
  ASSERT_TRUE(
      session.ParseFromString(StoredBody("sessions", "session_id", "h1")));
  EXPECT_EQ(session.name(), "");
  EXPECT_FALSE(session.has_perform_time());
  v1::PainReport report;
  ASSERT_TRUE(report.ParseFromString(
      StoredBody("pain_reports", "pain_report_id", "c1")));
  EXPECT_EQ(report.name(), "");
}

TEST_F(LeanRowsTest, WhatTheColumnsCannotGiveBackExactlyStaysInTheBody) {
  // A perform_time finer than the column's microseconds, another patient's
  // program, and none at all (the column then holds 0, not the epoch).
  const v1::Session fine = Session("s1", 1'763'600'000, 1'500);
  const v1::Session elsewhere =
      Session("s2", 1'763'600'000, 0, "clinics/demo/patients/p2/programs/g1@1");
  v1::Session timeless = Session("s3", 0);
  timeless.clear_perform_time();
  // An exercise not named `exercises/...`: the body keeps the session's
  // name, which marks its exercises as stored whole.
  v1::Session unprefixed = Session("s4", 1'763'600'000);
  unprefixed.add_exercises()->set_exercise("glute-bridge");
  ASSERT_TRUE(store_->CreateSession(fine, "r1").ok());
  ASSERT_TRUE(store_->CreateSession(elsewhere, "r2").ok());
  ASSERT_TRUE(store_->CreateSession(timeless, "r3").ok());
  ASSERT_TRUE(store_->CreateSession(unprefixed, "r4").ok());

  v1::Session body;
  ASSERT_TRUE(body.ParseFromString(StoredBody("sessions", "session_id", "s1")));
  EXPECT_EQ(body.perform_time().nanos(), 1'500);
  ASSERT_TRUE(body.ParseFromString(StoredBody("sessions", "session_id", "s2")));
  EXPECT_EQ(body.program_revision(), elsewhere.program_revision());

  ExpectSessionReadsAs(fine, "s1", "r1");
  ExpectSessionReadsAs(elsewhere, "s2", "r2");
  ExpectSessionReadsAs(timeless, "s3", "r3");
  ExpectSessionReadsAs(unprefixed, "s4", "r4");
}

TEST_F(LeanRowsTest, RowsStoredWithFullBodiesReadAsStored) {
  const v1::Session session = Session("s1", 1'763'600'000, 7'000);
  const v1::PainReport report = PainReport("c1");
  ASSERT_TRUE(store_->CreateSession(session, "r1").ok());
  ASSERT_TRUE(store_->CreatePainReport(report, "r2").ok());
  StoreBody("sessions", "session_id", "s1", session.SerializeAsString());
  StoreBody("pain_reports", "pain_report_id", "c1", report.SerializeAsString());

  ExpectSessionReadsAs(session, "s1", "r1");
  ExpectPainReportReadsAs(report, "r2");
}

// The newest first, as ListPainReports pages them, one per page.
std::vector<std::string> ListedCheckIns(Store& store) {
  std::vector<std::string> ids;
  PageRequest page{.page_size = 1};
  for (int pages = 0; pages < 100; ++pages) {
    absl::StatusOr<Page<v1::PainReport>> listed =
        store.ListPainReports({"demo", "p1"}, page);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) break;
    for (const v1::PainReport& report : listed->items) {
      ids.push_back(report.name().substr(report.name().rfind('/') + 1));
    }
    if (listed->next_page_token.empty()) break;
    page.page_token = listed->next_page_token;
  }
  return ids;
}

TEST_F(LeanRowsTest, CheckInsAreOneBTreeByPatientAndDay) {
  // The table is its own date index: no rowid, and besides the primary key
  // only the indexes that uniqueness needs.
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_,
                               "SELECT wr FROM pragma_table_list "
                               "WHERE name = 'pain_reports'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 1) << "not WITHOUT ROWID";
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db_,
                               "SELECT name FROM pragma_index_list"
                               "('pain_reports') WHERE \"unique\" = 0",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ADD_FAILURE() << "an index of pain_reports not enforcing uniqueness: "
                  << sqlite3_column_text(stmt, 0);
  }
  sqlite3_finalize(stmt);

  // Within a day, the later check-in first.
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(store_->CreatePainReport(PainReport(id), "").ok());
  }
  v1::PainReport earlier = PainReport("d");
  earlier.set_local_date("2026-11-19");
  ASSERT_TRUE(store_->CreatePainReport(earlier, "").ok());
  EXPECT_EQ(ListedCheckIns(*store_),
            (std::vector<std::string>{"c", "b", "a", "d"}));
}

TEST_F(LeanRowsTest, CheckInsStoredInTheRowidLayoutMoveOverInOrder) {
  // A database of schema 8, its check-ins in their own rowid table (pk in
  // the order stored) and with full bodies: the table as migrations 1 and 8
  // made it, copied here because a shipped migration never changes.
  store_.reset();
  ASSERT_EQ(sqlite3_exec(db_, R"sql(
DROP TABLE pain_reports;
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
CREATE INDEX pain_reports_by_date ON pain_reports (patient_pk, local_date);
PRAGMA user_version = 8;
)sql",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db_);
  v1::PainReport earlier = PainReport("d");
  earlier.set_local_date("2026-11-19");
  const v1::PainReport stored[] = {PainReport("a"), PainReport("b"), earlier};
  for (int i = 0; i < 3; ++i) {
    sqlite3_stmt* insert = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  db_,
                  "INSERT INTO pain_reports (pk, patient_pk, pain_report_id, "
                  "request_id, local_date, body) VALUES (?1, (SELECT pk FROM "
                  "patients WHERE patient_id = 'p1'), ?2, ?3, ?4, ?5)",
                  -1, &insert, nullptr),
              SQLITE_OK);
    const std::string id = stored[i].name().substr(stored[i].name().size() - 1);
    const std::string request_id = "r" + id;
    const std::string body = stored[i].SerializeAsString();
    sqlite3_bind_int64(insert, 1, 10 + i);
    sqlite3_bind_text(insert, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, request_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, stored[i].local_date().c_str(), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 5, body.data(), static_cast<int>(body.size()),
                      SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(insert), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(insert);
  }

  absl::StatusOr<std::unique_ptr<Store>> reopened =
      OpenSqliteStore({.path = dir_.File("glutecare.db")});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
  // Read as stored, retried by request_id, and a new one of the same day
  // sorts after those that moved over.
  ExpectPainReportReadsAs(stored[1], "rb", 3);
  ASSERT_TRUE(store_->CreatePainReport(PainReport("c"), "").ok());
  EXPECT_EQ(ListedCheckIns(*store_),
            (std::vector<std::string>{"c", "b", "a", "d"}));
}

}  // namespace
}  // namespace glutecare
