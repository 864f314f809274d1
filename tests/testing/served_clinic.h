// The fixture of the service tests: a real GlutecareServer on 127.0.0.1 (a
// free port) over a fresh SQLite file, serving clinic `demo` (MRNs in
// kMrnSystem) with therapists t1 and t2, and a token for its admin, its
// integration account and therapist t1.
//
//   class ImportTest : public testing::ServedClinicTest {};
//   TEST_F(ImportTest, ...) {
//     auto stub = v1::PatientImportService::NewStub(channel_);
//     stub->ImportPatients(Context(integration_token_).get(), ...);
//   }
//
// A fixture that needs another clinic changes what is served in its
// constructor, before SetUp reads it:
//
//   class AccessTest : public testing::ServedClinicTest {
//    protected:
//     AccessTest() { clinics_ = {"a", "b"}; identifier_system_ = ""; }
//   };
#ifndef GLUTECARE_TESTS_TESTING_SERVED_CLINIC_H_
#define GLUTECARE_TESTS_TESTING_SERVED_CLINIC_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/service/server.h"
#include "tests/testing/access.h"
#include "tests/testing/builders.h"
#include "tests/testing/sqlite_server.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::testing {

// Public, so that a test may run a second one (SetUp, TearDown) and reach
// into it.
class ServedClinicTest : public ::testing::Test {
 public:
  static constexpr char kMrnSystem[] = "urn:oid:2.16.840.1.113883.19.5";

  // The tokens of one served clinic.
  struct ClinicTokens {
    std::string admin;
    std::string therapist;    // therapist t1's
    std::string integration;  // the clinic's integration account's
  };

  // Bootstraps clinics_ in a fresh database, starts the server and gives
  // each clinic therapists_ and the tokens in tokens_.
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_FALSE(clinics_.empty());
    for (const std::string& clinic : clinics_) {
      absl::StatusOr<std::string> admin =
          BootstrapAdmin(db_path(), clinic, identifier_system_);
      ASSERT_TRUE(admin.ok()) << admin.status();
      tokens_[clinic].admin = *admin;
    }
    ASSERT_NO_FATAL_FAILURE(StartServer());
    auto clinics = v1::ClinicService::NewStub(channel_);
    for (const std::string& clinic : clinics_) {
      ClinicTokens& tokens = tokens_[clinic];
      for (const std::string& id : therapists_) {
        v1::CreateTherapistRequest request;
        request.set_parent("clinics/" + clinic);
        request.set_therapist_id(id);
        *request.mutable_therapist() = Therapist(clinic, id);
        request.mutable_therapist()->clear_name();
        v1::Therapist therapist;
        const grpc::Status status = clinics->CreateTherapist(
            Context(tokens.admin).get(), request, &therapist);
        ASSERT_TRUE(status.ok()) << status.error_message();
      }
      tokens.therapist = Token(v1::ROLE_THERAPIST,
                               "clinics/" + clinic + "/therapists/t1", clinic);
      tokens.integration = Token(v1::ROLE_INTEGRATION, "", clinic);
      ASSERT_FALSE(tokens.therapist.empty());
      ASSERT_FALSE(tokens.integration.empty());
    }
    const ClinicTokens& first = tokens_[clinics_.front()];
    admin_token_ = first.admin;
    therapist_token_ = first.therapist;
    integration_token_ = first.integration;
  }

  void TearDown() override { StopServer(); }

  // Starts the server with options_ on the database (through open_store_
  // when set) and points channel_ at it.
  // REQUIRES: no server runs.
  void StartServer() {
    ASSERT_TRUE(server_ == nullptr);
    absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
        open_store_ ? GlutecareServer::Start(options_, open_store_)
                    : StartSqliteServer(options_, db_path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  // Shuts the server down, if one runs, giving calls 5 s to finish.
  void StopServer() {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }

  // The SQLite file the server serves.
  std::string db_path() const { return dir_.File("glutecare.db"); }

  // A context with a deadline, so that a broken server fails the test
  // rather than hanging it, and `token` (none when empty).
  static std::unique_ptr<grpc::ClientContext> Context(
      const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    if (!token.empty()) SetBearer(*context, token);
    return context;
  }

  // A new token of `role` for `subject` of `clinic` (an id; the first
  // served when empty), made by its admin.
  std::string Token(v1::Role role, const std::string& subject,
                    const std::string& clinic = "") {
    const std::string& id = clinic.empty() ? clinics_.front() : clinic;
    absl::StatusOr<std::string> token = CreateToken(
        channel_, tokens_[id].admin, "clinics/" + id, role, subject);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Creates patient `id` of t1 with a complete intake (a hip, baseline 6),
  // living in `time_zone`.
  v1::Patient CreatePatient(const std::string& id, const std::string& mrn,
                            const std::string& time_zone = "Europe/Berlin") {
    v1::Patient intake = Patient(clinics_.front(), id, mrn);
    intake.set_time_zone(time_zone);
    intake.set_baseline_pain(6);
    v1::Patient patient;
    const grpc::Status status =
        v1::PatientService::NewStub(channel_)->CreatePatient(
            Context(therapist_token_).get(),
            PatientRequest(clinics_.front(), id, intake), &patient);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return patient;
  }

  // What SetUp serves; a fixture changes it in its constructor.
  // The clinics (ids), each with an admin; the first is the one of the
  // members below.
  std::vector<std::string> clinics_ = {"demo"};
  // The clinics' MRN system; none when empty.
  std::string identifier_system_ = kMrnSystem;
  // Each clinic's therapists (ids), "Therapist {id}"; the first is t1.
  std::vector<std::string> therapists_ = {"t1", "t2"};
  // How StartServer starts the server (db_path aside). Tests sweep alerts
  // explicitly (SweepAlerts).
  ServerOptions options_{.listen_address = "127.0.0.1:0",
                         .worker_threads = 2,
                         .alert_sweep_interval = absl::ZeroDuration()};
  // When set, what the server serves instead of opening db_path() itself.
  GlutecareServer::StoreOpener open_store_;

  TempDir dir_;
  std::unique_ptr<GlutecareServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  // Clinic id -> its tokens.
  std::map<std::string, ClinicTokens> tokens_;
  // The first clinic's tokens.
  std::string admin_token_;
  std::string therapist_token_;
  std::string integration_token_;
};

// ServedClinicTest whose clinics (demo, unless a fixture's constructor sets
// clinics_) have no MRN system and therapist t1 alone: for the tests that
// need nothing more.
class BareClinicTest : public ServedClinicTest {
 protected:
  BareClinicTest() {
    identifier_system_ = "";
    therapists_ = {"t1"};
  }
};

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_SERVED_CLINIC_H_
