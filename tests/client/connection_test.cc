// Tests of client/connection.h: which failures are retried, the backoff, the
// request ids, and the retry loop and the access token against an in-process
// fake ClinicService.
#include "client/connection.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;

TEST(ShouldRetry, RetriesTimeoutsOnlyOfIdempotentCalls) {
  struct Case {
    grpc::StatusCode code;
    Idempotency idempotency;
    bool retry;
  };
  const std::vector<Case> cases = {
      {grpc::StatusCode::UNAVAILABLE, Idempotency::kIdempotent, true},
      {grpc::StatusCode::UNAVAILABLE, Idempotency::kNotIdempotent, true},
      {grpc::StatusCode::DEADLINE_EXCEEDED, Idempotency::kIdempotent, true},
      {grpc::StatusCode::DEADLINE_EXCEEDED, Idempotency::kNotIdempotent, false},
      {grpc::StatusCode::INVALID_ARGUMENT, Idempotency::kIdempotent, false},
      {grpc::StatusCode::ABORTED, Idempotency::kIdempotent, false},
      {grpc::StatusCode::NOT_FOUND, Idempotency::kIdempotent, false},
      {grpc::StatusCode::INTERNAL, Idempotency::kIdempotent, false},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, Idempotency::kIdempotent, false},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, Idempotency::kNotIdempotent,
       false},
      {grpc::StatusCode::UNAUTHENTICATED, Idempotency::kIdempotent, false},
      {grpc::StatusCode::PERMISSION_DENIED, Idempotency::kIdempotent, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message()
                 << "code " << c.code << ", idempotent "
                 << (c.idempotency == Idempotency::kIdempotent));
    EXPECT_EQ(ShouldRetry(c.code, c.idempotency), c.retry);
  }
}

TEST(BackoffBeforeRetry, DoublesFrom200MillisecondsUpToTwoSeconds) {
  const ConnectionOptions options;
  const std::vector<absl::Duration> expected = {
      absl::Milliseconds(200), absl::Milliseconds(400),
      absl::Milliseconds(800), absl::Milliseconds(1600),
      absl::Seconds(2),        absl::Seconds(2)};
  for (int retry = 1; retry <= static_cast<int>(expected.size()); ++retry) {
    SCOPED_TRACE(retry);
    EXPECT_EQ(BackoffBeforeRetry(options, retry), expected[retry - 1]);
  }
  EXPECT_EQ(BackoffBeforeRetry(options, 1000), absl::Seconds(2));
}

TEST(ExponentialBackoff, DoublesUpToTheMaximum) {
  const std::vector<absl::Duration> expected = {
      absl::Milliseconds(200),  absl::Milliseconds(400),
      absl::Milliseconds(800),  absl::Milliseconds(1600),
      absl::Milliseconds(3200), absl::Seconds(5),
      absl::Seconds(5)};
  for (int attempt = 1; attempt <= static_cast<int>(expected.size());
       ++attempt) {
    SCOPED_TRACE(attempt);
    EXPECT_EQ(
        ExponentialBackoff(absl::Milliseconds(200), absl::Seconds(5), attempt),
        expected[attempt - 1]);
  }
  EXPECT_EQ(
      ExponentialBackoff(absl::Milliseconds(200), absl::Seconds(5), 1 << 30),
      absl::Seconds(5));
}

TEST(NewRequestId, IsAFreshVersion4Uuid) {
  const std::regex uuid_v4(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string first = NewRequestId();
  const std::string second = NewRequestId();
  EXPECT_TRUE(std::regex_match(first, uuid_v4)) << first;
  EXPECT_TRUE(std::regex_match(second, uuid_v4)) << second;
  EXPECT_NE(first, second);
}

// Answers GetClinic and CreateTherapist with scripted statuses, one per call
// (the last one repeats), and remembers how many calls came, the deadline of
// the last, and the authorization metadata of each.
class ScriptedClinicService final : public v1::ClinicService::Service {
 public:
  explicit ScriptedClinicService(std::vector<grpc::Status> answers)
      : answers_(std::move(answers)) {}

  grpc::Status GetClinic(grpc::ServerContext* context,
                         const v1::GetClinicRequest*,
                         v1::Clinic* clinic) override {
    return Answer(*context, *clinic);
  }
  grpc::Status CreateTherapist(grpc::ServerContext* context,
                               const v1::CreateTherapistRequest*,
                               v1::Therapist* therapist) override {
    return Answer(*context, *therapist);
  }

  int calls() const {
    absl::MutexLock lock(&mutex_);
    return calls_;
  }
  absl::Duration deadline_left() const {
    absl::MutexLock lock(&mutex_);
    return deadline_left_;
  }
  // One entry per call: its `authorization` values, joined by ", ".
  std::vector<std::string> authorizations() const {
    absl::MutexLock lock(&mutex_);
    return authorizations_;
  }

 private:
  // Names the resource `response` (a Clinic or Therapist) on success.
  template <typename Response>
  grpc::Status Answer(const grpc::ServerContext& context, Response& response) {
    absl::MutexLock lock(&mutex_);
    deadline_left_ = absl::FromChrono(context.deadline()) - absl::Now();
    std::vector<std::string> values;
    const auto [first, last] =
        context.client_metadata().equal_range("authorization");
    for (auto it = first; it != last; ++it) {
      values.emplace_back(it->second.data(), it->second.size());
    }
    authorizations_.push_back(absl::StrJoin(values, ", "));
    const grpc::Status& answer =
        answers_[std::min<size_t>(calls_, answers_.size() - 1)];
    ++calls_;
    if (answer.ok()) response.set_name("clinics/c1");
    return answer;
  }

  const std::vector<grpc::Status> answers_;
  mutable absl::Mutex mutex_;
  int calls_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Duration deadline_left_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::string> authorizations_ ABSL_GUARDED_BY(mutex_);
};

// A ScriptedClinicService on a free local port.
class ScriptedClinicServer final {
 public:
  explicit ScriptedClinicServer(std::vector<grpc::Status> answers)
      : service_(std::move(answers)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~ScriptedClinicServer() { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const ScriptedClinicService& service() const { return service_; }

 private:
  ScriptedClinicService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

ConnectionOptions FastRetries(const std::string& address, int max_retries) {
  return {.target = address,
          .call_timeout = absl::Seconds(5),
          .max_retries = max_retries,
          .initial_backoff = absl::Milliseconds(1),
          .max_backoff = absl::Milliseconds(4)};
}

const grpc::Status kRestarting(grpc::StatusCode::UNAVAILABLE, "restarting");
const grpc::Status kDeadlineExceeded(grpc::StatusCode::DEADLINE_EXCEEDED,
                                     "slow");
const grpc::Status kInvalid(grpc::StatusCode::INVALID_ARGUMENT, "bad id");
const grpc::Status kExhausted(grpc::StatusCode::RESOURCE_EXHAUSTED,
                              "this token already has 8 calls in flight");

TEST(Connection, RetriesWhatIsSafeToRepeatAndNoMore) {
  enum class Method { kGet, kCreate };
  struct Case {
    std::string name;
    std::vector<grpc::Status> answers;
    Method method;
    int max_retries;
    absl::StatusCode code;
    int calls;
  };
  // clang-format off
  const std::vector<Case> cases = {
      {"read recovers from unavailable", {kRestarting, kRestarting, grpc::Status::OK},
       Method::kGet, 4, absl::StatusCode::kOk, 3},
      {"read gives up after max retries", {kRestarting},
       Method::kGet, 2, absl::StatusCode::kUnavailable, 3},
      {"no retries means one attempt", {kRestarting},
       Method::kGet, 0, absl::StatusCode::kUnavailable, 1},
      {"read retries a timeout", {kDeadlineExceeded, grpc::Status::OK},
       Method::kGet, 4, absl::StatusCode::kOk, 2},
      {"write does not retry a timeout", {kDeadlineExceeded, grpc::Status::OK},
       Method::kCreate, 4, absl::StatusCode::kDeadlineExceeded, 1},
      {"write retries unavailable", {kRestarting, grpc::Status::OK},
       Method::kCreate, 4, absl::StatusCode::kOk, 2},
      {"invalid argument is final", {kInvalid, grpc::Status::OK},
       Method::kGet, 4, absl::StatusCode::kInvalidArgument, 1},
      {"resource exhausted is final", {kExhausted, grpc::Status::OK},
       Method::kGet, 4, absl::StatusCode::kResourceExhausted, 1},
  };
  // clang-format on
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedClinicServer server(c.answers);
    Connection connection(FastRetries(server.address(), c.max_retries));
    absl::Status status;
    if (c.method == Method::kGet) {
      status = connection
                   .Call(&v1::ClinicService::Stub::GetClinic,
                         v1::GetClinicRequest(), Idempotency::kIdempotent)
                   .status();
    } else {
      status =
          connection
              .Call(&v1::ClinicService::Stub::CreateTherapist,
                    v1::CreateTherapistRequest(), Idempotency::kNotIdempotent)
              .status();
    }
    EXPECT_EQ(status.code(), c.code) << status;
    EXPECT_EQ(server.service().calls(), c.calls);
  }
}

TEST(Connection, ReturnsTheResponseAndSetsADeadlinePerCall) {
  ScriptedClinicServer server({grpc::Status::OK});
  ConnectionOptions options = FastRetries(server.address(), 0);
  options.call_timeout = absl::Seconds(3);
  Connection connection(options);
  const absl::StatusOr<v1::Clinic> clinic =
      connection.Call(&v1::ClinicService::Stub::GetClinic,
                      v1::GetClinicRequest(), Idempotency::kIdempotent);
  ASSERT_TRUE(clinic.ok()) << clinic.status();
  EXPECT_EQ(clinic->name(), "clinics/c1");
  EXPECT_GT(server.service().deadline_left(), absl::ZeroDuration());
  // The timeout travels rounded up to its unit and the server counts from its
  // own reading of the clock: allow it a little more.
  EXPECT_LE(server.service().deadline_left(),
            absl::Seconds(3) + absl::Milliseconds(100));
}

TEST(Connection, SendsTheAccessTokenWithEveryAttempt) {
  ScriptedClinicServer server({kRestarting, grpc::Status::OK});
  ConnectionOptions options = FastRetries(server.address(), 4);
  options.access_token = "gc1_secret";
  Connection connection(options);
  ASSERT_TRUE(connection
                  .Call(&v1::ClinicService::Stub::CreateTherapist,
                        v1::CreateTherapistRequest(),
                        Idempotency::kNotIdempotent)
                  .ok());
  EXPECT_THAT(server.service().authorizations(),
              ElementsAre("Bearer gc1_secret", "Bearer gc1_secret"))
      << "once per attempt, the retry included";
}

TEST(Connection, SendsNoAuthorizationWithoutAToken) {
  ScriptedClinicServer server({grpc::Status::OK});
  Connection connection(FastRetries(server.address(), 0));
  ASSERT_TRUE(connection
                  .Call(&v1::ClinicService::Stub::GetClinic,
                        v1::GetClinicRequest(), Idempotency::kIdempotent)
                  .ok());
  EXPECT_THAT(server.service().authorizations(), ElementsAre(""));
}

TEST(Connection, UnreachableServerIsUnavailable) {
  // Nothing listens on a port of a server that has shut down.
  std::string address;
  {
    ScriptedClinicServer server({grpc::Status::OK});
    address = server.address();
  }
  Connection connection(FastRetries(address, 1));
  const absl::Status status =
      connection
          .Call(&v1::ClinicService::Stub::GetClinic, v1::GetClinicRequest(),
                Idempotency::kIdempotent)
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace glutecare::client
