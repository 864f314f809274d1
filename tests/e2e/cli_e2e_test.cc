// End-to-end tests of the `glutecare` CLI against a real `glutecare-server`:
// the therapist's and the patient's flows, bad input at each step, idempotent
// resubmission, program revisions, paging, help, an unreachable server, and
// what a therapist watches: reports, alerts (also live, through a background
// `alerts watch`), suggestions and the dashboard.
//
// The suite starts one server (on a free port, with a database in a fresh
// temporary folder) and runs the CLI binary as a child process for each step.
// Every test makes its own clinic, so the tests do not depend on each other.
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "glutecare/v1/alert_service.pb.h"
#include "glutecare/v1/clinic_service.pb.h"
#include "glutecare/v1/dashboard_service.pb.h"
#include "glutecare/v1/exercise_service.pb.h"
#include "glutecare/v1/patient_service.pb.h"
#include "glutecare/v1/program_service.pb.h"
#include "glutecare/v1/report.pb.h"
#include "glutecare/v1/session_service.pb.h"
#include "glutecare/v1/suggestion_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/subprocess.h"

namespace glutecare::testing {
namespace {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
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

class CliE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char folder_template[] = "/tmp/glutecare-e2e-XXXXXX";
    if (mkdtemp(folder_template) == nullptr) {
      *startup_error_ = "mkdtemp failed";
      return;
    }
    *data_folder_ = folder_template;
    absl::StatusOr<ChildProcess> server =
        ChildProcess::Start({GLUTECARE_SERVER_BINARY, "--listen", "127.0.0.1:0",
                             "--db", *data_folder_ + "/glutecare.db"});
    if (!server.ok()) {
      *startup_error_ = server.status().ToString();
      return;
    }
    server_ = new ChildProcess(*std::move(server));
    const absl::StatusOr<std::string> line =
        server_->ReadLine(kServerStartTimeout);
    if (!line.ok()) {
      *startup_error_ =
          absl::StrCat("server did not start: ", line.status().ToString());
      return;
    }
    absl::string_view address = *line;
    if (!absl::ConsumePrefix(&address, kListeningPrefix)) {
      *startup_error_ = absl::StrCat("unexpected first line: ", *line);
      return;
    }
    *server_address_ = std::string(address);
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
  }

  // Runs `glutecare args...` against the suite's server, with the identity
  // of this test (see CreateClinicTherapistAndPatient) in the environment;
  // `overrides` ("NAME=value") replace variables of the same name.
  ProcessResult Cli(const std::vector<std::string>& args,
                    const std::vector<std::string>& overrides = {}) const {
    absl::StatusOr<ProcessResult> result =
        RunProcess(CliArgv(args), CliEnvironment(overrides), kCliTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return ProcessResult();
    EXPECT_FALSE(result->timed_out)
        << "glutecare hung: " << absl::StrJoin(args, " ");
    return *std::move(result);
  }

  // Starts `glutecare args...` as Cli() runs it, but in the background and
  // with its stderr captured.
  absl::StatusOr<ChildProcess> StartCli(
      const std::vector<std::string>& args) const {
    return ChildProcess::Start(CliArgv(args), CliEnvironment({}),
                               /*capture_stderr=*/true);
  }

  // Runs `glutecare --json args...`, expects success and parses the output.
  template <typename Message>
  Message CliJson(const std::vector<std::string>& args) const {
    std::vector<std::string> json_args = {"--json"};
    json_args.insert(json_args.end(), args.begin(), args.end());
    const ProcessResult result = Cli(json_args);
    EXPECT_TRUE(Succeeded(result)) << absl::StrJoin(args, " ");
    return FromJson<Message>(result.out);
  }

  // Creates this test's clinic, a therapist "t1" and a patient "p1" (pain in
  // the lower back and the hip), and makes them the identity of later calls.
  void CreateClinicTherapistAndPatient() {
    ASSERT_TRUE(Succeeded(
        Cli({"clinic", "create", "--id", clinic_id_, "--name", "Glute Clinic",
             "--identifier-system", "urn:oid:1.2.3.4"})));
    identity_ = {"GLUTECARE_CLINIC=" + clinic_id_};
    ASSERT_TRUE(Succeeded(Cli(
        {"therapist", "create", "--id", "t1", "--name", "Dr. Dana Physio"})));
    identity_.push_back("GLUTECARE_THERAPIST=t1");
    ASSERT_TRUE(Succeeded(
        Cli({"patient", "create", "--id", "p1", "--name", "Pat Example",
             "--mrn", "MRN-0001", "--time-zone", "Europe/Berlin", "--pain-area",
             "lower-back", "--pain-area", "hip", "--baseline-pain", "6"})));
    identity_.push_back("GLUTECARE_PATIENT=p1");
  }

  // Assigns the program `id` with the three core exercises, 3 times a week,
  // from `start_date` (default: the patient's today).
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

  // Submits a session of the core exercises with `flags` (flag -> value),
  // by default: pain 4 before and 3 after, difficulty "right".
  ProcessResult SubmitSession(std::map<std::string, std::string> flags = {}) {
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
    return Cli(args);
  }

  int CountSessions() const {
    return CliJson<v1::ListSessionsResponse>({"session", "list", "--all"})
        .sessions_size();
  }
  int CountPrograms() const {
    return CliJson<v1::ListProgramsResponse>({"program", "list", "--all"})
        .programs_size();
  }
  int CountPatients() const {
    return CliJson<v1::ListPatientsResponse>({"patient", "list", "--all"})
        .patients_size();
  }
  int CountPainReports() const {
    return CliJson<v1::ListPainReportsResponse>({"pain", "list", "--all"})
        .pain_reports_size();
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

  std::string clinic_name() const { return "clinics/" + clinic_id_; }
  std::string patient_name() const { return clinic_name() + "/patients/p1"; }

  std::string clinic_id_;
  std::vector<std::string> identity_;  // GLUTECARE_CLINIC=... and so on

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

  static std::vector<std::string> CliArgv(
      const std::vector<std::string>& args) {
    std::vector<std::string> argv = {GLUTECARE_CLI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // The suite's server and this test's identity, then `overrides`, as
  // "NAME=value" with one value per name.
  std::vector<std::string> CliEnvironment(
      const std::vector<std::string>& overrides) const {
    std::map<std::string, std::string> variables;
    std::vector<std::string> settings = identity_;
    settings.push_back("GLUTECARE_SERVER=" + *server_address_);
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
  };
  for (const std::vector<std::string>& command : commands) {
    SCOPED_TRACE(absl::StrJoin(command, " "));
    const ProcessResult result = Cli(command);
    EXPECT_TRUE(Succeeded(result));
    EXPECT_THAT(result.out, HasSubstr("Usage: glutecare"));
  }
}

TEST_F(CliE2eTest, UnreachableServerFailsWithOneUnavailableLine) {
  const ProcessResult result =
      Cli({"--server", absl::StrCat("127.0.0.1:", ClosedPort()), "--retries",
           "1", "--timeout", "1", "clinic", "list"});
  EXPECT_TRUE(IsRpcError(result, "UNAVAILABLE", ""));
}

TEST_F(CliE2eTest, MissingIdentityIsAUsageErrorNamingTheFlag) {
  EXPECT_TRUE(IsUsageError(Cli({"patient", "list"}),
                           "--clinic or set GLUTECARE_CLINIC"));
  EXPECT_TRUE(IsUsageError(Cli({"session", "list"}, {"GLUTECARE_CLINIC=c1"}),
                           "--patient or set GLUTECARE_PATIENT"));
  EXPECT_TRUE(IsUsageError(Cli({"clinic"}), "subcommand"));
  EXPECT_TRUE(IsUsageError(Cli({"clinic", "create", "--name", "x"}), "--id"));
}

TEST_F(CliE2eTest, TherapistAndPatientFlowRoundTrips) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());

  const v1::Clinic clinic = CliJson<v1::Clinic>({"clinic", "show"});
  EXPECT_EQ(clinic.name(), clinic_name());
  EXPECT_EQ(clinic.display_name(), "Glute Clinic");
  EXPECT_EQ(clinic.identifier_system(), "urn:oid:1.2.3.4");

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

  const v1::ListExercisesResponse catalog =
      CliJson<v1::ListExercisesResponse>({"exercise", "list", "--all"});
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

  // The table view of the active programs shows each prescription.
  const ProcessResult shown = Cli({"program", "show"});
  ASSERT_TRUE(Succeeded(shown));
  EXPECT_THAT(shown.out, HasSubstr("Glute strength, phase 1"));
  EXPECT_THAT(shown.out, HasSubstr("clamshell"));
  EXPECT_THAT(shown.out, HasSubstr("3 x 15"));
  EXPECT_THAT(shown.out, HasSubstr("band-light"));
  EXPECT_THAT(shown.out, HasSubstr(program.etag()));

  // Global options are accepted after the command as well.
  const ProcessResult options_after =
      Cli({"program", "show", "--json", "--patient", patient_name()},
          {"GLUTECARE_PATIENT=nobody"});
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
  EXPECT_EQ(session.pain_area(), v1::PAIN_AREA_LOWER_BACK)
      << "the patient's first area";
  EXPECT_EQ(session.difficulty(), v1::DIFFICULTY_ABOUT_RIGHT);
  EXPECT_EQ(session.notes(), "felt good");
  EXPECT_FALSE(session.local_date().empty());
  ASSERT_EQ(session.exercises_size(), 3);
  EXPECT_EQ(session.exercises(1).load().type(), v1::LOAD_TYPE_BAND_LIGHT);

  const v1::PainReport report =
      CliJson<v1::PainReport>({"pain", "report", "--area", "hip", "--score",
                               "5", "--note", "after a walk"});
  EXPECT_THAT(report.name(), StartsWith(patient_name() + "/painReports/"));
  EXPECT_EQ(report.area(), v1::PAIN_AREA_HIP);
  EXPECT_EQ(report.score(), 5);
  EXPECT_FALSE(report.local_date().empty()) << "the patient's today";

  const v1::ListSessionsResponse sessions =
      CliJson<v1::ListSessionsResponse>({"session", "list"});
  ASSERT_EQ(sessions.sessions_size(), 1);
  EXPECT_EQ(sessions.sessions(0).name(), session.name());
  EXPECT_EQ(sessions.sessions(0).pain_before(), 4);
  const v1::ListPainReportsResponse reports =
      CliJson<v1::ListPainReportsResponse>({"pain", "list"});
  ASSERT_EQ(reports.pain_reports_size(), 1);
  EXPECT_EQ(reports.pain_reports(0).name(), report.name());
  EXPECT_EQ(reports.pain_reports(0).note(), "after a walk");

  // A session shows by id as well as by full name.
  const std::string session_id(
      session.name().substr(session.name().rfind('/') + 1));
  EXPECT_EQ(CliJson<v1::Session>({"session", "show", session_id}).name(),
            session.name());
  EXPECT_EQ(CliJson<v1::Session>({"session", "show", session.name()}).name(),
            session.name());

  // The tables name what was stored.
  const ProcessResult session_table = Cli({"session", "list"});
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
  EXPECT_TRUE(IsRpcError(
      Cli({"session", "submit", "--exercise", "glute-bridge:25x12",
           "--pain-before", "2", "--pain-after", "2", "--difficulty", "easy"}),
      "INVALID_ARGUMENT", "session.exercises[0].sets"));
  EXPECT_TRUE(IsUsageError(SubmitSession({{"--difficulty", "medium"}}),
                           "bad --difficulty \"medium\""));
  EXPECT_TRUE(IsUsageError(SubmitSession({{"--at", "yesterday"}}), "bad --at"));
  EXPECT_EQ(CountSessions(), 0);

  EXPECT_TRUE(
      IsRpcError(Cli({"pain", "report", "--area", "hip", "--score", "11"}),
                 "INVALID_ARGUMENT", "pain_report.score"));
  EXPECT_TRUE(IsUsageError(Cli({"pain", "report", "--area", "hip", "--score",
                                "3", "--date", "01.05.2024"}),
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
  EXPECT_EQ(CliJson<v1::PainReport>(same_report).name(),
            CliJson<v1::PainReport>(same_report).name());
  EXPECT_EQ(CountPainReports(), 1);
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
           "--difficulty", "hard", "--area", "hip"});
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

TEST_F(CliE2eTest, SessionSubmitNeedsProgramUnlessExactlyOneIsActive) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  EXPECT_TRUE(
      IsUsageError(SubmitSession(), "no active program: pass --program"));
  AssignCoreProgram("phase-1");
  AssignCoreProgram("phase-1b");
  EXPECT_TRUE(IsUsageError(SubmitSession(), "2 active programs"));
  ASSERT_TRUE(
      Succeeded(Cli({"program", "update", "phase-1b", "--status", "paused"})));
  ASSERT_TRUE(Succeeded(SubmitSession()));
  EXPECT_EQ(CountSessions(), 1);
}

TEST_F(CliE2eTest, ListsPageWithTheNextPageToken) {
  ASSERT_NO_FATAL_FAILURE(CreateClinicTherapistAndPatient());
  for (const std::string score : {"2", "3", "4"}) {
    ASSERT_TRUE(
        Succeeded(Cli({"pain", "report", "--area", "knee", "--score", score})));
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
                             "--date", "2025-03-04"})));
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
  ASSERT_TRUE(
      Succeeded(Cli({"patient", "create", "--id", "p2", "--name", "Sam Sample",
                     "--mrn", "MRN-0002", "--time-zone", "Europe/Berlin",
                     "--pain-area", "hip", "--baseline-pain", "5"})));
  AssignCoreProgram("phase-1");
  ASSERT_TRUE(Succeeded(Cli({"--patient", "p2", "program", "assign", "--id",
                             "phase-1", "--title", "Hips", "--per-week", "3",
                             "--exercise", "clamshell:3x15@band-light"})));
  ASSERT_TRUE(
      Succeeded(Cli({"--patient", "p2", "session", "submit", "--exercise",
                     "clamshell:3x15@band-light", "--pain-before", "3",
                     "--pain-after", "2", "--difficulty", "right"})));
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

}  // namespace
}  // namespace glutecare::testing
