// What the server does when its resources fail: a full disk, a disk that
// refuses writes, a read-only database, a disk whose syncs fail (in this
// process, and in a server process killed after the failed sync), a call
// whose deadline passes while it waits for a thread, and a client too slow
// to read its alert stream. The disk faults come from a fault-injecting
// SQLite VFS under a real SqliteStore (root ignores file modes, and a test
// cannot fill a real disk).
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/subprocess.h"
#include "glutecare/v1/alert_service.grpc.pb.h"
#include "glutecare/v1/audit_service.grpc.pb.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/domain/resource_names.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/access.h"
#include "tests/testing/build_paths.h"
#include "tests/testing/fault_injecting_vfs.h"
#include "tests/testing/integrity_check.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

// Clinic demo (no MRN system) with therapist t1 and patient p1 on program
// g1, and their tokens, served from a store that reaches the disk through
// disk_.
class ResourceFaultTest : public testing::BareClinicTest {
 protected:
  ResourceFaultTest() {
    options_.worker_threads = 4;
    open_store_ = [this] {
      return OpenSqliteStore({.path = db_path(),
                              .read_connections = ReadConnections(options_),
                              .vfs = disk_.name()});
    };
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    db_ = db_path();
    ASSERT_TRUE(CreatePatient("p1").ok());
    grpc::ClientContext program_context;
    Prepare(program_context, therapist_token_);
    v1::Program program;
    ASSERT_TRUE(
        v1::ProgramService::NewStub(channel_)
            ->CreateProgram(&program_context,
                            testing::ProgramRequest("clinics/demo/patients/p1",
                                                    "g1", testing::Program()),
                            &program)
            .ok());
    patient_ = Token(v1::ROLE_PATIENT, "clinics/demo/patients/p1");
    ASSERT_FALSE(patient_.empty());
  }

  // Starts the server with `worker_threads` threads.
  void StartServer(int worker_threads) {
    options_.worker_threads = worker_threads;
    ServedClinicTest::StartServer();
  }

  static void Prepare(grpc::ClientContext& context, const std::string& token,
                      absl::Duration timeout = absl::Seconds(10)) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    testing::SetBearer(context, token);
  }

  // Creates patient `id` (MRN-{id}) of t1, as t1.
  grpc::Status CreatePatient(const std::string& id) {
    grpc::ClientContext context;
    Prepare(context, therapist_token_);
    v1::Patient patient;
    return v1::PatientService::NewStub(channel_)->CreatePatient(
        &context,
        testing::PatientRequest("demo", id,
                                testing::Patient("demo", id, "MRN-" + id)),
        &patient);
  }

  // A session of p1's done now under g1@1, retried under `request_id`.
  static v1::CreateSessionRequest SessionRequest(
      const std::string& request_id) {
    return testing::SessionRequest(
        "clinics/demo/patients/p1", request_id,
        testing::Session("clinics/demo/patients/p1/programs/g1@1"));
  }

  grpc::Status SubmitSession(const std::string& request_id,
                             absl::Duration timeout = absl::Seconds(10)) {
    grpc::ClientContext context;
    Prepare(context, patient_, timeout);
    v1::Session session;
    return v1::SessionService::NewStub(channel_)->CreateSession(
        &context, SessionRequest(request_id), &session);
  }

  // A session of p1 submitted with request id "held-commit", whose commit
  // the disk holds until disk_.Resume().
  struct HeldSession {
    std::unique_ptr<v1::SessionService::Stub> stub;
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    v1::Session session;
    absl::Notification done;
    grpc::Status status;
  };

  // Submits `held` and returns once its commit is held.
  void Hold(HeldSession& held) {
    disk_.PauseCommitOf("held-commit");
    Prepare(held.context, patient_);
    held.request = SessionRequest("held-commit");
    held.stub = v1::SessionService::NewStub(channel_);
    held.stub->async()->CreateSession(&held.context, &held.request,
                                      &held.session, [&held](grpc::Status s) {
                                        held.status = std::move(s);
                                        held.done.Notify();
                                      });
    ASSERT_TRUE(disk_.WaitUntilPaused(absl::Seconds(10)));
  }

  // The patients' ids, through the API.
  absl::StatusOr<std::vector<std::string>> PatientIds() {
    grpc::ClientContext context;
    Prepare(context, therapist_token_);
    v1::ListPatientsRequest request;
    request.set_parent("clinics/demo");
    v1::ListPatientsResponse response;
    grpc::Status status = v1::PatientService::NewStub(channel_)->ListPatients(
        &context, request, &response);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    std::vector<std::string> ids;
    for (const v1::Patient& p : response.patients()) {
      ids.push_back(p.name().substr(p.name().rfind('/') + 1));
    }
    return ids;
  }

  // p1's sessions, through the API.
  absl::StatusOr<int> SessionCount() {
    grpc::ClientContext context;
    Prepare(context, therapist_token_);
    v1::ListSessionsRequest request;
    request.set_parent("clinics/demo/patients/p1");
    request.set_page_size(100);
    v1::ListSessionsResponse response;
    grpc::Status status = v1::SessionService::NewStub(channel_)->ListSessions(
        &context, request, &response);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    return response.sessions_size();
  }

  grpc::Status ListAudit(v1::ListAuditEventsResponse* response) {
    grpc::ClientContext context;
    Prepare(context, admin_token_);
    v1::ListAuditEventsRequest request;
    request.set_parent("clinics/demo");
    request.set_page_size(1000);
    return v1::AuditService::NewStub(channel_)->ListAuditEvents(
        &context, request, response);
  }

  // One name per test: each test runs in its own process.
  testing::FaultInjectingVfs disk_{"glutecare-faulty-disk"};
  std::string db_;
  std::string patient_;
};

TEST_F(ResourceFaultTest, FullDiskRefusesWritesWithUnavailableAndServesReads) {
  disk_.FailWrites(SQLITE_FULL);

  grpc::Status status = CreatePatient("p2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the disk is full"));
  status = SubmitSession("full-1");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the disk is full"));

  // Reads go on.
  absl::StatusOr<std::vector<std::string>> ids = PatientIds();
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ::testing::ElementsAre("p1"));
  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 0);
  // The audit trail cannot take the events of these calls yet: reading it
  // says so at once instead of hanging or leaving them out silently.
  v1::ListAuditEventsResponse audit;
  status = ListAudit(&audit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("audit events"));

  // Space again: the refused writes left nothing behind, so the same writes
  // succeed, and the audit events kept meanwhile are stored.
  disk_.FailWrites(SQLITE_OK);
  EXPECT_TRUE(CreatePatient("p2").ok());
  EXPECT_TRUE(SubmitSession("full-1").ok());
  sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 1);
  ASSERT_TRUE(ListAudit(&audit).ok());
  int refused_creates = 0;
  for (const v1::AuditEvent& event : audit.audit_events()) {
    if (absl::EndsWith(event.method(), "/CreatePatient") &&
        event.outcome() == "UNAVAILABLE") {
      ++refused_creates;
    }
  }
  EXPECT_EQ(refused_creates, 1);
}

TEST_F(ResourceFaultTest, DiskRefusingWritesIsUnavailableAndServesReads) {
  // What a file system remounted read-only after an error does: every write
  // fails with an I/O error.
  disk_.FailWrites(SQLITE_IOERR_WRITE);
  grpc::Status status = SubmitSession("ioerr-1");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the disk failed"));
  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 0);

  disk_.FailWrites(SQLITE_OK);
  EXPECT_TRUE(SubmitSession("ioerr-1").ok());
  sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 1);
}

TEST_F(ResourceFaultTest, ReadOnlyDatabaseServesReadsAndRefusesWrites) {
  ASSERT_TRUE(SubmitSession("before").ok());
  StopServer();
  disk_.OpenDatabasesReadOnly(true);
  ASSERT_NO_FATAL_FAILURE(StartServer(/*worker_threads=*/2));

  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 1);
  grpc::Status status = SubmitSession("after");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the database is read-only"));
  status = CreatePatient("p2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  absl::StatusOr<std::vector<std::string>> ids = PatientIds();
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ::testing::ElementsAre("p1"));
}

TEST_F(ResourceFaultTest, FailedSyncIsAnUnknownOutcomeAndWritesWaitForAReopen) {
  // fsync fails: the session's commit is in the WAL file, so it may be on
  // disk although the sync failed.
  disk_.FailSyncs(SQLITE_IOERR_FSYNC);
  grpc::Status status = SubmitSession("sync-1");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the outcome is unknown"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("retry with the same request_id"));

  // The server trusts its connections no more: nothing is written until the
  // database has been closed and opened again, which fails while the file
  // cannot be opened, although the disk syncs again.
  disk_.FailOpens(SQLITE_CANTOPEN);
  disk_.FailSyncs(SQLITE_OK);
  status = SubmitSession("sync-2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("after a failed disk sync"));

  // Once it opens, the server reopens it and goes on. Retried with their
  // request_ids, the sessions are stored once each, whatever became of the
  // first one.
  disk_.FailOpens(SQLITE_OK);
  EXPECT_TRUE(SubmitSession("sync-2").ok());
  EXPECT_TRUE(SubmitSession("sync-1").ok());
  EXPECT_TRUE(SubmitSession("sync-1").ok());
  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 2);
}

TEST_F(ResourceFaultTest, KilledAfterAFailedSyncTheRefusedSessionIsStoredOnce) {
  // The server is a process of its own on this database, and every sync of
  // its disk fails from the commit of "killed-1" on.
  StopServer();
  absl::StatusOr<ChildProcess> child = ChildProcess::Start(
      {testing::FromTestBinary(GLUTECARE_FAULTY_DISK_SERVER), db_, "killed-1"});
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<std::string> line = child->ReadLine(absl::Seconds(20));
  ASSERT_TRUE(line.ok()) << line.status();
  absl::string_view port = *line;
  int port_number = 0;
  ASSERT_TRUE(absl::ConsumePrefix(&port, "listening on ") &&
              absl::SimpleAtoi(port, &port_number))
      << *line;
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_number),
                                 grpc::InsecureChannelCredentials());
  EXPECT_TRUE(SubmitSession("before").ok());
  grpc::Status status = SubmitSession("killed-1");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("the outcome is unknown"));

  // Killed right after the failed sync.
  ASSERT_EQ(kill(child->pid(), SIGKILL), 0);
  absl::StatusOr<int> code = child->AwaitExit(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 128 + SIGKILL);

  // Opened again, SQLite recovers the database from the WAL as it is on
  // disk, and the refused session's commit is there: the outcome was indeed
  // unknown. Its retry with the same request_id stores nothing twice.
  ASSERT_NO_FATAL_FAILURE(StartServer(/*worker_threads=*/2));
  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 2);
  EXPECT_TRUE(SubmitSession("killed-1").ok());
  sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 2);
  StopServer();
  EXPECT_EQ(testing::IntegrityCheck(db_), "ok");
}

TEST_F(ResourceFaultTest, CallPastItsDeadlineBeforeItsTurnIsNeverRun) {
  // One handler thread, held by a session whose commit is stuck on the disk.
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer(/*worker_threads=*/1));
  HeldSession held;
  ASSERT_NO_FATAL_FAILURE(Hold(held));

  // This one waits for the thread, and its deadline passes meanwhile.
  const absl::Time late_sent = absl::Now();
  EXPECT_EQ(SubmitSession("late", absl::Milliseconds(300)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server counts the deadline from when the request reached it, a
  // little after the client's; let its clock pass it too (with a second for
  // the transit on a loaded machine) before the thread is freed. This waits
  // for time itself, the condition under test, not for another thread.
  absl::SleepFor(late_sent + absl::Milliseconds(300) + absl::Seconds(1) -
                 absl::Now());

  disk_.Resume();
  ASSERT_TRUE(held.done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_TRUE(held.status.ok()) << held.status.error_message();
  // The handler thread runs calls in arrival order, so once this one is
  // answered the late call has had its turn, and was dropped: had it run, it
  // would have stored its session.
  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 1);
  EXPECT_TRUE(SubmitSession("late").ok()) << "its retry is a new session";
  sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 2);
}

TEST_F(ResourceFaultTest, ReadsAreAnsweredWhileEveryWriteThreadWaitsOnACommit) {
  // One write thread, held by a session whose commit is stuck on the disk.
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer(/*worker_threads=*/1));
  HeldSession held;
  ASSERT_NO_FATAL_FAILURE(Hold(held));

  // Reads do not wait for that thread: they see the data committed so far.
  absl::StatusOr<int> sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 0);
  grpc::ClientContext report_context;
  Prepare(report_context, therapist_token_);
  v1::GetAdherenceReportRequest report_request;
  report_request.set_patient("clinics/demo/patients/p1");
  v1::AdherenceReport report;
  const grpc::Status report_status =
      v1::ReportService::NewStub(channel_)->GetAdherenceReport(
          &report_context, report_request, &report);
  EXPECT_TRUE(report_status.ok()) << report_status.error_message();
  EXPECT_FALSE(held.done.HasBeenNotified());

  disk_.Resume();
  ASSERT_TRUE(held.done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_TRUE(held.status.ok()) << held.status.error_message();
  sessions = SessionCount();
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  EXPECT_EQ(*sessions, 1);
}

TEST_F(ResourceFaultTest, SlowAlertWatcherHoldsAtMostOneBatchAndLosesNothing) {
  // 2,000 alerts for the clinic (each resolved, so the next is new), written
  // by a second store on the same file: far more than HTTP/2 lets the server
  // send to a client that reads nothing.
  constexpr int kAlerts = 2000;
  {
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenSqliteStore({.path = db_, .read_connections = 1, .durable = false});
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<PatientName> patient =
        PatientName::Parse("clinics/demo/patients/p1", "patient");
    ASSERT_TRUE(patient.ok());
    for (int i = 0; i < kAlerts; ++i) {
      absl::StatusOr<std::vector<v1::Alert>> recorded = (*store)->RecordAlerts(
          *patient,
          {{.rule = v1::ALERT_RULE_FLARE,
            .trigger_key = absl::StrCat("flare-", i),
            .local_date = "2026-11-20",
            .summary = absl::StrCat("Flare number ", i,
                                    ": pain rose by 3 or more points")}},
          NowTimestamp());
      ASSERT_TRUE(recorded.ok()) << recorded.status();
      ASSERT_EQ(recorded->size(), 1u);
      absl::StatusOr<AlertName> name =
          AlertName::Parse(recorded->front().name(), "name");
      ASSERT_TRUE(name.ok());
      ASSERT_TRUE(
          (*store)
              ->SetAlertState(*name, v1::ALERT_STATE_RESOLVED, NowTimestamp())
              .ok());
    }
  }

  grpc::ClientContext context;
  Prepare(context, therapist_token_, absl::Seconds(60));
  v1::WatchAlertsRequest request;
  request.set_parent("clinics/demo");
  auto stub = v1::AlertService::NewStub(channel_);
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
      stub->WatchAlerts(&context, request);

  // The client reads nothing: the server streams until flow control stops
  // it, holding what it read from the store and could not send yet.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (server_->watch_stats().alerts_held == 0 && absl::Now() < give_up) {
    std::this_thread::yield();
  }
  WatchStats stalled = server_->watch_stats();
  EXPECT_EQ(stalled.streams, 1);
  EXPECT_GT(stalled.alerts_held, 0);
  EXPECT_LT(stalled.alerts_sent, kAlerts);

  // Now it reads: every alert, in order, none twice.
  int64_t last_sequence = 0;
  int received = 0;
  v1::Alert alert;
  while (received < kAlerts && reader->Read(&alert)) {
    ASSERT_GT(alert.sequence(), last_sequence);
    last_sequence = alert.sequence();
    ++received;
  }
  EXPECT_EQ(received, kAlerts);
  // The server counts a message as sent once gRPC reports its write done,
  // which can come after the client has read it: wait for the count.
  const absl::Time counted_by = absl::Now() + absl::Seconds(10);
  while (server_->watch_stats().alerts_sent < kAlerts &&
         absl::Now() < counted_by) {
    std::this_thread::yield();
  }
  const WatchStats done = server_->watch_stats();
  EXPECT_LE(done.max_alerts_held_by_a_stream, 64);
  EXPECT_GE(done.alerts_sent, kAlerts);
  context.TryCancel();
  (void)reader->Finish();
}

}  // namespace
}  // namespace glutecare
