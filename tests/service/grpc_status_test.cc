// ToGrpcStatus: the ErrorInfo reason a client sees is the one the error's
// site named, and its code's default only where the site named none.
#include "server/service/grpc_status.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/domain/suggestion_plan.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;

TEST(ToGrpcStatus, TwoCausesWithOneCodeCarryTheirOwnReasons) {
  v1::Suggestion suggestion;
  suggestion.set_name("clinics/c/patients/p/programs/g/suggestions/s");
  suggestion.set_state(v1::SUGGESTION_STATE_OPEN);
  suggestion.set_based_on_revision(2);
  const grpc::Status revised = ToGrpcStatus(CheckAcceptable(suggestion, 3));
  suggestion.set_state(v1::SUGGESTION_STATE_DISMISSED);
  const grpc::Status not_open = ToGrpcStatus(CheckAcceptable(suggestion, 2));

  EXPECT_EQ(revised.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(not_open.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ErrorReason(revised), "PROGRAM_REVISED");
  EXPECT_EQ(testing::ErrorReason(not_open), "SUGGESTION_NOT_OPEN");
}

TEST(ToGrpcStatus, AnErrorWhoseSiteNamedNoReasonGetsItsCodesDefault) {
  const struct {
    absl::Status status;
    const char* reason;
  } cases[] = {
      {absl::AbortedError("stale"), "ETAG_MISMATCH"},
      {absl::NotFoundError("gone"), "RESOURCE_NOT_FOUND"},
      {absl::AlreadyExistsError("taken"), "RESOURCE_EXISTS"},
      {absl::FailedPreconditionError("no"), "FAILED_PRECONDITION"},
      {absl::ResourceExhaustedError("full"), "OVERLOADED"},
      {absl::UnavailableError("down"), "TEMPORARILY_UNAVAILABLE"},
      {absl::DataLossError("torn"), "INTERNAL_ERROR"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status.ToString());
    EXPECT_EQ(testing::ErrorReason(ToGrpcStatus(c.status)), c.reason);
  }
}

TEST(ToGrpcStatus, TheReasonItsSiteNamedWinsAndTheFieldViolationsStay) {
  EXPECT_EQ(testing::ErrorReason(ToGrpcStatus(WithReason(
                absl::ResourceExhaustedError("busy"),
                reason::kTooManyCallsInFlight))),
            "TOO_MANY_CALLS_IN_FLIGHT");

  Violations violations;
  violations.Add("pain_report.score", "must be 0-10 (got 11)");
  const grpc::Status invalid = ToGrpcStatus(violations.ToStatus());
  EXPECT_EQ(testing::ErrorReason(invalid), "INVALID_FIELD");
  EXPECT_THAT(testing::ViolatedFields(invalid),
              ElementsAre("pain_report.score"));
  EXPECT_TRUE(WithReason(absl::OkStatus(), reason::kOverloaded).ok());
}

}  // namespace
}  // namespace glutecare
