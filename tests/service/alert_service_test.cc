// AlertService on a real server: alerts raised by sessions and the sweep,
// their states, late sessions that clear them, and watching them live.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"
#include "tests/testing/access.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ViolatedFields;

TEST_F(AlertTest, HighPainAfterASessionRaisesOneAlertPerRuleUntilResolved) {
  const v1::Session first = Submit("s1", 7);
  std::vector<v1::Alert> pain = OfRule(List("clinics/demo/patients/p1"),
                                       v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(pain.size(), 1u);
  EXPECT_EQ(pain[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(pain[0].evidence(), ElementsAre(first.name()));
  EXPECT_EQ(pain[0].therapist(), "clinics/demo/therapists/t1");
  EXPECT_THAT(pain[0].summary(), HasSubstr("7/10"));
  EXPECT_GT(pain[0].sequence(), 0);

  // Another one while the first is open: more evidence, no second alert.
  const v1::Session second = Submit("s2", 8);
  pain = OfRule(List("clinics/demo/patients/-"),
                v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(pain.size(), 1u);
  EXPECT_THAT(pain[0].evidence(), ElementsAre(first.name(), second.name()));

  v1::AcknowledgeAlertRequest ack;
  ack.set_name(pain[0].name());
  v1::Alert updated;
  ASSERT_TRUE(alerts_->AcknowledgeAlert(Context().get(), ack, &updated).ok());
  EXPECT_EQ(updated.state(), v1::ALERT_STATE_ACKNOWLEDGED);
  Submit("s3", 9);  // still one unresolved alert of the rule
  EXPECT_EQ(OfRule(List("clinics/demo/patients/p1"),
                   v1::ALERT_RULE_POST_EXERCISE_PAIN)
                .size(),
            1u);

  v1::ResolveAlertRequest resolve;
  resolve.set_name(pain[0].name());
  ASSERT_TRUE(alerts_->ResolveAlert(Context().get(), resolve, &updated).ok());
  EXPECT_EQ(updated.state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(updated.resolution(), v1::ALERT_RESOLUTION_THERAPIST);
  EXPECT_EQ(
      alerts_->AcknowledgeAlert(Context().get(), ack, &updated).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  // Resolved: the next event of the rule raises a new alert; the old events
  // do not come back.
  Submit("s4", 6);
  pain = OfRule(List("clinics/demo/patients/p1"),
                v1::ALERT_RULE_POST_EXERCISE_PAIN);
  ASSERT_EQ(pain.size(), 2u);
  EXPECT_EQ(pain[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(pain[0].evidence_size(), 1);
  EXPECT_EQ(OfRule(List("clinics/demo/patients/p1", v1::ALERT_STATE_RESOLVED),
                   v1::ALERT_RULE_POST_EXERCISE_PAIN)
                .size(),
            1u);
}

TEST_F(AlertTest, SweepRaisesMissedSessions) {
  // The seeded program started 2026-11-01 and has no sessions.
  ASSERT_TRUE(server_->SweepAlerts().ok());
  std::vector<v1::Alert> missed =
      OfRule(List("clinics/demo/patients/p1"), v1::ALERT_RULE_MISSED_SESSIONS);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_THAT(missed[0].summary(), HasSubstr("No session for"));
  ASSERT_TRUE(server_->SweepAlerts().ok());  // nothing new the second time
  EXPECT_EQ(
      OfRule(List("clinics/demo/patients/p1"), v1::ALERT_RULE_MISSED_SESSIONS)
          .size(),
      1u);
}

// The reported case: patient p2's program, three bridges a week, was entered
// with a start date 280 days back, which raised "No session for 280 days
// (none since the program started)". Sessions delivered late, as the CLI's
// outbox does, carry the perform_time they were done at.
class OldProgramAlertTest : public AlertTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AlertTest::SetUp());
    ASSERT_TRUE(patients_
                    ->CreatePatient(Context().get(),
                                    PatientRequest("p2", "MRN-2"), &p2_)
                    .ok());
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(p2_.time_zone(), &zone));
    ASSERT_TRUE(programs_
                    ->CreateProgram(
                        Context().get(),
                        ProgramRequest(p2_.name(),
                                       absl::FormatCivilTime(
                                           absl::ToCivilDay(now_, zone) - 280),
                                       {"glute-bridge"}),
                        &p2_program_)
                    .ok());
    absl::StatusOr<std::string> token = testing::CreateToken(
        channel_, admin_token_, "clinics/demo", v1::ROLE_PATIENT, p2_.name());
    ASSERT_TRUE(token.ok()) << token.status();
    p2_token_ = *token;

    const std::vector<v1::Alert> missed = MissedSessionsAlerts();
    ASSERT_EQ(missed.size(), 1u);
    raised_ = missed[0];
    EXPECT_EQ(raised_.state(), v1::ALERT_STATE_OPEN);
    // 281 if the patient's day turned since `now_`.
    EXPECT_THAT(raised_.summary(),
                ::testing::AnyOf(HasSubstr("No session for 280 days"),
                                 HasSubstr("No session for 281 days")));
    EXPECT_THAT(raised_.summary(), HasSubstr("none since the program started"));
  }

  // Submits a session of p2's, done at `performed`.
  v1::Session SubmitDone(const std::string& request_id, absl::Time performed) {
    v1::CreateSessionRequest request = SessionRequest(request_id);
    request.set_parent(p2_.name());
    request.mutable_session()->set_program_revision(p2_program_.name() + "@1");
    *request.mutable_session()->mutable_perform_time() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
            absl::ToUnixNanos(performed));
    v1::Session session;
    grpc::Status status =
        sessions_->CreateSession(Context(p2_token_).get(), request, &session);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return session;
  }

  // Every missed-sessions alert of p2, in any state.
  std::vector<v1::Alert> MissedSessionsAlerts() {
    return OfRule(List(p2_.name()), v1::ALERT_RULE_MISSED_SESSIONS);
  }

  const absl::Time now_ = absl::Now();
  v1::Patient p2_;
  v1::Program p2_program_;
  std::string p2_token_;
  // The missed-sessions alert the program's entry raised.
  v1::Alert raised_;
};

// Regression test: the alert stayed open, with that text and no evidence,
// after 11 sessions were stored. The session that clears it here was done
// two days ago and delivered after the alert was raised.
TEST_F(OldProgramAlertTest,
       ALateDeliveredSessionResolvesTheMissedSessionsAlert) {
  const v1::Session late =
      SubmitDone("from-the-outbox", now_ - absl::Hours(48));

  std::vector<v1::Alert> missed = MissedSessionsAlerts();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].name(), raised_.name());
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(missed[0].resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_THAT(missed[0].resolution_evidence(), ElementsAre(late.name()));
  EXPECT_THAT(missed[0].resolution_summary(),
              HasSubstr("A session on " + late.local_date()));

  // The therapist's decisions still work on it: resolving again changes
  // nothing, acknowledging a resolved alert is refused.
  v1::ResolveAlertRequest resolve;
  resolve.set_name(raised_.name());
  v1::Alert updated;
  ASSERT_TRUE(alerts_->ResolveAlert(Context().get(), resolve, &updated).ok());
  EXPECT_EQ(updated.resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  v1::AcknowledgeAlertRequest ack;
  ack.set_name(raised_.name());
  EXPECT_EQ(
      alerts_->AcknowledgeAlert(Context().get(), ack, &updated).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  // Ten more sessions, and a sweep: no missed-sessions alert is open.
  for (int i = 0; i < 10; ++i) {
    SubmitDone(absl::StrCat("s", i), now_ - absl::Minutes(10 - i));
  }
  ASSERT_TRUE(server_->SweepAlerts().ok());
  EXPECT_TRUE(OfRule(List(p2_.name(), v1::ALERT_STATE_OPEN),
                     v1::ALERT_RULE_MISSED_SESSIONS)
                  .empty());
  EXPECT_EQ(MissedSessionsAlerts().size(), 1u);
}

// A late session that leaves days without one, as many as the program
// allows: the alert stays open and tells that gap, not the 280 days; the
// next session clears it.
TEST_F(OldProgramAlertTest, ALateSessionBeforeANewGapRefreshesTheAlert) {
  const v1::Session late =
      SubmitDone("from-the-outbox", now_ - absl::Hours(24 * 10));

  std::vector<v1::Alert> missed = MissedSessionsAlerts();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].name(), raised_.name());
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(missed[0].summary(),
              HasSubstr("(the last was on " + late.local_date() + ")"));
  EXPECT_THAT(missed[0].summary(),
              ::testing::Not(HasSubstr("none since the program started")));

  const v1::Session today = SubmitDone("today", now_);
  missed = MissedSessionsAlerts();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(missed[0].resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_THAT(missed[0].resolution_evidence(), ElementsAre(today.name()));
}

TEST_F(AlertTest, BadRequestsAreFieldErrors) {
  v1::ListAlertsRequest list;
  list.set_parent("clinics/demo/patients/-");
  list.set_state(static_cast<v1::AlertState>(42));
  v1::ListAlertsResponse response;
  EXPECT_THAT(
      ViolatedFields(alerts_->ListAlerts(Context().get(), list, &response)),
      ElementsAre("state"));
  list.set_state(v1::ALERT_STATE_OPEN);
  list.set_therapist("clinics/other/therapists/t1");
  EXPECT_THAT(
      ViolatedFields(alerts_->ListAlerts(Context().get(), list, &response)),
      ElementsAre("therapist"));
  v1::AcknowledgeAlertRequest ack;
  ack.set_name("clinics/demo/patients/p1/alerts/nope");
  v1::Alert alert;
  EXPECT_EQ(
      alerts_->AcknowledgeAlert(Context().get(), ack, &alert).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

// A WatchAlerts call and the stream it reads.
struct AlertStream {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader;
};

// Opens a WatchAlerts stream of `request` as the holder of `token`, with a
// deadline 20 s away.
std::unique_ptr<AlertStream> Watch(v1::AlertService::Stub& alerts,
                                   const v1::WatchAlertsRequest& request,
                                   const std::string& token) {
  auto stream = std::make_unique<AlertStream>();
  testing::SetBearer(stream->context, token);
  stream->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(20));
  stream->reader = alerts.WatchAlerts(&stream->context, request);
  return stream;
}

// Reads alerts from a WatchAlerts stream until `count` arrived or the call's
// deadline passes.
std::vector<v1::Alert> ReadAlerts(grpc::ClientReader<v1::Alert>& reader,
                                  size_t count) {
  std::vector<v1::Alert> received;
  v1::Alert alert;
  while (received.size() < count && reader.Read(&alert)) {
    received.push_back(alert);
  }
  return received;
}

TEST_F(AlertTest, WatchPushesNewAlertsAndResumesAfterASequence) {
  // Assigning the program already raised alerts (missed sessions); watch
  // only what comes after them.
  int64_t start_after = 0;
  for (const v1::Alert& alert : List("clinics/demo/patients/-")) {
    start_after = std::max(start_after, alert.sequence());
  }
  v1::WatchAlertsRequest request;
  request.set_parent("clinics/demo");
  request.set_therapist("clinics/demo/therapists/t1");
  request.set_after_sequence(start_after);
  const std::unique_ptr<AlertStream> live =
      Watch(*alerts_, request, therapist_token_);
  // Wait until the stream is established, so the alert below is raised
  // after the watch began.
  live->reader->WaitForInitialMetadata();

  Submit("live", 9);  // raises a post-exercise pain alert
  std::vector<v1::Alert> received = ReadAlerts(*live->reader, 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].rule(), v1::ALERT_RULE_POST_EXERCISE_PAIN);
  const int64_t seen = received[0].sequence();
  live->context.TryCancel();
  live->reader->Finish();

  // While disconnected, more alerts are raised: the sweep's, and a new
  // post-exercise pain alert once the first is resolved.
  ASSERT_TRUE(server_->SweepAlerts().ok());
  v1::ResolveAlertRequest resolve;
  resolve.set_name(received[0].name());
  v1::Alert resolved;
  ASSERT_TRUE(alerts_->ResolveAlert(Context().get(), resolve, &resolved).ok());
  Submit("again", 9);
  size_t expected = 0;  // alerts raised after the one seen
  for (const v1::Alert& alert : List("clinics/demo/patients/-")) {
    if (alert.sequence() > seen) ++expected;
  }
  ASSERT_GE(expected, 1u);

  // Reconnect after the last sequence seen: exactly the alerts after it.
  request.set_after_sequence(seen);
  const std::unique_ptr<AlertStream> resumed =
      Watch(*alerts_, request, therapist_token_);
  received = ReadAlerts(*resumed->reader, expected);
  ASSERT_EQ(received.size(), expected);
  for (const v1::Alert& alert : received) EXPECT_GT(alert.sequence(), seen);
  for (size_t i = 1; i < received.size(); ++i) {
    EXPECT_LT(received[i - 1].sequence(), received[i].sequence());
  }
  resumed->context.TryCancel();
  resumed->reader->Finish();
}

TEST_F(AlertTest, ShutdownEndsWatchStreams) {
  v1::WatchAlertsRequest request;
  request.set_parent("clinics/demo");
  const std::unique_ptr<AlertStream> watch =
      Watch(*alerts_, request, therapist_token_);
  watch->reader->WaitForInitialMetadata();
  server_->Shutdown(absl::Seconds(5));
  v1::Alert alert;
  while (watch->reader->Read(&alert)) {
  }
  EXPECT_EQ(watch->reader->Finish().error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace glutecare
