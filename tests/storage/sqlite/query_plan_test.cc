// The SQLite store's queries against its indexes: every statement the store
// runs for a day's work is recorded (a trace on each connection, installed
// through sqlite3_auto_extension) and planned with EXPLAIN QUERY PLAN. No
// patient-scoped table is read by a full scan, and every index is either a
// uniqueness constraint or used by at least one of those plans, so each
// index the schema keeps is paid for. GLUTECARE_PRINT_PLANS=1 prints every
// statement with its plan.
#include <sqlite3.h>

#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/builders.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

using testing::TempDir;

// The SQL text of every statement run on a connection opened while the
// trace is installed.
class StatementLog {
 public:
  static StatementLog& Get() {
    static StatementLog* log = new StatementLog();
    return *log;
  }
  void Add(const char* sql) {
    absl::MutexLock lock(&mu_);
    statements_.insert(sql);
  }
  std::set<std::string> Take() {
    absl::MutexLock lock(&mu_);
    return std::move(statements_);
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> statements_ ABSL_GUARDED_BY(mu_);
};

int TraceStatement(unsigned type, void*, void* stmt, void*) {
  if (type == SQLITE_TRACE_STMT) {
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
    if (sql != nullptr) StatementLog::Get().Add(sql);
  }
  return 0;
}

int InstallTrace(sqlite3* db, const char**, const void*) {
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, TraceStatement, nullptr);
  return SQLITE_OK;
}

using EntryPoint = void (*)();
EntryPoint TraceEntryPoint() {
  // sqlite3_auto_extension takes every entry point as void(*)(void) and
  // calls it with the connection's arguments.
  return reinterpret_cast<EntryPoint>(&InstallTrace);
}

// A statement worth planning: what reads or writes rows, not transaction
// control or the schema's own statements.
bool Plannable(const std::string& sql) {
  for (const char* verb : {"SELECT", "INSERT", "UPDATE", "DELETE"}) {
    if (absl::StartsWith(sql, verb)) return true;
  }
  return false;
}

google::protobuf::Timestamp TimestampAt(int64_t seconds) {
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  return time;
}

class QueryPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_EQ(sqlite3_auto_extension(TraceEntryPoint()), SQLITE_OK);
    StatementLog::Get().Take();
  }
  void TearDown() override { sqlite3_cancel_auto_extension(TraceEntryPoint()); }

  // Runs one of each of the store's everyday calls, on a clinic with two
  // patients, and returns the statements they ran.
  std::set<std::string> RunTheStoresWork() {
    absl::StatusOr<std::unique_ptr<Store>> opened =
        OpenSqliteStore({.path = dir_.File("glutecare.db")});
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (!opened.ok()) return {};
    StatementLog::Get().Take();  // the migrations', which ran once
    Store& store = **opened;
    const ClinicName clinic{"demo"};
    const TherapistName therapist{"demo", "t1"};
    const PatientName p1{"demo", "p1"};
    const std::string parent = p1.ToString();
    auto ok = [](const auto& result) {
      EXPECT_TRUE(result.ok()) << result.status();
    };

    ok(store.CreateClinic(testing::Clinic("demo")));
    ok(store.GetClinic(clinic));
    ok(store.ListClinics({}));
    ok(store.CreateTherapist(testing::Therapist("demo", "t1")));
    ok(store.ListTherapists(clinic, {}));
    for (const char* id : {"p1", "p2"}) {
      ok(store.CreatePatient(
          testing::Patient("demo", id, absl::StrCat("MRN-", id), "t1")));
    }
    ok(store.GetPatient(p1));
    ok(store.FindPatientByMrn(clinic, "MRN-p1"));
    ok(store.ListPatients(clinic, therapist, {}));
    ok(store.ListPatients(clinic, std::nullopt, {}));

    v1::Program program = testing::Program();
    program.set_name(parent + "/programs/g1");
    ok(store.CreateProgram(program));
    ok(store.GetProgram({"demo", "p1", "g1"}));
    ok(store.ListPrograms(p1, {}));
    ok(store.ListProgramRevisions({"demo", "p1", "g1"}, {}));

    v1::Session session = testing::Session(parent + "/programs/g1@1");
    session.set_name(parent + "/sessions/s1");
    session.set_local_date("2026-11-20");
    ok(store.CreateSession(session, "r1"));
    ok(store.CreateSession(session, "r1"));
    ok(store.GetSession({"demo", "p1", "s1"}));
    ok(store.ListSessions(p1, {}));
    v1::PainReport report;
    report.set_name(parent + "/painReports/c1");
    report.set_local_date("2026-11-20");
    report.set_score(3);
    ok(store.CreatePainReport(report, "r2"));
    ok(store.ListPainReports(p1, {}));
    ok(store.GetPatientActivity(p1, {.from = "2026-11-01",
                                     .to = "2026-11-30",
                                     .history_from = "2026-09-01",
                                     .outcome_responses = true}));

    v1::ManagementTimeEntry entry;
    entry.set_name(parent + "/managementTimeEntries/m1");
    entry.set_therapist(therapist.ToString());
    entry.set_date("2026-11-20");
    entry.set_minutes(10);
    ok(store.CreateManagementTimeEntry(p1, entry, "r3"));
    ok(store.ListManagementTimeEntries(p1, {}));
    ok(store.GetRtmActivity(p1, {.data_from = "2026-11-01",
                                 .data_to = "2026-11-30",
                                 .time_from = "2026-11-01",
                                 .time_to = "2026-11-30"}));

    v1::OutcomeAssignment assignment;
    assignment.set_name(parent + "/outcomeAssignments/odi");
    assignment.set_measure(v1::OUTCOME_MEASURE_ODI);
    assignment.set_every_weeks(4);
    ok(store.CreateOutcomeAssignment(assignment));
    ok(store.ListOutcomeAssignments(p1));
    v1::OutcomeResponse response;
    response.set_name(parent + "/outcomeResponses/o1");
    response.set_assignment(assignment.name());
    response.set_measure(v1::OUTCOME_MEASURE_ODI);
    response.set_local_date("2026-11-20");
    response.set_score(40);
    ok(store.CreateOutcomeResponse(response, "r4", ""));
    ok(store.GetOutcomeIntake({"demo", "p1", "odi"}));
    ok(store.GetOutcomeResponse({"demo", "p1", "o1"}));
    ok(store.ListOutcomeResponses(p1, {}));

    absl::StatusOr<std::vector<v1::Alert>> alerts =
        store.RecordAlerts(p1,
                           {{.rule = v1::ALERT_RULE_MISSED_SESSIONS,
                             .trigger_key = "since 2026-11-17",
                             .local_date = "2026-11-20",
                             .summary = "No session for 3 days."}},
                           TimestampAt(100));
    ok(alerts);
    ok(store.ListUnresolvedAlerts(p1));
    ok(store.CountUnresolvedAlerts(p1));
    ok(store.ListAlerts({.clinic = clinic, .therapist = therapist}, {}));
    ok(store.ListAlerts({.clinic = clinic, .patient = p1}, {}));
    ok(store.ListAlertsAfter(clinic, therapist, 0, 10));
    if (alerts.ok() && !alerts->empty()) {
      absl::StatusOr<AlertName> name =
          AlertName::Parse((*alerts)[0].name(), "name");
      ok(name);
      if (name.ok()) {
        ok(store.GetAlert(*name));
        ok(store.SetAlertState(*name, v1::ALERT_STATE_ACKNOWLEDGED,
                               TimestampAt(200)));
      }
    }
    ok(store.ResolveClearedAlerts(p1, {}, TimestampAt(300)));
    ok(store.ListSuggestions({.patient = p1}, {}));

    v1::PatientStatus status;
    status.set_patient(parent);
    EXPECT_TRUE(store.PutPatientStatus(p1, status).ok());
    ok(store.ListPatientStatuses(clinic, therapist, {}));

    AuditRecord event{.clinic = clinic};
    event.event.set_patient(parent);
    event.event.set_method("/glutecare.v1.PatientService/GetPatient");
    EXPECT_TRUE(store.AppendAuditEvents({event}).ok());
    ok(store.ListAuditEvents({.clinic = clinic}, {}));
    ok(store.ListAuditEvents({.clinic = clinic, .patient = p1}, {}));

    v1::AccessToken token;
    token.set_name("clinics/demo/accessTokens/k1");
    token.set_role(v1::ROLE_THERAPIST);
    token.set_subject(therapist.ToString());
    ok(store.CreateAccessToken(token, std::string(32, 'k')));
    ok(store.FindAccessToken(std::string(32, 'k')));
    ok(store.ListAccessTokens(clinic, {}));
    opened->reset();

    std::set<std::string> statements;
    for (std::string sql : StatementLog::Get().Take()) {
      if (Plannable(sql)) statements.insert(std::move(sql));
    }
    return statements;
  }

  // The detail lines of `sql`'s query plan, on a connection of the test's.
  std::vector<std::string> PlanOf(sqlite3* db, const std::string& sql) {
    std::vector<std::string> plan;
    sqlite3_stmt* stmt = nullptr;
    const std::string explain = "EXPLAIN QUERY PLAN " + sql;
    EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db) << " in " << sql;
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      plan.emplace_back(
          reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
    }
    sqlite3_finalize(stmt);
    return plan;
  }

  TempDir dir_;
};

TEST_F(QueryPlanTest, NoQueryScansATableAndEveryIndexServesAQuery) {
  const std::set<std::string> statements = RunTheStoresWork();
  ASSERT_GT(statements.size(), 40u);
  sqlite3_cancel_auto_extension(TraceEntryPoint());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dir_.File("glutecare.db").c_str(), &db,
                            SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  // Full scans allowed: the clinics, listed whole by an operator.
  const std::set<std::string> kScansAllowed = {"SCAN clinics"};
  std::string plans;
  for (const std::string& sql : statements) {
    const std::vector<std::string> plan = PlanOf(db, sql);
    // Each line ends in a space, so that "INDEX x " matches x alone.
    absl::StrAppend(&plans, sql, "\n  ", absl::StrJoin(plan, " \n  "), " \n");
    for (const std::string& line : plan) {
      if (absl::StartsWith(line, "SCAN ") && !kScansAllowed.contains(line)) {
        ADD_FAILURE() << "a full scan (" << line << ") in: " << sql;
      }
    }
  }

  if (getenv("GLUTECARE_PRINT_PLANS") != nullptr) std::cout << plans;

  // Each index that no uniqueness needs is in some plan.
  sqlite3_stmt* indexes = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db,
                "SELECT name FROM sqlite_schema WHERE type = 'index' "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE INDEX%'",
                -1, &indexes, nullptr),
            SQLITE_OK);
  int checked = 0;
  while (sqlite3_step(indexes) == SQLITE_ROW) {
    const std::string name =
        reinterpret_cast<const char*>(sqlite3_column_text(indexes, 0));
    ++checked;
    EXPECT_TRUE(absl::StrContains(plans, absl::StrCat("INDEX ", name, " ")))
        << "no query uses the index " << name << "; the plans:\n"
        << plans;
  }
  sqlite3_finalize(indexes);
  sqlite3_close(db);
  EXPECT_GT(checked, 5);
}

}  // namespace
}  // namespace glutecare
