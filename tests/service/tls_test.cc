// TLS and mTLS on the listening port, with certificates made at test time
// by openssl, and the refusal of plaintext on a non-loopback address.
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/service/server.h"
#include "tests/testing/sqlite_server.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certificates.h"

namespace glutecare {
namespace {

using testing::ReadTextFile;

TEST(IsLoopbackListenAddress, AcceptsOnlyThisMachine) {
  for (const char* yes :
       {"127.0.0.1:50051", "127.1.2.3:0", "localhost:1", "[::1]:50051"}) {
    EXPECT_TRUE(IsLoopbackListenAddress(yes)) << yes;
  }
  for (const char* no : {"0.0.0.0:50051", "[::]:50051", "10.0.0.5:1",
                         "192.168.1.2:1", "128.0.0.1:1", "127.0.0.256:1",
                         "example.org:443", "127.0.0.1.example.org:1"}) {
    EXPECT_FALSE(IsLoopbackListenAddress(no)) << no;
  }
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    const std::string error =
        testing::MakeTestCertificates(dir_.path().string());
    ASSERT_TRUE(error.empty()) << error;
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  }

  void Start(bool require_client_certificates) {
    ServerOptions options{.listen_address = "127.0.0.1:0",
                          .alert_sweep_interval = absl::ZeroDuration()};
    options.tls = {.cert_file = dir_.File("server.pem"),
                   .key_file = dir_.File("server.key")};
    if (require_client_certificates) {
      options.tls.client_ca_file = dir_.File("ca.pem");
    }
    absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
        testing::StartSqliteServer(options, dir_.File("glutecare.db"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // A health check over `credentials`, as a client of localhost.
  grpc::Status Check(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto channel = grpc::CreateChannel(
        absl::StrCat("localhost:", server_->port()), credentials);
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return health->Check(&context, request, &response);
  }

  std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& identity) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadTextFile(dir_.File("ca.pem"));
    if (!identity.empty()) {
      options.pem_private_key = ReadTextFile(dir_.File(identity + ".key"));
      options.pem_cert_chain = ReadTextFile(dir_.File(identity + ".pem"));
    }
    return grpc::SslCredentials(options);
  }

  testing::TempDir dir_;
  std::unique_ptr<GlutecareServer> server_;
};

TEST_F(TlsTest, ServesTlsAndRefusesPlaintextClients) {
  Start(/*require_client_certificates=*/false);
  grpc::Status status = Check(Tls(""));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(Check(grpc::InsecureChannelCredentials()).ok());
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheTrustedCa) {
  Start(/*require_client_certificates=*/true);
  grpc::Status status = Check(Tls("client"));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(Check(Tls("")).ok());
  EXPECT_FALSE(Check(Tls("intruder")).ok());
}

TEST_F(TlsTest, RefusesPlaintextOnANonLoopbackAddressUnlessAllowed) {
  ServerOptions options{.listen_address = "0.0.0.0:0",
                        .alert_sweep_interval = absl::ZeroDuration()};
  absl::StatusOr<std::unique_ptr<GlutecareServer>> refused =
      testing::StartSqliteServer(options, dir_.File("glutecare.db"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--insecure"), std::string::npos);

  options.allow_insecure = true;
  absl::StatusOr<std::unique_ptr<GlutecareServer>> allowed =
      testing::StartSqliteServer(options, dir_.File("glutecare.db"));
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  (*allowed)->Shutdown(absl::Seconds(1));
}

TEST_F(TlsTest, MissingOrHalfTlsConfigurationIsRefused) {
  ServerOptions options{.listen_address = "127.0.0.1:0",
                        .alert_sweep_interval = absl::ZeroDuration()};
  options.tls.cert_file = dir_.File("server.pem");
  EXPECT_EQ(testing::StartSqliteServer(options, dir_.File("glutecare.db"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);  // no key
  options.tls.key_file = dir_.File("missing.key");
  EXPECT_EQ(testing::StartSqliteServer(options, dir_.File("glutecare.db"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  options.tls = {.client_ca_file = dir_.File("ca.pem")};
  EXPECT_EQ(testing::StartSqliteServer(options, dir_.File("glutecare.db"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);  // mTLS without TLS
}

}  // namespace
}  // namespace glutecare
