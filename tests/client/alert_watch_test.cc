// Tests of client/alert_watch.h: which endings are reconnected, and the watch
// loop against an in-process fake AlertService whose streams follow a script.
#include "client/alert_watch.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ShouldReconnect, OnlyWhenTheServerWentAwayOrTheStreamWasCut) {
  struct Case {
    grpc::StatusCode code;
    bool reconnect;
  };
  const std::vector<Case> cases = {
      {grpc::StatusCode::UNAVAILABLE, true},
      {grpc::StatusCode::CANCELLED, true},
      {grpc::StatusCode::OK, true},
      {grpc::StatusCode::INVALID_ARGUMENT, false},
      {grpc::StatusCode::NOT_FOUND, false},
      {grpc::StatusCode::PERMISSION_DENIED, false},
      {grpc::StatusCode::UNAUTHENTICATED, false},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, false},
      {grpc::StatusCode::INTERNAL, false},
      {grpc::StatusCode::DEADLINE_EXCEEDED, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(ShouldReconnect(c.code), c.reconnect);
  }
}

// What one WatchAlerts call of the fake does: send alerts with these
// sequences, then end with `end`, or without one stay open until the client
// cancels.
struct ScriptedStream {
  std::vector<int64_t> sequences;
  std::optional<grpc::Status> end;
};

// One scripted stream. Deletes itself when gRPC is done with it.
class ScriptedWriter final : public grpc::ServerWriteReactor<v1::Alert> {
 public:
  explicit ScriptedWriter(const ScriptedStream& script) : end_(script.end) {
    for (const int64_t sequence : script.sequences) {
      v1::Alert& alert = alerts_.emplace_back();
      alert.set_name(absl::StrCat("clinics/c1/patients/p1/alerts/a", sequence));
      alert.set_sequence(sequence);
    }
    StartSendInitialMetadata();
    absl::MutexLock lock(&mutex_);
    WriteNextLocked();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mutex_);
    if (!ok) return;  // cancelled: OnCancel finishes
    ++next_;
    WriteNextLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mutex_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override { delete this; }

 private:
  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (next_ < alerts_.size()) {
      StartWrite(&alerts_[next_]);
    } else if (end_.has_value()) {
      FinishLocked(*end_);
    }
  }

  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  std::vector<v1::Alert> alerts_;
  const std::optional<grpc::Status> end_;
  absl::Mutex mutex_;
  size_t next_ ABSL_GUARDED_BY(mutex_) = 0;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

// Answers the n-th WatchAlerts call with the n-th stream of its script (the
// last one repeats) and remembers each call's after_sequence and
// authorization metadata.
class ScriptedAlertService final : public v1::AlertService::CallbackService {
 public:
  explicit ScriptedAlertService(std::vector<ScriptedStream> script)
      : script_(std::move(script)) {}

  grpc::ServerWriteReactor<v1::Alert>* WatchAlerts(
      grpc::CallbackServerContext* context,
      const v1::WatchAlertsRequest* request) override {
    absl::MutexLock lock(&mutex_);
    const ScriptedStream& stream =
        script_[std::min(after_sequences_.size(), script_.size() - 1)];
    after_sequences_.push_back(request->after_sequence());
    const auto authorization = context->client_metadata().find("authorization");
    authorizations_.push_back(authorization == context->client_metadata().end()
                                  ? ""
                                  : std::string(authorization->second.data(),
                                                authorization->second.size()));
    return new ScriptedWriter(stream);
  }

  std::vector<int64_t> after_sequences() const {
    absl::MutexLock lock(&mutex_);
    return after_sequences_;
  }
  std::vector<std::string> authorizations() const {
    absl::MutexLock lock(&mutex_);
    return authorizations_;
  }

 private:
  const std::vector<ScriptedStream> script_;
  mutable absl::Mutex mutex_;
  std::vector<int64_t> after_sequences_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::string> authorizations_ ABSL_GUARDED_BY(mutex_);
};

// A ScriptedAlertService on a free local port, and a stub to it.
class ScriptedServer final {
 public:
  explicit ScriptedServer(std::vector<ScriptedStream> script)
      : service_(std::move(script)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = v1::AlertService::NewStub(
        grpc::CreateChannel(address(), grpc::InsecureChannelCredentials()));
  }
  ~ScriptedServer() { server_->Shutdown(); }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  v1::AlertService::Stub& stub() { return *stub_; }
  const ScriptedAlertService& service() const { return service_; }

 private:
  ScriptedAlertService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::AlertService::Stub> stub_;
};

// Remembers what the watch reported; can stop it after some reconnects.
class RecordingListener final : public AlertWatchListener {
 public:
  RecordingListener(Stopper& stopper, int stop_on_reconnect = 0)
      : stopper_(stopper), stop_on_reconnect_(stop_on_reconnect) {}

  void OnConnected(int64_t after_sequence) override {
    connected_after.push_back(after_sequence);
  }
  void OnAlert(const v1::Alert& alert) override {
    alerts.push_back(alert.sequence());
  }
  void OnReconnecting(const absl::Status& status,
                      absl::Duration backoff) override {
    reconnect_statuses.push_back(status);
    backoffs.push_back(backoff);
    if (static_cast<int>(backoffs.size()) == stop_on_reconnect_) {
      stopper_.Stop();
    }
  }

  std::vector<int64_t> connected_after;
  std::vector<int64_t> alerts;
  std::vector<absl::Status> reconnect_statuses;
  std::vector<absl::Duration> backoffs;

 private:
  Stopper& stopper_;
  const int stop_on_reconnect_;
};

AlertWatchOptions FastBackoff(int max_alerts) {
  AlertWatchOptions options;
  options.max_alerts = max_alerts;
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(4);
  return options;
}

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "restarting");

TEST(WatchAlerts, ResumesAfterTheLastAlertWhenTheStreamBreaks) {
  ScriptedServer server(
      {{{1, 2}, kUnavailable}, {{3}, kUnavailable}, {{4, 5}, std::nullopt}});
  Stopper stopper;
  RecordingListener listener(stopper);
  const absl::Status status =
      WatchAlerts(server.stub(), v1::WatchAlertsRequest(), FastBackoff(4),
                  stopper, listener);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(listener.alerts, ElementsAre(1, 2, 3, 4)) << "stops at --count";
  EXPECT_THAT(listener.connected_after, ElementsAre(0, 2, 3));
  EXPECT_THAT(server.service().after_sequences(), ElementsAre(0, 2, 3));
  ASSERT_EQ(listener.reconnect_statuses.size(), 2u);
  EXPECT_EQ(listener.reconnect_statuses[0].code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(listener.reconnect_statuses[0].message(), "restarting");
  EXPECT_THAT(listener.backoffs,
              ElementsAre(absl::Milliseconds(1), absl::Milliseconds(1)))
      << "a stream that opened resets the backoff";
}

TEST(WatchAlerts, SendsTheAccessTokenWithEveryStream) {
  ScriptedServer server({{{1}, kUnavailable}, {{2}, std::nullopt}});
  Stopper stopper;
  RecordingListener listener(stopper);
  AlertWatchOptions options = FastBackoff(2);
  options.access_token = "gc1_secret";
  const absl::Status status = WatchAlerts(
      server.stub(), v1::WatchAlertsRequest(), options, stopper, listener);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(server.service().authorizations(),
              ElementsAre("Bearer gc1_secret", "Bearer gc1_secret"))
      << "the reconnect too";
}

TEST(WatchAlerts, ARejectedTokenEndsTheWatch) {
  ScriptedServer server({{{},
                          grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                       "the access token was revoked")}});
  Stopper stopper;
  RecordingListener listener(stopper);
  const absl::Status status =
      WatchAlerts(server.stub(), v1::WatchAlertsRequest(), FastBackoff(0),
                  stopper, listener);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(listener.reconnect_statuses.empty());
}

TEST(WatchAlerts, ReconnectsAStreamThatEndsOrIsCut) {
  ScriptedServer server({{{5}, grpc::Status::OK},
                         {{}, grpc::Status::CANCELLED},
                         {{6}, std::nullopt}});
  Stopper stopper;
  RecordingListener listener(stopper);
  v1::WatchAlertsRequest request;
  request.set_after_sequence(4);
  const absl::Status status =
      WatchAlerts(server.stub(), request, FastBackoff(2), stopper, listener);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(listener.alerts, ElementsAre(5, 6));
  EXPECT_THAT(server.service().after_sequences(), ElementsAre(4, 5, 5));
  ASSERT_EQ(listener.reconnect_statuses.size(), 2u);
  EXPECT_THAT(listener.reconnect_statuses[0].message(),
              HasSubstr("ended the stream"));
  EXPECT_EQ(listener.reconnect_statuses[1].code(),
            absl::StatusCode::kCancelled);
}

TEST(WatchAlerts, FailsOnAnErrorThatReconnectingCannotMend) {
  ScriptedServer server(
      {{{}, grpc::Status(grpc::StatusCode::NOT_FOUND, "no clinic c9")}});
  Stopper stopper;
  RecordingListener listener(stopper);
  const absl::Status status =
      WatchAlerts(server.stub(), v1::WatchAlertsRequest(), FastBackoff(0),
                  stopper, listener);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no clinic c9");
  EXPECT_TRUE(listener.reconnect_statuses.empty());
  EXPECT_THAT(server.service().after_sequences(), ElementsAre(0));
}

TEST(WatchAlerts, BacksOffLongerWhileTheServerIsUnreachable) {
  std::string address;
  {
    ScriptedServer gone({{{}, std::nullopt}});
    address = gone.address();
  }
  const std::unique_ptr<v1::AlertService::Stub> stub =
      v1::AlertService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  Stopper stopper;
  RecordingListener listener(stopper, /*stop_on_reconnect=*/4);
  const absl::Status status = WatchAlerts(*stub, v1::WatchAlertsRequest(),
                                          FastBackoff(0), stopper, listener);
  EXPECT_TRUE(status.ok()) << "a stop is a clean end: " << status;
  EXPECT_TRUE(listener.connected_after.empty());
  EXPECT_THAT(listener.backoffs,
              ElementsAre(absl::Milliseconds(1), absl::Milliseconds(2),
                          absl::Milliseconds(4), absl::Milliseconds(4)));
  for (const absl::Status& reconnect : listener.reconnect_statuses) {
    EXPECT_EQ(reconnect.code(), absl::StatusCode::kUnavailable) << reconnect;
  }
}

// Stops the watch as soon as it is connected.
class StopOnConnect final : public AlertWatchListener {
 public:
  explicit StopOnConnect(Stopper& stopper) : stopper_(stopper) {}
  void OnConnected(int64_t) override { stopper_.Stop(); }
  void OnAlert(const v1::Alert&) override {}
  void OnReconnecting(const absl::Status&, absl::Duration) override {}

 private:
  Stopper& stopper_;
};

TEST(WatchAlerts, AStopEndsAStreamThatWaitsForAlerts) {
  ScriptedServer server({{{}, std::nullopt}});  // open until cancelled
  Stopper stopper;
  StopOnConnect listener(stopper);
  const absl::Status status =
      WatchAlerts(server.stub(), v1::WatchAlertsRequest(), FastBackoff(0),
                  stopper, listener);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(server.service().after_sequences(), ElementsAre(0));
}

}  // namespace
}  // namespace glutecare::client
