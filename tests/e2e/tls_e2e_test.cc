// The CLI against a glutecare-server that serves mTLS (issue 4, section 3):
// with the CA, a client certificate and an access token it works; without a
// client certificate, or in plaintext, it fails with one line and exit 1.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"
#include "tests/testing/build_paths.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certificates.h"

namespace glutecare::testing {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(30);

class TlsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    const std::string error = MakeTestCertificates(dir_.path().string());
    ASSERT_TRUE(error.empty()) << error;
    // The clinic and its admin's token file, before the server opens the
    // database.
    absl::StatusOr<ProcessResult> bootstrap = RunProcess(
        {FromTestBinary(GLUTECARE_SERVER_BINARY), "bootstrap", "--db",
         dir_.File("glutecare.db"), "--clinic", "tls", "--clinic-name",
         "TLS clinic", "--token-file", dir_.File("admin.token")},
        {}, kTimeout);
    ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
    ASSERT_EQ(bootstrap->exit_code, 0) << bootstrap->err;
    absl::StatusOr<ChildProcess> server = ChildProcess::Start(
        {FromTestBinary(GLUTECARE_SERVER_BINARY), "--listen", "127.0.0.1:0",
         "--db", dir_.File("glutecare.db"), "--tls-cert",
         dir_.File("server.pem"), "--tls-key", dir_.File("server.key"),
         "--tls-client-ca", dir_.File("ca.pem"), "--drain-seconds", "0"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_.emplace(*std::move(server));
    absl::StatusOr<std::string> line = server_->ReadLine(kTimeout);
    ASSERT_TRUE(line.ok()) << line.status();
    absl::string_view address = *line;
    ASSERT_TRUE(absl::ConsumePrefix(&address, "glutecare-server listening on "))
        << *line;
    // The certificate names localhost.
    port_ = std::string(address.substr(address.rfind(':') + 1));
  }

  void TearDown() override {
    if (server_.has_value()) {
      absl::StatusOr<int> exit_code = server_->Stop(absl::Seconds(10));
      EXPECT_TRUE(exit_code.ok() && *exit_code == 0);
    }
  }

  ProcessResult Cli(std::vector<std::string> flags) {
    std::vector<std::string> argv = {FromTestBinary(GLUTECARE_CLI_BINARY),
                                     "--server",
                                     "localhost:" + port_,
                                     "--retries",
                                     "0",
                                     "--timeout",
                                     "5"};
    argv.push_back("--token-file");
    argv.push_back(dir_.File("admin.token"));
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("exercise");
    argv.push_back("list");
    absl::StatusOr<ProcessResult> result = RunProcess(argv, {}, kTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : ProcessResult();
  }

  TempDir dir_;
  std::optional<ChildProcess> server_;
  std::string port_;
};

TEST_F(TlsE2eTest, ClientCertificateFromTheClinicCaGetsIn) {
  const ProcessResult result =
      Cli({"--tls-ca", dir_.File("ca.pem"), "--tls-cert",
           dir_.File("client.pem"), "--tls-key", dir_.File("client.key")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(absl::StrContains(result.out, "glute-bridge")) << result.out;
}

TEST_F(TlsE2eTest, WithoutAClientCertificateOrInPlaintextItFailsInOneLine) {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--tls-ca", dir_.File("ca.pem")},
        std::vector<std::string>{"--tls-ca", dir_.File("ca.pem"), "--tls-cert",
                                 dir_.File("intruder.pem"), "--tls-key",
                                 dir_.File("intruder.key")},
        std::vector<std::string>{}}) {
    SCOPED_TRACE(flags.size());
    const ProcessResult result = Cli(flags);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(absl::StartsWith(result.err, "glutecare: UNAVAILABLE"))
        << result.err;
    EXPECT_FALSE(absl::StrContains(absl::StripSuffix(result.err, "\n"), "\n"))
        << result.err;
  }
}

TEST_F(TlsE2eTest, HalfAClientIdentityIsAUsageError) {
  const ProcessResult result = Cli(
      {"--tls-ca", dir_.File("ca.pem"), "--tls-cert", dir_.File("client.pem")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(result.err, "--tls-key")) << result.err;
}

}  // namespace
}  // namespace glutecare::testing
