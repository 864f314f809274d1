// Access control end to end, on a real GlutecareServer: the generated matrix
// of every RPC x every role x own/other clinic x own/other patient, tokens
// that are missing, malformed, unknown, expired or revoked, the audit trail,
// and the per-principal limit on calls in flight.
#include "tests/testing/access.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "glutecare/v1/access_service.grpc.pb.h"
#include "glutecare/v1/alert_service.grpc.pb.h"
#include "glutecare/v1/audit_service.grpc.pb.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/csv_export_service.grpc.pb.h"
#include "glutecare/v1/outcome_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "glutecare/v1/suggestion_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/common/token_secret.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/builders.h"
#include "tests/testing/generic_call.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kDeadline = std::chrono::seconds(10);

// What the issue grants each role, written as the issue words it, method by
// method. The server's policy table (domain/access_policy.cc) must agree
// with it cell by cell.
const std::map<v1::Role, std::set<std::string>>& AllowedMethods() {
  static const auto* const allowed = new std::map<v1::Role,
                                                  std::set<std::string>>{
      // Patients read their own record: their patient resource, program,
      // adherence and pain reports, and their program's suggestions (read
      // only); they submit and read their own sessions and pain reports
      // (and the public exercise catalog).
      {v1::ROLE_PATIENT,
       {"PatientService/GetPatient", "ReportService/GetAdherenceReport",
        "ReportService/GetPainTrendReport",
        "SuggestionService/ListSuggestions", "ProgramService/GetProgram",
        "ProgramService/ListPrograms",
        "ProgramService/ListProgramRevisions", "SessionService/CreateSession",
        "SessionService/GetSession", "SessionService/ListSessions",
        "SessionService/CreatePainReport", "SessionService/ListPainReports",
        "ExerciseService/GetExercise", "ExerciseService/ListExercises",
        // They answer the outcome measures assigned to them and read their
        // scores (issue 8).
        "OutcomeService/ListQuestionnaires", "OutcomeService/GetQuestionnaire",
        "OutcomeService/ListOutcomeAssignments",
        "OutcomeService/SubmitOutcomeResponse",
        "OutcomeService/GetOutcomeResponse",
        "OutcomeService/ListOutcomeResponses",
        // Every caller may read their own token.
        "AccessService/GetCallerAccessToken"}},
      // Admins manage their clinic's users (therapists, patient records)
      // and tokens, and read the audit trail.
      {v1::ROLE_ADMIN,
       {"ClinicService/GetClinic", "ClinicService/CreateTherapist",
        "ClinicService/GetTherapist", "ClinicService/ListTherapists",
        "PatientService/CreatePatient", "PatientService/GetPatient",
        "PatientService/ListPatients", "PatientService/UpdatePatient",
        "AccessService/CreateAccessToken", "AccessService/ListAccessTokens",
        "AccessService/RevokeAccessToken", "AuditService/ListAuditEvents",
        "ExerciseService/GetExercise", "ExerciseService/ListExercises",
        // The questionnaire definitions are public like the catalog; the
        // answers are clinical data (issue 8).
        "OutcomeService/ListQuestionnaires",
        "OutcomeService/GetQuestionnaire",
        // They bring the clinic's patients in (issue 7), but take out no
        // clinical data: no CSV, no FHIR (minimum necessary).
        "PatientImportService/ImportPatients",
        "AccessService/GetCallerAccessToken"}},
      // Integration accounts import and export their clinic's records.
      {v1::ROLE_INTEGRATION,
       {"ClinicService/GetClinic", "ClinicService/GetTherapist",
        "ClinicService/ListTherapists", "PatientService/CreatePatient",
        "PatientService/GetPatient", "PatientService/ListPatients",
        "PatientService/UpdatePatient", "ProgramService/GetProgram",
        "ProgramService/ListPrograms", "ProgramService/ListProgramRevisions",
        "SessionService/GetSession", "SessionService/ListSessions",
        "SessionService/ListPainReports", "ExerciseService/GetExercise",
        "ExerciseService/ListExercises",
        // ... and the outcome measures, read only (issue 8).
        "OutcomeService/ListQuestionnaires", "OutcomeService/GetQuestionnaire",
        "OutcomeService/ListOutcomeAssignments",
        "OutcomeService/GetOutcomeResponse",
        "OutcomeService/ListOutcomeResponses",
        // Billing systems read RTM reports, but log no time (issue 8).
        "RtmService/GetRtmReport", "RtmService/ListRtmReports",
        // Integrations import the clinic's patients and export its
        // sessions and pain reports as CSV (issue 7).
        "CsvExportService/ExportCsv", "PatientImportService/ImportPatients",
        // ... and its FHIR export, one patient or the whole clinic: the bulk
        // clinical exports are theirs alone.
        "FhirExportService/ExportPatientBundle",
        "FhirExportService/ExportClinicResources",
        "AccessService/GetCallerAccessToken"}},
      // Therapists act on the patients of their clinic: everything clinical,
      // but not the clinic's users, tokens or audit trail, and they do not
      // report sessions or pain for their patients.
      {v1::ROLE_THERAPIST,
       {"ClinicService/GetClinic",
        "ClinicService/GetTherapist",
        "ClinicService/ListTherapists",
        "PatientService/CreatePatient",
        "PatientService/GetPatient",
        "PatientService/ListPatients",
        "PatientService/UpdatePatient",
        "ExerciseService/GetExercise",
        "ExerciseService/ListExercises",
        "ProgramService/CreateProgram",
        "ProgramService/GetProgram",
        "ProgramService/ListPrograms",
        "ProgramService/UpdateProgram",
        "ProgramService/ListProgramRevisions",
        "SessionService/GetSession",
        "SessionService/ListSessions",
        "SessionService/ListPainReports",
        "ReportService/GetAdherenceReport",
        "ReportService/GetPainTrendReport",
        "AlertService/ListAlerts",
        "AlertService/AcknowledgeAlert",
        "AlertService/ResolveAlert",
        "AlertService/WatchAlerts",
        "SuggestionService/ListSuggestions",
        "SuggestionService/AcceptSuggestion",
        "SuggestionService/DismissSuggestion",
        "DashboardService/ListPatientStatuses",
        // Outcome measures (issue 8): they assign them and read the scores,
        // but the patient answers.
        "OutcomeService/ListQuestionnaires",
        "OutcomeService/GetQuestionnaire",
        "OutcomeService/CreateOutcomeAssignment",
        "OutcomeService/ListOutcomeAssignments",
        "OutcomeService/GetOutcomeResponse",
        "OutcomeService/ListOutcomeResponses",
        // RTM (issue 8): management time and the billing reports.
        "RtmService/LogManagementTime",
        "RtmService/ListManagementTime",
        "RtmService/GetRtmReport",
        "RtmService/ListRtmReports",
        // Spreadsheets of one patient's sessions and pain (issue 7); a whole
        // clinic's is a bulk export, the integration role's
        // (WholeClinicExportsAreTheIntegrationRolesAlone).
        "CsvExportService/ExportCsv",
        // A patient's FHIR Bundle, but not the whole clinic's export.
        "FhirExportService/ExportPatientBundle",
        "AccessService/GetCallerAccessToken"}},
  };
  return *allowed;
}

// The existing resources of one patient, by kind.
struct PatientRecords {
  std::string session;
  std::string alert;
  std::string suggestion;
  std::string outcome_response;
};

// Where each method's request names its resource, and which resource of the
// cell (clinic {c}, patient {p}) it names: `{session}`, `{alert}`,
// `{suggestion}` and `{token}` stand for existing records, so an allowed
// call never fails for want of its target. An empty path: no target.
struct TargetSpec {
  std::string field;
  std::string name;
};
const std::map<std::string, TargetSpec>& Targets() {
  static const auto* const targets = new std::map<std::string, TargetSpec>{
      {"ClinicService/GetClinic", {"name", "clinics/{c}"}},
      {"ClinicService/CreateTherapist", {"parent", "clinics/{c}"}},
      {"ClinicService/GetTherapist", {"name", "clinics/{c}/therapists/t1"}},
      {"ClinicService/ListTherapists", {"parent", "clinics/{c}"}},
      {"PatientService/CreatePatient", {"parent", "clinics/{c}"}},
      {"PatientService/GetPatient", {"name", "clinics/{c}/patients/{p}"}},
      {"PatientService/ListPatients", {"parent", "clinics/{c}"}},
      {"PatientService/UpdatePatient",
       {"patient.name", "clinics/{c}/patients/{p}"}},
      {"ExerciseService/GetExercise", {"name", "exercises/glute-bridge"}},
      {"ExerciseService/ListExercises", {"", ""}},
      {"ProgramService/CreateProgram", {"parent", "clinics/{c}/patients/{p}"}},
      {"ProgramService/GetProgram",
       {"name", "clinics/{c}/patients/{p}/programs/g1"}},
      {"ProgramService/ListPrograms", {"parent", "clinics/{c}/patients/{p}"}},
      {"ProgramService/UpdateProgram",
       {"program.name", "clinics/{c}/patients/{p}/programs/g1"}},
      {"ProgramService/ListProgramRevisions",
       {"name", "clinics/{c}/patients/{p}/programs/g1"}},
      {"SessionService/CreateSession", {"parent", "clinics/{c}/patients/{p}"}},
      {"SessionService/GetSession", {"name", "{session}"}},
      {"SessionService/ListSessions", {"parent", "clinics/{c}/patients/{p}"}},
      {"SessionService/CreatePainReport",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"SessionService/ListPainReports",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"ReportService/GetAdherenceReport",
       {"patient", "clinics/{c}/patients/{p}"}},
      {"ReportService/GetPainTrendReport",
       {"patient", "clinics/{c}/patients/{p}"}},
      {"AlertService/ListAlerts", {"parent", "clinics/{c}/patients/{p}"}},
      {"AlertService/AcknowledgeAlert", {"name", "{alert}"}},
      {"AlertService/ResolveAlert", {"name", "{alert}"}},
      {"AlertService/WatchAlerts", {"parent", "clinics/{c}"}},
      {"SuggestionService/ListSuggestions",
       {"parent", "clinics/{c}/patients/{p}/programs/g1"}},
      {"SuggestionService/AcceptSuggestion", {"name", "{suggestion}"}},
      {"SuggestionService/DismissSuggestion", {"name", "{suggestion}"}},
      {"DashboardService/ListPatientStatuses", {"parent", "clinics/{c}"}},
      {"AccessService/CreateAccessToken", {"parent", "clinics/{c}"}},
      {"AccessService/ListAccessTokens", {"parent", "clinics/{c}"}},
      {"AccessService/RevokeAccessToken", {"name", "{token}"}},
      {"AccessService/GetCallerAccessToken", {"", ""}},
      {"AuditService/ListAuditEvents", {"parent", "clinics/{c}"}},
      {"OutcomeService/ListQuestionnaires", {"", ""}},
      {"OutcomeService/GetQuestionnaire", {"", ""}},
      {"OutcomeService/CreateOutcomeAssignment",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"OutcomeService/ListOutcomeAssignments",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"OutcomeService/SubmitOutcomeResponse",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"OutcomeService/GetOutcomeResponse", {"name", "{outcome_response}"}},
      {"OutcomeService/ListOutcomeResponses",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"RtmService/LogManagementTime", {"parent", "clinics/{c}/patients/{p}"}},
      {"RtmService/ListManagementTime",
       {"parent", "clinics/{c}/patients/{p}"}},
      {"RtmService/GetRtmReport", {"patient", "clinics/{c}/patients/{p}"}},
      {"RtmService/ListRtmReports", {"parent", "clinics/{c}"}},
      {"PatientImportService/ImportPatients", {"parent", "clinics/{c}"}},
      {"CsvExportService/ExportCsv", {"parent", "clinics/{c}/patients/{p}"}},
      {"FhirExportService/ExportPatientBundle",
       {"patient", "clinics/{c}/patients/{p}"}},
      {"FhirExportService/ExportClinicResources", {"parent", "clinics/{c}"}},
  };
  return *targets;
}

// Whether the target of `method` is one patient's record (so a patient's
// own/other distinction applies) rather than the clinic's.
bool IsPatientScoped(const TargetSpec& target) {
  return absl::StrContains(target.name, "{p}") ||
         (absl::StartsWith(target.name, "{") && target.name != "{token}");
}

// Clinics a and b, each with therapist t1 (no MRN system), seeded by
// SeedClinic.
class AccessTest : public testing::BareClinicTest {
 protected:
  AccessTest() { clinics_ = {"a", "b"}; }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    for (const char* clinic : {"a", "b"}) {
      ASSERT_NO_FATAL_FAILURE(SeedClinic(clinic));
    }
  }

  // Clinic `clinic`: patients p1 and p2 of t1, each with program g1, a
  // session that hurt (raising an alert and a suggestion), an ODI answered
  // and a pain check-in; a spare token to revoke; and tokens for every role.
  void SeedClinic(const std::string& clinic) {
    const std::string c = absl::StrCat("clinics/", clinic);
    role_tokens_[clinic][v1::ROLE_ADMIN] = tokens_[clinic].admin;
    role_tokens_[clinic][v1::ROLE_THERAPIST] = tokens_[clinic].therapist;
    role_tokens_[clinic][v1::ROLE_INTEGRATION] = tokens_[clinic].integration;
    absl::StatusOr<std::string> spare =
        testing::CreateToken(channel_, tokens_[clinic].admin, c,
                             v1::ROLE_INTEGRATION, "", &spare_token_[clinic]);
    ASSERT_TRUE(spare.ok()) << spare.status();

    const std::string therapist_token = tokens_[clinic].therapist;
    auto patients = v1::PatientService::NewStub(channel_);
    auto programs = v1::ProgramService::NewStub(channel_);
    auto sessions = v1::SessionService::NewStub(channel_);
    auto alerts = v1::AlertService::NewStub(channel_);
    auto suggestions = v1::SuggestionService::NewStub(channel_);
    auto outcomes = v1::OutcomeService::NewStub(channel_);
    for (const char* id : {"p1", "p2"}) {
      const std::string p = absl::StrCat(c, "/patients/", id);
      v1::Patient created_patient;
      grpc::Status status = patients->CreatePatient(
          Context(therapist_token).get(),
          testing::PatientRequest(
              clinic, id,
              testing::Patient(clinic, id, absl::StrCat("MRN-", id))),
          &created_patient);
      ASSERT_TRUE(status.ok()) << status.error_message();

      v1::Program created_program;
      status = programs->CreateProgram(
          Context(therapist_token).get(),
          testing::ProgramRequest(p, "g1", testing::Program()),
          &created_program);
      ASSERT_TRUE(status.ok()) << status.error_message();

      const std::string patient_token = Token(v1::ROLE_PATIENT, p, clinic);
      if (std::string(id) == "p1") {
        role_tokens_[clinic][v1::ROLE_PATIENT] = patient_token;
      }
      v1::Session session = testing::Session(absl::StrCat(p, "/programs/g1@1"));
      session.set_pain_after(8);  // raises an alert and a regression suggestion
      session.set_pain_area(v1::PAIN_AREA_HIP);
      v1::Session created_session;
      status = sessions->CreateSession(
          Context(patient_token).get(),
          testing::SessionRequest(p, "seed", session), &created_session);
      ASSERT_TRUE(status.ok()) << status.error_message();
      PatientRecords& records = records_[p];
      records.session = created_session.name();

      v1::ListAlertsRequest list_alerts;
      list_alerts.set_parent(p);
      v1::ListAlertsResponse alert_list;
      status = alerts->ListAlerts(Context(therapist_token).get(), list_alerts,
                                  &alert_list);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_GE(alert_list.alerts_size(), 1);
      records.alert = alert_list.alerts(0).name();

      v1::ListSuggestionsRequest list_suggestions;
      list_suggestions.set_parent(absl::StrCat(p, "/programs/g1"));
      v1::ListSuggestionsResponse suggestion_list;
      status = suggestions->ListSuggestions(Context(therapist_token).get(),
                                            list_suggestions, &suggestion_list);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_GE(suggestion_list.suggestions_size(), 1);
      records.suggestion = suggestion_list.suggestions(0).name();

      v1::CreateOutcomeAssignmentRequest assign;
      assign.set_parent(p);
      assign.mutable_outcome_assignment()->set_measure(v1::OUTCOME_MEASURE_ODI);
      v1::OutcomeAssignment assignment;
      status = outcomes->CreateOutcomeAssignment(Context(therapist_token).get(),
                                                 assign, &assignment);
      ASSERT_TRUE(status.ok()) << status.error_message();
      v1::SubmitOutcomeResponseRequest submit;
      submit.set_parent(p);
      submit.mutable_outcome_response()->set_measure(v1::OUTCOME_MEASURE_ODI);
      for (int item = 1; item <= 10; ++item) {
        v1::OutcomeAnswer* answer =
            submit.mutable_outcome_response()->add_answers();
        answer->set_link_id(absl::StrCat("odi-", item));
        answer->set_score(2);
      }
      v1::OutcomeResponse outcome;
      status = outcomes->SubmitOutcomeResponse(Context(patient_token).get(),
                                               submit, &outcome);
      ASSERT_TRUE(status.ok()) << status.error_message();
      records.outcome_response = outcome.name();
    }
  }

  // The resource that `target` names in the cell of clinic `clinic` and
  // patient `patient`.
  std::string TargetName(const TargetSpec& target, const std::string& clinic,
                         const std::string& patient) {
    const PatientRecords& records =
        records_[absl::StrCat("clinics/", clinic, "/patients/", patient)];
    return absl::StrReplaceAll(
        target.name,
        {{"{c}", clinic},
         {"{p}", patient},
         {"{session}", records.session},
         {"{alert}", records.alert},
         {"{suggestion}", records.suggestion},
         {"{outcome_response}", records.outcome_response},
         {"{token}", spare_token_[clinic]}});
  }

  // The request of `method` (`Service/Method`) for the cell of clinic
  // `clinic` and patient `patient`, serialized.
  std::string RequestFor(const google::protobuf::MethodDescriptor& method,
                         const TargetSpec& target, const std::string& clinic,
                         const std::string& patient) {
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method.input_type())
            ->New());
    if (target.field.empty()) return request->SerializeAsString();
    const std::string name = TargetName(target, clinic, patient);
    google::protobuf::Message* message = request.get();
    std::vector<std::string> path = absl::StrSplit(target.field, '.');
    for (size_t i = 0; i < path.size(); ++i) {
      const auto* field = message->GetDescriptor()->FindFieldByName(path[i]);
      EXPECT_NE(field, nullptr) << method.full_name() << ": " << target.field;
      if (field == nullptr) break;
      if (i + 1 < path.size()) {
        message = message->GetReflection()->MutableMessage(message, field);
      } else {
        message->GetReflection()->SetString(message, field, name);
      }
    }
    return request->SerializeAsString();
  }

  // Calls `method` with `request` as `token`'s holder. A server stream
  // that is admitted sends a message at once (WatchAlerts replays the
  // clinic's seeded alerts, an export sends its first chunk); it is then
  // cancelled, and counts as OK.
  grpc::Status Call(const google::protobuf::MethodDescriptor& method,
                    const std::string& request, const std::string& token) {
    const std::string path =
        absl::StrCat("/", method.service()->full_name(), "/", method.name());
    if (method.server_streaming()) return CallStream(path, request, token);
    grpc::GenericStub stub(channel_);
    std::unique_ptr<grpc::ClientContext> context = Context(token);
    grpc::Slice slice(request);
    return testing::CallUnaryGeneric(stub, *context, path,
                                     grpc::ByteBuffer(&slice, 1));
  }

  // A server-streaming call made generically (any method), on a
  // completion queue whose every wait the call's deadline bounds: the first
  // message read means OK, else the status the stream ended with.
  grpc::Status CallStream(const std::string& path, const std::string& request,
                          const std::string& token) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue queue;
    std::unique_ptr<grpc::ClientContext> context = Context(token);
    auto call = stub.PrepareCall(context.get(), path, &queue);
    // Waits for the operation tagged `step`; whether it succeeded.
    auto await = [&queue](intptr_t step) {
      void* tag = nullptr;
      bool ok = false;
      EXPECT_TRUE(queue.Next(&tag, &ok));
      EXPECT_EQ(tag, reinterpret_cast<void*>(step));
      return ok;
    };
    call->StartCall(reinterpret_cast<void*>(1));
    await(1);
    grpc::Slice slice(request);
    grpc::ByteBuffer request_buffer(&slice, 1);
    call->WriteLast(request_buffer, grpc::WriteOptions(),
                    reinterpret_cast<void*>(2));
    await(2);
    grpc::ByteBuffer message;
    call->Read(&message, reinterpret_cast<void*>(3));
    const bool admitted = await(3);
    if (admitted) context->TryCancel();
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(4));
    await(4);
    queue.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue.Next(&tag, &ok)) {
    }
    return admitted ? grpc::Status::OK : status;
  }

  // Every event of `clinic`'s audit trail, newest first, as its admin reads
  // them (every page).
  std::vector<v1::AuditEvent> TrailOf(const std::string& clinic) {
    auto audit = v1::AuditService::NewStub(channel_);
    v1::ListAuditEventsRequest request;
    request.set_parent(absl::StrCat("clinics/", clinic));
    request.set_page_size(1000);
    std::vector<v1::AuditEvent> events;
    do {
      v1::ListAuditEventsResponse page;
      const grpc::Status status = audit->ListAuditEvents(
          Context(role_tokens_[clinic][v1::ROLE_ADMIN]).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      events.insert(events.end(), page.audit_events().begin(),
                    page.audit_events().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return events;
  }

  // The resource name of the token whose secret is `token`, as its holder
  // learns it.
  std::string TokenName(const std::string& token) {
    v1::AccessToken caller;
    const grpc::Status status =
        v1::AccessService::NewStub(channel_)->GetCallerAccessToken(
            Context(token).get(), v1::GetCallerAccessTokenRequest(), &caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return caller.name();
  }

  // Clinic -> role -> secret; the patient is p1.
  std::map<std::string, std::map<v1::Role, std::string>> role_tokens_;
  std::map<std::string, std::string> spare_token_;
  std::map<std::string, PatientRecords> records_;
};

TEST_F(AccessTest, EveryRpcByEveryRoleClinicAndPatientIsAllowedOrDenied) {
  int cells = 0;
  int allowed_cells = 0;
  std::set<std::string> methods_seen;
  // The attempts of clinic a's tokens on clinic b's records, as clinic b's
  // trail must show them: method, role, resource, patient and outcome.
  std::multiset<std::string> attempts_on_b;
  for (const std::string& service_name : server_->service_names()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor& method = *service->method(m);
      const std::string key = absl::StrCat(service->name(), "/", method.name());
      methods_seen.insert(key);
      // A new RPC must say which resource it names (and the policy table
      // must grant it, or the server would not have started).
      auto target = Targets().find(key);
      ASSERT_NE(target, Targets().end())
          << key
          << " is not in this test's matrix: add its target to "
             "Targets() and its roles to AllowedMethods()";
      for (const auto& [role, allowed] : AllowedMethods()) {
        const bool role_allowed = allowed.contains(key);
        for (const char* clinic : {"a", "b"}) {
          for (const char* patient : {"p1", "p2"}) {
            ++cells;
            const std::string request =
                RequestFor(method, target->second, clinic, patient);
            const grpc::Status status =
                Call(method, request, role_tokens_["a"][role]);
            SCOPED_TRACE(absl::StrCat(
                key, " as ", v1::Role_Name(role), " of clinic a on clinic ",
                clinic, ", patient ", patient, ": ", status.error_code(), " ",
                status.error_message()));
            const bool clinic_data =
                !target->second.field.empty() &&
                !absl::StartsWith(target->second.name, "exercises/");
            if (clinic_data && std::string(clinic) == "b") {
              const std::string resource =
                  TargetName(target->second, clinic, patient);
              const std::vector<std::string> parts =
                  absl::StrSplit(resource, '/');
              attempts_on_b.insert(absl::StrJoin(
                  {absl::StrCat("/", method.service()->full_name(), "/",
                                method.name()),
                   v1::Role_Name(role), resource,
                   parts.size() >= 4 && parts[2] == "patients"
                       ? absl::StrCat("clinics/b/patients/", parts[3])
                       : "",
                   absl::StatusCodeToString(
                       static_cast<absl::StatusCode>(status.error_code()))},
                  " "));
            }
            if (!role_allowed) {
              EXPECT_EQ(status.error_code(),
                        grpc::StatusCode::PERMISSION_DENIED);
            } else if (clinic_data && std::string(clinic) != "a") {
              EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
            } else if (clinic_data && role == v1::ROLE_PATIENT &&
                       !IsPatientScoped(target->second)) {
              EXPECT_EQ(status.error_code(),
                        grpc::StatusCode::PERMISSION_DENIED);
            } else if (clinic_data && role == v1::ROLE_PATIENT &&
                       std::string(patient) != "p1") {
              EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
            } else {
              // Allowed: the handler ran on an existing target. It may
              // still refuse the (empty) request body, but never as an
              // access decision.
              ++allowed_cells;
              EXPECT_THAT(
                  status.error_code(),
                  Not(::testing::AnyOf(grpc::StatusCode::UNAUTHENTICATED,
                                       grpc::StatusCode::PERMISSION_DENIED,
                                       grpc::StatusCode::NOT_FOUND)));
            }
          }
        }
      }
    }
  }
  // Every method of the test's matrix is served: the matrix is not stale.
  for (const auto& [key, target] : Targets()) {
    EXPECT_TRUE(methods_seen.contains(key)) << key << " is not served";
  }
  EXPECT_EQ(cells, static_cast<int>(methods_seen.size()) * 4 * 2 * 2);
  EXPECT_GT(allowed_cells, 0);

  // Each of those refused attempts is in clinic b's trail as well (and in
  // a's, as every call is), so that b's admin learns of it: the caller's
  // token name (clinic a and its id), role, method, the resource and patient
  // as named, the outcome and the peer; not the caller's subject, and never
  // a secret.
  std::map<std::string, v1::Role> role_of_token;
  for (const auto& [role, token] : role_tokens_["a"]) {
    role_of_token[TokenName(token)] = role;
  }
  std::multiset<std::string> recorded_in_b;
  for (const v1::AuditEvent& event : TrailOf("b")) {
    if (!absl::StartsWith(event.principal(), "clinics/a/")) continue;
    SCOPED_TRACE(event.DebugString());
    auto role = role_of_token.find(event.principal());
    ASSERT_NE(role, role_of_token.end()) << "not one of clinic a's tokens";
    EXPECT_EQ(event.role(), role->second);
    EXPECT_EQ(event.subject(), "");
    EXPECT_THAT(event.peer(), HasSubstr("127.0.0.1"));
    for (const auto& [unused, secret] : role_tokens_["a"]) {
      EXPECT_THAT(event.SerializeAsString(), Not(HasSubstr(secret)));
    }
    EXPECT_THAT(event.DebugString(), Not(HasSubstr("gc1_")));
    EXPECT_TRUE(event.has_time());
    recorded_in_b.insert(absl::StrJoin(
        {event.method(), v1::Role_Name(event.role()), event.resource(),
         event.patient(), event.outcome()},
        " "));
  }
  std::vector<std::string> missing, unexpected;
  std::set_difference(attempts_on_b.begin(), attempts_on_b.end(),
                      recorded_in_b.begin(), recorded_in_b.end(),
                      std::back_inserter(missing));
  std::set_difference(recorded_in_b.begin(), recorded_in_b.end(),
                      attempts_on_b.begin(), attempts_on_b.end(),
                      std::back_inserter(unexpected));
  EXPECT_THAT(missing, ::testing::IsEmpty()) << "not in clinic b's trail";
  EXPECT_THAT(unexpected, ::testing::IsEmpty()) << "in b's trail, not made";
  EXPECT_GT(attempts_on_b.size(), 300u);
}

TEST_F(AccessTest, WholeClinicExportsAreTheIntegrationRolesAlone) {
  // CSV of sessions and pain is clinical data: a therapist exports one
  // patient at a time, a whole clinic only the integration role; admins and
  // patients nothing.
  auto csv = v1::CsvExportService::NewStub(channel_);
  struct Case {
    v1::Role role;
    std::string parent;
    grpc::StatusCode code;
  };
  const Case cases[] = {
      {v1::ROLE_INTEGRATION, "clinics/a", grpc::StatusCode::OK},
      {v1::ROLE_INTEGRATION, "clinics/a/patients/p2", grpc::StatusCode::OK},
      {v1::ROLE_THERAPIST, "clinics/a/patients/p2", grpc::StatusCode::OK},
      {v1::ROLE_THERAPIST, "clinics/a", grpc::StatusCode::PERMISSION_DENIED},
      {v1::ROLE_THERAPIST, "clinics/a/patients/-",
       grpc::StatusCode::PERMISSION_DENIED},
      {v1::ROLE_ADMIN, "clinics/a", grpc::StatusCode::PERMISSION_DENIED},
      {v1::ROLE_PATIENT, "clinics/a", grpc::StatusCode::PERMISSION_DENIED},
  };
  for (const Case& c : cases) {
    v1::ExportCsvRequest request;
    request.set_parent(c.parent);
    request.set_table(v1::ExportCsvRequest::TABLE_PAIN_REPORTS);
    const grpc::Status status =
        CallStream("/glutecare.v1.CsvExportService/ExportCsv",
                   request.SerializeAsString(), role_tokens_["a"][c.role]);
    SCOPED_TRACE(absl::StrCat(v1::Role_Name(c.role), " on ", c.parent, ": ",
                              status.error_message()));
    EXPECT_EQ(status.error_code(), c.code);
    if (c.role == v1::ROLE_THERAPIST && c.code != grpc::StatusCode::OK) {
      EXPECT_THAT(status.error_message(), HasSubstr("one patient at a time"));
    }
  }
}

TEST_F(AccessTest, AnAttemptOnAClinicThatDoesNotExistStaysInTheCallersTrail) {
  // There is no trail to write to, and the events written with it are kept.
  auto patients = v1::PatientService::NewStub(channel_);
  v1::GetPatientRequest get;
  get.set_name("clinics/nowhere/patients/p1");
  v1::Patient patient;
  const std::string therapist = role_tokens_["a"][v1::ROLE_THERAPIST];
  EXPECT_EQ(patients->GetPatient(Context(therapist).get(), get, &patient)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_name("clinics/a/patients/p2");
  ASSERT_TRUE(
      patients->GetPatient(Context(therapist).get(), get, &patient).ok());

  bool saw_attempt = false, saw_read = false;
  for (const v1::AuditEvent& event : TrailOf("a")) {
    if (event.method() != "/glutecare.v1.PatientService/GetPatient") continue;
    if (event.resource() == "clinics/nowhere/patients/p1") {
      saw_attempt = true;
      EXPECT_EQ(event.outcome(), "NOT_FOUND");
      EXPECT_EQ(event.patient(), "");
    }
    if (event.resource() == "clinics/a/patients/p2") saw_read = true;
  }
  EXPECT_TRUE(saw_attempt);
  EXPECT_TRUE(saw_read);
}

TEST_F(AccessTest, EveryCallerReadsTheirOwnTokenButNeverItsSecret) {
  for (const auto& [role, secret] : role_tokens_["a"]) {
    SCOPED_TRACE(v1::Role_Name(role));
    v1::AccessToken token;
    const grpc::Status status =
        v1::AccessService::NewStub(channel_)->GetCallerAccessToken(
            Context(secret).get(), v1::GetCallerAccessTokenRequest(), &token);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_THAT(token.name(), ::testing::StartsWith("clinics/a/accessTokens/"));
    EXPECT_EQ(token.role(), role);
    EXPECT_TRUE(token.has_expire_time());
    EXPECT_THAT(token.DebugString(), Not(HasSubstr("gc1_")));
    if (role == v1::ROLE_PATIENT) {
      EXPECT_EQ(token.subject(), "clinics/a/patients/p1");
    }
  }
  v1::AccessToken token;
  EXPECT_EQ(v1::AccessService::NewStub(channel_)
                ->GetCallerAccessToken(Context("").get(),
                                       v1::GetCallerAccessTokenRequest(),
                                       &token)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccessTest, CallsWithoutAValidTokenAreUnauthenticated) {
  auto patients = v1::PatientService::NewStub(channel_);
  v1::ListPatientsRequest request;
  request.set_parent("clinics/a");
  v1::ListPatientsResponse response;

  grpc::Status status =
      patients->ListPatients(Context("").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("no access token"));

  status =
      patients->ListPatients(Context("gc1_short").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("gc1_short")));

  const std::string unknown = GenerateTokenSecret();
  status = patients->ListPatients(Context(unknown).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), Not(HasSubstr(unknown)));

  grpc::ClientContext basic;
  basic.set_deadline(std::chrono::system_clock::now() + kDeadline);
  basic.AddMetadata("authorization", "Basic dXNlcjpwYXNz");
  status = patients->ListPatients(&basic, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  status = patients->ListPatients(
      Context(role_tokens_["a"][v1::ROLE_THERAPIST]).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(AccessTest, RevokedTokensStopWorkingAtOnce) {
  const std::string therapist = role_tokens_["a"][v1::ROLE_THERAPIST];
  auto access = v1::AccessService::NewStub(channel_);
  v1::ListAccessTokensRequest list;
  list.set_parent("clinics/a");
  list.set_page_size(1000);
  v1::ListAccessTokensResponse tokens;
  ASSERT_TRUE(
      access
          ->ListAccessTokens(Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(),
                             list, &tokens)
          .ok());
  std::string therapist_token_name;
  for (const v1::AccessToken& token : tokens.access_tokens()) {
    if (token.role() == v1::ROLE_THERAPIST) therapist_token_name = token.name();
    // The secret is never listed, and no field holds it.
    EXPECT_THAT(token.DebugString(), Not(HasSubstr("gc1_")));
  }
  ASSERT_FALSE(therapist_token_name.empty());

  v1::RevokeAccessTokenRequest revoke;
  revoke.set_name(therapist_token_name);
  v1::AccessToken revoked;
  ASSERT_TRUE(
      access
          ->RevokeAccessToken(Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(),
                              revoke, &revoked)
          .ok());
  EXPECT_TRUE(revoked.has_revoke_time());

  auto clinics = v1::ClinicService::NewStub(channel_);
  v1::GetClinicRequest get;
  get.set_name("clinics/a");
  v1::Clinic clinic;
  grpc::Status status =
      clinics->GetClinic(Context(therapist).get(), get, &clinic);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("revoked"));

  // Another clinic's admin cannot revoke (or even see) clinic a's tokens.
  revoke.set_name(spare_token_["a"]);
  status = access->RevokeAccessToken(
      Context(role_tokens_["b"][v1::ROLE_ADMIN]).get(), revoke, &revoked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AccessTest, ExpiredTokensAreUnauthenticated) {
  // A token that expired a minute ago, stored as the server would store it.
  const std::string secret = GenerateTokenSecret();
  {
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenSqliteStore({.path = db_path(), .read_connections = 1});
    ASSERT_TRUE(store.ok()) << store.status();
    v1::AccessToken token;
    token.set_name("clinics/a/accessTokens/expired");
    token.set_role(v1::ROLE_THERAPIST);
    token.set_subject("clinics/a/therapists/t1");
    token.set_display_name("Old laptop");
    *token.mutable_create_time() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::Now() - absl::Hours(24)));
    *token.mutable_expire_time() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::Now() - absl::Minutes(1)));
    ASSERT_TRUE(
        (*store)->CreateAccessToken(token, HashTokenSecret(secret)).ok());
  }
  auto clinics = v1::ClinicService::NewStub(channel_);
  v1::GetClinicRequest get;
  get.set_name("clinics/a");
  v1::Clinic clinic;
  grpc::Status status = clinics->GetClinic(Context(secret).get(), get, &clinic);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("expired"));
}

TEST_F(AccessTest, TokensAreValidatedAndOnlyShownOnce) {
  auto access = v1::AccessService::NewStub(channel_);
  v1::CreateAccessTokenRequest request;
  request.set_parent("clinics/a");
  v1::AccessToken* token = request.mutable_access_token();
  token->set_role(v1::ROLE_PATIENT);
  token->set_subject("clinics/b/patients/p1");  // another clinic's patient
  token->set_display_name("Pat's phone");
  *token->mutable_expire_time() = TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(absl::Now() + absl::Hours(24 * 500)));
  v1::CreateAccessTokenResponse response;
  grpc::Status status = access->CreateAccessToken(
      Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("access_token.subject"));
  EXPECT_THAT(status.error_message(), HasSubstr("access_token.expire_time"));

  token->set_subject("clinics/a/patients/nobody");
  token->clear_expire_time();
  status = access->CreateAccessToken(
      Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  token->set_subject("clinics/a/patients/p2");
  status = access->CreateAccessToken(
      Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.secret(), ::testing::StartsWith("gc1_"));
  EXPECT_EQ(response.secret().size(), 47u);
  EXPECT_THAT(response.access_token().creator(),
              ::testing::StartsWith("clinics/a/accessTokens/"));
  // 90 days by default.
  EXPECT_EQ(TimeUtil::DurationToSeconds(response.access_token().expire_time() -
                                        response.access_token().create_time()),
            90 * 24 * 3600);

  // The new token works for p2's records and nobody else's.
  auto sessions = v1::SessionService::NewStub(channel_);
  v1::ListSessionsRequest list;
  list.set_parent("clinics/a/patients/p2");
  v1::ListSessionsResponse listed;
  EXPECT_TRUE(
      sessions->ListSessions(Context(response.secret()).get(), list, &listed)
          .ok());
  list.set_parent("clinics/a/patients/p1");
  EXPECT_EQ(
      sessions->ListSessions(Context(response.secret()).get(), list, &listed)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(AccessTest, AuditTrailRecordsReadsWritesAndDenials) {
  auto patients = v1::PatientService::NewStub(channel_);
  v1::GetPatientRequest get;
  get.set_name("clinics/a/patients/p2");
  v1::Patient patient;
  ASSERT_TRUE(
      patients
          ->GetPatient(Context(role_tokens_["a"][v1::ROLE_THERAPIST]).get(),
                       get, &patient)
          .ok());
  auto sessions = v1::SessionService::NewStub(channel_);
  v1::CreatePainReportRequest pain;
  pain.set_parent("clinics/a/patients/p1");
  pain.mutable_pain_report()->set_area(v1::PAIN_AREA_HIP);
  pain.mutable_pain_report()->set_score(2);
  v1::PainReport report;
  ASSERT_TRUE(
      sessions
          ->CreatePainReport(Context(role_tokens_["a"][v1::ROLE_PATIENT]).get(),
                             pain, &report)
          .ok());
  // Denied: the patient reads p2's sessions.
  v1::ListSessionsRequest other;
  other.set_parent("clinics/a/patients/p2");
  v1::ListSessionsResponse listed;
  EXPECT_EQ(
      sessions
          ->ListSessions(Context(role_tokens_["a"][v1::ROLE_PATIENT]).get(),
                         other, &listed)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  auto audit = v1::AuditService::NewStub(channel_);
  v1::ListAuditEventsRequest request;
  request.set_parent("clinics/a");
  request.set_page_size(1000);
  *request.mutable_start_time() =
      TimeUtil::GetCurrentTime() - TimeUtil::SecondsToDuration(600);
  v1::ListAuditEventsResponse events;
  grpc::Status status = audit->ListAuditEvents(
      Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(), request, &events);
  ASSERT_TRUE(status.ok()) << status.error_message();
  bool saw_read = false, saw_write = false, saw_denial = false;
  int64_t previous = std::numeric_limits<int64_t>::max();
  for (const v1::AuditEvent& event : events.audit_events()) {
    EXPECT_LT(event.sequence(), previous);  // newest first
    previous = event.sequence();
    EXPECT_THAT(event.name(), ::testing::StartsWith("clinics/a/auditEvents/"));
    EXPECT_THAT(event.principal(),
                ::testing::StartsWith("clinics/a/accessTokens/"));
    EXPECT_THAT(event.peer(), HasSubstr("127.0.0.1"));
    EXPECT_TRUE(event.has_time());
    for (const auto& [unused, secret] : role_tokens_["a"]) {
      EXPECT_THAT(event.SerializeAsString(), Not(HasSubstr(secret)));
    }
    EXPECT_THAT(event.DebugString(), Not(HasSubstr("gc1_")));
    if (event.method() == "/glutecare.v1.PatientService/GetPatient" &&
        event.resource() == "clinics/a/patients/p2") {
      saw_read = true;
      EXPECT_EQ(event.role(), v1::ROLE_THERAPIST);
      EXPECT_EQ(event.subject(), "clinics/a/therapists/t1");
      EXPECT_EQ(event.patient(), "clinics/a/patients/p2");
      EXPECT_EQ(event.outcome(), "OK");
    }
    if (event.method() == "/glutecare.v1.SessionService/CreatePainReport") {
      saw_write = true;
      EXPECT_EQ(event.role(), v1::ROLE_PATIENT);
      EXPECT_EQ(event.patient(), "clinics/a/patients/p1");
      EXPECT_EQ(event.outcome(), "OK");
    }
    if (event.method() == "/glutecare.v1.SessionService/ListSessions" &&
        event.role() == v1::ROLE_PATIENT &&
        event.resource() == "clinics/a/patients/p2") {
      saw_denial = true;
      EXPECT_EQ(event.outcome(), "NOT_FOUND");
    }
    // Clinic b's calls stay in clinic b's trail.
    EXPECT_THAT(event.resource(), Not(::testing::StartsWith("clinics/b")));
  }
  EXPECT_TRUE(saw_read);
  EXPECT_TRUE(saw_write);
  EXPECT_TRUE(saw_denial);

  // Filtered by patient: only p2's events.
  request.set_patient("clinics/a/patients/p2");
  ASSERT_TRUE(
      audit
          ->ListAuditEvents(Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(),
                            request, &events)
          .ok());
  ASSERT_GT(events.audit_events_size(), 0);
  for (const v1::AuditEvent& event : events.audit_events()) {
    EXPECT_EQ(event.patient(), "clinics/a/patients/p2");
  }
  // Filtered by time: the server began less than an hour ago.
  request.clear_patient();
  request.clear_start_time();
  *request.mutable_end_time() =
      TimeUtil::GetCurrentTime() - TimeUtil::SecondsToDuration(3600);
  ASSERT_TRUE(
      audit
          ->ListAuditEvents(Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(),
                            request, &events)
          .ok());
  EXPECT_EQ(events.audit_events_size(), 0);

  // Bad filters are field errors.
  request.set_patient("clinics/b/patients/p1");
  status = audit->ListAuditEvents(
      Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(), request, &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("patient"));
}

TEST_F(AccessTest, APrincipalOverItsCallLimitIsRefusedAndOthersAreNot) {
  StopServer();
  options_.max_calls_per_principal = 1;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string therapist = role_tokens_["a"][v1::ROLE_THERAPIST];

  // A live alert stream holds the therapist's only slot.
  auto alerts = v1::AlertService::NewStub(channel_);
  v1::WatchAlertsRequest watch;
  watch.set_parent("clinics/a");
  std::unique_ptr<grpc::ClientContext> stream_context = Context(therapist);
  auto reader = alerts->WatchAlerts(stream_context.get(), watch);
  reader->WaitForInitialMetadata();

  auto clinics = v1::ClinicService::NewStub(channel_);
  v1::GetClinicRequest get;
  get.set_name("clinics/a");
  v1::Clinic clinic;
  grpc::Status status =
      clinics->GetClinic(Context(therapist).get(), get, &clinic);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  status = clinics->GetClinic(Context(role_tokens_["a"][v1::ROLE_ADMIN]).get(),
                              get, &clinic);
  EXPECT_TRUE(status.ok()) << status.error_message();

  stream_context->TryCancel();
  reader->Finish();
}

}  // namespace
}  // namespace glutecare
