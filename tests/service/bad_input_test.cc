// Malformed input, RPC by RPC, on a real GlutecareServer: every case gets the
// right status code and, for INVALID_ARGUMENT, a field violation naming the
// field; and after all of them, nothing has been written.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "glutecare/v1/access_service.grpc.pb.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/service/server.h"
#include "tests/testing/access.h"
#include "tests/testing/grpc_errors.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using ::testing::Contains;

enum class Who { kAdmin, kTherapist, kPatient };

struct BadInput {
  // `Service/Method` of glutecare.v1.
  std::string method;
  Who who;
  // The request, in protobuf text format.
  std::string request;
  grpc::StatusCode code;
  // The field violation expected with INVALID_ARGUMENT.
  std::string field;
  // Applied to the parsed request, for what text format cannot say briefly.
  std::function<void(google::protobuf::Message&)> mutate = nullptr;
};

// Sets the string field `field` of `message` to `value`.
std::function<void(google::protobuf::Message&)> SetString(
    const std::string& path, std::string value) {
  return [path, value](google::protobuf::Message& message) {
    google::protobuf::Message* current = &message;
    std::vector<std::string> parts;
    for (size_t start = 0, dot; start <= path.size(); start = dot + 1) {
      dot = path.find('.', start);
      if (dot == std::string::npos) dot = path.size();
      parts.push_back(path.substr(start, dot - start));
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto* field = current->GetDescriptor()->FindFieldByName(parts[i]);
      ASSERT_NE(field, nullptr) << path;
      if (i + 1 < parts.size()) {
        current = current->GetReflection()->MutableMessage(current, field);
      } else {
        current->GetReflection()->SetString(current, field, value);
      }
    }
  };
}

// Merges `text` (protobuf text format) into the request: singular messages
// merge, repeated fields get one more element, scalars are replaced.
std::function<void(google::protobuf::Message&)> MergeText(std::string text) {
  return [text](google::protobuf::Message& message) {
    ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(text, &message))
        << text;
  };
}

// `text` with `from` replaced by `to`.
std::string Replaced(std::string text, const std::string& from,
                     const std::string& to) {
  return absl::StrReplaceAll(text, {{from, to}});
}

const std::string kSession = R"pb(
  parent: "clinics/demo/patients/p1"
  request_id: "r1"
  session {
    perform_time { seconds: 1795000000 }
    program_revision: "clinics/demo/patients/p1/programs/g1@1"
    exercises {
      exercise: "exercises/glute-bridge"
      sets: 3
      reps: 12
      load { type: LOAD_TYPE_BODYWEIGHT }
    }
    pain_before: 3
    pain_after: 2
    difficulty: DIFFICULTY_ABOUT_RIGHT
  }
)pb";

const std::string kProgram = R"pb(
  parent: "clinics/demo/patients/p1"
  program_id: "g2"
  program {
    display_name: "Phase 2"
    status: PROGRAM_STATUS_ACTIVE
    start_date: "2026-11-01"
    prescriptions {
      exercise: "exercises/clamshell"
      sets: 3
      reps: 15
      load { type: LOAD_TYPE_BODYWEIGHT }
      sessions_per_week: 3
    }
  }
)pb";

const std::string kPatient = R"pb(
  parent: "clinics/demo"
  patient_id: "p2"
  patient {
    display_name: "Pat Two"
    mrn: "MRN-2"
    time_zone: "Europe/Berlin"
    pain_areas: PAIN_AREA_HIP
    therapist: "clinics/demo/therapists/t1"
    baseline_pain: 5
  }
)pb";

std::vector<BadInput> Cases() {
  const std::string huge(100'000, 'x');
  return {
      // ClinicService
      {"ClinicService/GetClinic", Who::kAdmin, R"pb(name: "clinic/demo")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      {"ClinicService/CreateTherapist", Who::kAdmin, R"pb(parent: "clinics/demo"
                                                          therapist {})pb",
       grpc::StatusCode::INVALID_ARGUMENT, "therapist.display_name"},
      {"ClinicService/CreateTherapist", Who::kAdmin,
       R"pb(parent: "clinics/demo"
            therapist_id: "Bad_Id"
            therapist { display_name: "T" })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "therapist_id"},
      {"ClinicService/CreateTherapist", Who::kAdmin, R"pb(parent: "clinics/demo"
                                                          therapist {})pb",
       grpc::StatusCode::INVALID_ARGUMENT, "therapist.display_name",
       SetString("therapist.display_name", huge)},
      {"ClinicService/ListTherapists", Who::kAdmin,
       R"pb(parent: "clinics/demo" page_token: "garbage")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "page_token"},
      // PatientService
      {"PatientService/CreatePatient", Who::kTherapist, kPatient,
       grpc::StatusCode::INVALID_ARGUMENT, "patient.mrn",
       SetString("patient.mrn", "")},
      {"PatientService/CreatePatient", Who::kTherapist, kPatient,
       grpc::StatusCode::INVALID_ARGUMENT, "patient.time_zone",
       SetString("patient.time_zone", "Mars/Olympus_Mons")},
      {"PatientService/CreatePatient", Who::kTherapist, kPatient,
       grpc::StatusCode::INVALID_ARGUMENT, "patient.pain_areas[1]",
       MergeText("patient { pain_areas: 42 }")},
      {"PatientService/CreatePatient", Who::kTherapist, kPatient,
       grpc::StatusCode::INVALID_ARGUMENT, "patient.baseline_pain",
       MergeText("patient { baseline_pain: 11 }")},
      {"PatientService/CreatePatient", Who::kTherapist, kPatient,
       grpc::StatusCode::INVALID_ARGUMENT, "patient.display_name",
       SetString("patient.display_name", "Pat\x01")},
      {"PatientService/CreatePatient", Who::kTherapist,
       Replaced(kPatient, "MRN-2", "MRN-1"),  // p1's
       grpc::StatusCode::ALREADY_EXISTS, ""},
      {"PatientService/GetPatient", Who::kTherapist,
       R"pb(name: "clinics/demo/patients/P1")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      {"PatientService/ListPatients", Who::kTherapist,
       R"pb(parent: "clinics/demo" page_size: -1)pb",
       grpc::StatusCode::INVALID_ARGUMENT, "page_size"},
      {"PatientService/UpdatePatient", Who::kTherapist,
       R"pb(patient { name: "clinics/demo/patients/p1" display_name: "New" }
            update_mask { paths: "no_such_field" })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"PatientService/UpdatePatient", Who::kTherapist,
       R"pb(patient {
              name: "clinics/demo/patients/p1"
              display_name: "New"
              etag: "999"
            }
            update_mask { paths: "display_name" })pb",
       grpc::StatusCode::ABORTED, ""},
      // ExerciseService
      {"ExerciseService/GetExercise", Who::kPatient,
       R"pb(name: "exercises/Glute_Bridge")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      // ProgramService
      {"ProgramService/CreateProgram", Who::kTherapist, kProgram,
       grpc::StatusCode::INVALID_ARGUMENT, "program.prescriptions[1].sets",
       MergeText("program { prescriptions { sets: 0 } }")},
      {"ProgramService/CreateProgram", Who::kTherapist,
       Replaced(kProgram, "exercises/clamshell", "exercises/deadlift"),
       grpc::StatusCode::INVALID_ARGUMENT, "program.prescriptions[0].exercise"},
      {"ProgramService/CreateProgram", Who::kTherapist, kProgram,
       grpc::StatusCode::INVALID_ARGUMENT, "program.end_date",
       MergeText("program { end_date: \"2026-10-01\" }")},
      {"ProgramService/CreateProgram", Who::kTherapist, kProgram,
       grpc::StatusCode::INVALID_ARGUMENT, "program.status",
       MergeText("program { status: 99 }")},
      {"ProgramService/UpdateProgram", Who::kTherapist,
       R"pb(program {
              name: "clinics/demo/patients/p1/programs/g1"
              display_name: "New"
              etag: "999"
            }
            update_mask { paths: "display_name" })pb",
       grpc::StatusCode::ABORTED, ""},
      {"ProgramService/GetProgram", Who::kTherapist,
       R"pb(name: "clinics/demo/patients/p1/programs/g1@0")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      // SessionService
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.pain_before",
       MergeText("session { pain_before: 11 }")},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.pain_after",
       MergeText("session { pain_after: -1 }")},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.perform_time",
       MergeText("session { perform_time { seconds: 4102444800 } }")},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.exercises[1].exercise",
       MergeText("session { exercises { sets: 3 reps: 1000 } }")},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.difficulty",
       MergeText("session { difficulty: 77 }")},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "request_id",
       SetString("request_id", "not a request id!")},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.notes",
       SetString("session.notes", huge)},
      {"SessionService/CreateSession", Who::kPatient, kSession,
       grpc::StatusCode::INVALID_ARGUMENT, "session.program_revision",
       SetString("session.program_revision",
                 "clinics/demo/patients/p1/programs/g1@7")},
      {"SessionService/CreatePainReport", Who::kPatient,
       R"pb(parent: "clinics/demo/patients/p1"
            pain_report { area: PAIN_AREA_HIP score: 12 })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "pain_report.score"},
      {"SessionService/CreatePainReport", Who::kPatient,
       R"pb(parent: "clinics/demo/patients/p1"
            pain_report { area: PAIN_AREA_HIP })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "pain_report.score"},
      {"SessionService/CreatePainReport", Who::kPatient,
       R"pb(parent: "clinics/demo/patients/p1"
            pain_report { area: 9 score: 2 })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "pain_report.area"},
      {"SessionService/CreatePainReport", Who::kPatient,
       R"pb(parent: "clinics/demo/patients/p1"
            pain_report {
              area: PAIN_AREA_HIP
              score: 2
              local_date: "2100-01-01"
            })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "pain_report.local_date"},
      {"SessionService/ListSessions", Who::kPatient,
       R"pb(parent: "clinics/demo/patients/p1" page_size: 1001)pb",
       grpc::StatusCode::INVALID_ARGUMENT, "page_size"},
      {"SessionService/GetSession", Who::kPatient,
       R"pb(name: "clinics/demo/patients/p1/sessions/")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      // ReportService
      {"ReportService/GetAdherenceReport", Who::kTherapist,
       R"pb(patient: "clinics/demo/patients/p1" start_date: "2026-13-01")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "start_date"},
      // AlertService, SuggestionService, DashboardService
      {"AlertService/ListAlerts", Who::kTherapist,
       R"pb(parent: "clinics/demo/patients/p1" state: 99)pb",
       grpc::StatusCode::INVALID_ARGUMENT, "state"},
      {"AlertService/AcknowledgeAlert", Who::kTherapist,
       R"pb(name: "clinics/demo/patients/p1/alerts")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      {"SuggestionService/ListSuggestions", Who::kTherapist,
       R"pb(parent: "clinics/demo/patients/p1/programs/-" state: 42)pb",
       grpc::StatusCode::INVALID_ARGUMENT, "state"},
      {"DashboardService/ListPatientStatuses", Who::kTherapist,
       R"pb(parent: "clinics/demo" therapist: "clinics/other/therapists/t1")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "therapist"},
      // OutcomeService, RtmService, FhirExportService, PatientImportService
      {"OutcomeService/CreateOutcomeAssignment", Who::kTherapist,
       R"pb(parent: "clinics/demo/patients/p1"
            outcome_assignment { measure: OUTCOME_MEASURE_ODI every_weeks: 53 })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "outcome_assignment.every_weeks"},
      {"OutcomeService/CreateOutcomeAssignment", Who::kTherapist,
       R"pb(parent: "clinics/demo/patients/p1"
            outcome_assignment { measure: 7 })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "outcome_assignment.measure"},
      {"OutcomeService/GetOutcomeResponse", Who::kTherapist,
       R"pb(name: "clinics/demo/patients/p1/outcomeResponses/")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      {"RtmService/LogManagementTime", Who::kTherapist,
       R"pb(parent: "clinics/demo/patients/p1"
            management_time_entry { minutes: 241 date: "2026-02-01" })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "management_time_entry.minutes"},
      {"RtmService/LogManagementTime", Who::kTherapist,
       R"pb(parent: "clinics/demo/patients/p1"
            management_time_entry { minutes: 5 date: "2026-02-30" })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "management_time_entry.date"},
      {"RtmService/GetRtmReport", Who::kTherapist,
       R"pb(patient: "clinics/demo/patients/p1" month: "2026-13")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "month"},
      {"FhirExportService/ExportPatientBundle", Who::kTherapist,
       R"pb(patient: "clinics/demo/patient/p1")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "patient"},
      {"PatientImportService/ImportPatients", Who::kAdmin,
       R"pb(parent: "clinics/demo" default_time_zone: "Mars/Olympus")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "default_time_zone"},
      // AccessService, AuditService
      {"AccessService/CreateAccessToken", Who::kAdmin,
       R"pb(parent: "clinics/demo"
            access_token { display_name: "X" })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "access_token.role"},
      {"AccessService/CreateAccessToken", Who::kAdmin,
       R"pb(parent: "clinics/demo"
            access_token {
              role: ROLE_ADMIN
              display_name: "X"
              subject: "clinics/demo/therapists/t1"
            })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "access_token.subject"},
      {"AccessService/CreateAccessToken", Who::kAdmin,
       R"pb(parent: "clinics/demo"
            access_token {
              role: ROLE_ADMIN
              display_name: "X"
              expire_time { seconds: 1000 }
            })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "access_token.expire_time"},
      {"AccessService/RevokeAccessToken", Who::kAdmin,
       R"pb(name: "clinics/demo/accessTokens/")pb",
       grpc::StatusCode::INVALID_ARGUMENT, "name"},
      {"AuditService/ListAuditEvents", Who::kAdmin,
       R"pb(parent: "clinics/demo"
            start_time { seconds: 2000 }
            end_time { seconds: 1000 })pb",
       grpc::StatusCode::INVALID_ARGUMENT, "end_time"},
  };
}

using testing::ViolatedFields;

// Clinic demo (no MRN system) with therapist t1, patient p1 (MRN-1) on
// program g1, and their tokens.
class BadInputTest : public testing::BareClinicTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    tokens_of_[Who::kAdmin] = admin_token_;
    tokens_of_[Who::kTherapist] = therapist_token_;
    ASSERT_TRUE(Call("PatientService/CreatePatient", Who::kTherapist,
                     Replaced(Replaced(kPatient, "p2", "p1"), "MRN-2", "MRN-1"))
                    .ok());
    ASSERT_TRUE(Call("ProgramService/CreateProgram", Who::kTherapist,
                     Replaced(kProgram, "g2", "g1"))
                    .ok());
    tokens_of_[Who::kPatient] =
        Token(v1::ROLE_PATIENT, "clinics/demo/patients/p1");
    ASSERT_FALSE(tokens_of_[Who::kPatient].empty());
  }

  // Calls glutecare.v1 `method` with the request in text format, as `who`.
  grpc::Status Call(
      const std::string& method, Who who, const std::string& text,
      const std::function<void(google::protobuf::Message&)>& mutate = nullptr,
      std::string* response_text = nullptr) {
    const std::string full = absl::StrCat("glutecare.v1.", method);
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
            absl::StrReplaceAll(full, {{"/", "."}}));
    EXPECT_NE(descriptor, nullptr) << method;
    if (descriptor == nullptr) return grpc::Status::CANCELLED;
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(descriptor->input_type())
            ->New());
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(text, request.get()))
        << method << ": " << text;
    if (mutate) mutate(*request);
    std::string bytes;
    request->SerializePartialToString(&bytes);

    grpc::ByteBuffer response;
    const grpc::Status status =
        CallBytes(absl::StrCat("/", full), who, bytes, &response);
    if (status.ok() && response_text != nullptr) {
      std::unique_ptr<google::protobuf::Message> reply(
          google::protobuf::MessageFactory::generated_factory()
              ->GetPrototype(descriptor->output_type())
              ->New());
      std::vector<grpc::Slice> slices;
      (void)response.Dump(&slices);
      std::string raw;
      for (const grpc::Slice& s : slices) {
        raw.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
      reply->ParseFromString(raw);
      *response_text = reply->ShortDebugString();
    }
    return status;
  }

  // Sends `bytes` as the request of the unary method at `path`
  // (`/package.Service/Method`), as `who`.
  grpc::Status CallBytes(const std::string& path, Who who,
                         const std::string& bytes, grpc::ByteBuffer* response) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue queue;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    testing::SetBearer(context, tokens_of_[who]);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    auto call = stub.PrepareUnaryCall(&context, path, buffer, &queue);
    call->StartCall();
    grpc::Status status;
    call->Finish(response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));  // bounded by the deadline
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status;
  }

  // Everything the clinic holds, as listed through the API.
  std::string Snapshot() {
    std::string snapshot;
    for (const auto& [method, who, request] :
         std::vector<std::tuple<std::string, Who, std::string>>{
             {"ClinicService/ListTherapists", Who::kAdmin,
              R"pb(parent: "clinics/demo")pb"},
             {"PatientService/ListPatients", Who::kAdmin,
              R"pb(parent: "clinics/demo")pb"},
             {"ProgramService/ListProgramRevisions", Who::kTherapist,
              R"pb(name: "clinics/demo/patients/p1/programs/g1")pb"},
             {"ProgramService/ListPrograms", Who::kTherapist,
              R"pb(parent: "clinics/demo/patients/p1")pb"},
             {"SessionService/ListSessions", Who::kTherapist,
              R"pb(parent: "clinics/demo/patients/p1")pb"},
             {"SessionService/ListPainReports", Who::kTherapist,
              R"pb(parent: "clinics/demo/patients/p1")pb"},
             {"AccessService/ListAccessTokens", Who::kAdmin,
              R"pb(parent: "clinics/demo")pb"},
             {"OutcomeService/ListOutcomeAssignments", Who::kTherapist,
              R"pb(parent: "clinics/demo/patients/p1")pb"},
             {"OutcomeService/ListOutcomeResponses", Who::kTherapist,
              R"pb(parent: "clinics/demo/patients/p1")pb"},
             {"RtmService/ListManagementTime", Who::kTherapist,
              R"pb(parent: "clinics/demo/patients/p1")pb"},
         }) {
      std::string listed;
      grpc::Status status = Call(method, who, request, nullptr, &listed);
      EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
      absl::StrAppend(&snapshot, method, ": ", listed, "\n");
    }
    return snapshot;
  }

  std::map<Who, std::string> tokens_of_;
};

TEST_F(BadInputTest, EveryMalformedRequestGetsItsCodeAndFieldAndWritesNothing) {
  const std::string before = Snapshot();
  std::set<std::string> methods;
  for (const BadInput& bad : Cases()) {
    methods.insert(bad.method);
    const grpc::Status status =
        Call(bad.method, bad.who, bad.request, bad.mutate);
    SCOPED_TRACE(absl::StrCat(bad.method, " expecting ", bad.field, ": got ",
                              status.error_code(), " ",
                              status.error_message()));
    EXPECT_EQ(status.error_code(), bad.code);
    if (bad.code == grpc::StatusCode::INVALID_ARGUMENT) {
      EXPECT_THAT(ViolatedFields(status), Contains(bad.field));
    }
  }
  EXPECT_EQ(Snapshot(), before) << "a rejected request wrote something";
  // Every write RPC is in the table.
  for (const char* write :
       {"ClinicService/CreateTherapist", "PatientService/CreatePatient",
        "PatientService/UpdatePatient", "ProgramService/CreateProgram",
        "ProgramService/UpdateProgram", "SessionService/CreateSession",
        "SessionService/CreatePainReport", "AccessService/CreateAccessToken"}) {
    EXPECT_TRUE(methods.contains(write)) << write;
  }
}

TEST_F(BadInputTest, InvalidUtf8InAStringIsInvalidArgumentAndWritesNothing) {
  const std::string before = Snapshot();
  const grpc::Status status =
      Call("ClinicService/CreateTherapist", Who::kAdmin,
           R"pb(parent: "clinics/demo" therapist_id: "t9")pb",
           SetString("therapist.display_name", "Tess \xff\xfe"));
  // Protobuf refuses the request inside gRPC, before any handler: the field
  // cannot be named, but the code and the message say what is wrong (gRPC
  // alone would answer UNIMPLEMENTED with no message).
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("not a valid "
                                   "glutecare.v1.CreateTherapistRequest"));
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("UTF-8"));
  EXPECT_EQ(testing::ErrorReason(status), "INVALID_FIELD");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(BadInputTest, BytesThatAreNotTheRequestMessageAreInvalidArgument) {
  // Field 1 (parent) announced as 100 bytes long, with 3 bytes behind it.
  grpc::ByteBuffer response;
  const grpc::Status status =
      CallBytes("/glutecare.v1.PatientService/ListPatients", Who::kAdmin,
                std::string("\x0a\x64" "abc", 5), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("glutecare.v1.ListPatientsRequest"));
}

TEST_F(BadInputTest, AnUnknownMethodIsStillUnimplemented) {
  grpc::ByteBuffer response;
  const grpc::Status status = CallBytes(
      "/glutecare.v1.PatientService/DeleteEverything", Who::kAdmin, "",
      &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace glutecare
