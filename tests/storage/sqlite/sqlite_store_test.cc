#include "server/storage/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/sqlite/schema.h"
#include "tests/testing/builders.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

using testing::TempDir;

using testing::Clinic;
using testing::Therapist;

v1::Patient Patient(const std::string& id, const std::string& mrn,
                    const std::string& therapist = "t1") {
  return testing::Patient("demo", id, mrn, therapist);
}

// Program `id` of `patient`: the glute bridge, `sets` x 10.
v1::Program Program(const std::string& patient, const std::string& id,
                    int sets) {
  v1::Program program = testing::Program(
      "2026-11-01", {testing::Prescription("glute-bridge", sets, 10)});
  program.set_name("clinics/demo/patients/" + patient + "/programs/" + id);
  return program;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    Open();
    ASSERT_TRUE(store_->CreateClinic(Clinic("demo")).ok());
    ASSERT_TRUE(store_->CreateTherapist(Therapist("demo", "t1")).ok());
    ASSERT_TRUE(store_->CreateTherapist(Therapist("demo", "t2")).ok());
    ASSERT_TRUE(store_->CreatePatient(Patient("p1", "MRN-1")).ok());
    ASSERT_TRUE(store_->CreateProgram(Program("p1", "g1", 3)).ok());
  }

  void Open() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenSqliteStore({.path = dir_.File("glutecare.db")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  int CountSessions() {
    absl::StatusOr<Page<v1::Session>> page =
        store_->ListSessions({"demo", "p1"}, {.page_size = 1000});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? static_cast<int>(page->items.size()) : -1;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, DataSurvivesReopening) {
  Open();
  absl::StatusOr<v1::Patient> patient = store_->GetPatient({"demo", "p1"});
  ASSERT_TRUE(patient.ok()) << patient.status();
  EXPECT_EQ(patient->mrn(), "MRN-1");
  EXPECT_EQ(patient->etag(), "1");
}

TEST_F(SqliteStoreTest, CreatesTheLatestSchemaInWalMode) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("glutecare.db").c_str(), &db), SQLITE_OK);
  auto query_int = [db](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    std::string value(
        reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    return value;
  };
  EXPECT_EQ(query_int("PRAGMA user_version"),
            std::to_string(sqlite::LatestSchemaVersion()));
  EXPECT_EQ(query_int("PRAGMA journal_mode"), "wal");
  // Every table of ours is STRICT (sqlite_sequence is SQLite's own).
  EXPECT_EQ(query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                      "AND name != 'sqlite_sequence' "
                      "AND sql NOT LIKE '%STRICT%'"),
            "0");
  EXPECT_NE(query_int("SELECT count(*) FROM sqlite_schema "
                      "WHERE type = 'table'"),
            "0");
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerServer) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("glutecare.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenSqliteStore({.path = dir_.File("glutecare.db")});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, DuplicateIdsAndMrnsAreRejectedWithoutWriting) {
  EXPECT_EQ(store_->CreateClinic(Clinic("demo")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreatePatient(Patient("p1", "MRN-9")).status().code(),
            absl::StatusCode::kAlreadyExists);
  absl::Status mrn = store_->CreatePatient(Patient("p2", "MRN-1")).status();
  EXPECT_EQ(mrn.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(mrn.message().find("clinics/demo/patients/p1"), std::string::npos);
  absl::StatusOr<Page<v1::Patient>> patients =
      store_->ListPatients({"demo"}, std::nullopt, {.page_size = 10});
  ASSERT_TRUE(patients.ok());
  EXPECT_EQ(patients->items.size(), 1u);
}

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp stamp;
  stamp.set_seconds(seconds);
  return stamp;
}

AlertCandidate MissedSessions(const std::string& since, int days) {
  return {.rule = v1::ALERT_RULE_MISSED_SESSIONS,
          .trigger_key = "since " + since,
          .local_date = "2026-11-20",
          .summary = "No session for " + std::to_string(days) + " days."};
}

TEST_F(SqliteStoreTest, AnUnresolvedAlertDescribesTheLatestFiringOfItsRule) {
  const PatientName p1{"demo", "p1"};
  absl::StatusOr<std::vector<v1::Alert>> raised =
      store_->RecordAlerts(p1, {MissedSessions("2026-11-17", 3)}, At(100));
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->size(), 1u);
  absl::StatusOr<AlertName> name =
      AlertName::Parse(raised->front().name(), "name");
  ASSERT_TRUE(name.ok());

  // The same event with new numbers: the alert tells them, and its state
  // did not change.
  AlertCandidate longer = MissedSessions("2026-11-17", 5);
  longer.local_date = "2026-11-22";
  raised = store_->RecordAlerts(p1, {longer}, At(200));
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_TRUE(raised->empty());
  absl::StatusOr<v1::Alert> alert = store_->GetAlert(*name);
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_EQ(alert->summary(), "No session for 5 days.");
  EXPECT_EQ(alert->local_date(), "2026-11-22");
  EXPECT_EQ(alert->update_time().seconds(), 100);

  // Another event of the rule joins it, with its evidence and summary.
  AlertCandidate other = MissedSessions("2026-11-23", 4);
  other.evidence = {"clinics/demo/patients/p1/sessions/s1"};
  raised = store_->RecordAlerts(p1, {other}, At(300));
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_TRUE(raised->empty());
  alert = store_->GetAlert(*name);
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_EQ(alert->summary(), "No session for 4 days.");
  ASSERT_EQ(alert->evidence_size(), 1);

  // A therapist's resolution says so, and stops the refreshing.
  alert = store_->SetAlertState(*name, v1::ALERT_STATE_RESOLVED, At(400));
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_EQ(alert->resolution(), v1::ALERT_RESOLUTION_THERAPIST);
  raised = store_->RecordAlerts(p1, {MissedSessions("2026-11-23", 9)}, At(500));
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_TRUE(raised->empty());
  alert = store_->GetAlert(*name);
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_EQ(alert->summary(), "No session for 4 days.");
  EXPECT_EQ(alert->state(), v1::ALERT_STATE_RESOLVED);
}

TEST_F(SqliteStoreTest, ClearedAlertsAreResolvedOnlyAsTheDecisionSawThem) {
  const PatientName p1{"demo", "p1"};
  absl::StatusOr<std::vector<v1::Alert>> raised = store_->RecordAlerts(
      p1,
      {MissedSessions("2026-11-17", 3),
       {.rule = v1::ALERT_RULE_FLARE,
        .trigger_key = "hip@2026-11-19",
        .local_date = "2026-11-20",
        .summary = "Flare."}},
      At(100));
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->size(), 2u);
  absl::StatusOr<std::vector<UnresolvedAlert>> unresolved =
      store_->ListUnresolvedAlerts(p1);
  ASSERT_TRUE(unresolved.ok()) << unresolved.status();
  ASSERT_EQ(unresolved->size(), 2u);
  const v1::Alert missed = (*unresolved)[0].alert;
  EXPECT_EQ(missed.rule(), v1::ALERT_RULE_MISSED_SESSIONS);
  EXPECT_EQ((*unresolved)[0].trigger_keys,
            std::vector<std::string>{"since 2026-11-17"});
  EXPECT_EQ((*unresolved)[1].trigger_keys,
            std::vector<std::string>{"hip@2026-11-19"});

  AlertClearance clearance{
      .alert = missed.name(),
      .summary = "A session on 2026-11-20 ended the days without one.",
      .evidence = {"clinics/demo/patients/p1/sessions/late"},
      .trigger_keys_seen = 0};
  // A decision that did not see the alert's event changes nothing.
  absl::StatusOr<std::vector<v1::Alert>> resolved =
      store_->ResolveClearedAlerts(p1, {clearance}, At(200));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_TRUE(resolved->empty());

  clearance.trigger_keys_seen = 1;
  resolved = store_->ResolveClearedAlerts(p1, {clearance}, At(200));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_EQ(resolved->size(), 1u);
  absl::StatusOr<AlertName> name = AlertName::Parse(missed.name(), "name");
  ASSERT_TRUE(name.ok());
  absl::StatusOr<v1::Alert> stored = store_->GetAlert(*name);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(stored->resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_EQ(stored->resolution_summary(), clearance.summary);
  ASSERT_EQ(stored->resolution_evidence_size(), 1);
  EXPECT_EQ(stored->resolution_evidence(0),
            "clinics/demo/patients/p1/sessions/late");
  EXPECT_EQ(stored->update_time().seconds(), 200);
  EXPECT_EQ(stored->summary(), missed.summary());
  EXPECT_EQ(stored->sequence(), missed.sequence());

  // Once resolved it stays as it was resolved; the therapist may still
  // resolve it (no change) but not acknowledge it.
  resolved = store_->ResolveClearedAlerts(p1, {clearance}, At(300));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_TRUE(resolved->empty());
  stored = store_->SetAlertState(*name, v1::ALERT_STATE_RESOLVED, At(400));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_EQ(stored->update_time().seconds(), 200);
  EXPECT_EQ(
      store_->SetAlertState(*name, v1::ALERT_STATE_ACKNOWLEDGED, At(400))
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);

  // The rule's next event raises a new alert; the flare is still there.
  raised =
      store_->RecordAlerts(p1, {MissedSessions("2026-11-21", 3)}, At(500));
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->size(), 1u);
  EXPECT_GT(raised->front().sequence(), missed.sequence());
  unresolved = store_->ListUnresolvedAlerts(p1);
  ASSERT_TRUE(unresolved.ok()) << unresolved.status();
  ASSERT_EQ(unresolved->size(), 2u);
  EXPECT_EQ((*unresolved)[0].alert.rule(), v1::ALERT_RULE_FLARE);
  EXPECT_EQ((*unresolved)[1].alert.name(), raised->front().name());
}

TEST_F(SqliteStoreTest, ACandidateSeesWhatEarlierOnesOfTheSameCallRecorded) {
  const PatientName p1{"demo", "p1"};
  AlertCandidate first = MissedSessions("2026-11-17", 3);
  first.evidence = {"clinics/demo/patients/p1/sessions/s1"};
  AlertCandidate second = MissedSessions("2026-11-19", 4);
  second.evidence = {"clinics/demo/patients/p1/sessions/s2"};
  // The first event again, as the rule's last: its numbers moved.
  AlertCandidate again = MissedSessions("2026-11-17", 6);
  again.evidence = {"clinics/demo/patients/p1/sessions/s3"};
  const AlertCandidate flare{.rule = v1::ALERT_RULE_FLARE,
                             .trigger_key = "hip@2026-11-19",
                             .local_date = "2026-11-19",
                             .summary = "Flare."};
  absl::StatusOr<std::vector<v1::Alert>> raised =
      store_->RecordAlerts(p1, {first, second, flare, again}, At(100));
  ASSERT_TRUE(raised.ok()) << raised.status();
  // One alert per rule, the second event joined to the first one's alert.
  ASSERT_EQ(raised->size(), 2u);
  EXPECT_EQ((*raised)[0].rule(), v1::ALERT_RULE_MISSED_SESSIONS);
  EXPECT_EQ((*raised)[1].rule(), v1::ALERT_RULE_FLARE);
  EXPECT_LT((*raised)[0].sequence(), (*raised)[1].sequence());

  absl::StatusOr<std::vector<UnresolvedAlert>> unresolved =
      store_->ListUnresolvedAlerts(p1);
  ASSERT_TRUE(unresolved.ok()) << unresolved.status();
  ASSERT_EQ(unresolved->size(), 2u);
  const v1::Alert& missed = (*unresolved)[0].alert;
  EXPECT_EQ(missed.name(), (*raised)[0].name());
  EXPECT_EQ(missed.sequence(), (*raised)[0].sequence());
  EXPECT_EQ(missed.summary(), "No session for 6 days.");
  ASSERT_EQ(missed.evidence_size(), 2);
  EXPECT_EQ(missed.evidence(1), "clinics/demo/patients/p1/sessions/s2");
  EXPECT_EQ((*unresolved)[0].trigger_keys,
            (std::vector<std::string>{"since 2026-11-17", "since 2026-11-19"}));
  EXPECT_EQ((*unresolved)[1].trigger_keys,
            std::vector<std::string>{"hip@2026-11-19"});

  // The same call again records nothing new: the last event's numbers are
  // those already told.
  raised = store_->RecordAlerts(p1, {first, second, flare, again}, At(200));
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_TRUE(raised->empty());
  absl::StatusOr<AlertName> name = AlertName::Parse(missed.name(), "name");
  ASSERT_TRUE(name.ok());
  absl::StatusOr<v1::Alert> stored = store_->GetAlert(*name);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->summary(), "No session for 6 days.");
  EXPECT_EQ(stored->evidence_size(), 2);
  EXPECT_EQ(stored->update_time().seconds(), 100);
}

AuditRecord Event(const std::string& patient, int64_t seconds) {
  AuditRecord record{.clinic = {"demo"}};
  record.event.mutable_time()->set_seconds(seconds);
  record.event.set_principal("clinics/demo/accessTokens/k1");
  record.event.set_method("/glutecare.v1.PatientService/GetPatient");
  record.event.set_resource(patient.empty() ? "clinics/demo" : patient);
  record.event.set_patient(patient);
  record.event.set_outcome("OK");
  return record;
}

TEST_F(SqliteStoreTest, TheAuditTrailIsAppendOnly) {
  ASSERT_TRUE(store_->AppendAuditEvents({Event("", 100)}).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("glutecare.db").c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_events SET patient = 'x'", nullptr,
                         nullptr, &error),
            SQLITE_OK);
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::string(error).find("append-only"), std::string::npos);
  sqlite3_free(error);
  EXPECT_NE(
      sqlite3_exec(db, "DELETE FROM audit_events", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ConcurrentWritesCommitTogetherAndAFailedOneFailsAlone) {
  // Writers race, so their writes share transactions (group commit). Half of
  // them write one row and then fail (the second record's clinic does not
  // exist): their savepoint must undo that row and nothing else.
  constexpr int kThreads = 8;
  constexpr int kWrites = 25;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string patient = "clinics/demo/patients/t" +
                                    std::to_string(t) + "-" + std::to_string(i);
        std::vector<AuditRecord> records = {Event(patient, 100)};
        if (t % 2 == 1) {
          AuditRecord stray = Event("", 100);
          stray.clinic = {"nowhere"};
          records.push_back(stray);
        }
        const absl::Status status = store_->AppendAuditEvents(records);
        if (status.ok() != (t % 2 == 0)) unexpected.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);

  // Reopened: what was acknowledged is on disk, and only that.
  Open();
  absl::StatusOr<Page<v1::AuditEvent>> events =
      store_->ListAuditEvents({.clinic = {"demo"}}, {.page_size = 1000});
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->items.size(), static_cast<size_t>(kThreads / 2 * kWrites));
  for (const v1::AuditEvent& event : events->items) {
    const int thread =
        event.patient()[std::string("clinics/demo/patients/t").size()] - '0';
    EXPECT_EQ(thread % 2, 0) << event.patient();
  }
}

TEST_F(SqliteStoreTest,
       ABusyDatabaseRefusesWritesAsUnavailableAndKeepsServingReads) {
  // Another process holds the write lock (a backup tool, an operator's shell).
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("glutecare.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);

  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenSqliteStore({.path = dir_.File("glutecare.db"),
                       .busy_timeout = absl::Milliseconds(50)});
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Status written =
      (*store)->CreateTherapist(Therapist("demo", "t3")).status();
  EXPECT_EQ(written.code(), absl::StatusCode::kUnavailable) << written;
  EXPECT_NE(written.message().find("busy"), std::string::npos) << written;
  // Reads go on (WAL), and nothing was half-written.
  EXPECT_TRUE((*store)->GetPatient({"demo", "p1"}).ok());
  EXPECT_EQ((*store)->GetTherapist({"demo", "t3"}).status().code(),
            absl::StatusCode::kNotFound);

  // Once the lock is gone, the same write succeeds.
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  EXPECT_TRUE((*store)->CreateTherapist(Therapist("demo", "t3")).ok());
}

}  // namespace
}  // namespace glutecare
