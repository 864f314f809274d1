// Crash recovery: a real glutecare-server, SIGKILLed at random moments while
// clients submit sessions, and restarted each time. Every session whose
// submission was acknowledged must be stored exactly once, retries with the
// same request_id must never duplicate, and the database must pass
// PRAGMA integrity_check.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/subprocess.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/app/access_tokens.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/build_paths.h"
#include "tests/testing/builders.h"
#include "tests/testing/integrity_check.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

using ::glutecare::testing::FromTestBinary;

constexpr int kPatients = 8;
constexpr int kKills = 6;
// The whole test stays far inside its 90 s budget.
constexpr absl::Duration kRoundLimit = absl::Seconds(8);

struct Patient {
  std::string name;
  std::string token;
};

// A clinic with kPatients patients, each with program g1 and a token, made
// in the database before any server runs.
std::vector<Patient> Seed(const std::string& db) {
  std::vector<Patient> patients;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore({.path = db});
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return patients;
  const absl::Time now = absl::Now();
  absl::StatusOr<BootstrapResult> clinic = BootstrapClinic(
      **store, {.clinic_id = "demo", .display_name = "Demo"}, now);
  EXPECT_TRUE(clinic.ok()) << clinic.status();
  const v1::Therapist therapist = testing::Therapist("demo", "t1");
  EXPECT_TRUE((*store)->CreateTherapist(therapist).ok());
  for (int i = 0; i < kPatients; ++i) {
    v1::Patient patient =
        testing::Patient("demo", absl::StrCat("p", i), absl::StrCat("MRN-", i));
    patient.set_time_zone("UTC");
    EXPECT_TRUE((*store)->CreatePatient(patient).ok());
    const std::string& name = patient.name();
    v1::Program program = testing::Program("2026-01-01");
    program.set_name(name + "/programs/g1");
    program.set_therapist(therapist.name());
    EXPECT_TRUE((*store)->CreateProgram(program).ok());
    v1::AccessToken token;
    token.set_role(v1::ROLE_PATIENT);
    token.set_subject(name);
    token.set_display_name("Phone");
    absl::StatusOr<MintedToken> minted =
        MintAccessToken(**store, {"demo"}, token, "test", now);
    EXPECT_TRUE(minted.ok()) << minted.status();
    if (minted.ok()) patients.push_back({name, minted->secret});
  }
  return patients;
}

class Server {
 public:
  // Starts glutecare-server on `db`, on `port` (0: a free one).
  absl::Status Start(const std::string& db, int port) {
    absl::StatusOr<ChildProcess> child = ChildProcess::Start(
        {FromTestBinary(GLUTECARE_SERVER_BINARY), "--listen",
         absl::StrCat("127.0.0.1:", port), "--db", db, "--alert-sweep-minutes",
         "0", "--threads", "2"});
    if (!child.ok()) return child.status();
    child_.emplace(*std::move(child));
    absl::StatusOr<std::string> line = child_->ReadLine(absl::Seconds(20));
    if (!line.ok()) return line.status();
    const size_t colon = line->rfind(':');
    if (!absl::StrContains(*line, "listening on") ||
        colon == std::string::npos ||
        !absl::SimpleAtoi(line->substr(colon + 1), &port_)) {
      return absl::InternalError(absl::StrCat("unexpected line: ", *line));
    }
    return absl::OkStatus();
  }

  // SIGKILL, and waits (bounded) for the process to be gone.
  absl::Status Kill() {
    if (!child_.has_value()) return absl::OkStatus();
    kill(child_->pid(), SIGKILL);
    absl::StatusOr<int> code = child_->AwaitExit(absl::Seconds(20));
    child_.reset();
    if (!code.ok()) return code.status();
    return *code == 128 + SIGKILL
               ? absl::OkStatus()
               : absl::InternalError(absl::StrCat("exit code ", *code));
  }

  absl::Status Stop() {
    if (!child_.has_value()) return absl::OkStatus();
    absl::StatusOr<int> code = child_->Stop(absl::Seconds(20));
    child_.reset();
    return code.ok() && *code == 0 ? absl::OkStatus()
                                   : absl::InternalError("unclean stop");
  }

  // SIGTERM, and the exit code if the process ends within `within`;
  // DEADLINE_EXCEEDED if it is still running then (it is stopped anyway).
  absl::StatusOr<int> Terminate(absl::Duration within) {
    if (!child_.has_value()) return absl::FailedPreconditionError("not running");
    kill(child_->pid(), SIGTERM);
    absl::StatusOr<int> code = child_->AwaitExit(within);
    child_.reset();
    return code;
  }

  int port() const { return port_; }

 private:
  std::optional<ChildProcess> child_;
  int port_ = 0;
};

// CreateSession of a session of `patient`'s program g1, as the patient,
// retried safely under `request_id`, within `deadline`. With
// `wait_for_ready`, the call waits for a server that is down (until the
// deadline) instead of failing at once.
grpc::Status SubmitSession(v1::SessionService::Stub& sessions,
                           const Patient& patient,
                           const std::string& request_id,
                           std::chrono::seconds deadline, bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  context.set_wait_for_ready(wait_for_ready);
  context.AddMetadata("authorization", absl::StrCat("Bearer ", patient.token));
  v1::Session session;
  return sessions.CreateSession(
      &context,
      testing::SessionRequest(
          patient.name, request_id,
          testing::Session(patient.name + "/programs/g1@1")),
      &session);
}

// The request_ids stored in `db`, with how often each is stored.
std::map<std::string, int> StoredRequestIds(const std::string& db) {
  std::map<std::string, int> stored;
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> conn(raw, sqlite3_close);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(
                conn.get(),
                "SELECT request_id, COUNT(*) FROM sessions GROUP BY request_id",
                -1, &stmt, nullptr),
            SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    stored[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] =
        sqlite3_column_int(stmt, 1);
  }
  sqlite3_finalize(stmt);
  return stored;
}

// A seeded database and a server on it, for the tests below.
class ServerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    db_ = dir_.File("glutecare.db");
    patients_ = Seed(db_);
    ASSERT_EQ(patients_.size(), static_cast<size_t>(kPatients));
    ASSERT_TRUE(server_.Start(db_, 0).ok());
  }

  testing::TempDir dir_;
  std::string db_;
  std::vector<Patient> patients_;
  Server server_;
};

using CrashTest = ServerProcessTest;
using ShutdownTest = ServerProcessTest;

TEST_F(CrashTest, AcknowledgedSessionsSurviveSigkillExactlyOnce) {
  const std::string& db = db_;
  const std::vector<Patient>& patients = patients_;
  Server& server = server_;
  const int port = server.port();  // every restart reuses it
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());

  // One client per patient. A submission that fails is retried with the
  // same request_id until it is acknowledged, across restarts.
  absl::Mutex mu;
  std::set<std::string> acknowledged;
  int acks = 0;
  int retries = 0;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (const Patient& patient : patients) {
    clients.emplace_back([&, patient] {
      auto sessions = v1::SessionService::NewStub(channel);
      for (int n = 0; !stop.load();) {
        const std::string request_id = absl::StrCat(
            patient.name.substr(patient.name.rfind('/') + 1), "-", n);
        const grpc::Status status = SubmitSession(
            *sessions, patient, request_id, std::chrono::seconds(2),
            /*wait_for_ready=*/true);  // ride out restarts
        absl::MutexLock lock(&mu);
        if (status.ok()) {
          acknowledged.insert(request_id);
          ++acks;
          ++n;
        } else {
          ++retries;  // same request_id next time
        }
      }
    });
  }

  absl::BitGen random;
  int kills = 0;
  for (int round = 0; round < kKills; ++round) {
    // Kill after a random number of further acknowledgements (bounded in
    // time: a round that stalls fails the test below).
    const int wait_for = absl::Uniform(random, 5, 60);
    {
      absl::MutexLock lock(&mu);
      std::pair<int*, int> until(&acks, acks + wait_for);
      const int target = until.second;
      mu.AwaitWithTimeout(absl::Condition(
                              +[](std::pair<int*, int>* arg) {
                                return *arg->first >= arg->second;
                              },
                              &until),
                          kRoundLimit);
      ASSERT_GE(acks, target) << "round " << round << " stalled";
    }
    ASSERT_TRUE(server.Kill().ok()) << "round " << round;
    ++kills;
    absl::Status restarted = server.Start(db, port);
    ASSERT_TRUE(restarted.ok()) << "round " << round << ": " << restarted;
  }
  stop = true;
  for (std::thread& client : clients) client.join();
  ASSERT_TRUE(server.Stop().ok());

  // Every acknowledged session is there exactly once; no request_id twice.
  const std::map<std::string, int> stored = StoredRequestIds(db);
  for (const auto& [request_id, count] : stored) {
    EXPECT_EQ(count, 1) << request_id << " stored " << count << " times";
  }
  for (const std::string& request_id : acknowledged) {
    EXPECT_TRUE(stored.contains(request_id)) << request_id << " was lost";
  }
  EXPECT_EQ(testing::IntegrityCheck(db), "ok");

  EXPECT_EQ(kills, kKills);
  // The figures, for the note.
  std::printf(
      "crash test: %d kills, %zu sessions acknowledged, %zu stored, "
      "%d failed attempts retried with the same request_id\n",
      kills, acknowledged.size(), stored.size(), retries);
}

TEST_F(ShutdownTest, SigtermWith64CallsInFlightAnswersEachOkOrUnavailable) {
  const std::string& db = db_;
  const std::vector<Patient>& patients = patients_;
  Server& server = server_;
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                     grpc::InsecureChannelCredentials());

  // 64 callers, 8 per patient (the per-token limit is 32), each submitting
  // until a call fails; every call's outcome is kept.
  constexpr int kCallers = 64;
  absl::Mutex mu;
  int acks = 0;
  std::set<std::string> acknowledged;
  std::map<grpc::StatusCode, int> endings;
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      const Patient& patient = patients[c % kPatients];
      auto sessions = v1::SessionService::NewStub(channel);
      for (int n = 0;; ++n) {
        const std::string request_id = absl::StrCat("c", c, "-", n);
        // A deadline far beyond the grace period: a call that hangs fails
        // the test.
        const grpc::Status status =
            SubmitSession(*sessions, patient, request_id,
                          std::chrono::seconds(30), /*wait_for_ready=*/false);
        absl::MutexLock lock(&mu);
        if (!status.ok()) {
          ++endings[status.error_code()];
          if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
            std::printf("caller %d: %d %s\n", c, status.error_code(),
                        status.error_message().c_str());
          }
          return;
        }
        acknowledged.insert(request_id);
        ++acks;
      }
    });
  }
  {
    absl::MutexLock lock(&mu);
    mu.AwaitWithTimeout(absl::Condition(
                            +[](int* n) { return *n >= 200; }, &acks),
                        kRoundLimit);
    ASSERT_GE(acks, 200);
  }
  // SIGTERM with the callers still calling: the default grace is 10 s.
  const absl::Time stop_start = absl::Now();
  ASSERT_TRUE(server.Stop().ok()) << "the server did not stop cleanly";
  EXPECT_LT(absl::Now() - stop_start, absl::Seconds(12));
  for (std::thread& caller : callers) caller.join();

  for (const auto& [code, count] : endings) {
    EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE)
        << count << " calls ended with code " << code;
  }
  const std::map<std::string, int> stored = StoredRequestIds(db);
  for (const std::string& request_id : acknowledged) {
    EXPECT_EQ(stored.count(request_id), 1u) << request_id << " was lost";
  }
  std::printf(
      "shutdown test: %zu sessions acknowledged, all %d callers "
      "ended with UNAVAILABLE\n",
      acknowledged.size(), kCallers);
}

TEST_F(ShutdownTest, SigtermWithIdleClientConnectionsExitsWithinTwoSeconds) {
  // Three connections (a channel each: no shared subchannel), each opened by
  // one call and then left open and idle.
  constexpr int kChannels = 3;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < kChannels; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_.port()),
        grpc::InsecureChannelCredentials(), arguments));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", patients_[i].token));
    v1::ListSessionsRequest request;
    request.set_parent(patients_[i].name);
    v1::ListSessionsResponse response;
    ASSERT_TRUE(v1::SessionService::NewStub(channels.back())
                    ->ListSessions(&context, request, &response)
                    .ok());
    ASSERT_EQ(channels.back()->GetState(/*try_to_connect=*/false),
              GRPC_CHANNEL_READY);
  }

  // Nothing is in flight: the drain (1 s) and the grace (10 s) are upper
  // bounds, so the server closes the idle connections and exits at once.
  const absl::Time sent = absl::Now();
  absl::StatusOr<int> code = server_.Terminate(absl::Seconds(2));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  std::printf("idle shutdown: %d idle connections, exited %.2f s after "
              "SIGTERM\n",
              kChannels, absl::ToDoubleSeconds(absl::Now() - sent));
}

}  // namespace
}  // namespace glutecare
