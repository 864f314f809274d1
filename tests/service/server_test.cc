// Integration tests: a real GlutecareServer on 127.0.0.1 (a free port) with a
// real SQLite file, driven through the generated gRPC stubs.
#include "server/service/server.h"

#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "glutecare/v1/alert_service.grpc.pb.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "glutecare/v1/exercise_service.grpc.pb.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "glutecare/v1/suggestion_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "tests/testing/access.h"
#include "tests/testing/grpc_errors.h"
#include "tests/testing/sqlite_server.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::ErrorReason;
using testing::ViolatedFields;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::string> admin =
        testing::BootstrapAdmin(dir_.File("glutecare.db"), "demo");
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_token_ = *admin;
    absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
        testing::StartSqliteServer(
            {.listen_address = "127.0.0.1:0",
             .worker_threads = 2,
             // Tests sweep explicitly (SweepAlerts).
             .alert_sweep_interval = absl::ZeroDuration()},
            dir_.File("glutecare.db"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    clinics_ = v1::ClinicService::NewStub(channel_);
    patients_ = v1::PatientService::NewStub(channel_);
    exercises_ = v1::ExerciseService::NewStub(channel_);
    programs_ = v1::ProgramService::NewStub(channel_);
    sessions_ = v1::SessionService::NewStub(channel_);
    SeedClinic();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  }

  // Every call carries a deadline, so a broken server fails the test rather
  // than hanging it, and a token: the therapist's unless another is given.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    testing::SetBearer(*context, token);
    return context;
  }
  std::unique_ptr<grpc::ClientContext> Context() {
    return Context(therapist_token_);
  }
  // Patient p1's: sessions and pain check-ins are the patient's to submit.
  std::unique_ptr<grpc::ClientContext> PatientContext() {
    return Context(patient_token_);
  }

  void SeedClinic() {
    v1::CreateTherapistRequest therapist;
    therapist.set_parent("clinics/demo");
    therapist.set_therapist_id("t1");
    therapist.mutable_therapist()->set_display_name("Tess Therapist");
    v1::Therapist created_therapist;
    ASSERT_TRUE(clinics_
                    ->CreateTherapist(Context(admin_token_).get(), therapist,
                                      &created_therapist)
                    .ok());
    absl::StatusOr<std::string> therapist_token =
        testing::CreateToken(channel_, admin_token_, "clinics/demo",
                             v1::ROLE_THERAPIST, "clinics/demo/therapists/t1");
    ASSERT_TRUE(therapist_token.ok()) << therapist_token.status();
    therapist_token_ = *therapist_token;

    v1::CreatePatientRequest patient = PatientRequest("p1", "MRN-1");
    ASSERT_TRUE(
        patients_->CreatePatient(Context().get(), patient, &patient_).ok());

    grpc::Status status = programs_->CreateProgram(
        Context().get(),
        ProgramRequest("clinics/demo/patients/p1", "2026-11-01",
                       {"glute-bridge", "clamshell", "bodyweight-squat"}),
        &program_);
    ASSERT_TRUE(status.ok()) << status.error_message();

    absl::StatusOr<std::string> patient_token =
        testing::CreateToken(channel_, admin_token_, "clinics/demo",
                             v1::ROLE_PATIENT, "clinics/demo/patients/p1");
    ASSERT_TRUE(patient_token.ok()) << patient_token.status();
    patient_token_ = *patient_token;
  }

  // Program g1 of `patient`, active from `start_date` (YYYY-MM-DD): each of
  // `exercises` (ids) 3 x 12 at body weight, three sessions a week.
  static v1::CreateProgramRequest ProgramRequest(
      const std::string& patient, const std::string& start_date,
      std::initializer_list<const char*> exercises) {
    v1::CreateProgramRequest request;
    request.set_parent(patient);
    request.set_program_id("g1");
    v1::Program* p = request.mutable_program();
    p->set_display_name("Glute strength, phase 1");
    p->set_status(v1::PROGRAM_STATUS_ACTIVE);
    p->set_start_date(start_date);
    for (const char* exercise : exercises) {
      v1::Prescription* rx = p->add_prescriptions();
      rx->set_exercise(absl::StrCat("exercises/", exercise));
      rx->set_sets(3);
      rx->set_reps(12);
      rx->mutable_load()->set_type(v1::LOAD_TYPE_BODYWEIGHT);
      rx->set_sessions_per_week(3);
    }
    return request;
  }

  static v1::CreatePatientRequest PatientRequest(const std::string& id,
                                                 const std::string& mrn) {
    v1::CreatePatientRequest request;
    request.set_parent("clinics/demo");
    request.set_patient_id(id);
    v1::Patient* p = request.mutable_patient();
    p->set_display_name("Pat Patient");
    p->set_mrn(mrn);
    p->set_time_zone("America/New_York");
    p->add_pain_areas(v1::PAIN_AREA_LOWER_BACK);
    p->set_therapist("clinics/demo/therapists/t1");
    p->set_baseline_pain(6);
    return request;
  }

  v1::CreateSessionRequest SessionRequest(const std::string& request_id,
                                          int64_t revision = 1) {
    v1::CreateSessionRequest request;
    request.set_parent("clinics/demo/patients/p1");
    request.set_request_id(request_id);
    v1::Session* s = request.mutable_session();
    *s->mutable_perform_time() =
        NowTimestamp();
    s->set_program_revision(
        absl::StrCat("clinics/demo/patients/p1/programs/g1@", revision));
    v1::PerformedExercise* e = s->add_exercises();
    e->set_exercise("exercises/glute-bridge");
    e->set_sets(3);
    e->set_reps(12);
    e->mutable_load()->set_type(v1::LOAD_TYPE_BODYWEIGHT);
    s->set_pain_before(4);
    s->set_pain_after(3);
    s->set_pain_area(v1::PAIN_AREA_LOWER_BACK);
    s->set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
    return request;
  }

  int CountSessions() {
    v1::ListSessionsRequest request;
    request.set_parent("clinics/demo/patients/p1");
    request.set_page_size(1000);
    v1::ListSessionsResponse response;
    grpc::Status status =
        sessions_->ListSessions(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.sessions_size();
  }

  testing::TempDir dir_;
  std::unique_ptr<GlutecareServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ClinicService::Stub> clinics_;
  std::unique_ptr<v1::PatientService::Stub> patients_;
  std::unique_ptr<v1::ExerciseService::Stub> exercises_;
  std::unique_ptr<v1::ProgramService::Stub> programs_;
  std::unique_ptr<v1::SessionService::Stub> sessions_;
  v1::Patient patient_;
  v1::Program program_;
  std::string admin_token_;
  std::string therapist_token_;
  std::string patient_token_;
};

TEST_F(ServerTest, HealthServiceReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Context().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServerTest, CreatedResourcesCarryNamesTimesAndEtags) {
  EXPECT_EQ(patient_.name(), "clinics/demo/patients/p1");
  EXPECT_TRUE(patient_.has_create_time());
  EXPECT_FALSE(patient_.etag().empty());
  EXPECT_EQ(program_.name(), "clinics/demo/patients/p1/programs/g1");
  EXPECT_EQ(program_.revision_id(), 1);
  // An empty program therapist means the patient's own.
  EXPECT_EQ(program_.therapist(), "clinics/demo/therapists/t1");
}

TEST_F(ServerTest, ServesTheExerciseCatalog) {
  v1::ListExercisesRequest request;
  request.set_page_size(4);
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    v1::ListExercisesResponse response;
    ASSERT_TRUE(
        exercises_->ListExercises(Context().get(), request, &response).ok());
    for (const auto& e : response.exercises()) names.push_back(e.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(names[0], "exercises/glute-bridge");

  v1::GetExerciseRequest get;
  get.set_name("exercises/clamshell");
  v1::Exercise clamshell;
  ASSERT_TRUE(exercises_->GetExercise(Context().get(), get, &clamshell).ok());
  EXPECT_EQ(clamshell.progresses_to(), "exercises/banded-clamshell");
  EXPECT_THAT(clamshell.target_muscles(),
              ::testing::Contains(v1::MUSCLE_GLUTEUS_MEDIUS));
  get.set_name("exercises/deadlift");
  EXPECT_EQ(
      exercises_->GetExercise(Context().get(), get, &clamshell).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerTest, SessionSubmissionDerivesTheLocalDate) {
  v1::CreateSessionRequest request = SessionRequest("r1");
  // 2026-11-20 03:30 UTC is still 2026-11-19 in New York.
  request.mutable_session()->mutable_perform_time()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(
          absl::CivilSecond(2026, 11, 20, 3, 30, 0), absl::UTCTimeZone())));
  v1::Session session;
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), request, &session);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(session.local_date(), "2026-11-19");
  EXPECT_THAT(session.name(), HasSubstr("clinics/demo/patients/p1/sessions/"));

  v1::GetSessionRequest get;
  get.set_name(session.name());
  v1::Session fetched;
  ASSERT_TRUE(sessions_->GetSession(Context().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), session.SerializeAsString());
}

TEST_F(ServerTest, ASessionWithoutAnAreaTakesThePatientsFirstPainArea) {
  v1::CreateSessionRequest request = SessionRequest("no-area");
  request.mutable_session()->clear_pain_area();
  v1::Session session;
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), request, &session);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(session.pain_area(), v1::PAIN_AREA_LOWER_BACK);
}

TEST_F(ServerTest, RetriedSubmissionReturnsTheOriginal) {
  v1::Session first, second;
  ASSERT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("same"), &first)
                  .ok());
  ASSERT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("same"), &second)
                  .ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountSessions(), 1);
}

TEST_F(ServerTest, BadSessionIsRejectedWithFieldViolationsAndNotStored) {
  v1::CreateSessionRequest request = SessionRequest("bad");
  request.mutable_session()->set_pain_before(11);
  request.mutable_session()->mutable_exercises(0)->set_exercise(
      "exercises/burpee");
  request.mutable_session()->clear_difficulty();
  v1::Session session;
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), request, &session);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("session.exercises[0].exercise",
                          "session.pain_before", "session.difficulty"));
  EXPECT_EQ(ErrorReason(status), "INVALID_FIELD");
  EXPECT_THAT(status.error_message(), HasSubstr("session.pain_before"));
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(ServerTest, UnknownReferencesAreFieldErrorsAndMissingParentsNotFound) {
  v1::Session session;
  v1::CreateSessionRequest no_revision = SessionRequest("x", 7);
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), no_revision, &session);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.program_revision"));

  v1::CreateSessionRequest no_patient = SessionRequest("y");
  no_patient.set_parent("clinics/demo/patients/nobody");
  no_patient.mutable_session()->set_program_revision(
      "clinics/demo/patients/nobody/programs/g1@1");
  EXPECT_EQ(
      sessions_->CreateSession(PatientContext().get(), no_patient, &session)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  v1::CreatePatientRequest ghost_therapist = PatientRequest("p2", "MRN-2");
  ghost_therapist.mutable_patient()->set_therapist(
      "clinics/demo/therapists/ghost");
  v1::Patient patient;
  status = patients_->CreatePatient(Context().get(), ghost_therapist, &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("patient.therapist"));

  v1::CreatePatientRequest other_clinic = PatientRequest("p2", "MRN-2");
  other_clinic.set_parent("clinics/elsewhere");
  other_clinic.mutable_patient()->set_therapist(
      "clinics/elsewhere/therapists/t1");
  EXPECT_EQ(patients_->CreatePatient(Context().get(), other_clinic, &patient)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::GetPatientRequest malformed;
  malformed.set_name("patients/p1");
  status = patients_->GetPatient(Context().get(), malformed, &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(ServerTest, DuplicatesAreAlreadyExists) {
  v1::Patient patient;
  grpc::Status status = patients_->CreatePatient(
      Context().get(), PatientRequest("p2", "MRN-1"), &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("MRN-1"));
  status = patients_->CreatePatient(Context().get(),
                                    PatientRequest("p1", "MRN-9"), &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(ServerTest, ProgramUpdateCreatesARevisionAndOldRevisionsStayUsable) {
  v1::UpdateProgramRequest update;
  *update.mutable_program() = program_;
  update.mutable_program()->mutable_prescriptions(1)->mutable_load()->set_type(
      v1::LOAD_TYPE_BAND_LIGHT);
  update.mutable_update_mask()->add_paths("prescriptions");
  v1::Program revised;
  grpc::Status status =
      programs_->UpdateProgram(Context().get(), update, &revised);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(revised.revision_id(), 2);
  EXPECT_NE(revised.etag(), program_.etag());

  // The old etag is stale now.
  status = programs_->UpdateProgram(Context().get(), update, &revised);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");

  v1::ListProgramRevisionsRequest list;
  list.set_name(program_.name());
  v1::ListProgramRevisionsResponse revisions;
  ASSERT_TRUE(
      programs_->ListProgramRevisions(Context().get(), list, &revisions).ok());
  ASSERT_EQ(revisions.programs_size(), 2);
  EXPECT_EQ(revisions.programs(0).revision_id(), 2);
  EXPECT_EQ(revisions.programs(1).prescriptions(1).load().type(),
            v1::LOAD_TYPE_BODYWEIGHT);

  v1::Session session;
  EXPECT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("old", 1), &session)
                  .ok());
  EXPECT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("new", 2), &session)
                  .ok());
}

TEST_F(ServerTest, InvalidProgramUpdateWritesNoRevision) {
  v1::UpdateProgramRequest update;
  update.mutable_program()->set_name(program_.name());
  update.mutable_program()->set_end_date("2026-10-01");  // before the start
  update.mutable_update_mask()->add_paths("end_date");
  v1::Program revised;
  grpc::Status status =
      programs_->UpdateProgram(Context().get(), update, &revised);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("program.end_date"));

  update.mutable_update_mask()->set_paths(0, "revision_id");
  status = programs_->UpdateProgram(Context().get(), update, &revised);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask"));

  v1::GetProgramRequest get;
  get.set_name(program_.name());
  ASSERT_TRUE(programs_->GetProgram(Context().get(), get, &revised).ok());
  EXPECT_EQ(revised.revision_id(), 1);
}

TEST_F(ServerTest, UpdatePatientAppliesTheMask) {
  v1::UpdatePatientRequest update;
  update.mutable_patient()->set_name("clinics/demo/patients/p1");
  update.mutable_patient()->set_baseline_pain(4);
  update.mutable_patient()->set_display_name("ignored: not in the mask");
  update.mutable_update_mask()->add_paths("baseline_pain");
  v1::Patient updated;
  ASSERT_TRUE(patients_->UpdatePatient(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.baseline_pain(), 4);
  EXPECT_EQ(updated.display_name(), "Pat Patient");

  update.mutable_patient()->set_etag(patient_.etag());  // stale now
  EXPECT_EQ(
      patients_->UpdatePatient(Context().get(), update, &updated).error_code(),
      grpc::StatusCode::ABORTED);
}

TEST_F(ServerTest, PainReportDefaultsToThePatientsToday) {
  v1::CreatePainReportRequest request;
  request.set_parent("clinics/demo/patients/p1");
  request.set_request_id("pain-1");
  request.mutable_pain_report()->set_area(v1::PAIN_AREA_LOWER_BACK);
  request.mutable_pain_report()->set_score(5);
  v1::PainReport report;
  ASSERT_TRUE(
      sessions_->CreatePainReport(PatientContext().get(), request, &report)
          .ok());
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), new_york);
  // The call may straddle midnight in New York; either day is right then.
  EXPECT_THAT(report.local_date(),
              ::testing::AnyOf(absl::FormatCivilTime(today),
                               absl::FormatCivilTime(today - 1)));

  request.set_request_id("pain-2");
  request.mutable_pain_report()->set_score(12);
  grpc::Status status =
      sessions_->CreatePainReport(PatientContext().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("pain_report.score"));

  v1::ListPainReportsRequest list;
  list.set_parent("clinics/demo/patients/p1");
  v1::ListPainReportsResponse reports;
  ASSERT_TRUE(sessions_->ListPainReports(Context().get(), list, &reports).ok());
  EXPECT_EQ(reports.pain_reports_size(), 1);
}

TEST_F(ServerTest, ConcurrentSubmissionsAllLandOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::Session session;
        grpc::ClientContext context;
        testing::SetBearer(context, patient_token_);
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(20));
        if (!sessions_
                 ->CreateSession(&context,
                                 SessionRequest(absl::StrCat("t", t, "-", i)),
                                 &session)
                 .ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CountSessions(), kThreads * kPerThread);
}

TEST_F(ServerTest, OversizedRequestsAreRefused) {
  v1::CreateSessionRequest request = SessionRequest("huge");
  request.mutable_session()->set_notes(std::string(2 << 20, 'x'));
  v1::Session session;
  EXPECT_EQ(sessions_->CreateSession(PatientContext().get(), request, &session)
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(ServerTest, BadPageTokensAndSizesAreFieldErrors) {
  v1::ListSessionsRequest request;
  request.set_parent("clinics/demo/patients/p1");
  request.set_page_token("garbage");
  v1::ListSessionsResponse response;
  grpc::Status status =
      sessions_->ListSessions(Context().get(), request, &response);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  request.clear_page_token();
  request.set_page_size(-5);
  status = sessions_->ListSessions(Context().get(), request, &response);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_size"));
}

}  // namespace
}  // namespace glutecare

namespace glutecare {
namespace {

class ReportTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    reports_ = v1::ReportService::NewStub(channel_);
  }

  // Submits a session done at noon, New York time, on `day`.
  void SubmitOn(absl::CivilDay day, int pain_before, int pain_after) {
    absl::TimeZone new_york;
    ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
    v1::CreateSessionRequest request =
        SessionRequest(absl::StrCat("r-", absl::FormatCivilTime(day)));
    request.mutable_session()->mutable_perform_time()->set_seconds(
        absl::ToUnixSeconds(
            absl::FromCivil(absl::CivilHour(day) + 12, new_york)));
    request.mutable_session()->set_pain_before(pain_before);
    request.mutable_session()->set_pain_after(pain_after);
    v1::Session session;
    grpc::Status status =
        sessions_->CreateSession(PatientContext().get(), request, &session);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::unique_ptr<v1::ReportService::Stub> reports_;
};

TEST_F(ReportTest, AdherenceAndPainOverAFixedRange) {
  // The program (3 per week) started 2026-11-01; this is the week of Monday
  // 2026-11-02 in full.
  const absl::CivilDay monday(2026, 11, 2);
  SubmitOn(monday, 6, 4);
  SubmitOn(monday + 2, 5, 3);
  SubmitOn(monday + 4, 4, 7);

  v1::GetAdherenceReportRequest adherence_request;
  adherence_request.set_patient("clinics/demo/patients/p1");
  adherence_request.set_start_date("2026-11-02");
  adherence_request.set_end_date("2026-11-08");
  v1::AdherenceReport adherence;
  grpc::Status status = reports_->GetAdherenceReport(
      Context().get(), adherence_request, &adherence);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(adherence.patient(), "clinics/demo/patients/p1");
  ASSERT_EQ(adherence.weeks_size(), 1);
  EXPECT_EQ(adherence.completed_sessions(), 3);
  EXPECT_NEAR(adherence.adherence_percent(), 100.0, 1e-9);
  EXPECT_EQ(adherence.data_days(), 3);
  EXPECT_EQ(adherence.days_since_last_session(), 2);
  EXPECT_EQ(adherence.current_streak_weeks(), 1);

  v1::GetPainTrendReportRequest pain_request;
  pain_request.set_patient("clinics/demo/patients/p1");
  pain_request.set_start_date("2026-11-02");
  pain_request.set_end_date("2026-11-08");
  v1::PainTrendReport pain;
  status = reports_->GetPainTrendReport(Context().get(), pain_request, &pain);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(pain.areas_size(), 1);
  EXPECT_EQ(pain.areas(0).days_size(), 3);
  EXPECT_DOUBLE_EQ(pain.areas(0).days(0).mean(), 5.0);
  EXPECT_EQ(pain.sessions_safe(), 1);
  EXPECT_EQ(pain.sessions_acceptable(), 1);
  EXPECT_EQ(pain.sessions_unacceptable(), 1);
  // Baseline 6; the 7-day mean on Nov 6 is (6+4+5+3+4+7)/6 = 4.83.
  EXPECT_NEAR(pain.areas(0).change_from_baseline().points(), 29.0 / 6 - 6,
              1e-9);
}

TEST_F(ReportTest, DefaultsToTheLast28DaysAndValidatesRanges) {
  v1::GetAdherenceReportRequest request;
  request.set_patient("clinics/demo/patients/p1");
  v1::AdherenceReport report;
  ASSERT_TRUE(
      reports_->GetAdherenceReport(Context().get(), request, &report).ok());
  absl::StatusOr<absl::CivilDay> start, end;
  absl::CivilDay start_day, end_day;
  ASSERT_TRUE(absl::ParseCivilTime(report.start_date(), &start_day));
  ASSERT_TRUE(absl::ParseCivilTime(report.end_date(), &end_day));
  EXPECT_EQ(end_day - start_day, 27);

  request.set_start_date("2026-11-10");
  request.set_end_date("2026-11-01");
  grpc::Status status =
      reports_->GetAdherenceReport(Context().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("start_date"));
  request.set_start_date("2024-01-01");
  status = reports_->GetAdherenceReport(Context().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("start_date"));
  request.set_start_date("");
  request.set_end_date("11/01/2026");
  status = reports_->GetAdherenceReport(Context().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("end_date"));
  request.set_end_date("");
  request.set_patient("clinics/demo/patients/nobody");
  EXPECT_EQ(reports_->GetAdherenceReport(Context().get(), request, &report)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace glutecare

namespace glutecare {
namespace {

class AlertTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    alerts_ = v1::AlertService::NewStub(channel_);
  }

  v1::Session Submit(const std::string& request_id, int pain_after) {
    v1::CreateSessionRequest request = SessionRequest(request_id);
    request.mutable_session()->set_pain_after(pain_after);
    v1::Session session;
    grpc::Status status =
        sessions_->CreateSession(PatientContext().get(), request, &session);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return session;
  }

  std::vector<v1::Alert> List(
      const std::string& parent,
      v1::AlertState state = v1::ALERT_STATE_UNSPECIFIED) {
    v1::ListAlertsRequest request;
    request.set_parent(parent);
    request.set_state(state);
    v1::ListAlertsResponse response;
    grpc::Status status =
        alerts_->ListAlerts(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.alerts().begin(), response.alerts().end()};
  }

  std::vector<v1::Alert> OfRule(const std::vector<v1::Alert>& alerts,
                                v1::AlertRule rule) {
    std::vector<v1::Alert> matching;
    for (const v1::Alert& a : alerts) {
      if (a.rule() == rule) matching.push_back(a);
    }
    return matching;
  }

  std::unique_ptr<v1::AlertService::Stub> alerts_;
};

TEST_F(AlertTest, HighPainAfterASessionRaisesOneAlertPerRuleUntilResolved) {
  const v1::Session first = Submit("s1", 7);
  std::vector<v1::Alert> pain = OfRule(List("clinics/demo/patients/p1"),
                                       v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(pain.size(), 1u);
  EXPECT_EQ(pain[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(pain[0].evidence(), ElementsAre(first.name()));
  EXPECT_EQ(pain[0].therapist(), "clinics/demo/therapists/t1");
  EXPECT_THAT(pain[0].summary(), HasSubstr("7/10"));
  EXPECT_GT(pain[0].sequence(), 0);

  // Another one while the first is open: more evidence, no second alert.
  const v1::Session second = Submit("s2", 8);
  pain = OfRule(List("clinics/demo/patients/-"),
                v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(pain.size(), 1u);
  EXPECT_THAT(pain[0].evidence(), ElementsAre(first.name(), second.name()));

  v1::AcknowledgeAlertRequest ack;
  ack.set_name(pain[0].name());
  v1::Alert updated;
  ASSERT_TRUE(alerts_->AcknowledgeAlert(Context().get(), ack, &updated).ok());
  EXPECT_EQ(updated.state(), v1::ALERT_STATE_ACKNOWLEDGED);
  Submit("s3", 9);  // still one unresolved alert of the rule
  EXPECT_EQ(OfRule(List("clinics/demo/patients/p1"),
                   v1::ALERT_RULE_POST_EXERCISE_PAIN)
                .size(),
            1u);

  v1::ResolveAlertRequest resolve;
  resolve.set_name(pain[0].name());
  ASSERT_TRUE(alerts_->ResolveAlert(Context().get(), resolve, &updated).ok());
  EXPECT_EQ(updated.state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(updated.resolution(), v1::ALERT_RESOLUTION_THERAPIST);
  EXPECT_EQ(
      alerts_->AcknowledgeAlert(Context().get(), ack, &updated).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  // Resolved: the next event of the rule raises a new alert; the old events
  // do not come back.
  Submit("s4", 6);
  pain = OfRule(List("clinics/demo/patients/p1"),
                v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(pain.size(), 2u);
  EXPECT_EQ(pain[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(pain[0].evidence_size(), 1);
  EXPECT_EQ(OfRule(List("clinics/demo/patients/p1", v1::ALERT_STATE_RESOLVED),
                   v1::ALERT_RULE_POST_EXERCISE_PAIN)
                .size(),
            1u);
}

TEST_F(AlertTest, SweepRaisesMissedSessions) {
  // The seeded program started 2026-11-01 and has no sessions.
  ASSERT_TRUE(server_->SweepAlerts().ok());
  std::vector<v1::Alert> missed =
      OfRule(List("clinics/demo/patients/p1"), v1::ALERT_RULE_MISSED_SESSIONS);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_THAT(missed[0].summary(), HasSubstr("No session for"));
  ASSERT_TRUE(server_->SweepAlerts().ok());  // nothing new the second time
  EXPECT_EQ(
      OfRule(List("clinics/demo/patients/p1"), v1::ALERT_RULE_MISSED_SESSIONS)
          .size(),
      1u);
}

// The reported case: patient p2's program, three bridges a week, was entered
// with a start date 280 days back, which raised "No session for 280 days
// (none since the program started)". Sessions delivered late, as the CLI's
// outbox does, carry the perform_time they were done at.
class OldProgramAlertTest : public AlertTest {
 protected:
  void SetUp() override {
    AlertTest::SetUp();
    ASSERT_TRUE(patients_
                    ->CreatePatient(Context().get(),
                                    PatientRequest("p2", "MRN-2"), &p2_)
                    .ok());
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(p2_.time_zone(), &zone));
    ASSERT_TRUE(programs_
                    ->CreateProgram(
                        Context().get(),
                        ProgramRequest(p2_.name(),
                                       absl::FormatCivilTime(
                                           absl::ToCivilDay(now_, zone) - 280),
                                       {"glute-bridge"}),
                        &p2_program_)
                    .ok());
    absl::StatusOr<std::string> token = testing::CreateToken(
        channel_, admin_token_, "clinics/demo", v1::ROLE_PATIENT, p2_.name());
    ASSERT_TRUE(token.ok()) << token.status();
    p2_token_ = *token;

    const std::vector<v1::Alert> missed = MissedSessionsAlerts();
    ASSERT_EQ(missed.size(), 1u);
    raised_ = missed[0];
    EXPECT_EQ(raised_.state(), v1::ALERT_STATE_OPEN);
    // 281 if the patient's day turned since `now_`.
    EXPECT_THAT(raised_.summary(),
                ::testing::AnyOf(HasSubstr("No session for 280 days"),
                                 HasSubstr("No session for 281 days")));
    EXPECT_THAT(raised_.summary(), HasSubstr("none since the program started"));
  }

  // Submits a session of p2's, done at `performed`.
  v1::Session SubmitDone(const std::string& request_id, absl::Time performed) {
    v1::CreateSessionRequest request = SessionRequest(request_id);
    request.set_parent(p2_.name());
    request.mutable_session()->set_program_revision(p2_program_.name() + "@1");
    *request.mutable_session()->mutable_perform_time() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
            absl::ToUnixNanos(performed));
    v1::Session session;
    grpc::Status status =
        sessions_->CreateSession(Context(p2_token_).get(), request, &session);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return session;
  }

  // Every missed-sessions alert of p2, in any state.
  std::vector<v1::Alert> MissedSessionsAlerts() {
    return OfRule(List(p2_.name()), v1::ALERT_RULE_MISSED_SESSIONS);
  }

  const absl::Time now_ = absl::Now();
  v1::Patient p2_;
  v1::Program p2_program_;
  std::string p2_token_;
  // The missed-sessions alert the program's entry raised.
  v1::Alert raised_;
};

// Regression test: the alert stayed open, with that text and no evidence,
// after 11 sessions were stored. The session that clears it here was done
// two days ago and delivered after the alert was raised.
TEST_F(OldProgramAlertTest, ALateDeliveredSessionResolvesTheMissedSessionsAlert) {
  const v1::Session late = SubmitDone("from-the-outbox", now_ - absl::Hours(48));

  std::vector<v1::Alert> missed = MissedSessionsAlerts();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].name(), raised_.name());
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(missed[0].resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_THAT(missed[0].resolution_evidence(), ElementsAre(late.name()));
  EXPECT_THAT(missed[0].resolution_summary(),
              HasSubstr("A session on " + late.local_date()));

  // The therapist's decisions still work on it: resolving again changes
  // nothing, acknowledging a resolved alert is refused.
  v1::ResolveAlertRequest resolve;
  resolve.set_name(raised_.name());
  v1::Alert updated;
  ASSERT_TRUE(alerts_->ResolveAlert(Context().get(), resolve, &updated).ok());
  EXPECT_EQ(updated.resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  v1::AcknowledgeAlertRequest ack;
  ack.set_name(raised_.name());
  EXPECT_EQ(
      alerts_->AcknowledgeAlert(Context().get(), ack, &updated).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  // Ten more sessions, and a sweep: no missed-sessions alert is open.
  for (int i = 0; i < 10; ++i) {
    SubmitDone(absl::StrCat("s", i), now_ - absl::Minutes(10 - i));
  }
  ASSERT_TRUE(server_->SweepAlerts().ok());
  EXPECT_TRUE(OfRule(List(p2_.name(), v1::ALERT_STATE_OPEN),
                     v1::ALERT_RULE_MISSED_SESSIONS)
                  .empty());
  EXPECT_EQ(MissedSessionsAlerts().size(), 1u);
}

// A late session that leaves days without one, as many as the program
// allows: the alert stays open and tells that gap, not the 280 days; the
// next session clears it.
TEST_F(OldProgramAlertTest, ALateSessionBeforeANewGapRefreshesTheAlert) {
  const v1::Session late =
      SubmitDone("from-the-outbox", now_ - absl::Hours(24 * 10));

  std::vector<v1::Alert> missed = MissedSessionsAlerts();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].name(), raised_.name());
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(missed[0].summary(),
              HasSubstr("(the last was on " + late.local_date() + ")"));
  EXPECT_THAT(missed[0].summary(),
              ::testing::Not(HasSubstr("none since the program started")));

  const v1::Session today = SubmitDone("today", now_);
  missed = MissedSessionsAlerts();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(missed[0].resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_THAT(missed[0].resolution_evidence(), ElementsAre(today.name()));
}

TEST_F(AlertTest, BadRequestsAreFieldErrors) {
  v1::ListAlertsRequest list;
  list.set_parent("clinics/demo/patients/-");
  list.set_state(static_cast<v1::AlertState>(42));
  v1::ListAlertsResponse response;
  EXPECT_THAT(
      ViolatedFields(alerts_->ListAlerts(Context().get(), list, &response)),
      ElementsAre("state"));
  list.set_state(v1::ALERT_STATE_OPEN);
  list.set_therapist("clinics/other/therapists/t1");
  EXPECT_THAT(
      ViolatedFields(alerts_->ListAlerts(Context().get(), list, &response)),
      ElementsAre("therapist"));
  v1::AcknowledgeAlertRequest ack;
  ack.set_name("clinics/demo/patients/p1/alerts/nope");
  v1::Alert alert;
  EXPECT_EQ(
      alerts_->AcknowledgeAlert(Context().get(), ack, &alert).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

// Reads alerts from a WatchAlerts stream until `count` arrived or the call's
// deadline passes.
std::vector<v1::Alert> ReadAlerts(grpc::ClientReader<v1::Alert>& reader,
                                  size_t count) {
  std::vector<v1::Alert> received;
  v1::Alert alert;
  while (received.size() < count && reader.Read(&alert)) {
    received.push_back(alert);
  }
  return received;
}

TEST_F(AlertTest, WatchPushesNewAlertsAndResumesAfterASequence) {
  // Assigning the program already raised alerts (missed sessions); watch
  // only what comes after them.
  int64_t start_after = 0;
  for (const v1::Alert& alert : List("clinics/demo/patients/-")) {
    start_after = std::max(start_after, alert.sequence());
  }
  v1::WatchAlertsRequest request;
  request.set_parent("clinics/demo");
  request.set_therapist("clinics/demo/therapists/t1");
  request.set_after_sequence(start_after);
  grpc::ClientContext context;
  testing::SetBearer(context, therapist_token_);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
      alerts_->WatchAlerts(&context, request);
  // Wait until the stream is established, so the alert below is raised
  // after the watch began.
  reader->WaitForInitialMetadata();

  Submit("live", 9);  // raises a post-exercise pain alert
  std::vector<v1::Alert> received = ReadAlerts(*reader, 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].rule(), v1::ALERT_RULE_POST_EXERCISE_PAIN);
  const int64_t seen = received[0].sequence();
  context.TryCancel();
  reader->Finish();

  // While disconnected, more alerts are raised: the sweep's, and a new
  // post-exercise pain alert once the first is resolved.
  ASSERT_TRUE(server_->SweepAlerts().ok());
  v1::ResolveAlertRequest resolve;
  resolve.set_name(received[0].name());
  v1::Alert resolved;
  ASSERT_TRUE(alerts_->ResolveAlert(Context().get(), resolve, &resolved).ok());
  Submit("again", 9);
  size_t expected = 0;  // alerts raised after the one seen
  for (const v1::Alert& alert : List("clinics/demo/patients/-")) {
    if (alert.sequence() > seen) ++expected;
  }
  ASSERT_GE(expected, 1u);

  // Reconnect after the last sequence seen: exactly the alerts after it.
  request.set_after_sequence(seen);
  grpc::ClientContext again;
  testing::SetBearer(again, therapist_token_);
  again.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(20));
  std::unique_ptr<grpc::ClientReader<v1::Alert>> resumed =
      alerts_->WatchAlerts(&again, request);
  received = ReadAlerts(*resumed, expected);
  ASSERT_EQ(received.size(), expected);
  for (const v1::Alert& alert : received) EXPECT_GT(alert.sequence(), seen);
  for (size_t i = 1; i < received.size(); ++i) {
    EXPECT_LT(received[i - 1].sequence(), received[i].sequence());
  }
  again.TryCancel();
  resumed->Finish();
}

TEST_F(AlertTest, ShutdownEndsWatchStreams) {
  v1::WatchAlertsRequest request;
  request.set_parent("clinics/demo");
  grpc::ClientContext context;
  testing::SetBearer(context, therapist_token_);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
      alerts_->WatchAlerts(&context, request);
  reader->WaitForInitialMetadata();
  server_->Shutdown(absl::Seconds(5));
  v1::Alert alert;
  while (reader->Read(&alert)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace glutecare

namespace glutecare {
namespace {

class SuggestionTest : public AlertTest {
 protected:
  void SetUp() override {
    AlertTest::SetUp();
    suggestions_ = v1::SuggestionService::NewStub(channel_);
    dashboard_ = v1::DashboardService::NewStub(channel_);
  }

  std::vector<v1::Suggestion> ListSuggestions(
      v1::SuggestionState state = v1::SUGGESTION_STATE_UNSPECIFIED) {
    v1::ListSuggestionsRequest request;
    request.set_parent("clinics/demo/patients/p1/programs/-");
    request.set_state(state);
    v1::ListSuggestionsResponse response;
    grpc::Status status =
        suggestions_->ListSuggestions(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.suggestions().begin(), response.suggestions().end()};
  }

  std::unique_ptr<v1::SuggestionService::Stub> suggestions_;
  std::unique_ptr<v1::DashboardService::Stub> dashboard_;
};

TEST_F(SuggestionTest,
       UnacceptablePainSuggestsARegressionThatAcceptingApplies) {
  Submit("hurt", 8);  // glute-bridge 3x12 at body weight, pain after 8
  std::vector<v1::Suggestion> open = ListSuggestions(v1::SUGGESTION_STATE_OPEN);
  ASSERT_EQ(open.size(), 1u);
  const v1::Suggestion suggestion = open[0];
  EXPECT_EQ(suggestion.kind(), v1::SUGGESTION_KIND_REGRESS);
  EXPECT_EQ(suggestion.exercise(), "exercises/glute-bridge");
  EXPECT_EQ(suggestion.current().reps(), 12);
  EXPECT_EQ(suggestion.proposed().reps(), 9);
  EXPECT_EQ(suggestion.based_on_revision(), 1);
  EXPECT_THAT(suggestion.reasons(0), HasSubstr("8/10"));

  v1::AcceptSuggestionRequest accept;
  accept.set_name(suggestion.name());
  v1::Program revised;
  grpc::Status status =
      suggestions_->AcceptSuggestion(Context().get(), accept, &revised);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(revised.revision_id(), 2);
  EXPECT_EQ(revised.prescriptions(0).reps(), 9);
  EXPECT_EQ(revised.prescriptions(1).exercise(), "exercises/clamshell");

  std::vector<v1::Suggestion> accepted =
      ListSuggestions(v1::SUGGESTION_STATE_ACCEPTED);
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].accepted_revision(), 2);
  EXPECT_EQ(suggestions_->AcceptSuggestion(Context().get(), accept, &revised)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(SuggestionTest, DismissedSuggestionsStayDismissedForTheirRevision) {
  Submit("hurt-1", 7);
  std::vector<v1::Suggestion> open = ListSuggestions(v1::SUGGESTION_STATE_OPEN);
  ASSERT_EQ(open.size(), 1u);
  v1::DismissSuggestionRequest dismiss;
  dismiss.set_name(open[0].name());
  v1::Suggestion dismissed;
  ASSERT_TRUE(
      suggestions_->DismissSuggestion(Context().get(), dismiss, &dismissed)
          .ok());
  EXPECT_EQ(dismissed.state(), v1::SUGGESTION_STATE_DISMISSED);

  Submit("hurt-2", 7);  // the same finding for the same revision
  EXPECT_TRUE(ListSuggestions(v1::SUGGESTION_STATE_OPEN).empty());
  EXPECT_EQ(
      suggestions_->DismissSuggestion(Context().get(), dismiss, &dismissed)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListSuggestionsRequest bad;
  bad.set_parent("clinics/demo/patients/p1");
  v1::ListSuggestionsResponse response;
  EXPECT_THAT(ViolatedFields(suggestions_->ListSuggestions(Context().get(), bad,
                                                           &response)),
              ElementsAre("parent"));
}

// Regression test (review finding): a new revision dismisses the open
// suggestions about the old one, which could never be accepted any more.
TEST_F(SuggestionTest, ANewRevisionDismissesOpenSuggestionsOfTheOldOne) {
  Submit("hurt", 8);
  ASSERT_EQ(ListSuggestions(v1::SUGGESTION_STATE_OPEN).size(), 1u);
  v1::UpdateProgramRequest update;
  update.mutable_program()->set_name(program_.name());
  update.mutable_program()->set_notes("Easier week after the flare.");
  update.mutable_update_mask()->add_paths("notes");
  v1::Program revised;
  ASSERT_TRUE(programs_->UpdateProgram(Context().get(), update, &revised).ok());
  // The finding still holds for revision 2 (only the notes changed), so it
  // is made again about revision 2; the one about revision 1 is dismissed.
  for (const v1::Suggestion& open :
       ListSuggestions(v1::SUGGESTION_STATE_OPEN)) {
    EXPECT_EQ(open.based_on_revision(), 2);
  }
  std::vector<v1::Suggestion> dismissed =
      ListSuggestions(v1::SUGGESTION_STATE_DISMISSED);
  ASSERT_EQ(dismissed.size(), 1u);
  EXPECT_EQ(dismissed[0].based_on_revision(), 1);
  EXPECT_THAT(dismissed[0].reasons(dismissed[0].reasons_size() - 1),
              HasSubstr("the program changed"));
}

TEST_F(SuggestionTest, DashboardPutsPatientsNeedingAttentionFirst) {
  v1::Patient calm;
  ASSERT_TRUE(
      patients_
          ->CreatePatient(Context().get(), PatientRequest("p2", "MRN-2"), &calm)
          .ok());
  Submit("hurt", 9);  // p1: a post-exercise pain alert

  v1::ListPatientStatusesRequest request;
  request.set_parent("clinics/demo");
  request.set_therapist("clinics/demo/therapists/t1");
  v1::ListPatientStatusesResponse response;
  grpc::Status status =
      dashboard_->ListPatientStatuses(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.statuses_size(), 2);
  EXPECT_EQ(response.statuses(0).patient(), "clinics/demo/patients/p1");
  EXPECT_GE(response.statuses(0).unresolved_alerts(), 1);
  EXPECT_GT(response.statuses(0).attention_score(),
            response.statuses(1).attention_score());
  EXPECT_THAT(response.statuses(0).reasons(0), HasSubstr("unresolved alert"));

  // Paging one at a time gives the same order.
  request.set_page_size(1);
  v1::ListPatientStatusesResponse first, second;
  ASSERT_TRUE(
      dashboard_->ListPatientStatuses(Context().get(), request, &first).ok());
  request.set_page_token(first.next_page_token());
  ASSERT_TRUE(
      dashboard_->ListPatientStatuses(Context().get(), request, &second).ok());
  EXPECT_EQ(first.statuses(0).patient(), "clinics/demo/patients/p1");
  EXPECT_EQ(second.statuses(0).patient(), "clinics/demo/patients/p2");
  EXPECT_TRUE(second.next_page_token().empty());

  // Resolving the alerts lowers p1's score at once.
  for (const v1::Alert& alert : List("clinics/demo/patients/p1")) {
    v1::ResolveAlertRequest resolve;
    resolve.set_name(alert.name());
    v1::Alert resolved;
    ASSERT_TRUE(
        alerts_->ResolveAlert(Context().get(), resolve, &resolved).ok());
  }
  request.clear_page_token();
  request.set_page_size(10);
  ASSERT_TRUE(
      dashboard_->ListPatientStatuses(Context().get(), request, &response)
          .ok());
  for (const v1::PatientStatus& s : response.statuses()) {
    EXPECT_EQ(s.unresolved_alerts(), 0) << s.patient();
  }
}

}  // namespace
}  // namespace glutecare

namespace glutecare {
namespace {

using ::google::protobuf::Timestamp;
using ::google::protobuf::util::TimeUtil;

// CreateSession with Session.program_revision empty or naming a program
// without its revision: the server records the revision in force at the
// session's perform_time (server/domain/program_followed.h). This is what
// lets the CLI build a submission offline. SeedClinic gave p1 program g1,
// revision 1, ACTIVE.
class SessionProgramTest : public ServerTest {
 protected:
  // Creates patient p2, as the therapist; returns its name.
  std::string CreateSecondPatient() {
    v1::Patient p2;
    const grpc::Status status = patients_->CreatePatient(
        Context().get(), PatientRequest("p2", "MRN-2"), &p2);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return p2.name();
  }

  // Assigns program `id` (ACTIVE) to `patient`, as the therapist; returns
  // revision 1.
  v1::Program Assign(const std::string& id,
                     const std::string& patient = "clinics/demo/patients/p1") {
    v1::CreateProgramRequest request;
    request.set_parent(patient);
    request.set_program_id(id);
    *request.mutable_program() = program_;
    request.mutable_program()->clear_name();
    v1::Program created;
    const grpc::Status status =
        programs_->CreateProgram(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // The next revision of `program`, with `status`.
  v1::Program Revise(const v1::Program& program, v1::ProgramStatus status) {
    v1::UpdateProgramRequest request;
    *request.mutable_program() = program;
    request.mutable_program()->set_status(status);
    request.mutable_update_mask()->add_paths("status");
    v1::Program revised;
    const grpc::Status result =
        programs_->UpdateProgram(Context().get(), request, &revised);
    EXPECT_TRUE(result.ok()) << result.error_message();
    return revised;
  }

  // Submits, as p1, a session under `parent` performed at `perform_time`
  // that names `program_revision` (maybe empty).
  grpc::Status Submit(const std::string& program_revision,
                      const Timestamp& perform_time, v1::Session* stored,
                      const std::string& parent = "clinics/demo/patients/p1") {
    v1::CreateSessionRequest request =
        SessionRequest(absl::StrCat("r", ++submissions_));
    request.set_parent(parent);
    *request.mutable_session()->mutable_perform_time() = perform_time;
    request.mutable_session()->set_program_revision(program_revision);
    return sessions_->CreateSession(PatientContext().get(), request, stored);
  }

  // The program revision stored for a session of p1 performed at
  // `perform_time` that names `program_revision`, or the error message.
  std::string Recorded(const std::string& program_revision,
                       const Timestamp& perform_time) {
    v1::Session stored;
    const grpc::Status status = Submit(program_revision, perform_time, &stored);
    if (!status.ok()) return status.error_message();
    v1::GetSessionRequest get;
    get.set_name(stored.name());
    v1::Session read;
    EXPECT_TRUE(sessions_->GetSession(Context().get(), get, &read).ok());
    EXPECT_EQ(read.program_revision(), stored.program_revision())
        << "the reply is what is stored";
    return read.program_revision();
  }

  // `seconds` before `time`.
  static Timestamp Before(const Timestamp& time, int64_t seconds) {
    return TimeUtil::SecondsToTimestamp(time.seconds() - seconds);
  }

  int submissions_ = 0;
};

TEST_F(SessionProgramTest, EmptyWithOneActiveProgramRecordsItsRevisionInForce) {
  const v1::Program second = Revise(program_, v1::PROGRAM_STATUS_ACTIVE);
  // Another patient's programs do not count.
  Assign("g2", CreateSecondPatient());
  const std::string g1 = program_.name();

  // Revisions are stamped to the second, so revision 1 may share one with
  // revision 2; the exact edges are the domain's test.
  EXPECT_EQ(Recorded("", NowTimestamp()), g1 + "@2");
  EXPECT_EQ(Recorded("", second.revision_create_time()), g1 + "@2")
      << "exactly when revision 2 was made";
  EXPECT_EQ(Recorded("", Before(second.revision_create_time(), 1)), g1 + "@1")
      << "a second before revision 2 was made";
  EXPECT_EQ(Recorded("", Before(program_.revision_create_time(), 86400)),
            g1 + "@1")
      << "a day before the program was made";
  EXPECT_EQ(CountSessions(), 4);
}

TEST_F(SessionProgramTest, EmptyWithNoActiveProgramIsInvalidArgument) {
  const v1::Program paused = Revise(program_, v1::PROGRAM_STATUS_PAUSED);
  v1::Session stored;
  const grpc::Status status = Submit("", NowTimestamp(), &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.program_revision"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("clinics/demo/patients/p1 had no active program at "));
  EXPECT_THAT(status.error_message(), HasSubstr("name the program followed"));
  EXPECT_EQ(CountSessions(), 0);
  // While it was active, g1 was the one; and a paused program can be named.
  EXPECT_EQ(Recorded("", Before(paused.revision_create_time(), 1)),
            program_.name() + "@1");
  EXPECT_EQ(Recorded(paused.name(), NowTimestamp()),
            paused.name() + "@2");
}

TEST_F(SessionProgramTest, EmptyWithTwoActiveProgramsIsInvalidArgument) {
  Assign("g2");
  v1::Session stored;
  const grpc::Status status = Submit("", NowTimestamp(), &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.program_revision"));
  EXPECT_THAT(status.error_message(), HasSubstr("had 2 active programs"));
  EXPECT_THAT(status.error_message(), HasSubstr("(g1, g2)"));
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(SessionProgramTest, ProgramWithoutRevisionRecordsTheRevisionInForce) {
  const v1::Program second = Revise(program_, v1::PROGRAM_STATUS_ACTIVE);
  Assign("g2");  // two active programs: naming one is enough
  const std::string g1 = program_.name();

  EXPECT_EQ(Recorded(g1, NowTimestamp()), g1 + "@2");
  EXPECT_EQ(Recorded(g1, second.revision_create_time()), g1 + "@2");
  EXPECT_EQ(Recorded(g1, Before(second.revision_create_time(), 1)), g1 + "@1");
  EXPECT_EQ(Recorded(g1, Before(program_.revision_create_time(), 86400)),
            g1 + "@1");
  // A named revision is kept, even an older one.
  EXPECT_EQ(Recorded(g1 + "@1", NowTimestamp()), g1 + "@1");

  v1::Session stored;
  const grpc::Status unknown = Submit("clinics/demo/patients/p1/programs/nope",
                                      NowTimestamp(), &stored);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(unknown), ElementsAre("session.program_revision"));
  EXPECT_THAT(unknown.error_message(),
              HasSubstr("no program clinics/demo/patients/p1/programs/nope"));
  EXPECT_EQ(CountSessions(), 5);
}

TEST_F(SessionProgramTest, AnotherPatientsProgramIsRefusedAsBefore) {
  const std::string p2 = CreateSecondPatient();
  const v1::Program theirs = Assign("g9", p2);
  const Timestamp now = NowTimestamp();
  v1::Session stored;
  // Under the other patient, as the CLI sends it: the gate's NOT_FOUND.
  EXPECT_EQ(Submit(theirs.name(), now, &stored, p2).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Submit("", now, &stored, p2).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Under one's own name: a field violation, with or without the revision.
  for (const std::string& named : {theirs.name(), theirs.name() + "@1"}) {
    SCOPED_TRACE(named);
    const grpc::Status status = Submit(named, now, &stored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status),
                ElementsAre("session.program_revision"));
  }
  EXPECT_EQ(CountSessions(), 0);
}

// FhirExportService (issue 7): the RPCs. What an export holds is tested in
// fhir_export_test.cc and tests/domain/fhir; who may call it in
// access_test.cc.
class FhirExportServiceTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    v1::Session stored;
    grpc::Status status = sessions_->CreateSession(
        PatientContext().get(), SessionRequest("fhir-1"), &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    absl::StatusOr<std::string> integration = testing::CreateToken(
        channel_, admin_token_, "clinics/demo", v1::ROLE_INTEGRATION, "");
    ASSERT_TRUE(integration.ok()) << integration.status();
    integration_token_ = *integration;
    exports_ = v1::FhirExportService::NewStub(channel_);
  }

  // Reads a whole ExportClinicResources stream as the integration;
  // `chunks` receives what came, and it ends after `max_chunks` (then the
  // call is cancelled).
  grpc::Status ExportClinic(const v1::ExportClinicResourcesRequest& request,
                            std::vector<v1::FhirNdjsonChunk>& chunks,
                            size_t max_chunks = 1000) {
    std::unique_ptr<grpc::ClientContext> context = Context(integration_token_);
    auto reader = exports_->ExportClinicResources(context.get(), request);
    v1::FhirNdjsonChunk chunk;
    while (chunks.size() < max_chunks && reader->Read(&chunk)) {
      chunks.push_back(chunk);
    }
    if (chunks.size() == max_chunks) context->TryCancel();
    return reader->Finish();
  }

  std::string integration_token_;
  std::unique_ptr<v1::FhirExportService::Stub> exports_;
};

TEST_F(FhirExportServiceTest, ExportPatientBundleIsTheRecordAsAFhirBundle) {
  v1::ExportPatientBundleRequest request;
  request.set_patient("clinics/demo/patients/p1");
  v1::FhirBundle bundle;
  const grpc::Status status =
      exports_->ExportPatientBundle(Context().get(), request, &bundle);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const nlohmann::json json =
      nlohmann::json::parse(bundle.json(), nullptr, false);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ(json["resourceType"], "Bundle");
  std::multiset<std::string> types;
  for (const auto& entry : json["entry"]) {
    types.insert(entry["resource"]["resourceType"].get<std::string>());
  }
  EXPECT_EQ(types.count("Patient"), 1u);
  EXPECT_EQ(types.count("Practitioner"), 1u);
  EXPECT_EQ(types.count("CarePlan"), 1u);
  EXPECT_EQ(types.count("Procedure"), 1u);
  EXPECT_EQ(types.count("Observation"), 2u);  // pain before and after
  EXPECT_EQ(json["entry"][0]["fullUrl"],
            "https://glutecare.dev/fhir/clinics/demo/Patient/p1");
}

TEST_F(FhirExportServiceTest, ExportClinicResourcesStreamsEveryType) {
  const Timestamp before = NowTimestamp();
  v1::ExportClinicResourcesRequest request;
  request.set_parent("clinics/demo");
  std::vector<v1::FhirNdjsonChunk> chunks;
  const grpc::Status status = ExportClinic(request, chunks);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::set<std::string> types;
  for (const v1::FhirNdjsonChunk& chunk : chunks) {
    types.insert(chunk.resource_type());
    EXPECT_TRUE(absl::EndsWith(chunk.ndjson(), "\n"));
    // A minute before the export began.
    EXPECT_LT(chunk.transaction_time(), before);
    EXPECT_GT(chunk.transaction_time(),
              before - google::protobuf::util::TimeUtil::SecondsToDuration(
                           120));
  }
  EXPECT_EQ(types, (std::set<std::string>{"Patient", "Practitioner",
                                          "CarePlan", "Procedure",
                                          "Observation"}));

  // Nothing changed since the last export: one empty chunk.
  *request.mutable_since() = NowTimestamp();
  chunks.clear();
  ASSERT_TRUE(ExportClinic(request, chunks).ok());
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].ndjson(), "");
  EXPECT_EQ(chunks[0].resource_type(), "");
}

TEST_F(FhirExportServiceTest, BadExportRequestsNameTheirFields) {
  v1::ExportPatientBundleRequest bundle_request;
  bundle_request.set_patient("clinics/demo/patients/Not_An_Id");
  v1::FhirBundle bundle;
  grpc::Status status =
      exports_->ExportPatientBundle(Context().get(), bundle_request, &bundle);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("patient"));
  bundle_request.set_patient("clinics/demo/patients/nobody");
  status =
      exports_->ExportPatientBundle(Context().get(), bundle_request, &bundle);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ExportClinicResourcesRequest request;
  request.set_parent("clinics/demo");
  request.add_resource_types("Patient");
  request.add_resource_types("Encounter");
  request.add_resource_types("Patient");
  request.mutable_since()->set_nanos(-1);
  std::vector<v1::FhirNdjsonChunk> chunks;
  status = ExportClinic(request, chunks);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("since", "resource_types[1]", "resource_types[2]"));
  EXPECT_TRUE(chunks.empty());
}

TEST_F(FhirExportServiceTest, AnExportTheClientCancelsEndsAndTheServerGoesOn) {
  v1::ExportClinicResourcesRequest request;
  request.set_parent("clinics/demo");
  std::vector<v1::FhirNdjsonChunk> chunks;
  const grpc::Status cancelled = ExportClinic(request, chunks, 1);
  EXPECT_EQ(chunks.size(), 1u);
  EXPECT_THAT(cancelled.error_code(),
              ::testing::AnyOf(grpc::StatusCode::CANCELLED,
                               grpc::StatusCode::OK));
  chunks.clear();
  const grpc::Status again = ExportClinic(request, chunks);
  EXPECT_TRUE(again.ok()) << again.error_message();
  EXPECT_GE(chunks.size(), 5u);
}

}  // namespace
}  // namespace glutecare
