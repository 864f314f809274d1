// A fixture for service tests: a real GlutecareServer on 127.0.0.1 (a free
// port) over a fresh SQLite file, serving clinic `demo` (MRNs in
// kMrnSystem) with therapists t1 and t2, and a token for its admin, its
// integration account and therapist t1.
//
//   class ImportTest : public testing::ServedClinicTest {};
//   TEST_F(ImportTest, ...) {
//     auto stub = v1::PatientImportService::NewStub(channel_);
//     stub->ImportPatients(Context(integration_token_).get(), ...);
//   }
#ifndef GLUTECARE_TESTS_TESTING_SERVED_CLINIC_H_
#define GLUTECARE_TESTS_TESTING_SERVED_CLINIC_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/service/server.h"
#include "tests/testing/access.h"
#include "tests/testing/sqlite_server.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::testing {

// Public, so that a test may run a second one (SetUp, TearDown) and reach
// into it.
class ServedClinicTest : public ::testing::Test {
 public:
  static constexpr char kMrnSystem[] = "urn:oid:2.16.840.1.113883.19.5";

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::string> admin =
        BootstrapAdmin(dir_.File("glutecare.db"), "demo", kMrnSystem);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_token_ = *admin;
    absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
        StartSqliteServer({.listen_address = "127.0.0.1:0",
                           .worker_threads = 2,
                           .alert_sweep_interval = absl::ZeroDuration()},
                          dir_.File("glutecare.db"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    auto clinics = v1::ClinicService::NewStub(channel_);
    for (const char* id : {"t1", "t2"}) {
      v1::CreateTherapistRequest request;
      request.set_parent("clinics/demo");
      request.set_therapist_id(id);
      request.mutable_therapist()->set_display_name(
          absl::StrCat("Therapist ", id));
      v1::Therapist therapist;
      const grpc::Status status = clinics->CreateTherapist(
          Context(admin_token_).get(), request, &therapist);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    absl::StatusOr<std::string> token =
        CreateToken(channel_, admin_token_, "clinics/demo", v1::ROLE_THERAPIST,
                    "clinics/demo/therapists/t1");
    ASSERT_TRUE(token.ok()) << token.status();
    therapist_token_ = *token;
    token = CreateToken(channel_, admin_token_, "clinics/demo",
                        v1::ROLE_INTEGRATION, "");
    ASSERT_TRUE(token.ok()) << token.status();
    integration_token_ = *token;
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  }

  // A context with a deadline, so that a broken server fails the test
  // rather than hanging it, and `token`.
  static std::unique_ptr<grpc::ClientContext> Context(
      const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    SetBearer(*context, token);
    return context;
  }

  // A token of `role` for `subject` of clinic demo.
  std::string Token(v1::Role role, const std::string& subject) {
    absl::StatusOr<std::string> token =
        CreateToken(channel_, admin_token_, "clinics/demo", role, subject);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Creates patient `id` of t1 with a complete intake (a hip, baseline 6),
  // living in `time_zone`.
  v1::Patient CreatePatient(const std::string& id, const std::string& mrn,
                            const std::string& time_zone = "Europe/Berlin") {
    v1::CreatePatientRequest request;
    request.set_parent("clinics/demo");
    request.set_patient_id(id);
    v1::Patient* p = request.mutable_patient();
    p->set_display_name(absl::StrCat("Patient ", id));
    p->set_mrn(mrn);
    p->set_time_zone(time_zone);
    p->add_pain_areas(v1::PAIN_AREA_HIP);
    p->set_therapist("clinics/demo/therapists/t1");
    p->set_baseline_pain(6);
    v1::Patient patient;
    const grpc::Status status =
        v1::PatientService::NewStub(channel_)->CreatePatient(
            Context(therapist_token_).get(), request, &patient);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return patient;
  }

  TempDir dir_;
  std::unique_ptr<GlutecareServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string admin_token_;
  std::string therapist_token_;
  std::string integration_token_;
};

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_SERVED_CLINIC_H_
