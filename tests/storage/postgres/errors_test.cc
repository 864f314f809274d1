#include "server/storage/postgres/errors.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::postgres {
namespace {

using ::testing::HasSubstr;

TEST(StatusFromSqlState, MapsEachSqlStateToTheCodeItsContractNames) {
  struct Row {
    const char* sqlstate;
    absl::StatusCode code;
    bool retryable;
  };
  const Row rows[] = {
      {"23505", absl::StatusCode::kAlreadyExists, false},
      {"23503", absl::StatusCode::kFailedPrecondition, false},
      {"23514", absl::StatusCode::kFailedPrecondition, false},
      {"40001", absl::StatusCode::kAborted, true},
      {"40P01", absl::StatusCode::kAborted, true},
      {"40002", absl::StatusCode::kAborted, false},
      {"57014", absl::StatusCode::kCancelled, false},
      {"08006", absl::StatusCode::kUnavailable, false},
      {"53100", absl::StatusCode::kUnavailable, false},
      {"53300", absl::StatusCode::kUnavailable, false},
      {"57P01", absl::StatusCode::kUnavailable, false},
      {"57P03", absl::StatusCode::kUnavailable, false},
      {"55P03", absl::StatusCode::kUnavailable, false},
      {"25006", absl::StatusCode::kUnavailable, false},
      {"58030", absl::StatusCode::kUnavailable, false},
      {"28P01", absl::StatusCode::kPermissionDenied, false},
      {"42501", absl::StatusCode::kPermissionDenied, false},
      {"22001", absl::StatusCode::kInvalidArgument, false},
      {"XX001", absl::StatusCode::kDataLoss, false},
      {"42601", absl::StatusCode::kInternal, false},
      {"42P01", absl::StatusCode::kInternal, false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.sqlstate);
    const absl::Status status = StatusFromSqlState(row.sqlstate, "it failed");
    EXPECT_EQ(status.code(), row.code);
    EXPECT_EQ(IsRetryable(status), row.retryable);
    EXPECT_EQ(SqlStateOf(status), row.sqlstate);
    EXPECT_THAT(status.message(), HasSubstr("it failed"));
    EXPECT_THAT(status.message(), HasSubstr(row.sqlstate));
  }
}

TEST(SqlStateOf, IsEmptyForAStatusThatDidNotComeFromTheServer) {
  EXPECT_EQ(SqlStateOf(absl::AbortedError("etag")), "");
  EXPECT_FALSE(IsRetryable(absl::AbortedError("etag")));
  EXPECT_EQ(SqlStateOf(absl::OkStatus()), "");
}

}  // namespace
}  // namespace glutecare::postgres
