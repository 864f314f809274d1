#include "bench/alert_lag.h"

#include <algorithm>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/load.h"
#include "glutecare/v1/alert_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"

namespace glutecare::bench {
namespace {

// Over the unacceptable-pain limit of 5 (CLINICAL.md): raises
// ALERT_RULE_POST_EXERCISE_PAIN.
constexpr int kHighPain = 8;
constexpr absl::Duration kSetupTimeout = absl::Seconds(60);

void AddBearer(grpc::ClientContext& context, const std::string& token) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + kSetupTimeout));
}

absl::Status Failed(const std::string& what, const grpc::Status& status) {
  return absl::UnavailableError(
      absl::StrCat(what, ": ", status.error_message()));
}

// One page of ListAlerts under `parent`, in `state` (any when unset), read
// with `token`.
absl::StatusOr<v1::ListAlertsResponse> ListAlerts(
    v1::AlertService::Stub& alerts, const std::string& token,
    const std::string& parent, v1::AlertState state, int page_size,
    const std::string& page_token) {
  v1::ListAlertsRequest request;
  request.set_parent(parent);
  request.set_state(state);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  v1::ListAlertsResponse response;
  grpc::ClientContext context;
  AddBearer(context, token);
  if (grpc::Status status = alerts.ListAlerts(&context, request, &response);
      !status.ok()) {
    return Failed("ListAlerts", status);
  }
  return response;
}

// Resolves every unresolved post-exercise pain alert of the clinic, and
// returns the sequence of its newest alert (0 if none).
absl::StatusOr<int64_t> ResetPainAlerts(v1::AlertService::Stub& alerts,
                                        const Dataset& dataset) {
  const std::string& token = dataset.therapist_tokens[0];
  const std::string all = absl::StrCat(dataset.clinic, "/patients/-");
  absl::StatusOr<v1::ListAlertsResponse> newest = ListAlerts(
      alerts, token, all, v1::ALERT_STATE_UNSPECIFIED, /*page_size=*/1, "");
  if (!newest.ok()) return newest.status();
  for (v1::AlertState state :
       {v1::ALERT_STATE_OPEN, v1::ALERT_STATE_ACKNOWLEDGED}) {
    std::string page_token;
    do {
      absl::StatusOr<v1::ListAlertsResponse> page =
          ListAlerts(alerts, token, all, state, 1000, page_token);
      if (!page.ok()) return page.status();
      for (const v1::Alert& alert : page->alerts()) {
        if (alert.rule() != v1::ALERT_RULE_POST_EXERCISE_PAIN) continue;
        v1::ResolveAlertRequest resolve;
        resolve.set_name(alert.name());
        v1::Alert resolved;
        grpc::ClientContext context;
        AddBearer(context, token);
        if (grpc::Status status =
                alerts.ResolveAlert(&context, resolve, &resolved);
            !status.ok()) {
          return Failed("ResolveAlert", status);
        }
      }
      // Pages are keyset pages: resolving what this page listed does not
      // shift the next one.
      page_token = page->next_page_token();
    } while (!page_token.empty());
  }
  return newest->alerts_size() > 0 ? newest->alerts(0).sequence() : 0;
}

}  // namespace

absl::StatusOr<AlertLag> MeasureAlertLag(
    const std::shared_ptr<grpc::Channel>& channel, const Dataset& dataset,
    const AlertLagOptions& options) {
  auto alerts = v1::AlertService::NewStub(channel);
  auto sessions = v1::SessionService::NewStub(channel);
  absl::StatusOr<int64_t> newest = ResetPainAlerts(*alerts, dataset);
  if (!newest.ok()) return newest.status();

  absl::Mutex mu;
  // By session name: when its OK arrived, and when its alert did.
  absl::flat_hash_map<std::string, absl::Time> acknowledged;  // under mu
  absl::flat_hash_map<std::string, absl::Time> alerted;       // under mu
  AlertLag lag;
  lag.result.name = "alert lag";

  // The stream, read on a thread of its own until cancelled.
  grpc::ClientContext watch_context;
  watch_context.AddMetadata(
      "authorization", absl::StrCat("Bearer ", dataset.therapist_tokens[0]));
  v1::WatchAlertsRequest watch;
  watch.set_parent(dataset.clinic);
  watch.set_after_sequence(*newest);
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
      alerts->WatchAlerts(&watch_context, watch);
  std::jthread watcher([&] {
    v1::Alert alert;
    while (reader->Read(&alert)) {
      const absl::Time now = absl::Now();
      if (alert.rule() != v1::ALERT_RULE_POST_EXERCISE_PAIN) continue;
      absl::MutexLock lock(&mu);
      for (const std::string& evidence : alert.evidence()) {
        alerted.try_emplace(evidence, now);
      }
    }
  });
  // A stream that cannot open ends at once; catch it before submitting.
  if (!channel->WaitForConnected(
          absl::ToChronoTime(absl::Now() + absl::Seconds(10)))) {
    watch_context.TryCancel();
    return absl::UnavailableError("cannot connect for the alert lag");
  }

  // One high-pain session per patient, open-loop at the rate.
  absl::BitGen random;
  const std::string run_id =
      absl::StrFormat("lag-%016x", absl::Uniform<uint64_t>(random));
  int64_t pending = 0;  // under mu
  int64_t failed = 0;   // under mu
  std::string first_error;
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < dataset.patients.size(); ++i) {
    const absl::Time due =
        start + absl::Seconds(static_cast<double>(i) / options.rate);
    if (const absl::Duration wait = due - absl::Now();
        wait > absl::ZeroDuration()) {
      absl::SleepFor(wait);  // pacing the open loop, not synchronisation
    }
    struct Call {
      grpc::ClientContext context;
      v1::CreateSessionRequest request;
      v1::Session response;
    };
    auto call = std::make_shared<Call>();
    FillSubmission(dataset.patients[i], absl::StrCat(run_id, "-", i), random,
                   call->request);
    call->request.mutable_session()->set_pain_after(kHighPain);
    call->context.AddMetadata(
        "authorization", absl::StrCat("Bearer ", dataset.patients[i].token));
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + kSetupTimeout));
    {
      absl::MutexLock lock(&mu);
      ++pending;
    }
    sessions->async()->CreateSession(
        &call->context, &call->request, &call->response,
        [&, call](grpc::Status status) {
          const absl::Time now = absl::Now();
          absl::MutexLock lock(&mu);
          if (status.ok()) {
            acknowledged.emplace(call->response.name(), now);
          } else if (failed++ == 0) {
            first_error = status.error_message();
          }
          --pending;
        });
  }
  const absl::Time sent = absl::Now();
  lag.result.qps = static_cast<double>(dataset.patients.size()) /
                   std::max(1e-9, absl::ToDoubleSeconds(sent - start));

  // Every answer, then every alert of an acknowledged session, or the
  // patience runs out.
  const absl::Time give_up = absl::Now() + options.patience + kSetupTimeout;
  auto all_in = [&] {
    if (pending > 0) return false;
    for (const auto& [session, ok_at] : acknowledged) {
      if (!alerted.contains(session)) return false;
    }
    return true;
  };
  {
    absl::MutexLock lock(&mu);
    mu.AwaitWithDeadline(absl::Condition(&all_in), give_up);
  }
  watch_context.TryCancel();
  watcher.join();

  absl::MutexLock lock(&mu);
  lag.result.failed = failed;
  lag.result.first_error = first_error;
  lag.result.succeeded = static_cast<int64_t>(acknowledged.size());
  for (const auto& [session, ok_at] : acknowledged) {
    auto it = alerted.find(session);
    if (it == alerted.end()) {
      ++lag.missing;
      continue;
    }
    lag.result.ms.push_back(absl::ToDoubleMilliseconds(it->second - ok_at));
  }
  std::sort(lag.result.ms.begin(), lag.result.ms.end());
  return lag;
}

}  // namespace glutecare::bench
