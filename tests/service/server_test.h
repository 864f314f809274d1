// The fixtures of the service tests that follow one patient: clinic demo as
// testing::BareClinicTest serves it (no MRN system, therapist t1), with
// patient p1 of t1 in New York (lower back, baseline 6) on program g1 since
// 2026-11-01, and p1's token. The tests are split by service:
// patient_service_test.cc, program_service_test.cc, session_service_test.cc,
// report_service_test.cc, alert_service_test.cc, suggestion_service_test.cc,
// dashboard_service_test.cc, fhir_export_service_test.cc, and what concerns
// the server as a whole in server_test.cc.
#ifndef GLUTECARE_TESTS_SERVICE_SERVER_TEST_H_
#define GLUTECARE_TESTS_SERVICE_SERVER_TEST_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/alert_service.grpc.pb.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "glutecare/v1/exercise_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "glutecare/v1/suggestion_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/builders.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {

class ServerTest : public testing::BareClinicTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    patients_ = v1::PatientService::NewStub(channel_);
    exercises_ = v1::ExerciseService::NewStub(channel_);
    programs_ = v1::ProgramService::NewStub(channel_);
    sessions_ = v1::SessionService::NewStub(channel_);

    grpc::Status status = patients_->CreatePatient(
        Context().get(), PatientRequest("p1", "MRN-1"), &patient_);
    ASSERT_TRUE(status.ok()) << status.error_message();
    status = programs_->CreateProgram(
        Context().get(),
        ProgramRequest("clinics/demo/patients/p1", "2026-11-01",
                       {"glute-bridge", "clamshell", "bodyweight-squat"}),
        &program_);
    ASSERT_TRUE(status.ok()) << status.error_message();
    patient_token_ = Token(v1::ROLE_PATIENT, "clinics/demo/patients/p1");
    ASSERT_FALSE(patient_token_.empty());
  }

  // Every call carries a deadline, so a broken server fails the test rather
  // than hanging it, and a token: the therapist's unless another is given.
  using ServedClinicTest::Context;
  std::unique_ptr<grpc::ClientContext> Context() {
    return Context(therapist_token_);
  }
  // Patient p1's: sessions and pain check-ins are the patient's to submit.
  std::unique_ptr<grpc::ClientContext> PatientContext() {
    return Context(patient_token_);
  }

  // Program g1 of `patient`, active from `start_date` (YYYY-MM-DD): each of
  // `exercises` (ids) 3 x 12 at body weight, three sessions a week.
  static v1::CreateProgramRequest ProgramRequest(
      const std::string& patient, const std::string& start_date,
      std::initializer_list<const char*> exercises) {
    std::vector<v1::Prescription> prescriptions;
    for (const char* exercise : exercises) {
      prescriptions.push_back(testing::Prescription(exercise));
    }
    v1::Program program = testing::Program(start_date, prescriptions);
    program.set_display_name("Glute strength, phase 1");
    return testing::ProgramRequest(patient, "g1", program);
  }

  // Patient `id` of t1, "Pat Patient", in New York, with lower back pain at
  // 6/10 at intake.
  static v1::CreatePatientRequest PatientRequest(const std::string& id,
                                                 const std::string& mrn) {
    v1::Patient patient = testing::Patient("demo", id, mrn);
    patient.set_display_name("Pat Patient");
    patient.set_time_zone("America/New_York");
    patient.clear_pain_areas();
    patient.add_pain_areas(v1::PAIN_AREA_LOWER_BACK);
    patient.set_baseline_pain(6);
    return testing::PatientRequest("demo", id, patient);
  }

  // A session of p1's done now under revision `revision` of g1: the glute
  // bridge 3 x 12, pain 4 before and 3 after, in the lower back.
  v1::CreateSessionRequest SessionRequest(const std::string& request_id,
                                          int64_t revision = 1) {
    v1::Session session = testing::Session(
        absl::StrCat("clinics/demo/patients/p1/programs/g1@", revision));
    session.set_pain_before(4);
    session.set_pain_after(3);
    session.set_pain_area(v1::PAIN_AREA_LOWER_BACK);
    return testing::SessionRequest("clinics/demo/patients/p1", request_id,
                                   session);
  }

  // What `method` of `stub` returns for `request`, called as the
  // therapist; a failed call fails the test.
  template <typename Stub, typename Request, typename Response>
  Response CallOk(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*,
                                               const Request&, Response*),
                  const Request& request) {
    Response response;
    const grpc::Status status =
        (stub.*method)(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  int CountSessions() {
    v1::ListSessionsRequest request;
    request.set_parent("clinics/demo/patients/p1");
    request.set_page_size(1000);
    return CallOk(*sessions_, &v1::SessionService::Stub::ListSessions, request)
        .sessions_size();
  }

  std::unique_ptr<v1::PatientService::Stub> patients_;
  std::unique_ptr<v1::ExerciseService::Stub> exercises_;
  std::unique_ptr<v1::ProgramService::Stub> programs_;
  std::unique_ptr<v1::SessionService::Stub> sessions_;
  v1::Patient patient_;
  v1::Program program_;
  std::string patient_token_;
};

// ServerTest with the alerts p1's sessions raise.
class AlertTest : public ServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerTest::SetUp());
    alerts_ = v1::AlertService::NewStub(channel_);
  }

  // Submits a session of p1's that left pain at `pain_after`.
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
    const v1::ListAlertsResponse response =
        CallOk(*alerts_, &v1::AlertService::Stub::ListAlerts, request);
    return {response.alerts().begin(), response.alerts().end()};
  }

  static std::vector<v1::Alert> OfRule(const std::vector<v1::Alert>& alerts,
                                       v1::AlertRule rule) {
    std::vector<v1::Alert> matching;
    for (const v1::Alert& a : alerts) {
      if (a.rule() == rule) matching.push_back(a);
    }
    return matching;
  }

  std::unique_ptr<v1::AlertService::Stub> alerts_;
};

// AlertTest with the suggestions and the dashboard they feed.
class SuggestionTest : public AlertTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AlertTest::SetUp());
    suggestions_ = v1::SuggestionService::NewStub(channel_);
    dashboard_ = v1::DashboardService::NewStub(channel_);
  }

  std::vector<v1::Suggestion> ListSuggestions(
      v1::SuggestionState state = v1::SUGGESTION_STATE_UNSPECIFIED) {
    v1::ListSuggestionsRequest request;
    request.set_parent("clinics/demo/patients/p1/programs/-");
    request.set_state(state);
    const v1::ListSuggestionsResponse response = CallOk(
        *suggestions_, &v1::SuggestionService::Stub::ListSuggestions, request);
    return {response.suggestions().begin(), response.suggestions().end()};
  }

  std::unique_ptr<v1::SuggestionService::Stub> suggestions_;
  std::unique_ptr<v1::DashboardService::Stub> dashboard_;
};

}  // namespace glutecare

#endif  // GLUTECARE_TESTS_SERVICE_SERVER_TEST_H_
