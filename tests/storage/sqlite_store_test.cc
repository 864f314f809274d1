#include "server/storage/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/sqlite/schema.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

using testing::TempDir;

v1::Clinic Clinic(const std::string& id) {
  v1::Clinic clinic;
  clinic.set_name("clinics/" + id);
  clinic.set_display_name("Clinic " + id);
  return clinic;
}

v1::Therapist Therapist(const std::string& clinic, const std::string& id) {
  v1::Therapist therapist;
  therapist.set_name("clinics/" + clinic + "/therapists/" + id);
  therapist.set_display_name("Therapist " + id);
  return therapist;
}

v1::Patient Patient(const std::string& id, const std::string& mrn,
                    const std::string& therapist = "t1") {
  v1::Patient patient;
  patient.set_name("clinics/demo/patients/" + id);
  patient.set_display_name("Patient " + id);
  patient.set_mrn(mrn);
  patient.set_time_zone("Europe/Berlin");
  patient.add_pain_areas(v1::PAIN_AREA_HIP);
  patient.set_therapist("clinics/demo/therapists/" + therapist);
  patient.set_baseline_pain(5);
  return patient;
}

v1::Program Program(const std::string& patient, const std::string& id,
                    int sets) {
  v1::Program program;
  program.set_name("clinics/demo/patients/" + patient + "/programs/" + id);
  program.set_display_name("Phase 1");
  program.set_status(v1::PROGRAM_STATUS_ACTIVE);
  program.set_start_date("2026-11-01");
  v1::Prescription* p = program.add_prescriptions();
  p->set_exercise("exercises/glute-bridge");
  p->set_sets(sets);
  p->set_reps(10);
  p->mutable_load()->set_type(v1::LOAD_TYPE_BODYWEIGHT);
  p->set_sessions_per_week(3);
  return program;
}

v1::Session Session(const std::string& id, int64_t perform_seconds,
                    const std::string& revision = "g1@1") {
  v1::Session session;
  session.set_name("clinics/demo/patients/p1/sessions/" + id);
  session.mutable_perform_time()->set_seconds(perform_seconds);
  session.set_local_date("2026-11-20");
  session.set_program_revision("clinics/demo/patients/p1/programs/" + revision);
  session.set_pain_before(3);
  session.set_pain_after(2);
  return session;
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

TEST_F(SqliteStoreTest, MissingResourcesAreNotFound) {
  EXPECT_EQ(store_->GetClinic({"nope"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetPatient({"demo", "nope"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetPatient({"nope", "p1"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetProgram({"demo", "p1", "g1", 9}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->ListSessions({"demo", "nope"}, {}).status().code(),
            absl::StatusCode::kNotFound);
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

TEST_F(SqliteStoreTest, PatientWithUnknownTherapistIsNotWritten) {
  EXPECT_EQ(
      store_->CreatePatient(Patient("p2", "MRN-2", "ghost")).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetPatient({"demo", "p2"}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, UpdatePatientChecksTheEtag) {
  v1::Patient patient = *store_->GetPatient({"demo", "p1"});
  patient.set_display_name("Renamed");
  absl::StatusOr<v1::Patient> updated = store_->UpdatePatient(patient, "1");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->etag(), "2");

  patient.set_display_name("Lost update");
  EXPECT_EQ(store_->UpdatePatient(patient, "1").status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store_->GetPatient({"demo", "p1"})->display_name(), "Renamed");
}

TEST_F(SqliteStoreTest, FindsAPatientByMrnWithinItsClinicOnly) {
  ASSERT_TRUE(store_->CreateClinic(Clinic("other")).ok());
  absl::StatusOr<v1::Patient> found =
      store_->FindPatientByMrn({"demo"}, "MRN-1");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->name(), "clinics/demo/patients/p1");
  EXPECT_EQ(found->etag(), "1");

  v1::Patient renamed = *found;
  renamed.set_display_name("Renamed");
  ASSERT_TRUE(store_->UpdatePatient(renamed, "1").ok());
  found = store_->FindPatientByMrn({"demo"}, "MRN-1");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->display_name(), "Renamed");
  EXPECT_EQ(found->etag(), "2");

  EXPECT_EQ(store_->FindPatientByMrn({"demo"}, "mrn-1").status().code(),
            absl::StatusCode::kNotFound);  // MRNs are case-sensitive
  EXPECT_EQ(store_->FindPatientByMrn({"other"}, "MRN-1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->FindPatientByMrn({"ghost"}, "MRN-1").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, ListPatientsFiltersByTherapist) {
  ASSERT_TRUE(store_->CreatePatient(Patient("p2", "MRN-2", "t2")).ok());
  ASSERT_TRUE(store_->CreatePatient(Patient("p3", "MRN-3", "t2")).ok());
  auto list = [&](std::optional<TherapistName> therapist) {
    std::vector<std::string> names;
    absl::StatusOr<Page<v1::Patient>> page =
        store_->ListPatients({"demo"}, therapist, {.page_size = 10});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return names;
    for (const v1::Patient& p : page->items) names.push_back(p.name());
    return names;
  };
  EXPECT_EQ(list(std::nullopt).size(), 3u);
  EXPECT_EQ(list(TherapistName{"demo", "t2"}),
            (std::vector<std::string>{"clinics/demo/patients/p2",
                                      "clinics/demo/patients/p3"}));
  EXPECT_TRUE(list(TherapistName{"demo", "ghost"}).empty());
}

TEST_F(SqliteStoreTest, ProgramUpdatesKeepEveryRevision) {
  v1::Program second = Program("p1", "g1", 4);
  absl::StatusOr<v1::Program> stored = store_->AddProgramRevision(second, "1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->revision_id(), 2);
  EXPECT_EQ(stored->etag(), "2");

  EXPECT_EQ(store_->GetProgram({"demo", "p1", "g1"})->prescriptions(0).sets(),
            4);
  EXPECT_EQ(
      store_->GetProgram({"demo", "p1", "g1", 1})->prescriptions(0).sets(), 3);

  EXPECT_EQ(
      store_->AddProgramRevision(Program("p1", "g1", 5), "1").status().code(),
      absl::StatusCode::kAborted);

  absl::StatusOr<Page<v1::Program>> revisions =
      store_->ListProgramRevisions({"demo", "p1", "g1"}, {.page_size = 10});
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->items.size(), 2u);
  EXPECT_EQ(revisions->items[0].revision_id(), 2);
  EXPECT_EQ(revisions->items[1].revision_id(), 1);

  absl::StatusOr<Page<v1::Program>> programs =
      store_->ListPrograms({"demo", "p1"}, {.page_size = 10});
  ASSERT_EQ(programs->items.size(), 1u);
  EXPECT_EQ(programs->items[0].revision_id(), 2);
}

TEST_F(SqliteStoreTest, SessionRetryWithSameRequestIdReturnsTheFirst) {
  absl::StatusOr<v1::Session> first =
      store_->CreateSession(Session("s1", 1'700'000'000), "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Session> retry =
      store_->CreateSession(Session("s2", 1'700'000'000), "req-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
  EXPECT_EQ(CountSessions(), 1);

  ASSERT_TRUE(
      store_->CreateSession(Session("s3", 1'700'000'100), "req-2").ok());
  ASSERT_TRUE(store_->CreateSession(Session("s4", 1'700'000'200), "").ok());
  EXPECT_EQ(CountSessions(), 3);
}

TEST_F(SqliteStoreTest, SessionForAMissingRevisionIsNotWritten) {
  EXPECT_EQ(store_->CreateSession(Session("s1", 1'700'000'000, "g1@2"), "r")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->CreateSession(Session("s1", 1'700'000'000, "nope@1"), "r")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(SqliteStoreTest, PagesThroughSessionsNewestFirstWithoutGapsOrRepeats) {
  // Two sessions share a perform_time, so the pk breaks the tie.
  const int64_t times[] = {100, 500, 300, 300, 700, 200, 600};
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(
        store_
            ->CreateSession(
                Session("s" + std::to_string(i), 1'700'000'000 + times[i]), "")
            .ok());
  }
  std::vector<int64_t> seen;
  PageRequest request{.page_size = 3};
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<Page<v1::Session>> page =
        store_->ListSessions({"demo", "p1"}, request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Session& s : page->items) {
      seen.push_back(s.perform_time().seconds() - 1'700'000'000);
    }
    if (page->next_page_token.empty()) break;
    request.page_token = page->next_page_token;
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{700, 600, 500, 300, 300, 200, 100}));

  // A token of this list is refused for another patient's list.
  request.page_token =
      store_->ListSessions({"demo", "p1"}, {.page_size = 1})->next_page_token;
  ASSERT_TRUE(store_->CreatePatient(Patient("p2", "MRN-2")).ok());
  EXPECT_EQ(store_->ListSessions({"demo", "p2"}, request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, PainReportsAreIdempotentAndNewestDateFirst) {
  auto report = [](const std::string& id, const std::string& date, int score) {
    v1::PainReport r;
    r.set_name("clinics/demo/patients/p1/painReports/" + id);
    r.set_local_date(date);
    r.set_area(v1::PAIN_AREA_HIP);
    r.set_score(score);
    return r;
  };
  ASSERT_TRUE(
      store_->CreatePainReport(report("r1", "2026-11-01", 5), "a").ok());
  ASSERT_TRUE(
      store_->CreatePainReport(report("r2", "2026-11-03", 4), "b").ok());
  absl::StatusOr<v1::PainReport> again =
      store_->CreatePainReport(report("r3", "2026-11-03", 9), "b");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), "clinics/demo/patients/p1/painReports/r2");
  EXPECT_EQ(again->score(), 4);
  absl::StatusOr<Page<v1::PainReport>> page =
      store_->ListPainReports({"demo", "p1"}, {.page_size = 10});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].local_date(), "2026-11-03");
  EXPECT_EQ(page->items[1].local_date(), "2026-11-01");
}

TEST_F(SqliteStoreTest, RtmActivityReadsDistinctDataDaysAndTheMonthsTime) {
  const PatientName p1{"demo", "p1"};
  ASSERT_TRUE(store_->CreateSession(Session("s1", 1763600000), "").ok());
  v1::PainReport pain;
  pain.set_name("clinics/demo/patients/p1/painReports/r1");
  pain.set_local_date("2026-11-20");  // the session's day: one data day
  pain.set_area(v1::PAIN_AREA_HIP);
  ASSERT_TRUE(store_->CreatePainReport(pain, "").ok());
  pain.set_name("clinics/demo/patients/p1/painReports/r2");
  pain.set_local_date("2026-11-18");
  ASSERT_TRUE(store_->CreatePainReport(pain, "").ok());
  auto entry = [](const std::string& id, const std::string& date,
                  int minutes) {
    v1::ManagementTimeEntry e;
    e.set_name("clinics/demo/patients/p1/managementTimeEntries/" + id);
    e.set_date(date);
    e.set_minutes(minutes);
    return e;
  };
  ASSERT_TRUE(store_->CreateManagementTimeEntry(
                        p1, entry("m1", "2026-10-31", 10), "a")
                  .ok());
  ASSERT_TRUE(store_->CreateManagementTimeEntry(
                        p1, entry("m2", "2026-11-01", 12), "b")
                  .ok());
  absl::StatusOr<v1::ManagementTimeEntry> again =
      store_->CreateManagementTimeEntry(p1, entry("m3", "2026-11-02", 30), "b");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->minutes(), 12);

  absl::StatusOr<RtmActivity> activity = store_->GetRtmActivity(
      p1, {.data_from = "2026-11-19",
           .data_to = "2026-11-30",
           .time_from = "2026-11-01",
           .time_to = "2026-11-30"});
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(activity->data_dates, std::vector<std::string>{"2026-11-20"});
  EXPECT_EQ(activity->first_data_date, "2026-11-18");
  EXPECT_EQ(activity->first_program_start_date, "2026-11-01");
  ASSERT_EQ(activity->management_time.size(), 1u);
  EXPECT_EQ(activity->management_time[0].minutes(), 12);

  absl::StatusOr<Page<v1::ManagementTimeEntry>> page =
      store_->ListManagementTimeEntries(p1, {.page_size = 10});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].date(), "2026-11-01");
  EXPECT_FALSE(store_->GetRtmActivity({"demo", "nobody"}, {}).ok());
}

v1::OutcomeResponse OutcomeResponse(const std::string& id,
                                    const std::string& date, double score) {
  v1::OutcomeResponse response;
  response.set_name("clinics/demo/patients/p1/outcomeResponses/" + id);
  response.set_assignment("clinics/demo/patients/p1/outcomeAssignments/odi");
  response.set_measure(v1::OUTCOME_MEASURE_ODI);
  response.set_local_date(date);
  response.set_score(score);
  return response;
}

TEST_F(SqliteStoreTest, OutcomeAssignmentsAreOnePerMeasure) {
  v1::OutcomeAssignment assignment;
  assignment.set_name("clinics/demo/patients/p1/outcomeAssignments/odi");
  assignment.set_measure(v1::OUTCOME_MEASURE_ODI);
  assignment.set_every_weeks(4);
  ASSERT_TRUE(store_->CreateOutcomeAssignment(assignment).ok());
  EXPECT_EQ(store_->CreateOutcomeAssignment(assignment).status().code(),
            absl::StatusCode::kAlreadyExists);
  assignment.set_name("clinics/demo/patients/nobody/outcomeAssignments/odi");
  EXPECT_EQ(store_->CreateOutcomeAssignment(assignment).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::vector<v1::OutcomeAssignment>> listed =
      store_->ListOutcomeAssignments({"demo", "p1"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].every_weeks(), 4);
}

TEST_F(SqliteStoreTest, OutcomeResponsesKeepTheIntakeAndUpdateTheAssignment) {
  v1::OutcomeAssignment assignment;
  assignment.set_name("clinics/demo/patients/p1/outcomeAssignments/odi");
  assignment.set_measure(v1::OUTCOME_MEASURE_ODI);
  ASSERT_TRUE(store_->CreateOutcomeAssignment(assignment).ok());
  const OutcomeAssignmentName name{"demo", "p1", "odi"};

  // No response for a missing assignment.
  v1::OutcomeResponse lefs = OutcomeResponse("x", "2026-11-01", 40);
  lefs.set_assignment("clinics/demo/patients/p1/outcomeAssignments/lefs");
  EXPECT_EQ(store_->CreateOutcomeResponse(lefs, "", "").status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(store_
                  ->CreateOutcomeResponse(
                      OutcomeResponse("r1", "2026-11-01", 60), "a", "")
                  .ok());
  // Scored against no intake, though r1 is now the intake: ABORTED.
  EXPECT_EQ(store_
                ->CreateOutcomeResponse(OutcomeResponse("r2", "2026-11-29", 40),
                                        "b", "")
                .status()
                .code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(
      store_
          ->CreateOutcomeResponse(OutcomeResponse("r2", "2026-11-29", 40), "b",
                                  "clinics/demo/patients/p1/outcomeResponses/r1")
          .ok());
  // A retry returns the first, whatever intake it names.
  absl::StatusOr<v1::OutcomeResponse> again = store_->CreateOutcomeResponse(
      OutcomeResponse("r3", "2026-11-29", 10), "b", "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->score(), 40);

  absl::StatusOr<std::optional<v1::OutcomeResponse>> intake =
      store_->GetOutcomeIntake(name);
  ASSERT_TRUE(intake.ok());
  ASSERT_TRUE(intake->has_value());
  EXPECT_EQ((*intake)->score(), 60);
  absl::StatusOr<v1::OutcomeAssignment> stored =
      store_->GetOutcomeAssignment(name);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->intake_date(), "2026-11-01");
  EXPECT_EQ(stored->last_response_date(), "2026-11-29");
  EXPECT_EQ(stored->response_count(), 2);

  absl::StatusOr<Page<v1::OutcomeResponse>> page =
      store_->ListOutcomeResponses({"demo", "p1"}, {.page_size = 1});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].local_date(), "2026-11-29");
  page = store_->ListOutcomeResponses(
      {"demo", "p1"}, {.page_size = 1, .page_token = page->next_page_token});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].local_date(), "2026-11-01");
  EXPECT_TRUE(page->next_page_token.empty());

  absl::StatusOr<v1::OutcomeResponse> got =
      store_->GetOutcomeResponse({"demo", "p1", "r1"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->score(), 60);
}

TEST_F(SqliteStoreTest, PatientActivityReadsEveryOutcomeResponseWhenAsked) {
  v1::OutcomeAssignment assignment;
  assignment.set_name("clinics/demo/patients/p1/outcomeAssignments/odi");
  assignment.set_measure(v1::OUTCOME_MEASURE_ODI);
  ASSERT_TRUE(store_->CreateOutcomeAssignment(assignment).ok());
  const std::string intake = "clinics/demo/patients/p1/outcomeResponses/r1";
  ASSERT_TRUE(store_
                  ->CreateOutcomeResponse(
                      OutcomeResponse("r1", "2026-10-01", 60), "", "")
                  .ok());
  ASSERT_TRUE(store_
                  ->CreateOutcomeResponse(
                      OutcomeResponse("r2", "2026-12-01", 40), "", intake)
                  .ok());
  ASSERT_TRUE(store_
                  ->CreateOutcomeResponse(
                      OutcomeResponse("r3", "2026-11-01", 50), "", intake)
                  .ok());

  const PatientName p1{"demo", "p1"};
  absl::StatusOr<PatientActivity> without = store_->GetPatientActivity(
      p1, {.from = "2026-11-01", .to = "2026-11-28"});
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_TRUE(without->outcome_responses.empty());

  // Outside [from, to] too, oldest local_date first.
  absl::StatusOr<PatientActivity> with = store_->GetPatientActivity(
      p1,
      {.from = "2026-11-01", .to = "2026-11-28", .outcome_responses = true});
  ASSERT_TRUE(with.ok()) << with.status();
  std::vector<std::string> dates;
  for (const v1::OutcomeResponse& response : with->outcome_responses) {
    dates.push_back(response.local_date());
  }
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-10-01", "2026-11-01",
                                             "2026-12-01"}));
}

v1::AccessToken Token(const std::string& id) {
  v1::AccessToken token;
  token.set_name("clinics/demo/accessTokens/" + id);
  token.set_role(v1::ROLE_THERAPIST);
  token.set_subject("clinics/demo/therapists/t1");
  token.set_display_name("Token " + id);
  token.mutable_expire_time()->set_seconds(4102444800);  // 2100-01-01
  return token;
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

TEST_F(SqliteStoreTest, TokensAreFoundByTheirSecretsHashAndRevokedOnce) {
  ASSERT_TRUE(store_->CreateAccessToken(Token("k1"), "hash-1").ok());
  ASSERT_TRUE(store_->CreateAccessToken(Token("k2"), "hash-2").ok());
  EXPECT_EQ(store_->CreateAccessToken(Token("k3"), "hash-1").status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::AccessToken other_clinic = Token("k4");
  other_clinic.set_name("clinics/nowhere/accessTokens/k4");
  EXPECT_EQ(store_->CreateAccessToken(other_clinic, "hash-4").status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<v1::AccessToken> found = store_->FindAccessToken("hash-2");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->name(), "clinics/demo/accessTokens/k2");
  EXPECT_EQ(store_->FindAccessToken("hash-9").status().code(),
            absl::StatusCode::kNotFound);

  google::protobuf::Timestamp now;
  now.set_seconds(1800000000);
  absl::StatusOr<v1::AccessToken> revoked =
      store_->RevokeAccessToken({"demo", "k1"}, now);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoke_time().seconds(), 1800000000);
  google::protobuf::Timestamp later;
  later.set_seconds(1900000000);
  // Revoking again keeps the first revocation.
  EXPECT_EQ(
      store_->RevokeAccessToken({"demo", "k1"}, later)->revoke_time().seconds(),
      1800000000);
  EXPECT_TRUE(store_->FindAccessToken("hash-1")->has_revoke_time());
  EXPECT_EQ(store_->RevokeAccessToken({"demo", "nope"}, now).status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<Page<v1::AccessToken>> page =
      store_->ListAccessTokens({"demo"}, {.page_size = 1});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name(), "clinics/demo/accessTokens/k2");  // newest
  page = store_->ListAccessTokens(
      {"demo"}, {.page_size = 1, .page_token = page->next_page_token});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name(), "clinics/demo/accessTokens/k1");
  EXPECT_TRUE(page->next_page_token.empty());
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

TEST_F(SqliteStoreTest, TheAuditTrailListsNewestFirstByPatientAndTime) {
  ASSERT_TRUE(store_
                  ->AppendAuditEvents({Event("clinics/demo/patients/p1", 100),
                                       Event("", 200),
                                       Event("clinics/demo/patients/p1", 300)})
                  .ok());
  absl::StatusOr<Page<v1::AuditEvent>> all =
      store_->ListAuditEvents({.clinic = {"demo"}}, {.page_size = 10});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0].time().seconds(), 300);
  EXPECT_EQ(all->items[0].name(), "clinics/demo/auditEvents/" +
                                      std::to_string(all->items[0].sequence()));
  EXPECT_GT(all->items[0].sequence(), all->items[1].sequence());

  absl::StatusOr<Page<v1::AuditEvent>> p1 = store_->ListAuditEvents(
      {.clinic = {"demo"}, .patient = PatientName{"demo", "p1"}},
      {.page_size = 10});
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_EQ(p1->items.size(), 2u);

  absl::StatusOr<Page<v1::AuditEvent>> window =
      store_->ListAuditEvents({.clinic = {"demo"},
                               .start = absl::FromUnixSeconds(150),
                               .end = absl::FromUnixSeconds(300)},
                              {.page_size = 10});
  ASSERT_TRUE(window.ok()) << window.status();
  ASSERT_EQ(window->items.size(), 1u);
  EXPECT_EQ(window->items[0].time().seconds(), 200);

  // A batch with an unknown clinic writes nothing.
  AuditRecord stray = Event("", 400);
  stray.clinic = {"nowhere"};
  EXPECT_FALSE(store_->AppendAuditEvents({Event("", 400), stray}).ok());
  EXPECT_EQ(store_->ListAuditEvents({.clinic = {"demo"}}, {.page_size = 10})
                ->items.size(),
            3u);
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
