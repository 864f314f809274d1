// SessionService on a real server: sessions and pain check-ins, their
// local dates, retries, validation, paging and concurrent submissions, and
// the program revision a session records.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "tests/service/server_test.h"
#include "tests/testing/access.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::google::protobuf::Timestamp;
using ::google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using testing::ErrorReason;
using ::testing::HasSubstr;
using testing::ViolatedFields;

TEST_F(ServerTest, SessionSubmissionDerivesTheLocalDate) {
  v1::CreateSessionRequest request = SessionRequest("r1");
  // 2026-11-20 03:30 UTC is still 2026-11-19 in New York.
  request.mutable_session()->mutable_perform_time()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(
          absl::CivilSecond(2026, 11, 20, 3, 30, 0), absl::UTCTimeZone())));
  v1::Session session;
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), request, &session);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(session.local_date(), "2026-11-19");
  EXPECT_THAT(session.name(), HasSubstr("clinics/demo/patients/p1/sessions/"));

  v1::GetSessionRequest get;
  get.set_name(session.name());
  v1::Session fetched;
  ASSERT_TRUE(sessions_->GetSession(Context().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), session.SerializeAsString());
}

TEST_F(ServerTest, ASessionWithoutAnAreaTakesThePatientsFirstPainArea) {
  v1::CreateSessionRequest request = SessionRequest("no-area");
  request.mutable_session()->clear_pain_area();
  v1::Session session;
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), request, &session);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(session.pain_area(), v1::PAIN_AREA_LOWER_BACK);
}

TEST_F(ServerTest, RetriedSubmissionReturnsTheOriginal) {
  v1::Session first, second;
  ASSERT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("same"), &first)
                  .ok());
  ASSERT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("same"), &second)
                  .ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountSessions(), 1);
}

TEST_F(ServerTest, BadSessionIsRejectedWithFieldViolationsAndNotStored) {
  v1::CreateSessionRequest request = SessionRequest("bad");
  request.mutable_session()->set_pain_before(11);
  request.mutable_session()->mutable_exercises(0)->set_exercise(
      "exercises/burpee");
  request.mutable_session()->clear_difficulty();
  v1::Session session;
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), request, &session);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("session.exercises[0].exercise",
                          "session.pain_before", "session.difficulty"));
  EXPECT_EQ(ErrorReason(status), "INVALID_FIELD");
  EXPECT_THAT(status.error_message(), HasSubstr("session.pain_before"));
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(ServerTest, PainReportDefaultsToThePatientsToday) {
  v1::CreatePainReportRequest request;
  request.set_parent("clinics/demo/patients/p1");
  request.set_request_id("pain-1");
  request.mutable_pain_report()->set_area(v1::PAIN_AREA_LOWER_BACK);
  request.mutable_pain_report()->set_score(5);
  v1::PainReport report;
  ASSERT_TRUE(
      sessions_->CreatePainReport(PatientContext().get(), request, &report)
          .ok());
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), new_york);
  // The call may straddle midnight in New York; either day is right then.
  EXPECT_THAT(report.local_date(),
              ::testing::AnyOf(absl::FormatCivilTime(today),
                               absl::FormatCivilTime(today - 1)));

  request.set_request_id("pain-2");
  request.mutable_pain_report()->set_score(12);
  grpc::Status status =
      sessions_->CreatePainReport(PatientContext().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("pain_report.score"));

  v1::ListPainReportsRequest list;
  list.set_parent("clinics/demo/patients/p1");
  v1::ListPainReportsResponse reports;
  ASSERT_TRUE(sessions_->ListPainReports(Context().get(), list, &reports).ok());
  EXPECT_EQ(reports.pain_reports_size(), 1);
}

TEST_F(ServerTest, ConcurrentSubmissionsAllLandOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::Session session;
        grpc::ClientContext context;
        testing::SetBearer(context, patient_token_);
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(20));
        if (!sessions_
                 ->CreateSession(&context,
                                 SessionRequest(absl::StrCat("t", t, "-", i)),
                                 &session)
                 .ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CountSessions(), kThreads * kPerThread);
}

TEST_F(ServerTest, BadPageTokensAndSizesAreFieldErrors) {
  v1::ListSessionsRequest request;
  request.set_parent("clinics/demo/patients/p1");
  request.set_page_token("garbage");
  v1::ListSessionsResponse response;
  grpc::Status status =
      sessions_->ListSessions(Context().get(), request, &response);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  request.clear_page_token();
  request.set_page_size(-5);
  status = sessions_->ListSessions(Context().get(), request, &response);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_size"));
}

// CreateSession with Session.program_revision empty or naming a program
// without its revision: the server records the revision in force at the
// session's perform_time (server/domain/program_followed.h). This is what
// lets the CLI build a submission offline. ServerTest gave p1 program g1,
// revision 1, ACTIVE.
class SessionProgramTest : public ServerTest {
 protected:
  // Creates patient p2, as the therapist; returns its name.
  std::string CreateSecondPatient() {
    v1::Patient p2;
    const grpc::Status status = patients_->CreatePatient(
        Context().get(), PatientRequest("p2", "MRN-2"), &p2);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return p2.name();
  }

  // Assigns program `id` (ACTIVE) to `patient`, as the therapist; returns
  // revision 1.
  v1::Program Assign(const std::string& id,
                     const std::string& patient = "clinics/demo/patients/p1") {
    v1::CreateProgramRequest request;
    request.set_parent(patient);
    request.set_program_id(id);
    *request.mutable_program() = program_;
    request.mutable_program()->clear_name();
    v1::Program created;
    const grpc::Status status =
        programs_->CreateProgram(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // The next revision of `program`, with `status`.
  v1::Program Revise(const v1::Program& program, v1::ProgramStatus status) {
    v1::UpdateProgramRequest request;
    *request.mutable_program() = program;
    request.mutable_program()->set_status(status);
    request.mutable_update_mask()->add_paths("status");
    v1::Program revised;
    const grpc::Status result =
        programs_->UpdateProgram(Context().get(), request, &revised);
    EXPECT_TRUE(result.ok()) << result.error_message();
    return revised;
  }

  // Submits, as p1, a session under `parent` performed at `perform_time`
  // that names `program_revision` (maybe empty).
  grpc::Status Submit(const std::string& program_revision,
                      const Timestamp& perform_time, v1::Session* stored,
                      const std::string& parent = "clinics/demo/patients/p1") {
    v1::CreateSessionRequest request =
        SessionRequest(absl::StrCat("r", ++submissions_));
    request.set_parent(parent);
    *request.mutable_session()->mutable_perform_time() = perform_time;
    request.mutable_session()->set_program_revision(program_revision);
    return sessions_->CreateSession(PatientContext().get(), request, stored);
  }

  // The program revision stored for a session of p1 performed at
  // `perform_time` that names `program_revision`, or the error message.
  std::string Recorded(const std::string& program_revision,
                       const Timestamp& perform_time) {
    v1::Session stored;
    const grpc::Status status = Submit(program_revision, perform_time, &stored);
    if (!status.ok()) return status.error_message();
    v1::GetSessionRequest get;
    get.set_name(stored.name());
    v1::Session read;
    EXPECT_TRUE(sessions_->GetSession(Context().get(), get, &read).ok());
    EXPECT_EQ(read.program_revision(), stored.program_revision())
        << "the reply is what is stored";
    return read.program_revision();
  }

  // `seconds` before `time`.
  static Timestamp Before(const Timestamp& time, int64_t seconds) {
    return TimeUtil::SecondsToTimestamp(time.seconds() - seconds);
  }

  int submissions_ = 0;
};

TEST_F(SessionProgramTest, EmptyWithOneActiveProgramRecordsItsRevisionInForce) {
  const v1::Program second = Revise(program_, v1::PROGRAM_STATUS_ACTIVE);
  // Another patient's programs do not count.
  Assign("g2", CreateSecondPatient());
  const std::string g1 = program_.name();

  // Revisions are stamped to the second, so revision 1 may share one with
  // revision 2; the exact edges are the domain's test.
  EXPECT_EQ(Recorded("", NowTimestamp()), g1 + "@2");
  EXPECT_EQ(Recorded("", second.revision_create_time()), g1 + "@2")
      << "exactly when revision 2 was made";
  EXPECT_EQ(Recorded("", Before(second.revision_create_time(), 1)), g1 + "@1")
      << "a second before revision 2 was made";
  EXPECT_EQ(Recorded("", Before(program_.revision_create_time(), 86400)),
            g1 + "@1")
      << "a day before the program was made";
  EXPECT_EQ(CountSessions(), 4);
}

TEST_F(SessionProgramTest, EmptyWithNoActiveProgramIsInvalidArgument) {
  const v1::Program paused = Revise(program_, v1::PROGRAM_STATUS_PAUSED);
  v1::Session stored;
  const grpc::Status status = Submit("", NowTimestamp(), &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.program_revision"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("clinics/demo/patients/p1 had no active program at "));
  EXPECT_THAT(status.error_message(), HasSubstr("name the program followed"));
  EXPECT_EQ(CountSessions(), 0);
  // While it was active, g1 was the one; and a paused program can be named.
  EXPECT_EQ(Recorded("", Before(paused.revision_create_time(), 1)),
            program_.name() + "@1");
  EXPECT_EQ(Recorded(paused.name(), NowTimestamp()), paused.name() + "@2");
}

TEST_F(SessionProgramTest, EmptyWithTwoActiveProgramsIsInvalidArgument) {
  Assign("g2");
  v1::Session stored;
  const grpc::Status status = Submit("", NowTimestamp(), &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.program_revision"));
  EXPECT_THAT(status.error_message(), HasSubstr("had 2 active programs"));
  EXPECT_THAT(status.error_message(), HasSubstr("(g1, g2)"));
  EXPECT_EQ(CountSessions(), 0);
}

TEST_F(SessionProgramTest, ProgramWithoutRevisionRecordsTheRevisionInForce) {
  const v1::Program second = Revise(program_, v1::PROGRAM_STATUS_ACTIVE);
  Assign("g2");  // two active programs: naming one is enough
  const std::string g1 = program_.name();

  EXPECT_EQ(Recorded(g1, NowTimestamp()), g1 + "@2");
  EXPECT_EQ(Recorded(g1, second.revision_create_time()), g1 + "@2");
  EXPECT_EQ(Recorded(g1, Before(second.revision_create_time(), 1)), g1 + "@1");
  EXPECT_EQ(Recorded(g1, Before(program_.revision_create_time(), 86400)),
            g1 + "@1");
  // A named revision is kept, even an older one.
  EXPECT_EQ(Recorded(g1 + "@1", NowTimestamp()), g1 + "@1");

  v1::Session stored;
  const grpc::Status unknown =
      Submit("clinics/demo/patients/p1/programs/nope", NowTimestamp(), &stored);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(unknown), ElementsAre("session.program_revision"));
  EXPECT_THAT(unknown.error_message(),
              HasSubstr("no program clinics/demo/patients/p1/programs/nope"));
  EXPECT_EQ(CountSessions(), 5);
}

TEST_F(SessionProgramTest, AnotherPatientsProgramIsRefusedAsBefore) {
  const std::string p2 = CreateSecondPatient();
  const v1::Program theirs = Assign("g9", p2);
  const Timestamp now = NowTimestamp();
  v1::Session stored;
  // Under the other patient, as the CLI sends it: the gate's NOT_FOUND.
  EXPECT_EQ(Submit(theirs.name(), now, &stored, p2).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Submit("", now, &stored, p2).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Under one's own name: a field violation, with or without the revision.
  for (const std::string& named : {theirs.name(), theirs.name() + "@1"}) {
    SCOPED_TRACE(named);
    const grpc::Status status = Submit(named, now, &stored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status),
                ElementsAre("session.program_revision"));
  }
  EXPECT_EQ(CountSessions(), 0);
}

}  // namespace
}  // namespace glutecare
