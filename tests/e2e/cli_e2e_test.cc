// End-to-end tests of the `glutecare` CLI against a real `glutecare-server`:
// the therapist's and the patient's flows, bad input at each step, idempotent
// resubmission, program revisions, paging, help, an unreachable server, what
// a therapist watches (reports, alerts, also live through a background
// `alerts watch`, suggestions and the dashboard), and access control: what
// each role's token may do, missing and revoked tokens, token files, and the
// audit trail; and the FHIR export, checked with the offline R4 validator.
//
// The suite starts one server (on a free port, with a database in a fresh
// temporary folder) and runs the CLI binary as a child process for each step.
// Every test makes its own clinic with `glutecare-server bootstrap` and its
// own tokens, so the tests do not depend on each other.
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/subprocess.h"
#include "glutecare/v1/access_service.pb.h"
#include "glutecare/v1/alert_service.pb.h"
#include "glutecare/v1/audit_service.pb.h"
#include "glutecare/v1/clinic_service.pb.h"
#include "glutecare/v1/dashboard_service.pb.h"
#include "glutecare/v1/exercise_service.pb.h"
#include "glutecare/v1/outcome_service.pb.h"
#include "glutecare/v1/patient_import_service.pb.h"
#include "glutecare/v1/patient_service.pb.h"
#include "glutecare/v1/program_service.pb.h"
#include "glutecare/v1/report.pb.h"
#include "glutecare/v1/rtm.pb.h"
#include "glutecare/v1/session_service.pb.h"
#include "glutecare/v1/suggestion_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/build_paths.h"
#include "tests/testing/csv_reader.h"
#include "tests/testing/text_file.h"

namespace glutecare::testing {
namespace {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr absl::Duration kServerStartTimeout = absl::Seconds(20);
constexpr absl::Duration kServerStopGrace = absl::Seconds(10);
constexpr absl::Duration kCliTimeout = absl::Seconds(30);
// How long a background `alerts watch` may take for each step.
constexpr absl::Duration kWatchTimeout = absl::Seconds(20);
constexpr absl::string_view kListeningPrefix = "glutecare-server listening on ";

// The three core exercises of the article, as the therapist prescribes them.
const std::vector<std::string> kCoreExercises = {
    "glute-bridge:3x12", "clamshell:3x15@band-light", "bodyweight-squat:3x10"};

// The FHIR identifier system of every test clinic's MRNs.
constexpr char kMrnSystem[] = "urn:oid:2.16.840.1.113883.19.5";

// A well-formed token that the server never made: calls with it fail with
// UNAUTHENTICATED.
constexpr absl::string_view kUnknownToken =
    "gc1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// The contents of the token file at `path` without the newline, or "" (and a
// test failure) when it cannot be read.
std::string ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  EXPECT_TRUE(std::getline(in, token)) << "cannot read " << path;
  return token;
}

// `message` parsed from the CLI's --json output; a parse failure fails the
// test.
template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  const auto status =
      google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status << "\nin: " << json;
  return message;
}

// A port on which nothing listens: one the kernel just handed out and that
// was closed again.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// The CLI failed with an RPC error: exit code 1, nothing on stdout, and one
// line on stderr `glutecare: CODE: ...` that mentions `mention`.
AssertionResult IsRpcError(const ProcessResult& result, absl::string_view code,
                           absl::string_view mention) {
  const std::string prefix = absl::StrCat("glutecare: ", code, ": ");
  if (result.exit_code != 1 || !result.out.empty() ||
      !absl::StartsWith(result.err, prefix) ||
      !absl::EndsWith(result.err, "\n") ||
      absl::StrContains(absl::StripSuffix(result.err, "\n"), "\n") ||
      !absl::StrContains(result.err, mention)) {
    return AssertionFailure()
           << "want exit 1 and one line \"" << prefix << "...\" naming \""
           << mention << "\"; got exit " << result.exit_code << ", stdout \""
           << result.out << "\", stderr \"" << result.err << "\"";
  }
  return AssertionSuccess();
}

// The CLI refused the command line: exit code 2, nothing on stdout, and one
// line on stderr `glutecare: usage: ...` that mentions `mention`.
AssertionResult IsUsageError(const ProcessResult& result,
                             absl::string_view mention) {
  if (result.exit_code != 2 || !result.out.empty() ||
      !absl::StartsWith(result.err, "glutecare: usage: ") ||
      absl::StrContains(absl::StripSuffix(result.err, "\n"), "\n") ||
      !absl::StrContains(result.err, mention)) {
    return AssertionFailure()
           << "want exit 2 and one usage line naming \"" << mention
           << "\"; got exit " << result.exit_code << ", stdout \"" << result.out
           << "\", stderr \"" << result.err << "\"";
  }
  return AssertionSuccess();
}

AssertionResult Succeeded(const ProcessResult& result) {
  if (result.exit_code == 0 && result.err.empty()) return AssertionSuccess();
  return AssertionFailure()
         << "exit " << result.exit_code << ", stderr \"" << result.err
         << "\", stdout \"" << result.out << "\"";
}

// Whose access token a CLI run carries. Each role's token travels another
// way, so that every test goes through all three: the admin's with the
// --token-file flag, the therapist's as the value of GLUTECARE_TOKEN, the
// patient's as the file GLUTECARE_TOKEN_FILE names.
enum class As { kNobody, kAdmin, kTherapist, kPatient };

class CliE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char folder_template[] = "/tmp/glutecare-e2e-XXXXXX";
    if (mkdtemp(folder_template) == nullptr) {
      *startup_error_ = "mkdtemp failed";
      return;
    }
    *data_folder_ = folder_template;
    *startup_error_ = StartServer("127.0.0.1:0");
  }

  // Starts the suite's server listening on `listen` and notes its address;
  // returns what went wrong, empty on success.
  static std::string StartServer(const std::string& listen) {
    absl::StatusOr<ChildProcess> server = ChildProcess::Start(
        {FromTestBinary(GLUTECARE_SERVER_BINARY), "--listen", listen, "--db",
         DbPath(), "--drain-seconds", "0"});
    if (!server.ok()) return server.status().ToString();
    server_ = new ChildProcess(*std::move(server));
    const absl::StatusOr<std::string> line =
        server_->ReadLine(kServerStartTimeout);
    if (!line.ok()) {
      return absl::StrCat("server did not start: ", line.status().ToString());
    }
    absl::string_view address = *line;
    if (!absl::ConsumePrefix(&address, kListeningPrefix)) {
      return absl::StrCat("unexpected first line: ", *line);
    }
    *server_address_ = std::string(address);
    return "";
  }

  // Stops the suite's server (SIGTERM) and starts it again on the same
  // address, with `while_down` run in between.
  static void RestartServer(const std::function<void()>& while_down) {
    ASSERT_NE(server_, nullptr);
    const absl::StatusOr<int> exit_code = server_->Stop(kServerStopGrace);
    ASSERT_TRUE(exit_code.ok()) << exit_code.status();
    delete server_;
    server_ = nullptr;
    while_down();
    const std::string error = StartServer(*server_address_);
    ASSERT_TRUE(error.empty()) << error;
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      const absl::StatusOr<int> exit_code = server_->Stop(kServerStopGrace);
      EXPECT_TRUE(exit_code.ok()) << exit_code.status();
      if (exit_code.ok()) {
        EXPECT_EQ(*exit_code, 0) << "the server exits cleanly on SIGTERM";
      }
      delete server_;
      server_ = nullptr;
    }
    if (!data_folder_->empty()) std::filesystem::remove_all(*data_folder_);
  }

  void SetUp() override {
    ASSERT_TRUE(startup_error_->empty()) << *startup_error_;
    clinic_id_ = UniqueClinicId();
    token_folder_ = absl::StrCat(*data_folder_, "/", clinic_id_);
    ASSERT_TRUE(std::filesystem::create_directory(token_folder_))
        << token_folder_;
  }

  // Runs `glutecare args...` against the suite's server with the token of
  // `as` and the identity of this test (see CreateClinicTherapistAndPatient)
  // in the environment; `overrides` ("NAME=value") replace variables of the
  // same name.
  ProcessResult Cli(const std::vector<std::string>& args,
                    As as = As::kTherapist,
                    const std::vector<std::string>& overrides = {}) const {
    absl::StatusOr<ProcessResult> result = RunProcess(
        CliArgv(args, as), CliEnvironment(as, overrides), kCliTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return ProcessResult();
    EXPECT_FALSE(result->timed_out)
        << "glutecare hung: " << absl::StrJoin(args, " ");
    return *std::move(result);
  }

  // Starts `glutecare args...` as Cli() runs it, but in the background and
  // with its stderr captured.
  absl::StatusOr<ChildProcess> StartCli(const std::vector<std::string>& args,
                                        As as = As::kTherapist) const {
    return ChildProcess::Start(CliArgv(args, as), CliEnvironment(as, {}),
                               /*capture_stderr=*/true);
  }

  // Runs `glutecare --json args...`, expects success and parses the output.
  template <typename Message>
  Message CliJson(const std::vector<std::string>& args,
                  As as = As::kTherapist) const {
    std::vector<std::string> json_args = {"--json"};
    json_args.insert(json_args.end(), args.begin(), args.end());
    const ProcessResult result = Cli(json_args, as);
    EXPECT_TRUE(Succeeded(result)) << absl::StrJoin(args, " ");
    return FromJson<Message>(result.out);
  }

  // Makes this test's clinic with `glutecare-server bootstrap`, which writes
  // the admin's token file. As the admin then: a therapist "t1", a patient
  // "p1" of t1 (pain in the lower back and the hip), and a token file for
  // each. Makes them the identity of later calls.
  void CreateClinicTherapistAndPatient() {
    absl::StatusOr<ProcessResult> bootstrap =
        RunProcess({FromTestBinary(GLUTECARE_SERVER_BINARY), "bootstrap",
                    "--db", DbPath(), "--clinic", clinic_id_, "--clinic-name",
                    "Glute Clinic", "--identifier-system", kMrnSystem,
                    "--token-file", TokenFile(As::kAdmin)},
                   {}, kCliTimeout);
    ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
    ASSERT_EQ(bootstrap->exit_code, 0) << bootstrap->err;
    ASSERT_THAT(bootstrap->out, StartsWith("created " + clinic_name() + "\n"));
    identity_ = {"GLUTECARE_CLINIC=" + clinic_id_};
    ASSERT_TRUE(Succeeded(
        Cli({"therapist", "create", "--id", "t1", "--name", "Dr. Dana Physio"},
            As::kAdmin)));
    ASSERT_TRUE(Succeeded(
        Cli({"patient", "create", "--id", "p1", "--therapist", "t1", "--name",
             "Pat Example", "--mrn", "MRN-0001", "--time-zone", "Europe/Berlin",
             "--pain-area", "lower-back", "--pain-area", "hip",
             "--baseline-pain", "6"},
            As::kAdmin)));
    therapist_token_name_ =
        CreateTokenFile({"--role", "therapist", "--therapist", "t1"},
                        TokenFile(As::kTherapist));
    patient_token_name_ = CreateTokenFile(
        {"--role", "patient", "--patient", "p1"}, TokenFile(As::kPatient));
    ASSERT_FALSE(therapist_token_name_.empty());
    ASSERT_FALSE(patient_token_name_.empty());
    identity_.push_back("GLUTECARE_THERAPIST=t1");
    identity_.push_back("GLUTECARE_PATIENT=p1");
  }

  // As the admin, makes a token with `role_flags` (--role and its subject)
  // and writes its secret to `path` (token create --out); returns the
  // token's name, empty (and a test failure) when that fails.
  std::string CreateTokenFile(const std::vector<std::string>& role_flags,
                              const std::string& path) const {
    std::vector<std::string> args = {"--json",    "token", "create", "--name",
                                     "E2E token", "--out", path};
    args.insert(args.end(), role_flags.begin(), role_flags.end());
    const ProcessResult result = Cli(args, As::kAdmin);
    EXPECT_TRUE(Succeeded(result)) << absl::StrJoin(role_flags, " ");
    if (!Succeeded(result)) return "";
    return FromJson<v1::CreateAccessTokenResponse>(result.out)
        .access_token()
        .name();
  }

  // As the admin, makes an integration token (a clinic system's) in this
  // test's folder once; returns the override that makes a run as
  // As::kNobody carry it.
  std::string AsIntegration() const {
    const std::string path = absl::StrCat(token_folder_, "/integration.token");
    if (!std::filesystem::exists(path)) {
      CreateTokenFile({"--role", "integration"}, path);
    }
    return "GLUTECARE_TOKEN_FILE=" + path;
  }

  // Creates p2, another patient of t1, as the therapist, and a token file
  // for p2; returns the file's path.
  std::string CreateSecondPatientWithToken() const {
    EXPECT_TRUE(Succeeded(
        Cli({"patient", "create", "--id", "p2", "--name", "Sam Sample", "--mrn",
             "MRN-0002", "--time-zone", "Europe/Berlin", "--pain-area", "hip",
             "--baseline-pain", "5"})));
    const std::string path = absl::StrCat(token_folder_, "/p2.token");
    CreateTokenFile({"--role", "patient", "--patient", "p2"}, path);
    return path;
  }

  // Assigns the program `id` with the three core exercises, 3 times a week,
  // from `start_date` (default: the patient's today), as the therapist.
  v1::Program AssignCoreProgram(const std::string& id,
                                const std::string& start_date = "") {
    std::vector<std::string> args = {"program",    "assign",
                                     "--id",       id,
                                     "--title",    "Glute strength, phase 1",
                                     "--per-week", "3"};
    if (!start_date.empty()) {
      args.push_back("--start");
      args.push_back(start_date);
    }
    for (const std::string& spec : kCoreExercises) {
      args.push_back("--exercise");
      args.push_back(spec);
    }
    return CliJson<v1::Program>(args);
  }

  // Submits a session of the core exercises with `flags` (flag -> value) as
  // `as`, by default: pain in the lower back, 4 before and 3 after,
  // difficulty "right". `overrides` as for Cli().
  ProcessResult SubmitSession(std::map<std::string, std::string> flags = {},
                              As as = As::kPatient,
                              const std::vector<std::string>& overrides = {}) {
    flags.emplace("--area", "lower-back");
    flags.emplace("--pain-before", "4");
    flags.emplace("--pain-after", "3");
    flags.emplace("--difficulty", "right");
    std::vector<std::string> args = {"--json", "session", "submit"};
    for (const std::string& spec : kCoreExercises) {
      args.push_back("--exercise");
      args.push_back(spec);
    }
    for (const auto& [flag, value] : flags) {
      args.push_back(flag);
      args.push_back(value);
    }
    return Cli(args, as, overrides);
  }

  // The patient's records, as the patient sees them.
  int CountSessions() const {
    return CliJson<v1::ListSessionsResponse>({"session", "list", "--all"},
                                             As::kPatient)
        .sessions_size();
  }
  int CountPainReports() const {
    return CliJson<v1::ListPainReportsResponse>({"pain", "list", "--all"},
                                                As::kPatient)
        .pain_reports_size();
  }
  // The clinic's records, as the therapist sees them.
  int CountPrograms() const {
    return CliJson<v1::ListProgramsResponse>({"program", "list", "--all"})
        .programs_size();
  }
  int CountPatients() const {
    return CliJson<v1::ListPatientsResponse>({"patient", "list", "--all"})
        .patients_size();
  }

  // Assigns the core program from the Monday of a past week (2025-03-03) and
  // submits the three sessions it prescribes for that week, on Monday,
  // Wednesday and Friday, with pain before and after of 6 and 4, 5 and 3,
  // and 3 and 1.
  void FollowTheProgramForAPastWeek() {
    AssignCoreProgram("phase-1", "2025-03-03");
    const std::vector<std::vector<std::string>> sessions = {
        {"2025-03-03T10:00:00+01:00", "6", "4"},
        {"2025-03-05T10:00:00+01:00", "5", "3"},
        {"2025-03-07T18:30:00+01:00", "3", "1"}};
    for (const std::vector<std::string>& session : sessions) {
      ASSERT_TRUE(Succeeded(SubmitSession({{"--at", session[0]},
                                           {"--pain-before", session[1]},
                                           {"--pain-after", session[2]}})));
    }
  }

  // The token file of `as` in this test's folder (kAdmin: bootstrap's).
  std::string TokenFile(As as) const {
    switch (as) {
      case As::kAdmin:
        return absl::StrCat(token_folder_, "/admin.token");
      case As::kTherapist:
        return absl::StrCat(token_folder_, "/therapist.token");
      case As::kPatient:
        return absl::StrCat(token_folder_, "/patient.token");
      case As::kNobody:
        break;
    }
    return "";
  }

  std::string clinic_name() const { return "clinics/" + clinic_id_; }
  std::string patient_name() const { return clinic_name() + "/patients/p1"; }

  std::string clinic_id_;
  std::string token_folder_;           // this test's token files
  std::vector<std::string> identity_;  // GLUTECARE_CLINIC=... and so on
  // The resource names of the tokens CreateClinicTherapistAndPatient made.
  std::string therapist_token_name_;
  std::string patient_token_name_;
  // Runs Cli(args, as, overrides) with `input` piped to its stdin (through
  // /bin/sh and printf %s, so `input` is passed as it is).
  ProcessResult CliWithInput(const std::vector<std::string>& args, As as,
                             const std::string& input,
                             const std::vector<std::string>& overrides) const {
    std::vector<std::string> argv = {"/bin/sh", "-c",
                                     "printf '%s' \"$0\" | \"$@\"", input};
    const std::vector<std::string> cli = CliArgv(args, as);
    argv.insert(argv.end(), cli.begin(), cli.end());
    absl::StatusOr<ProcessResult> result =
        RunProcess(argv, CliEnvironment(as, overrides), kCliTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : ProcessResult();
  }

  // The suite's database (for `glutecare-server bootstrap`).
  static std::string DbPath() { return *data_folder_ + "/glutecare.db"; }

 private:

  // A clinic id made from the test's name: [a-z0-9-], starting with a letter.
  static std::string UniqueClinicId() {
    std::string id = "c-";
    for (const char c : std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      if (absl::ascii_isupper(c) && id.back() != '-') id.push_back('-');
      id.push_back(absl::ascii_isalnum(c) ? absl::ascii_tolower(c) : '-');
    }
    return std::string(absl::StripSuffix(id.substr(0, 60), "-"));
  }

  // The admin's token goes as the --token-file flag, first.
  std::vector<std::string> CliArgv(const std::vector<std::string>& args,
                                   As as) const {
    std::vector<std::string> argv = {FromTestBinary(GLUTECARE_CLI_BINARY)};
    if (as == As::kAdmin) {
      argv.push_back("--token-file");
      argv.push_back(TokenFile(As::kAdmin));
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // The suite's server, this test's identity, the token of `as` (for the
  // therapist its value, for the patient its file), then `overrides`, as
  // "NAME=value" with one value per name.
  std::vector<std::string> CliEnvironment(
      As as, const std::vector<std::string>& overrides) const {
    std::map<std::string, std::string> variables;
    std::vector<std::string> settings = identity_;
    settings.push_back("GLUTECARE_SERVER=" + *server_address_);
    if (as == As::kTherapist) {
      settings.push_back("GLUTECARE_TOKEN=" +
                         ReadTokenFile(TokenFile(As::kTherapist)));
    }
    if (as == As::kPatient) {
      settings.push_back("GLUTECARE_TOKEN_FILE=" + TokenFile(As::kPatient));
    }
    settings.insert(settings.end(), overrides.begin(), overrides.end());
    for (const std::string& setting : settings) {
      const std::pair<std::string, std::string> name_and_value =
          absl::StrSplit(setting, absl::MaxSplits('=', 1));
      variables.insert_or_assign(name_and_value.first, name_and_value.second);
    }
    std::vector<std::string> environment;
    for (const auto& [name, value] : variables) {
      environment.push_back(absl::StrCat(name, "=", value));
    }
    return environment;
  }

  static ChildProcess* server_;
  static std::string* const server_address_;
  static std::string* const data_folder_;
  static std::string* const startup_error_;
};

ChildProcess* CliE2eTest::server_ = nullptr;
std::string* const CliE2eTest::server_address_ = new std::string;
std::string* const CliE2eTest::data_folder_ = new std::string;
std::string* const CliE2eTest::startup_error_ = new std::string;

TEST_F(CliE2eTest, HelpExitsZeroOnEveryLevel) {
  const std::vector<std::vector<std::string>> commands = {
      {"--help"},
      {"patient", "--help"},
      {"program", "assign", "--help"},
      {"session", "submit", "--help"},
      {"pain", "report", "-h"},
      {"report", "adherence", "--help"},
      {"report", "pain", "--help"},
      {"alerts", "--help"},
      {"alerts", "list", "--help"},
      {"alerts", "watch", "--help"},
      {"suggestions", "accept", "--help"},
      {"dashboard", "--help"},
      {"token", "create", "--help"},
      {"token", "revoke", "--help"},
      {"audit", "list", "--help"},
  };
  for (const std::vector<std::string>& command : commands) {
    SCOPED_TRACE(absl::StrJoin(command, " "));
    const ProcessResult result = Cli(command, As::kNobody);
    EXPECT_TRUE(Succeeded(result)) << "help needs no token";
    EXPECT_THAT(result.out, HasSubstr("Usage: glutecare"));
  }
  // Help names where the token comes from, never the token.
  const ProcessResult help =
      Cli({"--help"}, As::kNobody,
          {absl::StrCat("GLUTECARE_TOKEN=", kUnknownToken)});
  ASSERT_TRUE(Succeeded(help));
  EXPECT_THAT(help.out, HasSubstr("--token-file"));
  EXPECT_THAT(help.out, HasSubstr("GLUTECARE_TOKEN"));
  EXPECT_THAT(help.out, Not(HasSubstr(kUnknownToken)));
}

TEST_F(CliE2eTest, UnreachableServerFailsWithOneUnavailableLine) {
  const ProcessResult result =
      Cli({"--server", absl::StrCat("127.0.0.1:", ClosedPort()), "--retries",
           "1", "--timeout", "1", "clinic", "show", "c1"},
          As::kNobody, {absl::StrCat("GLUTECARE_TOKEN=", kUnknownToken)});
  EXPECT_TRUE(IsRpcError(result, "UNAVAILABLE", ""));
}

TEST_F(CliE2eTest, MissingIdentityIsAUsageErrorNamingTheFlag) {
  const std::string token = absl::StrCat("GLUTECARE_TOKEN=", kUnknownToken);
  EXPECT_TRUE(IsUsageError(Cli({"patient", "list"}, As::kNobody, {token}),
                           "--clinic or set GLUTECARE_CLINIC"));
  EXPECT_TRUE(IsUsageError(
      Cli({"session", "list"}, As::kNobody, {token, "GLUTECARE_CLINIC=c1"}),
      "--patient or set GLUTECARE_PATIENT"));
  EXPECT_TRUE(
      IsUsageError(Cli({"clinic"}, As::kNobody, {token}), "subcommand"));
  EXPECT_TRUE(IsUsageError(
      Cli({"token", "create", "--name", "x"}, As::kNobody, {token}), "--role"));
  EXPECT_TRUE(
      IsUsageError(Cli({"token", "create", "--role", "patient", "--name", "x"},
                       As::kNobody, {token}),
                   "--role patient needs --patient ID"));
  EXPECT_TRUE(IsUsageError(Cli({"token", "create", "--role", "admin",
                                "--therapist", "t1", "--name", "x"},
                               As::kNobody, {token}),
                           "--therapist goes with --role therapist only"));
  EXPECT_TRUE(
      IsUsageError(Cli({"token", "create", "--role", "owner", "--name", "x"},
                       As::kNobody, {token}),
                   "bad --role \"owner\""));
}

TEST_F(CliE2eTest, NoTokenIsAUsageErrorBeforeAnyCall) {
  // The server does not even have to be there.
  const std::string nowhere =
      absl::StrCat("GLUTECARE_SERVER=127.0.0.1:", ClosedPort());
  EXPECT_TRUE(
      IsUsageError(Cli({"clinic", "show", "c1"}, As::kNobody, {nowhere}),
                   "no access token: set GLUTECARE_TOKEN or "
                   "--token-file"));
  EXPECT_TRUE(IsUsageError(
      Cli({"clinic", "show", "c1"}, As::kNobody,
          {nowhere, "GLUTECARE_TOKEN_FILE=" + token_folder_ + "/none.token"}),
      "--token-file: cannot read " + token_folder_ + "/none.token"));
}

TEST_F(CliE2eTest, TherapistAndPatientFlowRoundTrips) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());

  const v1::Clinic clinic = CliJson<v1::Clinic>({"clinic", "show"});
  EXPECT_EQ(clinic.name(), clinic_name());
  EXPECT_EQ(clinic.display_name(), "Glute Clinic") << "from bootstrap";

  const v1::ListTherapistsResponse therapists =
      CliJson<v1::ListTherapistsResponse>({"therapist", "list"});
  ASSERT_EQ(therapists.therapists_size(), 1);
  EXPECT_EQ(therapists.therapists(0).name(), clinic_name() + "/therapists/t1");
  EXPECT_EQ(therapists.therapists(0).display_name(), "Dr. Dana Physio");

  const v1::Patient patient = CliJson<v1::Patient>({"patient", "show"});
  EXPECT_EQ(patient.name(), patient_name());
  EXPECT_EQ(patient.mrn(), "MRN-0001");
  EXPECT_EQ(patient.time_zone(), "Europe/Berlin");
  EXPECT_THAT(patient.pain_areas(),
              ElementsAre(v1::PAIN_AREA_LOWER_BACK, v1::PAIN_AREA_HIP));
  EXPECT_EQ(patient.therapist(), clinic_name() + "/therapists/t1");
  EXPECT_TRUE(patient.has_baseline_pain());
  EXPECT_EQ(patient.baseline_pain(), 6);

  const v1::ListExercisesResponse catalog = CliJson<v1::ListExercisesResponse>(
      {"exercise", "list", "--all"}, As::kPatient);
  std::vector<std::string> exercise_names;
  for (const v1::Exercise& exercise : catalog.exercises()) {
    exercise_names.push_back(exercise.name());
  }
  EXPECT_THAT(
      exercise_names,
      ::testing::IsSupersetOf({"exercises/glute-bridge", "exercises/clamshell",
                               "exercises/bodyweight-squat"}));

  const v1::Program program = AssignCoreProgram("phase-1");
  EXPECT_EQ(program.name(), patient_name() + "/programs/phase-1");
  EXPECT_EQ(program.revision_id(), 1);
  EXPECT_EQ(program.status(), v1::PROGRAM_STATUS_ACTIVE);
  EXPECT_FALSE(program.start_date().empty())
      << "defaults to the patient's today";
  ASSERT_EQ(program.prescriptions_size(), 3);
  EXPECT_EQ(program.prescriptions(0).exercise(), "exercises/glute-bridge");
  EXPECT_EQ(program.prescriptions(0).sets(), 3);
  EXPECT_EQ(program.prescriptions(0).reps(), 12);
  EXPECT_EQ(program.prescriptions(0).load().type(), v1::LOAD_TYPE_BODYWEIGHT);
  EXPECT_EQ(program.prescriptions(1).exercise(), "exercises/clamshell");
  EXPECT_EQ(program.prescriptions(1).reps(), 15);
  EXPECT_EQ(program.prescriptions(1).load().type(), v1::LOAD_TYPE_BAND_LIGHT);
  EXPECT_EQ(program.prescriptions(2).exercise(), "exercises/bodyweight-squat");
  EXPECT_EQ(program.prescriptions(2).reps(), 10);
  for (const v1::Prescription& prescription : program.prescriptions()) {
    EXPECT_EQ(prescription.sessions_per_week(), 3);
  }

  // The table view of the active programs shows each prescription, to the
  // patient too.
  const ProcessResult shown = Cli({"program", "show"}, As::kPatient);
  ASSERT_TRUE(Succeeded(shown));
  EXPECT_THAT(shown.out, HasSubstr("Glute strength, phase 1"));
  EXPECT_THAT(shown.out, HasSubstr("clamshell"));
  EXPECT_THAT(shown.out, HasSubstr("3 x 15"));
  EXPECT_THAT(shown.out, HasSubstr("band-light"));
  EXPECT_THAT(shown.out, HasSubstr(program.etag()));

  // Global options are accepted after the command as well.
  const ProcessResult options_after =
      Cli({"program", "show", "--json", "--patient", patient_name()},
          As::kPatient, {"GLUTECARE_PATIENT=nobody"});
  ASSERT_TRUE(Succeeded(options_after));
  const v1::ListProgramsResponse active =
      FromJson<v1::ListProgramsResponse>(options_after.out);
  ASSERT_EQ(active.programs_size(), 1);
  EXPECT_EQ(active.programs(0).name(), program.name());

  const ProcessResult submitted = SubmitSession({{"--notes", "felt good"}});
  ASSERT_TRUE(Succeeded(submitted));
  const v1::Session session = FromJson<v1::Session>(submitted.out);
  EXPECT_THAT(session.name(), StartsWith(patient_name() + "/sessions/"));
  EXPECT_EQ(session.program_revision(), program.name() + "@1");
  EXPECT_EQ(session.pain_before(), 4);
  EXPECT_EQ(session.pain_after(), 3);
  EXPECT_EQ(session.pain_area(), v1::PAIN_AREA_LOWER_BACK);
  EXPECT_EQ(session.difficulty(), v1::DIFFICULTY_ABOUT_RIGHT);
  EXPECT_EQ(session.notes(), "felt good");
  EXPECT_FALSE(session.local_date().empty());
  ASSERT_EQ(session.exercises_size(), 3);
  EXPECT_EQ(session.exercises(1).load().type(), v1::LOAD_TYPE_BAND_LIGHT);

  const v1::PainReport report =
      CliJson<v1::PainReport>({"pain", "report", "--area", "hip", "--score",
                               "5", "--note", "after a walk"},
                              As::kPatient);
  EXPECT_THAT(report.name(), StartsWith(patient_name() + "/painReports/"));
  EXPECT_EQ(report.area(), v1::PAIN_AREA_HIP);
  EXPECT_EQ(report.score(), 5);
  EXPECT_FALSE(report.local_date().empty()) << "the patient's today";

  const v1::ListSessionsResponse sessions =
      CliJson<v1::ListSessionsResponse>({"session", "list"}, As::kPatient);
  ASSERT_EQ(sessions.sessions_size(), 1);
  EXPECT_EQ(sessions.sessions(0).name(), session.name());
  EXPECT_EQ(sessions.sessions(0).pain_before(), 4);
  // The therapist reads them too.
  const v1::ListPainReportsResponse reports =
      CliJson<v1::ListPainReportsResponse>({"pain", "list"});
  ASSERT_EQ(reports.pain_reports_size(), 1);
  EXPECT_EQ(reports.pain_reports(0).name(), report.name());
  EXPECT_EQ(reports.pain_reports(0).note(), "after a walk");

  // A session shows by id as well as by full name.
  const std::string session_id(
      session.name().substr(session.name().rfind('/') + 1));
  EXPECT_EQ(CliJson<v1::Session>({"session", "show", session_id}, As::kPatient)
                .name(),
            session.name());
  EXPECT_EQ(CliJson<v1::Session>({"session", "show", session.name()}).name(),
            session.name());

  // The tables name what was stored.
  const ProcessResult session_table = Cli({"session", "list"}, As::kPatient);
  ASSERT_TRUE(Succeeded(session_table));
  EXPECT_THAT(session_table.out, StartsWith("ID "));
  EXPECT_THAT(session_table.out, HasSubstr(session_id));
  EXPECT_THAT(session_table.out, HasSubstr("clamshell:3x15@band-light"));
  const ProcessResult patient_table =
      Cli({"patient", "list", "--therapist", "t1"});
  ASSERT_TRUE(Succeeded(patient_table));
  EXPECT_THAT(patient_table.out, HasSubstr("MRN-0001"));
  EXPECT_THAT(patient_table.out, HasSubstr("lower-back, hip"));
}

TEST_F(CliE2eTest, EachRoleCallsOnlyWhatItsTokenAllows) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  CreateSecondPatientWithToken();
  AssignCoreProgram("phase-1");

  // A patient: only their own records, and never the clinic's.
  EXPECT_TRUE(IsRpcError(Cli({"patient", "list"}, As::kPatient),
                         "PERMISSION_DENIED", "ListPatients"));
  EXPECT_TRUE(Succeeded(Cli({"patient", "show"}, As::kPatient)));
  EXPECT_TRUE(IsRpcError(Cli({"patient", "show", "p2"}, As::kPatient),
                         "NOT_FOUND", clinic_name() + "/patients/p2"));
  EXPECT_TRUE(
      IsRpcError(Cli({"session", "list", "--patient", "p2"}, As::kPatient),
                 "NOT_FOUND", clinic_name() + "/patients/p2"));
  EXPECT_TRUE(IsRpcError(
      Cli({"program", "show", "phase-1", "--patient", "p2"}, As::kPatient),
      "NOT_FOUND", ""));
  // The therapist does the clinical work but does not report for patients
  // or hand out tokens.
  EXPECT_TRUE(IsRpcError(SubmitSession({}, As::kTherapist), "PERMISSION_DENIED",
                         "CreateSession"));
  EXPECT_TRUE(IsRpcError(
      Cli({"token", "create", "--role", "admin", "--name", "Me, now admin"}),
      "PERMISSION_DENIED", "CreateAccessToken"));
  // The admin runs the accounts, with no clinical data: not even as an
  // export.
  EXPECT_TRUE(IsRpcError(Cli({"session", "list"}, As::kAdmin),
                         "PERMISSION_DENIED",
                         "an admin may not call "
                         "/glutecare.v1.SessionService/ListSessions"));
  EXPECT_TRUE(IsRpcError(Cli({"dashboard"}, As::kAdmin), "PERMISSION_DENIED",
                         "ListPatientStatuses"));
  EXPECT_TRUE(IsRpcError(Cli({"export", "fhir"}, As::kAdmin),
                         "PERMISSION_DENIED", "ExportPatientBundle"));
  EXPECT_TRUE(IsRpcError(
      Cli({"export", "fhir", "--out", token_folder_ + "/fhir"}, As::kAdmin),
      "PERMISSION_DENIED", "ExportClinicResources"));
  EXPECT_TRUE(Succeeded(Cli({"patient", "list"}, As::kAdmin)));

  // Nothing was written by the calls that were refused.
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(CliE2eTest, TokenFileWinsOverTheTokenVariable) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const std::string unknown = absl::StrCat("GLUTECARE_TOKEN=", kUnknownToken);
  EXPECT_TRUE(IsRpcError(Cli({"clinic", "show"}, As::kNobody, {unknown}),
                         "UNAUTHENTICATED", "not valid"));
  // The therapist's file, as the flag and as the variable.
  EXPECT_TRUE(Succeeded(
      Cli({"clinic", "show", "--token-file", TokenFile(As::kTherapist)},
          As::kNobody, {unknown})));
  EXPECT_TRUE(Succeeded(
      Cli({"clinic", "show"}, As::kNobody,
          {unknown, "GLUTECARE_TOKEN_FILE=" + TokenFile(As::kTherapist)})));
  // The flag wins over the variable naming a file.
  EXPECT_TRUE(Succeeded(
      Cli({"clinic", "show", "--token-file", TokenFile(As::kTherapist)},
          As::kNobody, {"GLUTECARE_TOKEN_FILE=" + token_folder_ + "/none"})));
}

TEST_F(CliE2eTest, ARevokedTokenIsUnauthenticatedAndNeverShown) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const std::string secret = ReadTokenFile(TokenFile(As::kTherapist));
  ASSERT_TRUE(Succeeded(Cli({"patient", "list"})));

  const std::string token_id =
      therapist_token_name_.substr(therapist_token_name_.rfind('/') + 1);
  const v1::AccessToken revoked =
      CliJson<v1::AccessToken>({"token", "revoke", token_id}, As::kAdmin);
  EXPECT_EQ(revoked.name(), therapist_token_name_);
  EXPECT_TRUE(revoked.has_revoke_time());
  // Revoking again changes nothing.
  EXPECT_EQ(CliJson<v1::AccessToken>({"token", "revoke", therapist_token_name_},
                                     As::kAdmin)
                .revoke_time()
                .seconds(),
            revoked.revoke_time().seconds());

  const ProcessResult refused = Cli({"patient", "list"});
  EXPECT_TRUE(IsRpcError(refused, "UNAUTHENTICATED", "revoked"));
  EXPECT_THAT(refused.err, Not(HasSubstr(secret)));
  // The stream, too (--after skips the list call before it).
  absl::StatusOr<ChildProcess> watch =
      StartCli({"alerts", "watch", "--after", "0"});
  ASSERT_TRUE(watch.ok()) << watch.status();
  const absl::StatusOr<std::string> watch_error =
      watch->ReadErrorLine(kWatchTimeout);
  ASSERT_TRUE(watch_error.ok()) << watch_error.status();
  EXPECT_THAT(*watch_error, StartsWith("glutecare: UNAUTHENTICATED: "));
  const absl::StatusOr<int> watch_exit = watch->AwaitExit(kWatchTimeout);
  ASSERT_TRUE(watch_exit.ok()) << watch_exit.status();
  EXPECT_EQ(*watch_exit, 1);

  // The list shows it revoked, and no secret at all.
  const ProcessResult table = Cli({"token", "list"}, As::kAdmin);
  ASSERT_TRUE(Succeeded(table));
  EXPECT_THAT(table.out, StartsWith("ID  "));
  EXPECT_THAT(table.out, HasSubstr("REVOKED"));
  EXPECT_THAT(table.out, Not(HasSubstr("gc1_")));
  const v1::ListAccessTokensResponse tokens =
      CliJson<v1::ListAccessTokensResponse>({"token", "list", "--all"},
                                            As::kAdmin);
  int revoked_tokens = 0;
  for (const v1::AccessToken& token : tokens.access_tokens()) {
    if (token.has_revoke_time()) {
      ++revoked_tokens;
      EXPECT_EQ(token.name(), therapist_token_name_);
    }
  }
  EXPECT_EQ(revoked_tokens, 1);
  EXPECT_EQ(tokens.access_tokens_size(), 3) << "admin, therapist, patient";
  // The other tokens still work.
  EXPECT_TRUE(Succeeded(Cli({"session", "list"}, As::kPatient)));
}

TEST_F(CliE2eTest, TokenCreateOutWritesAnOwnerOnlyFileAndPrintsNoSecret) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const std::string path = token_folder_ + "/phone.token";
  const ProcessResult created =
      Cli({"token", "create", "--role", "patient", "--patient", "p1", "--name",
           "Pat's phone", "--expires-in-days", "30", "--out", path},
          As::kAdmin);
  ASSERT_TRUE(Succeeded(created));
  struct stat info = {};
  ASSERT_EQ(lstat(path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string secret = ReadTokenFile(path);
  EXPECT_THAT(secret, MatchesRegex("gc1_[A-Za-z0-9_-]{43}"));
  EXPECT_THAT(created.out, Not(HasSubstr(secret)));
  EXPECT_THAT(created.out, Not(HasSubstr("gc1_")));
  EXPECT_THAT(created.out, HasSubstr("role:          patient\n"));
  EXPECT_THAT(created.out, HasSubstr("subject:       " + patient_name()));
  EXPECT_THAT(created.out, HasSubstr("written to " + path + " (mode 0600)"));
  // The file is the patient's token.
  EXPECT_TRUE(Succeeded(Cli({"session", "list"}, As::kPatient,
                            {"GLUTECARE_TOKEN_FILE=" + path})));

  // Under --json, the response without its secret.
  const ProcessResult json =
      Cli({"--json", "token", "create", "--role", "integration", "--name",
           "EHR bridge", "--out", path},
          As::kAdmin);
  ASSERT_TRUE(Succeeded(json));
  const auto response = FromJson<v1::CreateAccessTokenResponse>(json.out);
  EXPECT_EQ(response.access_token().role(), v1::ROLE_INTEGRATION);
  EXPECT_TRUE(response.secret().empty());
  EXPECT_THAT(json.out, Not(HasSubstr(ReadTokenFile(path))));

  // Without --out, the secret is printed once, alone on the last line.
  const ProcessResult printed =
      Cli({"token", "create", "--role", "therapist", "--therapist", "t1",
           "--name", "Front desk PC"},
          As::kAdmin);
  ASSERT_TRUE(Succeeded(printed));
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(printed.out, "\n"), '\n');
  ASSERT_GE(lines.size(), 2u);
  EXPECT_THAT(lines.back(), MatchesRegex("gc1_[A-Za-z0-9_-]{43}"));
  EXPECT_TRUE(Succeeded(Cli({"patient", "list"}, As::kNobody,
                            {"GLUTECARE_TOKEN=" + lines.back()})));
  const auto printed_json = CliJson<v1::CreateAccessTokenResponse>(
      {"token", "create", "--role", "admin", "--name", "Second admin"},
      As::kAdmin);
  EXPECT_THAT(printed_json.secret(), MatchesRegex("gc1_[A-Za-z0-9_-]{43}"));

  // A path that cannot be written fails before a token is made.
  const int tokens_before = CliJson<v1::ListAccessTokensResponse>(
                                {"token", "list", "--all"}, As::kAdmin)
                                .access_tokens_size();
  EXPECT_TRUE(
      IsUsageError(Cli({"token", "create", "--role", "admin", "--name", "Lost",
                        "--out", token_folder_ + "/no/such/folder/x.token"},
                       As::kAdmin),
                   "--out: cannot write"));
  EXPECT_EQ(CliJson<v1::ListAccessTokensResponse>({"token", "list", "--all"},
                                                  As::kAdmin)
                .access_tokens_size(),
            tokens_before);
}

// The events of `response` by `principal` calling `method` (such as
// "SessionService/CreateSession").
std::vector<v1::AuditEvent> EventsOf(
    const v1::ListAuditEventsResponse& response, const std::string& principal,
    absl::string_view method) {
  std::vector<v1::AuditEvent> events;
  for (const v1::AuditEvent& event : response.audit_events()) {
    if (event.principal() == principal &&
        event.method() == absl::StrCat("/glutecare.v1.", method)) {
      events.push_back(event);
    }
  }
  return events;
}

TEST_F(CliE2eTest, AuditListShowsWhoCalledWhatAndFiltersByPatient) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  CreateSecondPatientWithToken();
  AssignCoreProgram("phase-1");
  ASSERT_TRUE(Succeeded(SubmitSession()));
  ASSERT_TRUE(Succeeded(Cli({"patient", "show", "p2"})));
  EXPECT_TRUE(IsRpcError(Cli({"patient", "list"}, As::kPatient),
                         "PERMISSION_DENIED", ""));
  // Another clinic's admin asks for this clinic's p1.
  const std::string other = absl::StrCat(clinic_id_.substr(0, 60), "-b");
  const std::string other_admin = absl::StrCat(token_folder_, "/b.token");
  absl::StatusOr<ProcessResult> bootstrap =
      RunProcess({FromTestBinary(GLUTECARE_SERVER_BINARY), "bootstrap", "--db",
                  DbPath(), "--clinic", other, "--clinic-name", "Other Clinic",
                  "--token-file", other_admin},
                 {}, kCliTimeout);
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  ASSERT_EQ(bootstrap->exit_code, 0) << bootstrap->err;
  EXPECT_TRUE(IsRpcError(Cli({"patient", "show", "p1"}, As::kNobody,
                             {"GLUTECARE_TOKEN_FILE=" + other_admin}),
                         "NOT_FOUND", "not found"));

  const v1::ListAuditEventsResponse all = CliJson<v1::ListAuditEventsResponse>(
      {"audit", "list", "--all"}, As::kAdmin);
  // This clinic's trail shows the attempt: the other clinic's token, what
  // it asked for, and how it ended.
  std::vector<v1::AuditEvent> attempts;
  for (const v1::AuditEvent& event : all.audit_events()) {
    if (absl::StartsWith(event.principal(), "clinics/" + other + "/")) {
      attempts.push_back(event);
    }
  }
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_THAT(attempts[0].principal(),
              StartsWith("clinics/" + other + "/accessTokens/"));
  EXPECT_EQ(attempts[0].role(), v1::ROLE_ADMIN);
  EXPECT_EQ(attempts[0].method(), "/glutecare.v1.PatientService/GetPatient");
  EXPECT_EQ(attempts[0].resource(), patient_name());
  EXPECT_EQ(attempts[0].patient(), patient_name());
  EXPECT_EQ(attempts[0].outcome(), "NOT_FOUND");
  EXPECT_THAT(attempts[0].peer(), HasSubstr("127.0.0.1"));
  const std::vector<v1::AuditEvent> assigned =
      EventsOf(all, therapist_token_name_, "ProgramService/CreateProgram");
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].role(), v1::ROLE_THERAPIST);
  EXPECT_EQ(assigned[0].subject(), clinic_name() + "/therapists/t1");
  EXPECT_EQ(assigned[0].resource(), patient_name());
  EXPECT_EQ(assigned[0].patient(), patient_name());
  EXPECT_EQ(assigned[0].outcome(), "OK");
  EXPECT_THAT(assigned[0].peer(), HasSubstr("127.0.0.1"));
  const std::vector<v1::AuditEvent> submitted =
      EventsOf(all, patient_token_name_, "SessionService/CreateSession");
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].role(), v1::ROLE_PATIENT);
  EXPECT_EQ(submitted[0].outcome(), "OK");
  const std::vector<v1::AuditEvent> refused =
      EventsOf(all, patient_token_name_, "PatientService/ListPatients");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].outcome(), "PERMISSION_DENIED");
  EXPECT_GT(all.audit_events(0).sequence(),
            all.audit_events(all.audit_events_size() - 1).sequence())
      << "newest first";

  // The table has the method and the resource of each call.
  const ProcessResult table = Cli({"audit", "list", "--all"}, As::kAdmin);
  ASSERT_TRUE(Succeeded(table));
  EXPECT_THAT(table.out.substr(0, table.out.find('\n')),
              MatchesRegex("TIME +PRINCIPAL +ROLE +METHOD +RESOURCE +OUTCOME "
                           "+PEER"));
  const std::string therapist_id =
      therapist_token_name_.substr(therapist_token_name_.rfind('/') + 1);
  const std::string patient_id =
      patient_token_name_.substr(patient_token_name_.rfind('/') + 1);
  EXPECT_THAT(table.out, MatchesRegex(absl::StrCat(
                             "(.|\n)*", therapist_id,
                             " +therapist +ProgramService/CreateProgram +",
                             patient_name(), " +OK +ipv4:127.0.0.1:(.|\n)*")));
  EXPECT_THAT(table.out, MatchesRegex(absl::StrCat(
                             "(.|\n)*", patient_id,
                             " +patient +SessionService/CreateSession +",
                             patient_name(), " +OK (.|\n)*")));
  // Another clinic's token by its full name, so that it stands out.
  EXPECT_THAT(table.out, MatchesRegex(absl::StrCat(
                             "(.|\n)*", attempts[0].principal(),
                             " +admin +PatientService/GetPatient +",
                             patient_name(), " +NOT_FOUND (.|\n)*")));

  // --patient keeps the calls about that patient.
  const v1::ListAuditEventsResponse about_p1 =
      CliJson<v1::ListAuditEventsResponse>(
          {"audit", "list", "--patient", "p1", "--all"}, As::kAdmin);
  EXPECT_FALSE(about_p1.audit_events().empty());
  EXPECT_LT(about_p1.audit_events_size(), all.audit_events_size());
  for (const v1::AuditEvent& event : about_p1.audit_events()) {
    EXPECT_EQ(event.patient(), patient_name()) << event.method();
  }
  EXPECT_EQ(
      EventsOf(about_p1, patient_token_name_, "SessionService/CreateSession")
          .size(),
      1u);
  bool p2_was_shown = false;
  for (const v1::AuditEvent& event : all.audit_events()) {
    p2_was_shown |= event.resource() == clinic_name() + "/patients/p2";
  }
  EXPECT_TRUE(p2_was_shown) << "and the filter left it out";

  // A time window before the clinic existed is empty; paging works.
  EXPECT_EQ(CliJson<v1::ListAuditEventsResponse>(
                {"audit", "list", "--since", "2020-01-01T00:00:00Z", "--until",
                 "2020-01-02T00:00:00Z"},
                As::kAdmin)
                .audit_events_size(),
            0);
  EXPECT_EQ(CliJson<v1::ListAuditEventsResponse>(
                {"audit", "list", "--page-size", "2"}, As::kAdmin)
                .audit_events_size(),
            2);
  EXPECT_TRUE(
      IsUsageError(Cli({"audit", "list", "--since", "yesterday"}, As::kAdmin),
                   "bad --since"));
  // The audit trail is the admin's only.
  EXPECT_TRUE(IsRpcError(Cli({"audit", "list"}), "PERMISSION_DENIED",
                         "ListAuditEvents"));
}

TEST_F(CliE2eTest, BadInputIsRejectedNamingTheFieldAndNothingIsWritten) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const std::vector<std::string> new_patient = {
      "patient",     "create", "--name",          "Sam Sample",
      "--pain-area", "knee",   "--baseline-pain", "5"};
  auto with = [](std::vector<std::string> args,
                 const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };

  EXPECT_TRUE(IsRpcError(
      Cli(with(new_patient,
               {"--mrn", "MRN-0002", "--time-zone", "Mars/Olympus"})),
      "INVALID_ARGUMENT", "patient.time_zone"));
  EXPECT_TRUE(
      IsRpcError(Cli(with(new_patient,
                          {"--mrn", "MRN 2!", "--time-zone", "Europe/Berlin"})),
                 "INVALID_ARGUMENT", "patient.mrn"));
  EXPECT_TRUE(IsUsageError(
      Cli(with(new_patient, {"--mrn", "MRN-0002", "--time-zone",
                             "Europe/Berlin", "--pain-area", "elbow"})),
      "bad --pain-area \"elbow\""));
  EXPECT_EQ(CountPatients(), 1);

  EXPECT_TRUE(IsRpcError(
      Cli({"program", "assign", "--title", "Bad", "--per-week", "3",
           "--exercise", "glute-bridge:3x12", "--exercise", "moonwalk:3x12"}),
      "INVALID_ARGUMENT", "program.prescriptions[1].exercise"));
  EXPECT_TRUE(
      IsRpcError(Cli({"program", "assign", "--title", "Bad", "--per-week", "3",
                      "--exercise", "glute-bridge:30x12"}),
                 "INVALID_ARGUMENT", "program.prescriptions[0].sets"));
  EXPECT_TRUE(
      IsUsageError(Cli({"program", "assign", "--title", "Bad", "--per-week",
                        "3", "--exercise", "glute-bridge:3by12"}),
                   "bad --exercise \"glute-bridge:3by12\""));
  EXPECT_EQ(CountPrograms(), 0);

  AssignCoreProgram("phase-1");
  EXPECT_TRUE(IsRpcError(SubmitSession({{"--pain-before", "11"}}),
                         "INVALID_ARGUMENT",
                         "session.pain_before: must be 0-10 (got 11)"));
  EXPECT_TRUE(
      IsRpcError(Cli({"session", "submit", "--exercise", "glute-bridge:25x12",
                      "--pain-before", "2", "--pain-after", "2", "--difficulty",
                      "easy", "--area", "hip"},
                     As::kPatient),
                 "INVALID_ARGUMENT", "session.exercises[0].sets"));
  EXPECT_TRUE(IsUsageError(SubmitSession({{"--difficulty", "medium"}}),
                           "bad --difficulty \"medium\""));
  EXPECT_TRUE(IsUsageError(SubmitSession({{"--at", "yesterday"}}), "bad --at"));
  EXPECT_EQ(CountSessions(), 0);

  EXPECT_TRUE(IsRpcError(
      Cli({"pain", "report", "--area", "hip", "--score", "11"}, As::kPatient),
      "INVALID_ARGUMENT", "pain_report.score"));
  EXPECT_TRUE(IsUsageError(Cli({"pain", "report", "--area", "hip", "--score",
                                "3", "--date", "01.05.2024"},
                               As::kPatient),
                           "bad --date"));
  EXPECT_EQ(CountPainReports(), 0);

  EXPECT_TRUE(IsRpcError(Cli({"patient", "show", "nobody"}), "NOT_FOUND", ""));
  EXPECT_TRUE(
      IsUsageError(Cli({"patient", "update", "p1"}), "nothing to change"));
}

TEST_F(CliE2eTest, ResubmittingWithTheSameRequestIdStoresOneSession) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  AssignCoreProgram("phase-1");
  const std::map<std::string, std::string> same_request = {
      {"--request-id", "7d0b1c9e-2f7a-4c51-9b8e-0a1d2c3e4f50"}};

  const ProcessResult first = SubmitSession(same_request);
  ASSERT_TRUE(Succeeded(first));
  const ProcessResult retry = SubmitSession(same_request);
  ASSERT_TRUE(Succeeded(retry));
  EXPECT_EQ(FromJson<v1::Session>(retry.out).name(),
            FromJson<v1::Session>(first.out).name());
  EXPECT_EQ(CountSessions(), 1);

  // Without a request id every submission is a new session.
  ASSERT_TRUE(Succeeded(SubmitSession()));
  EXPECT_EQ(CountSessions(), 2);

  const std::vector<std::string> same_report = {
      "pain",    "report", "--area",       "lower-back",
      "--score", "3",      "--request-id", "r-1"};
  EXPECT_EQ(CliJson<v1::PainReport>(same_report, As::kPatient).name(),
            CliJson<v1::PainReport>(same_report, As::kPatient).name());
  EXPECT_EQ(CountPainReports(), 1);
}

// Issue 6: a session submitted while the server is unreachable is kept in
// the outbox, exits 3, and `sync` delivers it once, idempotently.
TEST_F(CliE2eTest, UnreachableSubmissionIsKeptAndSyncDeliversItOnce) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const v1::Program program = AssignCoreProgram("phase-1");
  const std::string outbox =
      absl::StrCat("GLUTECARE_OUTBOX=", token_folder_, "/outbox/outbox.db");
  RestartServer([&] {
    const ProcessResult kept = SubmitSession(
        {{"--retries", "0"},
         {"--program",
          absl::StrCat(program.name(), "@", program.revision_id())}},
        As::kPatient, {outbox});
    EXPECT_EQ(kept.exit_code, 3) << kept.err;
    EXPECT_THAT(kept.err, HasSubstr("kept in the outbox (1 waiting)"));
    const ProcessResult listed = Cli({"outbox", "list"}, As::kNobody, {outbox});
    ASSERT_TRUE(Succeeded(listed));
    EXPECT_THAT(listed.out, HasSubstr("session"));
    EXPECT_THAT(listed.out, HasSubstr("waiting"));
  });
  EXPECT_EQ(CountSessions(), 0);

  const ProcessResult synced = Cli({"sync"}, As::kPatient, {outbox});
  ASSERT_TRUE(Succeeded(synced));
  EXPECT_THAT(synced.out, HasSubstr("delivered 1, failed 0, waiting 0"));
  EXPECT_EQ(CountSessions(), 1);
  const ProcessResult again = Cli({"sync"}, As::kPatient, {outbox});
  ASSERT_TRUE(Succeeded(again));
  EXPECT_THAT(again.out, HasSubstr("delivered 0, failed 0, waiting 0"));
  EXPECT_EQ(CountSessions(), 1);
  const ProcessResult empty = Cli({"outbox", "list"}, As::kNobody, {outbox});
  ASSERT_TRUE(Succeeded(empty));
  EXPECT_THAT(empty.out, Not(HasSubstr("waiting")));
}

// Issue 6: without --program, `session submit` asks the server nothing, so
// it is kept offline too; the server records the revision in force when the
// session was done, not the one in force when it is delivered.
TEST_F(CliE2eTest, OfflineSubmissionWithoutProgramGetsTheRevisionOfItsTime) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const v1::Program program = AssignCoreProgram("phase-1");
  ASSERT_EQ(program.revision_id(), 1);
  const std::string outbox =
      absl::StrCat("GLUTECARE_OUTBOX=", token_folder_, "/outbox/outbox.db");
  RestartServer([&] {
    const ProcessResult kept =
        SubmitSession({{"--retries", "0"}}, As::kPatient, {outbox});
    EXPECT_EQ(kept.exit_code, 3) << kept.err;
    EXPECT_THAT(kept.err, HasSubstr("kept in the outbox (1 waiting)"));
  });

  // The therapist progresses the program before the session arrives.
  const v1::Program revised =
      CliJson<v1::Program>({"program", "update", "phase-1", "--per-week", "5"});
  ASSERT_EQ(revised.revision_id(), 2);
  EXPECT_EQ(CountSessions(), 0);

  const ProcessResult synced = Cli({"sync"}, As::kPatient, {outbox});
  ASSERT_TRUE(Succeeded(synced));
  EXPECT_THAT(synced.out, HasSubstr("delivered 1, failed 0, waiting 0"));
  const v1::ListSessionsResponse sessions =
      CliJson<v1::ListSessionsResponse>({"session", "list"}, As::kPatient);
  ASSERT_EQ(sessions.sessions_size(), 1);
  EXPECT_EQ(sessions.sessions(0).program_revision(), program.name() + "@1")
      << "the revision in force when the session was done";

  // Submitted now, the same session follows revision 2; the reply says so,
  // as a table too.
  const ProcessResult now =
      Cli({"session", "submit", "--exercise", kCoreExercises[0],
           "--pain-before", "4", "--pain-after", "3", "--difficulty", "right"},
          As::kPatient);
  ASSERT_TRUE(Succeeded(now));
  EXPECT_THAT(now.out, HasSubstr(program.name() + "@2"));
  EXPECT_EQ(CountSessions(), 2);
}

TEST_F(CliE2eTest, ProgramUpdateMakesARevisionAndOldRevisionsStayUsable) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const v1::Program first = AssignCoreProgram("phase-1");

  const v1::Program second = CliJson<v1::Program>(
      {"program", "update", "phase-1", "--exercise", "single-leg-bridge:3x10",
       "--exercise", "clamshell:3x15@band-medium", "--exercise",
       "goblet-squat:3x8@8kg", "--title", "Glute strength, phase 2"});
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.revision_id(), 2);
  EXPECT_EQ(second.display_name(), "Glute strength, phase 2");
  ASSERT_EQ(second.prescriptions_size(), 3);
  EXPECT_EQ(second.prescriptions(2).load().type(),
            v1::LOAD_TYPE_EXTERNAL_WEIGHT);
  EXPECT_EQ(second.prescriptions(2).load().weight_kg(), 8);
  for (const v1::Prescription& prescription : second.prescriptions()) {
    EXPECT_EQ(prescription.sessions_per_week(), 3) << "kept from revision 1";
  }

  const v1::ListProgramRevisionsResponse revisions =
      CliJson<v1::ListProgramRevisionsResponse>(
          {"program", "revisions", "phase-1"});
  std::vector<int64_t> revision_ids;
  for (const v1::Program& revision : revisions.programs()) {
    revision_ids.push_back(revision.revision_id());
  }
  EXPECT_THAT(revision_ids, ElementsAre(2, 1));
  const ProcessResult revisions_table =
      Cli({"program", "revisions", "phase-1"});
  ASSERT_TRUE(Succeeded(revisions_table));
  EXPECT_THAT(revisions_table.out, HasSubstr("Glute strength, phase 2"));

  const v1::Program old =
      CliJson<v1::Program>({"program", "show", "phase-1", "--revision", "1"});
  EXPECT_EQ(old.revision_id(), 1);
  EXPECT_EQ(old.prescriptions(0).exercise(), "exercises/glute-bridge");

  // A patient who followed the paper copy of revision 1 can still report it.
  const ProcessResult on_revision_1 =
      SubmitSession({{"--program", "phase-1@1"}});
  ASSERT_TRUE(Succeeded(on_revision_1));
  EXPECT_EQ(FromJson<v1::Session>(on_revision_1.out).program_revision(),
            first.name() + "@1");
  const ProcessResult on_latest =
      Cli({"--json", "session", "submit", "--exercise",
           "single-leg-bridge:3x10", "--pain-before", "3", "--pain-after", "2",
           "--difficulty", "hard", "--area", "hip"},
          As::kPatient);
  ASSERT_TRUE(Succeeded(on_latest));
  EXPECT_EQ(FromJson<v1::Session>(on_latest.out).program_revision(),
            first.name() + "@2");
  EXPECT_EQ(CountSessions(), 2);

  // --per-week alone rewrites every prescription's sessions per week.
  const v1::Program third =
      CliJson<v1::Program>({"program", "update", "phase-1", "--per-week", "5"});
  EXPECT_EQ(third.revision_id(), 3);
  ASSERT_EQ(third.prescriptions_size(), 3);
  for (const v1::Prescription& prescription : third.prescriptions()) {
    EXPECT_EQ(prescription.sessions_per_week(), 5);
  }

  // A stale etag loses.
  EXPECT_TRUE(IsRpcError(Cli({"program", "update", "phase-1", "--notes", "x",
                              "--etag", first.etag()}),
                         "ABORTED", ""));
  EXPECT_TRUE(
      IsUsageError(Cli({"program", "update", "phase-1"}), "nothing to change"));
  EXPECT_EQ(CliJson<v1::ListProgramRevisionsResponse>(
                {"program", "revisions", "phase-1"})
                .programs_size(),
            3);
}

// The server picks the program when exactly one is active, and otherwise
// says which to name.
TEST_F(CliE2eTest, SessionSubmitNeedsProgramUnlessExactlyOneIsActive) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  EXPECT_TRUE(IsRpcError(SubmitSession(), "INVALID_ARGUMENT",
                         "session.program_revision: " + patient_name() +
                             " had no active program"));
  AssignCoreProgram("phase-1");
  AssignCoreProgram("phase-1b");
  EXPECT_TRUE(
      IsRpcError(SubmitSession(), "INVALID_ARGUMENT", "2 active programs"));
  EXPECT_TRUE(IsRpcError(SubmitSession(), "INVALID_ARGUMENT",
                         "(phase-1, phase-1b): name the program followed"));
  ASSERT_TRUE(Succeeded(SubmitSession({{"--program", "phase-1b"}})));
  ASSERT_TRUE(
      Succeeded(Cli({"program", "update", "phase-1b", "--status", "paused"})));
  ASSERT_TRUE(Succeeded(SubmitSession()));
  EXPECT_EQ(CountSessions(), 2);
  // Another patient's program is theirs to report: NOT_FOUND, as before.
  EXPECT_TRUE(IsRpcError(
      SubmitSession({{"--program", clinic_name() + "/patients/p2/programs/x"}}),
      "NOT_FOUND", ""));
  EXPECT_EQ(CountSessions(), 2);
}

TEST_F(CliE2eTest, ListsPageWithTheNextPageToken) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  for (const std::string score : {"2", "3", "4"}) {
    ASSERT_TRUE(Succeeded(Cli(
        {"pain", "report", "--area", "knee", "--score", score}, As::kPatient)));
  }
  const ProcessResult first_page = Cli({"pain", "list", "--page-size", "2"});
  ASSERT_TRUE(Succeeded(first_page));
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(first_page.out, "\n"), '\n');
  ASSERT_EQ(lines.size(), 4u) << first_page.out;  // header, 2 rows, hint
  absl::string_view token = lines.back();
  ASSERT_TRUE(absl::ConsumePrefix(&token, "next page: --page-token "))
      << first_page.out;

  const v1::ListPainReportsResponse second_page =
      CliJson<v1::ListPainReportsResponse>({"pain", "list", "--page-size", "2",
                                            "--page-token",
                                            std::string(token)});
  EXPECT_EQ(second_page.pain_reports_size(), 1);
  EXPECT_TRUE(second_page.next_page_token().empty());

  const v1::ListPainReportsResponse all = CliJson<v1::ListPainReportsResponse>(
      {"pain", "list", "--page-size", "1", "--all"});
  EXPECT_EQ(all.pain_reports_size(), 3);
  EXPECT_TRUE(all.next_page_token().empty());
}

// The past week of FollowTheProgramForAPastWeek(), Monday to Sunday, in the
// patient's calendar (Europe/Berlin).
constexpr absl::string_view kPastMonday = "2025-03-03";
constexpr absl::string_view kPastSunday = "2025-03-09";

TEST_F(CliE2eTest, AdherenceReportCountsSessionsOfAPastWeek) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  ASSERT_NO_FATAL_FAILURE(FollowTheProgramForAPastWeek());
  const std::vector<std::string> week = {"report", "adherence",
                                         "--from", std::string(kPastMonday),
                                         "--to",   std::string(kPastSunday)};

  const v1::AdherenceReport report = CliJson<v1::AdherenceReport>(week);
  EXPECT_EQ(report.patient(), patient_name());
  EXPECT_EQ(report.start_date(), kPastMonday);
  EXPECT_EQ(report.end_date(), kPastSunday);
  EXPECT_EQ(report.completed_sessions(), 3);
  EXPECT_NEAR(report.prescribed_sessions(), 3, 1e-9);
  EXPECT_NEAR(report.adherence_percent(), 100, 1e-9);
  ASSERT_EQ(report.weeks_size(), 1);
  EXPECT_EQ(report.weeks(0).week_start_date(), kPastMonday);
  EXPECT_EQ(report.weeks(0).days_in_range(), 7);
  EXPECT_EQ(report.weeks(0).completed_sessions(), 3);
  ASSERT_EQ(report.exercises_size(), 3);
  EXPECT_EQ(report.exercises(0).exercise(), "exercises/glute-bridge");
  EXPECT_EQ(report.exercises(0).completed_volume(), 3 * 3 * 12);
  EXPECT_EQ(report.current_streak_weeks(), 1);
  EXPECT_EQ(report.days_since_last_session(), 2);
  EXPECT_EQ(report.data_days(), 3);

  const ProcessResult text = Cli(week);
  ASSERT_TRUE(Succeeded(text));
  EXPECT_THAT(text.out, HasSubstr("adherence:                100%\n"));
  EXPECT_THAT(text.out, HasSubstr("3 done of 3.0 prescribed"));
  EXPECT_THAT(text.out,
              HasSubstr("WEEK OF     DAYS  PRESCRIBED  DONE  ADHERENCE\n"
                        "2025-03-03  7     3.0         3     100%\n"));
  EXPECT_THAT(text.out, HasSubstr("glute-bridge"));

  EXPECT_TRUE(IsUsageError(Cli({"report", "adherence", "--from", "03/03/2025"}),
                           "bad --from"));
  EXPECT_TRUE(IsRpcError(Cli({"report", "adherence", "--from", "2025-03-09",
                              "--to", "2025-03-03"}),
                         "INVALID_ARGUMENT", ""));
}

TEST_F(CliE2eTest, PainReportChartsEachDayAndCountsThePainZones) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  // The mean of each session's pain before and after: 5, 4 and 2.
  ASSERT_NO_FATAL_FAILURE(FollowTheProgramForAPastWeek());
  ASSERT_TRUE(Succeeded(Cli({"pain", "report", "--area", "hip", "--score", "7",
                             "--date", "2025-03-04"},
                            As::kPatient)));
  const std::vector<std::string> range = {"report",     "pain", "--from",
                                          "2025-03-01", "--to", "2025-03-09"};

  const v1::PainTrendReport report = CliJson<v1::PainTrendReport>(range);
  ASSERT_EQ(report.areas_size(), 2);
  const v1::AreaPainTrend& back = report.areas(0);
  EXPECT_EQ(back.area(), v1::PAIN_AREA_LOWER_BACK);
  ASSERT_EQ(back.days_size(), 3);
  EXPECT_EQ(back.days(0).date(), "2025-03-03");
  EXPECT_DOUBLE_EQ(back.days(0).mean(), 5);
  EXPECT_EQ(back.days(0).reports(), 2);
  EXPECT_DOUBLE_EQ(back.days(2).mean(), 2);
  EXPECT_EQ(back.change_from_baseline().significance(),
            v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED)
      << "baseline 6, now about 3.7";
  EXPECT_EQ(report.areas(1).area(), v1::PAIN_AREA_HIP);
  EXPECT_EQ(report.sessions_safe(), 2);
  EXPECT_EQ(report.sessions_acceptable(), 1);
  EXPECT_EQ(report.sessions_unacceptable(), 0);

  const ProcessResult text = Cli(range);
  ASSERT_TRUE(Succeeded(text));
  // One character per day from 03-01 to 03-09, a space for a day without
  // pain data.
  EXPECT_THAT(text.out, HasSubstr("lower-back  "
                                  "  ▅ ▄ ▂  "
                                  "  (0-10, 2025-03-01 .. 2025-03-09)\n"
                                  "hip         "
                                  "   ▆     "
                                  "  (0-10, 2025-03-01 .. 2025-03-09)\n"));
  EXPECT_THAT(text.out, HasSubstr("DATE        MEAN  REPORTS  7-DAY MEAN\n"
                                  "2025-03-03  5.0   2        5.0\n"));
  EXPECT_THAT(text.out, HasSubstr("change from baseline:    -"));
  EXPECT_THAT(text.out, HasSubstr("improved"));
  EXPECT_THAT(text.out,
              HasSubstr("2 safe (0-3), 1 acceptable (4-5), 0 unacceptable"));
}

TEST_F(CliE2eTest, APatientReadsTheirOwnReportsWithoutNamingThemselves) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  CreateSecondPatientWithToken();
  ASSERT_NO_FATAL_FAILURE(FollowTheProgramForAPastWeek());
  // No --patient and no GLUTECARE_PATIENT: the token says whose they are.
  const std::vector<std::string> myself = {"GLUTECARE_PATIENT="};
  const std::vector<std::string> week = {"report", "adherence",
                                         "--from", std::string(kPastMonday),
                                         "--to",   std::string(kPastSunday)};

  const ProcessResult adherence = Cli(week, As::kPatient, myself);
  ASSERT_TRUE(Succeeded(adherence));
  EXPECT_THAT(adherence.out, HasSubstr("adherence:                100%\n"));
  EXPECT_THAT(adherence.out, HasSubstr("3 done of 3.0 prescribed"));
  const ProcessResult pain = Cli({"report", "pain", "--from", "2025-03-01",
                                  "--to", "2025-03-09"},
                                 As::kPatient, myself);
  ASSERT_TRUE(Succeeded(pain));
  EXPECT_THAT(pain.out, HasSubstr("2025-03-03  5.0   2        5.0\n"));
  std::vector<std::string> json = {"--json"};
  json.insert(json.end(), week.begin(), week.end());
  const ProcessResult report = Cli(json, As::kPatient, myself);
  ASSERT_TRUE(Succeeded(report));
  EXPECT_EQ(FromJson<v1::AdherenceReport>(report.out).patient(),
            patient_name());

  // Never another patient's; and any other token still names the patient.
  // (The message quotes the name cut at 64 characters, this clinic's id
  // included, so it is not matched here.)
  EXPECT_TRUE(IsRpcError(Cli({"report", "pain", "--patient", "p2"},
                             As::kPatient),
                         "NOT_FOUND", "not found"));
  EXPECT_TRUE(IsRpcError(Cli({"report", "adherence", "--patient", "p2"},
                             As::kPatient),
                         "NOT_FOUND", "not found"));
  EXPECT_TRUE(IsUsageError(Cli({"report", "adherence"}, As::kTherapist, myself),
                           "--patient or set GLUTECARE_PATIENT"));
}

// The alerts of `response` that `rule` raised.
std::vector<v1::Alert> WithRule(const v1::ListAlertsResponse& response,
                                v1::AlertRule rule) {
  std::vector<v1::Alert> alerts;
  for (const v1::Alert& alert : response.alerts()) {
    if (alert.rule() == rule) alerts.push_back(alert);
  }
  return alerts;
}

TEST_F(CliE2eTest, AlertsAreListedAcknowledgedAndResolved) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  AssignCoreProgram("phase-1");
  ASSERT_TRUE(Succeeded(
      SubmitSession({{"--pain-before", "2"}, {"--pain-after", "8"}})));

  const std::vector<v1::Alert> raised =
      WithRule(CliJson<v1::ListAlertsResponse>({"alerts", "list"}),
               v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(raised.size(), 1u);
  const v1::Alert& alert = raised[0];
  EXPECT_THAT(alert.name(), StartsWith(patient_name() + "/alerts/"));
  EXPECT_EQ(alert.state(), v1::ALERT_STATE_OPEN);
  EXPECT_GT(alert.sequence(), 0);
  EXPECT_EQ(WithRule(CliJson<v1::ListAlertsResponse>(
                         {"alerts", "list", "--all-patients"}),
                     v1::ALERT_RULE_POST_EXERCISE_PAIN)
                .size(),
            1u);
  const std::string alert_id(alert.name().substr(alert.name().rfind('/') + 1));

  const ProcessResult table = Cli({"alerts", "list", "--state", "open"});
  ASSERT_TRUE(Succeeded(table));
  EXPECT_THAT(table.out, StartsWith("SEQ "));
  EXPECT_THAT(table.out, HasSubstr(alert_id));
  EXPECT_THAT(table.out, HasSubstr("post-exercise-pain"));

  EXPECT_EQ(CliJson<v1::Alert>({"alerts", "ack", "p1/" + alert_id}).state(),
            v1::ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(WithRule(CliJson<v1::ListAlertsResponse>(
                         {"alerts", "list", "--state", "acknowledged"}),
                     v1::ALERT_RULE_POST_EXERCISE_PAIN)
                .size(),
            1u);
  EXPECT_EQ(CliJson<v1::Alert>({"alerts", "resolve", alert_id}).state(),
            v1::ALERT_STATE_RESOLVED);
  EXPECT_TRUE(WithRule(CliJson<v1::ListAlertsResponse>(
                           {"alerts", "list", "--state", "open"}),
                       v1::ALERT_RULE_POST_EXERCISE_PAIN)
                  .empty());

  EXPECT_TRUE(IsRpcError(Cli({"alerts", "ack", alert.name()}),
                         "FAILED_PRECONDITION", ""));
  EXPECT_TRUE(IsUsageError(Cli({"alerts", "list", "--state", "closed"}),
                           "bad --state \"closed\""));
  EXPECT_TRUE(IsUsageError(Cli({"alerts", "ack", "p1/a/b"}), "ALERT"));
}

// Regression test: a program entered with a start date 280 days back raised
// "No session for 280 days", which stayed open after the patient's sessions
// were stored. The session that clears it was done two days ago while the
// server was unreachable, kept in the outbox and delivered by `sync` after
// the alert was raised.
TEST_F(CliE2eTest, ASessionDeliveredLateFromTheOutboxResolvesMissedSessions) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  const absl::Time now = absl::Now();
  AssignCoreProgram("phase-1",
                    absl::FormatCivilTime(absl::ToCivilDay(now, berlin) - 280));
  std::vector<v1::Alert> missed =
      WithRule(CliJson<v1::ListAlertsResponse>({"alerts", "list"}),
               v1::ALERT_RULE_MISSED_SESSIONS);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(missed[0].summary(), HasSubstr("none since the program started"));

  const std::string outbox =
      absl::StrCat("GLUTECARE_OUTBOX=", token_folder_, "/outbox/outbox.db");
  RestartServer([&] {
    const ProcessResult kept = SubmitSession(
        {{"--retries", "0"},
         {"--at", absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez",
                                   now - absl::Hours(48), berlin)}},
        As::kPatient, {outbox});
    EXPECT_EQ(kept.exit_code, 3) << kept.err;
  });
  ASSERT_TRUE(Succeeded(Cli({"sync"}, As::kPatient, {outbox})));
  const v1::ListSessionsResponse sessions =
      CliJson<v1::ListSessionsResponse>({"session", "list"}, As::kPatient);
  ASSERT_EQ(sessions.sessions_size(), 1);

  missed = WithRule(CliJson<v1::ListAlertsResponse>({"alerts", "list"}),
                    v1::ALERT_RULE_MISSED_SESSIONS);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(missed[0].resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_THAT(missed[0].resolution_evidence(),
              ElementsAre(sessions.sessions(0).name()));
  // The therapist's resolve still answers, and shows what cleared it.
  const ProcessResult shown = Cli({"alerts", "resolve", missed[0].name()});
  ASSERT_TRUE(Succeeded(shown));
  EXPECT_THAT(shown.out,
              HasSubstr("condition-cleared: A session on " +
                        sessions.sessions(0).local_date()));

  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Succeeded(SubmitSession()));
  EXPECT_EQ(CountSessions(), 11);
  EXPECT_TRUE(WithRule(CliJson<v1::ListAlertsResponse>(
                           {"alerts", "list", "--state", "open"}),
                       v1::ALERT_RULE_MISSED_SESSIONS)
                  .empty());
}

TEST_F(CliE2eTest, WatchPrintsAnAlertAsItIsRaisedAndExitsAfterCount) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  AssignCoreProgram("phase-1");
  absl::StatusOr<ChildProcess> watch =
      StartCli({"--json", "alerts", "watch", "--count", "1"});
  ASSERT_TRUE(watch.ok()) << watch.status();
  // The watch says so on stderr once the server has taken the stream.
  const absl::StatusOr<std::string> watching =
      watch->ReadErrorLine(kWatchTimeout);
  ASSERT_TRUE(watching.ok()) << watching.status();
  EXPECT_THAT(*watching, StartsWith("glutecare: watching " + clinic_name() +
                                    " after sequence "));

  ASSERT_TRUE(Succeeded(
      SubmitSession({{"--pain-before", "2"}, {"--pain-after", "8"}})));
  const absl::StatusOr<std::string> line = watch->ReadLine(kWatchTimeout);
  ASSERT_TRUE(line.ok()) << line.status();
  const v1::Alert alert = FromJson<v1::Alert>(*line);
  EXPECT_EQ(alert.rule(), v1::ALERT_RULE_POST_EXERCISE_PAIN);
  EXPECT_THAT(alert.name(), StartsWith(patient_name() + "/alerts/"));
  const absl::StatusOr<int> exit_code = watch->AwaitExit(kWatchTimeout);
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
}

TEST_F(CliE2eTest, WatchExitsCleanlyOnSigterm) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  absl::StatusOr<ChildProcess> watch = StartCli({"alerts", "watch"});
  ASSERT_TRUE(watch.ok()) << watch.status();
  const absl::StatusOr<std::string> watching =
      watch->ReadErrorLine(kWatchTimeout);
  ASSERT_TRUE(watching.ok()) << watching.status();
  const absl::StatusOr<int> exit_code = watch->Stop(kWatchTimeout);
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
}

// The suggestion of `response` for `exercise` (`exercises/{id}`); a test
// failure and an empty one when there is none.
v1::Suggestion ForExercise(const v1::ListSuggestionsResponse& response,
                           const std::string& exercise) {
  for (const v1::Suggestion& suggestion : response.suggestions()) {
    if (suggestion.exercise() == exercise) return suggestion;
  }
  ADD_FAILURE() << "no suggestion for " << exercise;
  return v1::Suggestion();
}

TEST_F(CliE2eTest, UnacceptablePainSuggestsRegressingAndAcceptingRevises) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const v1::Program program = AssignCoreProgram("phase-1");
  ASSERT_TRUE(Succeeded(
      SubmitSession({{"--pain-before", "2"}, {"--pain-after", "8"}})));

  const v1::ListSuggestionsResponse open = CliJson<v1::ListSuggestionsResponse>(
      {"suggestions", "list", "--state", "open"});
  EXPECT_EQ(open.suggestions_size(), 3) << "one per exercise of the session";
  for (const v1::Suggestion& suggestion : open.suggestions()) {
    SCOPED_TRACE(suggestion.name());
    EXPECT_THAT(suggestion.name(),
                StartsWith(program.name() + "/suggestions/"));
    EXPECT_EQ(suggestion.kind(), v1::SUGGESTION_KIND_REGRESS);
    EXPECT_EQ(suggestion.based_on_revision(), 1);
    EXPECT_FALSE(suggestion.reasons().empty());
  }
  const v1::Suggestion clamshell = ForExercise(open, "exercises/clamshell");
  const v1::Suggestion bridge = ForExercise(open, "exercises/glute-bridge");
  EXPECT_EQ(clamshell.current().load().type(), v1::LOAD_TYPE_BAND_LIGHT);
  EXPECT_EQ(CliJson<v1::ListSuggestionsResponse>(
                {"suggestions", "list", "--program", "phase-1"})
                .suggestions_size(),
            3);

  const ProcessResult table = Cli({"suggestions", "list"});
  ASSERT_TRUE(Succeeded(table));
  EXPECT_THAT(table.out, StartsWith("PROGRAM "));
  EXPECT_THAT(table.out, HasSubstr("regress"));
  EXPECT_THAT(table.out, HasSubstr("clamshell:3x15@band-light -> clamshell:"));

  const std::string bridge_id =
      "phase-1/" + bridge.name().substr(bridge.name().rfind('/') + 1);
  EXPECT_EQ(
      CliJson<v1::Suggestion>({"suggestions", "dismiss", bridge_id}).state(),
      v1::SUGGESTION_STATE_DISMISSED);
  EXPECT_TRUE(IsRpcError(Cli({"suggestions", "dismiss", bridge_id}),
                         "FAILED_PRECONDITION", ""));

  const v1::Program revised =
      CliJson<v1::Program>({"suggestions", "accept", clamshell.name()});
  EXPECT_EQ(revised.name(), program.name());
  EXPECT_EQ(revised.revision_id(), 2);
  bool proposed_is_prescribed = false;
  for (const v1::Prescription& prescription : revised.prescriptions()) {
    if (prescription.exercise() != "exercises/clamshell") continue;
    proposed_is_prescribed =
        prescription.load().type() == clamshell.proposed().load().type() &&
        prescription.sets() == clamshell.proposed().sets() &&
        prescription.reps() == clamshell.proposed().reps();
  }
  EXPECT_TRUE(proposed_is_prescribed) << revised.DebugString();
  EXPECT_EQ(CliJson<v1::ListSuggestionsResponse>(
                {"suggestions", "list", "--state", "accepted"})
                .suggestions_size(),
            1);
  EXPECT_TRUE(IsRpcError(Cli({"suggestions", "accept", clamshell.name()}),
                         "FAILED_PRECONDITION", ""));

  EXPECT_TRUE(IsUsageError(Cli({"suggestions", "list", "--state", "new"}),
                           "bad --state \"new\""));
  EXPECT_TRUE(
      IsUsageError(Cli({"suggestions", "accept", "s1"}), "give PROGRAM/ID"));
  EXPECT_TRUE(IsUsageError(
      Cli({"suggestions", "list", "--program", "phase-1@1"}), "revision"));
}

TEST_F(CliE2eTest, DashboardPutsThePatientWithAnAlertFirst) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  const std::string p2_token_file = CreateSecondPatientWithToken();
  AssignCoreProgram("phase-1");
  ASSERT_TRUE(Succeeded(Cli({"--patient", "p2", "program", "assign", "--id",
                             "phase-1", "--title", "Hips", "--per-week", "3",
                             "--exercise", "clamshell:3x15@band-light"})));
  ASSERT_TRUE(Succeeded(
      Cli({"--patient", "p2", "session", "submit", "--exercise",
           "clamshell:3x15@band-light", "--pain-before", "3", "--pain-after",
           "2", "--difficulty", "right", "--area", "hip"},
          As::kPatient, {"GLUTECARE_TOKEN_FILE=" + p2_token_file})));
  ASSERT_TRUE(Succeeded(
      SubmitSession({{"--pain-before", "2"}, {"--pain-after", "8"}})));

  const v1::ListPatientStatusesResponse dashboard =
      CliJson<v1::ListPatientStatusesResponse>({"dashboard"});
  ASSERT_EQ(dashboard.statuses_size(), 2);
  EXPECT_EQ(dashboard.statuses(0).patient(), patient_name());
  EXPECT_GE(dashboard.statuses(0).unresolved_alerts(), 1);
  EXPECT_EQ(dashboard.statuses(1).patient(), clinic_name() + "/patients/p2");
  EXPECT_EQ(dashboard.statuses(1).unresolved_alerts(), 0);
  EXPECT_GT(dashboard.statuses(0).attention_score(),
            dashboard.statuses(1).attention_score());

  const ProcessResult table = Cli({"dashboard"});
  ASSERT_TRUE(Succeeded(table));
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(table.out, "\n"), '\n');
  ASSERT_EQ(lines.size(), 3u) << table.out;
  EXPECT_THAT(lines[0], StartsWith("PATIENT  NAME "));
  EXPECT_THAT(lines[1], StartsWith("p1       Pat Example"));
  EXPECT_THAT(lines[1], HasSubstr(dashboard.statuses(0).reasons(0)));
  EXPECT_THAT(lines[2], StartsWith("p2       Sam Sample"));

  EXPECT_EQ(CliJson<v1::ListPatientStatusesResponse>(
                {"dashboard", "--page-size", "1", "--all"})
                .statuses_size(),
            2);
  EXPECT_EQ(CliJson<v1::ListPatientStatusesResponse>(
                {"dashboard", "--therapist", "t1"})
                .statuses_size(),
            2);
  EXPECT_EQ(CliJson<v1::ListPatientStatusesResponse>(
                {"dashboard", "--therapist", "t2"})
                .statuses_size(),
            0)
      << "t2 has no patients";
  EXPECT_EQ(CliJson<v1::ListPatientStatusesResponse>(
                {"--therapist", "t2", "dashboard", "--all-therapists"})
                .statuses_size(),
            2);
}

// Outcome measures (issue 8): the therapist assigns the ODI and the LEFS, the
// patient answers from --answers, from a file and at the item-by-item
// prompt (stdin piped in, prompting forced by GLUTECARE_PROMPT=1), and both
// see the change since intake.
TEST_F(CliE2eTest, OutcomeMeasuresShowTheChangeSinceIntake) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());

  const v1::OutcomeAssignment odi = CliJson<v1::OutcomeAssignment>(
      {"outcomes", "assign", "--measure", "odi", "--every-weeks", "4"});
  EXPECT_EQ(odi.name(), patient_name() + "/outcomeAssignments/odi");
  EXPECT_TRUE(odi.due());
  ASSERT_TRUE(Succeeded(Cli({"outcomes", "assign", "--measure", "lefs"})));
  EXPECT_TRUE(IsRpcError(Cli({"outcomes", "assign", "--measure", "odi"}),
                         "ALREADY_EXISTS", "outcomeAssignments/odi"));
  EXPECT_TRUE(IsUsageError(Cli({"outcomes", "assign", "--measure", "sf36"}),
                           "--measure"));
  EXPECT_TRUE(IsRpcError(
      Cli({"outcomes", "submit", "--measure", "odi", "--answers",
           "1,1,1,1,1,1,1,1,1,1"}),
      "PERMISSION_DENIED", "SubmitOutcomeResponse"));

  // Intake from --answers, one section skipped: 27 of 45 = 60%.
  const v1::OutcomeResponse intake = CliJson<v1::OutcomeResponse>(
      {"outcomes", "submit", "--measure", "odi", "--answers",
       "3,3,3,3,-,3,3,3,3,3"},
      As::kPatient);
  EXPECT_DOUBLE_EQ(intake.score(), 60);
  EXPECT_EQ(intake.band(), "severe");
  EXPECT_TRUE(intake.intake());
  EXPECT_TRUE(IsUsageError(
      Cli({"outcomes", "submit", "--measure", "odi", "--answers", "1,2"},
          As::kPatient),
      "needs 10 answers"));
  EXPECT_TRUE(IsUsageError(Cli({"outcomes", "submit", "--measure", "odi"},
                               As::kPatient),
                           "--answers"));

  // Follow-up at the prompt: ten lines, the eighth empty (skipped).
  const ProcessResult prompted_result = CliWithInput(
      {"--json", "outcomes", "submit", "--measure", "odi"}, As::kPatient,
      "2\n2\n2\n2\n2\n2\n2\n\n2\n2\n", {"GLUTECARE_PROMPT=1"});
  const ProcessResult* prompted = &prompted_result;
  ASSERT_EQ(prompted->exit_code, 0) << prompted->err;
  EXPECT_THAT(prompted->err, HasSubstr("1/10. Pain intensity"));
  EXPECT_THAT(prompted->err, HasSubstr("empty to skip"));
  const v1::OutcomeResponse follow_up =
      FromJson<v1::OutcomeResponse>(prompted->out);
  EXPECT_DOUBLE_EQ(follow_up.score(), 40);  // 18 of 45
  EXPECT_EQ(follow_up.answered_items(), 9);
  EXPECT_DOUBLE_EQ(follow_up.change_since_intake(), -20);
  EXPECT_TRUE(follow_up.important_change());
  EXPECT_EQ(follow_up.intake_response(), intake.name());

  // The LEFS from a file, with a comment.
  const std::string file = absl::StrCat(token_folder_, "/lefs.txt");
  {
    std::ofstream out(file);
    out << "# LEFS intake\n4,4,4,4,4 3,3,3,3,3\n2 2 2 2 2\n1,1,1,1,1\n";
  }
  const v1::OutcomeResponse lefs = CliJson<v1::OutcomeResponse>(
      {"outcomes", "submit", "--measure", "lefs", "--file", file},
      As::kPatient);
  EXPECT_DOUBLE_EQ(lefs.score(), 50);

  // The therapist sees both, newest first, with the change.
  const ProcessResult table = Cli({"outcomes", "list"});
  ASSERT_TRUE(Succeeded(table));
  EXPECT_THAT(table.out, HasSubstr("CHANGE SINCE INTAKE"));
  EXPECT_THAT(table.out, HasSubstr("-20 (better, important)"));
  EXPECT_THAT(table.out, HasSubstr("intake"));
  const ProcessResult shown = Cli(
      {"outcomes", "show", std::string(absl::StripPrefix(
                               follow_up.name(),
                               patient_name() + "/outcomeResponses/"))});
  ASSERT_TRUE(Succeeded(shown));
  EXPECT_THAT(shown.out, HasSubstr("40%"));
  EXPECT_THAT(shown.out, HasSubstr("moderate"));
  const ProcessResult assignments = Cli({"outcomes", "assignments"});
  ASSERT_TRUE(Succeeded(assignments));
  EXPECT_THAT(assignments.out, HasSubstr("NEXT DUE"));
}

// Outcome scores beside pain and adherence (issue 8): after an ODI intake and
// a follow-up, the adherence report and the dashboard print the latest score
// beside the intake; a report ending before them says there is none.
TEST_F(CliE2eTest, ReportsAndDashboardShowFunctionBesidePainAndAdherence) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  ASSERT_TRUE(Succeeded(
      Cli({"outcomes", "assign", "--measure", "odi", "--every-weeks", "4"})));
  // 17 of 50 = 34%, then 11 of 50 = 22%: 12 points better, important.
  const v1::OutcomeResponse intake = CliJson<v1::OutcomeResponse>(
      {"outcomes", "submit", "--measure", "odi", "--answers",
       "2,2,2,2,2,2,2,1,1,1"},
      As::kPatient);
  const v1::OutcomeResponse follow_up = CliJson<v1::OutcomeResponse>(
      {"outcomes", "submit", "--measure", "odi", "--answers",
       "1,1,1,1,1,1,1,1,2,1"},
      As::kPatient);
  ASSERT_DOUBLE_EQ(follow_up.score(), 22);

  const ProcessResult adherence = Cli({"report", "adherence"});
  ASSERT_TRUE(Succeeded(adherence));
  EXPECT_THAT(adherence.out,
              HasSubstr(absl::StrCat(
                  "function:                 ODI 22% (moderate) on ",
                  follow_up.local_date(), ", 12 points better than intake 34% on ",
                  intake.local_date(), " (important change)\n")));
  const ProcessResult pain = Cli({"report", "pain"});
  ASSERT_TRUE(Succeeded(pain));
  EXPECT_THAT(pain.out, HasSubstr("ODI 22% (moderate) on "));

  absl::CivilDay intake_day;
  ASSERT_TRUE(absl::ParseCivilTime(intake.local_date(), &intake_day));
  const std::string day_before = absl::FormatCivilTime(intake_day - 1);
  const ProcessResult before = Cli({"report", "adherence", "--to", day_before});
  ASSERT_TRUE(Succeeded(before));
  EXPECT_THAT(before.out,
              HasSubstr("no outcome measure answered by " + day_before));
  EXPECT_THAT(before.out, Not(HasSubstr("ODI")));

  const ProcessResult dashboard = Cli({"dashboard"});
  ASSERT_TRUE(Succeeded(dashboard));
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(dashboard.out, "\n"), '\n');
  ASSERT_EQ(lines.size(), 2u) << dashboard.out;
  EXPECT_THAT(lines[0], HasSubstr("VS BASELINE  FUNCTION "));
  EXPECT_THAT(lines[1], StartsWith("p1 "));
  EXPECT_THAT(lines[1], HasSubstr("ODI 22% -12 better"));
}

// A FHIR Patient as an EHR sends it: the MRN and a name.
std::string EhrPatient(const std::string& mrn, const std::string& name) {
  return absl::StrCat(
      R"({"resourceType":"Patient","identifier":[{"system":")", kMrnSystem,
      R"(","value":")", mrn, R"("}],"name":[{"text":")", name, R"("}]})");
}

TEST_F(CliE2eTest, ImportPatientsReportsEachRecordAndIsIdempotent) {
  CreateClinicTherapistAndPatient();
  const std::string token = absl::StrCat(token_folder_, "/ehr.token");
  CreateTokenFile({"--role", "integration"}, token);
  const std::vector<std::string> as_ehr = {"GLUTECARE_TOKEN_FILE=" + token};
  const std::string file = absl::StrCat(token_folder_, "/patients.ndjson");
  std::ofstream(file) << EhrPatient("MRN-0100", "Ana Silva") << "\n\n"
                      << "{\"resourceType\": \"Patient\",\n"
                      << EhrPatient("MRN-0001", "Pat Renamed") << "\n";

  const ProcessResult first =
      Cli({"import", "patients", file, "--therapist", "t1", "--time-zone",
           "America/New_York"},
          As::kNobody, as_ehr);
  EXPECT_EQ(first.exit_code, 1) << first.err;
  const std::vector<std::string> reported =
      absl::StrSplit(absl::StripSuffix(first.out, "\n"), '\n');
  EXPECT_THAT(reported,
              ElementsAre(absl::StrCat("line 1: created ", clinic_name(),
                                       "/patients/mrn-mrn-0100"),
                          StartsWith("line 3: rejected: record: not valid "
                                     "JSON (at byte "),
                          absl::StrCat("line 4: updated ", patient_name())));
  EXPECT_EQ(first.err,
            "glutecare: INVALID_ARGUMENT: 1 of 3 records were rejected; the "
            "others are imported\n");
  const auto ana = CliJson<v1::Patient>(
      {"patient", "show", "mrn-mrn-0100"});
  EXPECT_EQ(ana.display_name(), "Ana Silva");
  EXPECT_EQ(ana.time_zone(), "America/New_York");
  EXPECT_EQ(ana.therapist(), clinic_name() + "/therapists/t1");
  EXPECT_EQ(ana.pain_areas_size(), 0);  // intake pending
  const auto pat = CliJson<v1::Patient>({"patient", "show", "p1"});
  EXPECT_EQ(pat.display_name(), "Pat Renamed");
  EXPECT_EQ(pat.pain_areas_size(), 2);  // kept: the EHR does not send them

  // The same records again change nothing; a Bundle is read too.
  std::ofstream(file, std::ios::trunc)
      << "{\n  \"resourceType\": \"Bundle\", \"type\": \"collection\",\n"
      << "  \"entry\": [{\"resource\": " << EhrPatient("MRN-0100", "Ana Silva")
      << "},\n  {\"resource\": " << EhrPatient("MRN-0001", "Pat Renamed")
      << "}]\n}\n";
  const ProcessResult again = Cli({"--json", "import", "patients", file},
                                  As::kNobody, as_ehr);
  ASSERT_TRUE(Succeeded(again));
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(again.out, "\n"), '\n');
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(FromJson<v1::ImportResult>(lines[1]).outcome(),
            v1::ImportResult::OUTCOME_UNCHANGED);
  EXPECT_EQ(FromJson<v1::ImportResult>(lines[1]).index(), 1);
  EXPECT_EQ(CountPatients(), 2);

  // A record too large for one call (an EHR's photo) is rejected alone.
  std::string photo = EhrPatient("MRN-0200", "Bo Large");
  photo.insert(photo.rfind('}'),
               absl::StrCat(R"(, "photo": [{"data": ")",
                            std::string(1100 * 1000, 'A'), R"("}])"));
  const std::string large_file = absl::StrCat(token_folder_, "/large.ndjson");
  std::ofstream(large_file)
      << photo << "\n" << EhrPatient("MRN-0300", "Cy Small") << "\n";
  const ProcessResult large =
      Cli({"import", "patients", large_file, "--therapist", "t1",
           "--time-zone", "Europe/Berlin"},
          As::kNobody, as_ehr);
  EXPECT_EQ(large.exit_code, 1) << large.err;
  EXPECT_THAT(large.out, HasSubstr("line 1: rejected: record: 1100 kB, more "
                                   "than one call carries (1000 kB)"));
  EXPECT_THAT(large.out, HasSubstr(absl::StrCat(
                             "line 2: created ", clinic_name(),
                             "/patients/mrn-mrn-0300")));

  // A therapist may not import; a missing file is a usage error.
  EXPECT_TRUE(IsRpcError(Cli({"import", "patients", file}), "PERMISSION_DENIED",
                         "ImportPatients"));
  EXPECT_TRUE(IsUsageError(
      Cli({"import", "patients", file + ".missing"}, As::kNobody, as_ehr),
      "cannot read"));
}

TEST_F(CliE2eTest, ExportCsvWritesSessionsAndPainReportsAsRfc4180) {
  CreateClinicTherapistAndPatient();
  AssignCoreProgram("phase-1");
  ASSERT_TRUE(Succeeded(SubmitSession(
      {{"--notes", "bridge hurt, \"a bit\"\nsquats fine"}})));
  ASSERT_TRUE(Succeeded(Cli({"pain", "report", "--area", "hip", "--score",
                             "5", "--note", "stairs"},
                            As::kPatient)));

  // The patient's sessions (GLUTECARE_PATIENT=p1), as the therapist.
  const ProcessResult sessions = Cli({"export", "csv", "--table", "sessions"});
  ASSERT_TRUE(Succeeded(sessions));
  absl::StatusOr<CsvRows> rows = ReadCsv(sessions.out);
  ASSERT_TRUE(rows.ok()) << rows.status() << "\n" << sessions.out;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0], ElementsAre("patient", "patient_name", "mrn",
                                      "session", "perform_time", "local_date",
                                      "program", "program_revision",
                                      "exercises", "pain_before", "pain_after",
                                      "pain_area", "difficulty", "notes"));
  const std::vector<std::string>& row = (*rows)[1];
  EXPECT_EQ(row[0], "p1");
  EXPECT_EQ(row[2], "MRN-0001");
  EXPECT_THAT(row[4], MatchesRegex("20[0-9-]{8}T[0-9:]{8}Z"));
  EXPECT_EQ(row[6], "phase-1");
  EXPECT_EQ(row[7], "1");
  EXPECT_EQ(row[8],
            "glute-bridge:3x12; clamshell:3x15@band-light; "
            "bodyweight-squat:3x10");
  EXPECT_EQ(row[11], "lower-back");
  EXPECT_EQ(row[12], "about-right");
  EXPECT_EQ(row[13], "bridge hurt, \"a bit\"\nsquats fine");

  // The clinic's pain reports, whatever GLUTECARE_PATIENT says: a bulk
  // export, so a clinic system's; the therapist exports one patient.
  const ProcessResult pain =
      Cli({"export", "csv", "--table", "pain-reports", "--all-patients"},
          As::kNobody, {AsIntegration()});
  ASSERT_TRUE(Succeeded(pain));
  EXPECT_TRUE(IsRpcError(
      Cli({"export", "csv", "--table", "pain-reports", "--all-patients"}),
      "PERMISSION_DENIED", "one patient at a time"));
  rows = ReadCsv(pain.out);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1][5], "hip");
  EXPECT_EQ((*rows)[1][6], "5");

  EXPECT_TRUE(IsUsageError(Cli({"export", "csv", "--table", "alerts"}),
                           "--table"));
  EXPECT_TRUE(IsRpcError(Cli({"export", "csv", "--table", "sessions"},
                             As::kAdmin),
                         "PERMISSION_DENIED", "ExportCsv"));
}

// ---- FHIR export (issue 7) ------------------------------------------------

// The offline FHIR R4 validator (scripts/fhir-validate.js, on the npm
// package `fhir` 4.12.0) run on `files`, with its reference check.
ProcessResult ValidateFhir(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {
      GLUTECARE_NODE_BINARY, FromTestBinary(GLUTECARE_FHIR_VALIDATE_SCRIPT),
      "--references"};
  argv.insert(argv.end(), files.begin(), files.end());
  absl::StatusOr<ProcessResult> result =
      RunProcess(argv, {}, absl::Seconds(60));
  EXPECT_TRUE(result.ok()) << result.status();
  return result.value_or(ProcessResult());
}

const std::vector<std::string>& FhirTypes() {
  static const auto* const types = new std::vector<std::string>{
      "Patient",     "Practitioner", "CarePlan", "Procedure",
      "Observation", "QuestionnaireResponse"};
  return *types;
}

TEST_F(CliE2eTest, ExportFhirPassesTheR4ValidatorForEveryResourceType) {
  CreateClinicTherapistAndPatient();
  FollowTheProgramForAPastWeek();
  ASSERT_TRUE(Succeeded(Cli({"pain", "report", "--area", "hip", "--score", "3",
                             "--note", "After a long walk"},
                            As::kPatient)));
  // An ODI intake and a follow-up (its change refers to the intake).
  ASSERT_TRUE(Succeeded(Cli({"outcomes", "assign", "--measure", "odi"})));
  for (const char* answers : {"3,3,3,3,-,3,3,3,3,3", "2,2,2,2,2,2,2,2,2,2"}) {
    ASSERT_TRUE(Succeeded(Cli({"outcomes", "submit", "--measure", "odi",
                               "--answers", answers},
                              As::kPatient)));
  }
  const std::string out = absl::StrCat(token_folder_, "/fhir");

  const ProcessResult clinic =
      Cli({"export", "fhir", "--out", out}, As::kNobody, {AsIntegration()});
  ASSERT_EQ(clinic.exit_code, 0) << clinic.err;
  EXPECT_EQ(clinic.out, "");
  EXPECT_THAT(clinic.err,
              StartsWith("glutecare: exported Patient 1, Practitioner 1, "
                         "CarePlan 1, Procedure 3, Observation 7, "
                         "QuestionnaireResponse 2 to "));
  std::vector<std::string> files;
  for (const std::string& type : FhirTypes()) {
    files.push_back(absl::StrCat(out, "/", type, ".ndjson"));
    EXPECT_FALSE(std::filesystem::exists(files.back() + ".partial"));
  }

  // The therapist's Bundle of the patient (GLUTECARE_PATIENT=p1).
  const ProcessResult bundle = Cli({"export", "fhir"});
  ASSERT_TRUE(Succeeded(bundle));
  const std::string bundle_file = absl::StrCat(token_folder_, "/bundle.json");
  std::ofstream(bundle_file) << bundle.out;

  const ProcessResult valid = ValidateFhir(files);
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(valid.out,
            "fhir-validate: Patient 1, Practitioner 1, CarePlan 1, "
            "Procedure 3, Observation 7, QuestionnaireResponse 2; "
            "0 problem(s)\n");
  const ProcessResult valid_bundle = ValidateFhir({bundle_file});
  EXPECT_EQ(valid_bundle.exit_code, 0) << valid_bundle.err;
  EXPECT_EQ(valid_bundle.out,
            "fhir-validate: Bundle 1, Patient 1, Practitioner 1, CarePlan 1, "
            "Procedure 3, Observation 7, QuestionnaireResponse 2; "
            "0 problem(s)\n");
}

TEST_F(CliE2eTest, TheFhirValidatorReportsBrokenResources) {
  // Its own cases: an unexpected element, a code outside a required value
  // set, a wrong type, a bad id, a missing element, a dangling reference.
  absl::StatusOr<ProcessResult> self_test = RunProcess(
      {GLUTECARE_NODE_BINARY, FromTestBinary(GLUTECARE_FHIR_VALIDATE_SCRIPT),
       "--self-test"},
      {}, absl::Seconds(60));
  ASSERT_TRUE(self_test.ok()) << self_test.status();
  EXPECT_EQ(self_test->exit_code, 0) << self_test->out << self_test->err;

  // And an exported Patient, broken.
  CreateClinicTherapistAndPatient();
  const std::string out = absl::StrCat(token_folder_, "/fhir");
  ASSERT_EQ(Cli({"export", "fhir", "--out", out, "--type", "Patient", "--type",
                 "Practitioner"},
                As::kNobody, {AsIntegration()})
                .exit_code,
            0);
  const std::string patient = ReadTextFile(out + "/Patient.ndjson");
  ASSERT_THAT(patient, HasSubstr(R"("active":true)"));
  const std::string broken = absl::StrCat(token_folder_, "/Patient.ndjson");
  std::ofstream(broken) << absl::StrReplaceAll(
      patient, {{R"("active":true)", R"("active":"yes","gender":"robot")"}});
  const ProcessResult result =
      ValidateFhir({broken, out + "/Practitioner.ndjson"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("Patient.active"));
  EXPECT_THAT(result.err, HasSubstr("Patient.gender"));
  EXPECT_THAT(result.out, HasSubstr("2 problem(s)"));
}

TEST_F(CliE2eTest, ExportFhirSinceSendsOnlyWhatChangedAndRefusesBadUse) {
  CreateClinicTherapistAndPatient();
  AssignCoreProgram("phase-1");
  const std::string since = absl::FormatTime(
      absl::RFC3339_full, absl::Now(), absl::UTCTimeZone());
  ASSERT_TRUE(Succeeded(SubmitSession()));
  const std::string out = absl::StrCat(token_folder_, "/fhir");

  const ProcessResult changed =
      Cli({"export", "fhir", "--out", out, "--since", since}, As::kNobody,
          {AsIntegration()});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  // The session, its two pain scores, and the CarePlan it was done under.
  EXPECT_THAT(changed.err,
              StartsWith("glutecare: exported Patient 0, Practitioner 0, "
                         "CarePlan 1, Procedure 1, Observation 2, "
                         "QuestionnaireResponse 0 to "));
  EXPECT_THAT(changed.err,
              HasSubstr("glutecare: for the next incremental export: --since "));
  EXPECT_EQ(ReadTextFile(out + "/Patient.ndjson"), "");

  // Bad use: usage errors; a therapist may export a patient, not the clinic.
  EXPECT_TRUE(IsUsageError(Cli({"export", "fhir", "--since", since}),
                           "add --out DIR"));
  EXPECT_TRUE(IsUsageError(
      Cli({"export", "fhir", "--out", out, "--type", "Encounter"}),
      "bad --type \"Encounter\""));
  EXPECT_TRUE(IsUsageError(
      Cli({"export", "fhir"}, As::kAdmin, {"GLUTECARE_PATIENT="}),
      "export fhir needs --patient NAME"));
  EXPECT_TRUE(IsRpcError(Cli({"export", "fhir", "--out", out}),
                         "PERMISSION_DENIED", "ExportClinicResources"));
  EXPECT_TRUE(IsRpcError(Cli({"export", "fhir"}, As::kPatient),
                         "PERMISSION_DENIED", "ExportPatientBundle"));
  // A failed export left the last complete one in place.
  EXPECT_THAT(ReadTextFile(out + "/Procedure.ndjson"), HasSubstr("Procedure"));
}

TEST_F(CliE2eTest, RtmLogTimeAndReportShowTheSupportableCodesAndWhy) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  for (const char* day : {"2025-03-03", "2025-03-05", "2025-03-07"}) {
    ASSERT_TRUE(Succeeded(Cli({"pain", "report", "--area", "hip", "--score",
                               "3", "--date", day},
                              As::kPatient)));
  }
  ASSERT_TRUE(Succeeded(Cli({"rtm", "log-time", "--minutes", "15",
                             "--interactive", "--date", "2025-03-05",
                             "--note", "Video visit"})));
  ASSERT_TRUE(Succeeded(
      Cli({"rtm", "log-time", "--minutes", "5", "--date", "2025-03-12"})));
  EXPECT_TRUE(IsUsageError(Cli({"rtm", "log-time"}), "--minutes"));
  EXPECT_TRUE(IsRpcError(Cli({"rtm", "log-time", "--minutes", "500"}),
                         "INVALID_ARGUMENT", "management_time_entry.minutes"));

  // March 2025: the first check-in, on the 3rd, starts the episode; 3 data
  // days; 20 minutes with a video visit support 98980 (before 2026: no
  // 98985 or 98979).
  const v1::RtmReport report =
      CliJson<v1::RtmReport>({"rtm", "report", "--month", "2025-03"});
  EXPECT_EQ(report.episode_start_date(), "2025-03-03");
  EXPECT_EQ(report.data_days(), 3);
  EXPECT_EQ(report.minutes(), 20);
  std::vector<std::string> supportable;
  for (const v1::RtmCodeFinding& code : report.codes()) {
    if (code.supportable()) supportable.push_back(code.code());
  }
  EXPECT_THAT(supportable, ElementsAre("98975", "98980"));

  const ProcessResult text = Cli({"rtm", "report", "--month", "2025-03"});
  ASSERT_TRUE(Succeeded(text));
  EXPECT_THAT(text.out, HasSubstr("CODE   SUPPORTABLE  UNITS  WHY"));
  EXPECT_THAT(text.out, HasSubstr("98977  no"));
  EXPECT_THAT(text.out, HasSubstr("3 data days in 2025-03-03 to 2025-04-01"));
  EXPECT_THAT(text.out, HasSubstr("98980  yes"));

  const ProcessResult clinic =
      Cli({"rtm", "report", "--all-patients", "--month", "2025-03"});
  ASSERT_TRUE(Succeeded(clinic));
  EXPECT_THAT(clinic.out, HasSubstr("PATIENT  NEAR"));
  EXPECT_THAT(clinic.out, HasSubstr("98975, 98980"));
  EXPECT_TRUE(IsRpcError(Cli({"rtm", "report"}, As::kPatient),
                         "PERMISSION_DENIED", ""));
  EXPECT_TRUE(IsUsageError(Cli({"rtm", "report", "--month", "March"}),
                           "--month"));
}

// Issue 7's round trip through the CLI: the Patients `export fhir` writes
// for one clinic, `import patients` brings into another (same MRN system,
// same therapist ids) as the same patients.
TEST_F(CliE2eTest, PatientsExportedAsFhirImportIntoAnotherClinicAsTheSame) {
  CreateClinicTherapistAndPatient();
  CreateSecondPatientWithToken();
  const std::string out = absl::StrCat(token_folder_, "/fhir");
  const ProcessResult exported =
      Cli({"export", "fhir", "--out", out, "--type", "Patient"}, As::kNobody,
          {AsIntegration()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;

  // Clinic b: its admin, and therapist t1 as in this test's clinic.
  const std::string other = absl::StrCat(clinic_id_.substr(0, 60), "-b");
  const std::string other_admin = absl::StrCat(token_folder_, "/b.token");
  absl::StatusOr<ProcessResult> bootstrap = RunProcess(
      {FromTestBinary(GLUTECARE_SERVER_BINARY), "bootstrap", "--db", DbPath(),
       "--clinic", other, "--clinic-name", "Other Clinic",
       "--identifier-system", kMrnSystem, "--token-file", other_admin},
      {}, kCliTimeout);
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  ASSERT_EQ(bootstrap->exit_code, 0) << bootstrap->err;
  const std::vector<std::string> as_other = {
      "GLUTECARE_CLINIC=" + other, "GLUTECARE_TOKEN_FILE=" + other_admin};
  ASSERT_TRUE(Succeeded(Cli({"therapist", "create", "--id", "t1", "--name",
                             "Dr. Dana Physio"},
                            As::kNobody, as_other)));

  const ProcessResult imported =
      Cli({"import", "patients", absl::StrCat(out, "/Patient.ndjson")},
          As::kNobody, as_other);
  ASSERT_TRUE(Succeeded(imported));
  EXPECT_EQ(imported.out,
            absl::StrCat("line 1: created clinics/", other,
                         "/patients/p1\nline 2: created clinics/", other,
                         "/patients/p2\n"));

  // The same patients: what each clinic lists, but its own clinic name,
  // times and etags.
  auto patients = [&](const std::vector<std::string>& as) {
    const ProcessResult listed =
        Cli({"--json", "patient", "list", "--all"}, As::kNobody, as);
    EXPECT_TRUE(Succeeded(listed));
    std::vector<std::string> described;
    const v1::ListPatientsResponse response =
        FromJson<v1::ListPatientsResponse>(listed.out);
    for (v1::Patient patient : response.patients()) {
      patient.clear_create_time();
      patient.clear_update_time();
      patient.clear_etag();
      described.push_back(absl::StrReplaceAll(
          patient.DebugString(), {{clinic_name() + "/", "clinics/X/"},
                                  {"clinics/" + other + "/", "clinics/X/"}}));
    }
    return described;
  };
  const std::vector<std::string> original = patients(
      {"GLUTECARE_TOKEN_FILE=" + TokenFile(As::kAdmin)});
  ASSERT_EQ(original.size(), 2u);
  EXPECT_EQ(patients(as_other), original);

  // Importing the export again changes nothing.
  const ProcessResult again =
      Cli({"import", "patients", absl::StrCat(out, "/Patient.ndjson")},
          As::kNobody, as_other);
  ASSERT_TRUE(Succeeded(again));
  EXPECT_THAT(again.out, HasSubstr("line 2: unchanged"));
}

}  // namespace
}  // namespace glutecare::testing
