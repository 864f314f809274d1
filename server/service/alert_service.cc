#include "server/service/alert_service.h"

#include <deque>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/references.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/standard_methods.h"
#include "server/service/server_stream.h"

namespace glutecare {
namespace {

// Alerts a watcher reads from the store at a time: its memory bound.
constexpr int kWatchBatch = 64;

// One WatchAlerts stream. Once the gate has admitted it (ServerStream), it
// reads alerts after the last sequence it sent from the store, a batch at a
// time, and writes them one by one; a signal from the hub only marks it
// dirty. So it never holds more than one batch, however slow the client, and
// misses nothing, however many alerts arrive meanwhile. It holds its
// caller's in-flight slot while it lives, and its outcome goes to the audit
// trail when it finishes.
class AlertWatcher final : public ServerStream<v1::Alert>,
                           public AlertListener {
 public:
  AlertWatcher(CallRunner& calls, Gate::Ticket ticket, Store& store,
               AlertHub& hub, WatchCounters& counters,
               const v1::WatchAlertsRequest& request)
      : ServerStream(calls, std::move(ticket)),
        store_(store),
        hub_(hub),
        counters_(counters),
        request_(request),
        last_sequence_(request.after_sequence()) {
    counters_.streams.fetch_add(1);
  }

  // After Unsubscribe returns the hub calls no more: the stream is finished
  // already, so a signal that comes meanwhile starts nothing.
  ~AlertWatcher() override {
    bool subscribed;
    {
      absl::MutexLock lock(&mu_);
      subscribed = subscribed_;
    }
    if (subscribed) hub_.Unsubscribe(clinic_.ToString(), this);
    counters_.streams.fetch_sub(1);
    counters_.alerts_held.fetch_sub(static_cast<int64_t>(batch_.size()));
  }

  void OnNewAlerts() override {
    absl::MutexLock lock(&mu_);
    dirty_ = true;
    MaybeFetchLocked();
  }

  void OnHubClosed() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::UnavailableError("the server is shutting down"));
  }

 private:
  const google::protobuf::Message& request() const override {
    return request_;
  }

  // On the executor: the request's own checks, then the subscription and
  // the first read.
  absl::Status Open(const Principal&) override {
    GLUTECARE_RETURN_IF_ERROR(ParseRequest());
    {
      absl::MutexLock lock(&mu_);
      if (finished()) return absl::OkStatus();
      // Headers go out at once, so the client knows the watch is live
      // before the first alert.
      StartSendInitialMetadata();
    }
    // Not under mu_: the hub calls OnNewAlerts with its own lock held.
    const bool subscribed = hub_.Subscribe(clinic_.ToString(), this);
    absl::MutexLock lock(&mu_);
    subscribed_ = subscribed;
    if (!subscribed) {
      return absl::UnavailableError("the server is shutting down");
    }
    MaybeFetchLocked();
    return absl::OkStatus();
  }

  absl::Status ParseRequest() {
    GLUTECARE_ASSIGN_OR_RETURN(clinic_,
                               ClinicName::Parse(request_.parent(), "parent"));
    GLUTECARE_ASSIGN_OR_RETURN(
        therapist_,
        ParseTherapistFilter(request_.therapist(), clinic_, "therapist"));
    if (request_.after_sequence() < 0) {
      return InvalidFieldError("after_sequence", "must not be negative");
    }
    return absl::OkStatus();
  }

  void WriteDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) override {
    writing_ = false;
    last_sequence_ = batch_.front().sequence();
    batch_.pop_front();
    counters_.alerts_held.fetch_sub(1);
    counters_.alerts_sent.fetch_add(1);
    WriteNextLocked();
  }

  void MaybeFetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (fetching_ || writing_ || finished() || !dirty_ || !batch_.empty()) {
      return;
    }
    dirty_ = false;
    fetching_ = true;
    RunLocked([this] { Fetch(); });
  }

  // On the executor: the next batch from the store.
  void Fetch() {
    int64_t after;
    {
      absl::MutexLock lock(&mu_);
      after = last_sequence_;
    }
    absl::StatusOr<std::vector<v1::Alert>> alerts =
        store_.ListAlertsAfter(clinic_, therapist_, after, kWatchBatch);
    absl::MutexLock lock(&mu_);
    fetching_ = false;
    if (finished()) return;
    if (!alerts.ok()) {
      FinishLocked(alerts.status());
      return;
    }
    // A full batch means there may be more behind it.
    if (static_cast<int>(alerts->size()) == kWatchBatch) dirty_ = true;
    for (v1::Alert& alert : *alerts) batch_.push_back(std::move(alert));
    NoteHeldLocked(static_cast<int64_t>(alerts->size()));
    WriteNextLocked();
  }

  // `added` alerts joined the batch.
  void NoteHeldLocked(int64_t added) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    counters_.alerts_held.fetch_add(added);
    const auto held = static_cast<int64_t>(batch_.size());
    int64_t max = counters_.max_alerts_held_by_a_stream.load();
    while (held > max &&
           !counters_.max_alerts_held_by_a_stream.compare_exchange_weak(max,
                                                                        held)) {
    }
  }

  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished()) return;
    if (batch_.empty()) {
      MaybeFetchLocked();
      return;
    }
    writing_ = true;
    StartWrite(&batch_.front());
  }

  Store& store_;
  AlertHub& hub_;
  WatchCounters& counters_;
  const v1::WatchAlertsRequest request_;
  // Set by Open before anything reads them.
  ClinicName clinic_;
  std::optional<TherapistName> therapist_;

  bool subscribed_ ABSL_GUARDED_BY(mu_) = false;
  int64_t last_sequence_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::Alert> batch_ ABSL_GUARDED_BY(mu_);
  // Starts dirty: the first read replays everything after the start.
  bool dirty_ ABSL_GUARDED_BY(mu_) = true;
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerUnaryReactor* AlertServiceImpl::ListAlerts(
    grpc::CallbackServerContext* context, const v1::ListAlertsRequest* request,
    v1::ListAlertsResponse* response) {
  return calls_.Run(context, *request, [=, this]() -> absl::Status {
    // What the monitor derives includes every write answered before.
    monitor_.Flush();
    AlertFilter filter;
    // `clinics/{clinic}/patients/-` lists the whole clinic (AIP-159).
    if (absl::EndsWith(request->parent(), "/patients/-")) {
      const std::string clinic = request->parent().substr(
          0, request->parent().size() - std::string("/patients/-").size());
      GLUTECARE_ASSIGN_OR_RETURN(filter.clinic,
                                 ClinicName::Parse(clinic, "parent"));
    } else {
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName patient, PatientName::Parse(request->parent(), "parent"));
      filter.clinic = patient.parent();
      filter.patient = std::move(patient);
    }
    GLUTECARE_ASSIGN_OR_RETURN(
        filter.therapist,
        ParseTherapistFilter(request->therapist(), filter.clinic, "therapist"));
    GLUTECARE_RETURN_IF_ERROR(
        CheckEnumFilter(request->state(), v1::AlertState_IsValid, "state"));
    filter.state = request->state();
    return ListInto(
        request->page_size(), request->page_token(),
        [&](const PageRequest& page) {
          return store_.ListAlerts(filter, page);
        },
        response->mutable_alerts(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* AlertServiceImpl::AcknowledgeAlert(
    grpc::CallbackServerContext* context,
    const v1::AcknowledgeAlertRequest* request, v1::Alert* response) {
  return SetState(context, *request, request->name(),
                  v1::ALERT_STATE_ACKNOWLEDGED, response);
}

grpc::ServerUnaryReactor* AlertServiceImpl::ResolveAlert(
    grpc::CallbackServerContext* context,
    const v1::ResolveAlertRequest* request, v1::Alert* response) {
  return SetState(context, *request, request->name(), v1::ALERT_STATE_RESOLVED,
                  response);
}

grpc::ServerUnaryReactor* AlertServiceImpl::SetState(
    grpc::CallbackServerContext* context,
    const google::protobuf::Message& request, const std::string& alert,
    v1::AlertState state, v1::Alert* response) {
  return calls_.Run(context, request, [=, &alert, this]() -> absl::Status {
    // What the monitor derives includes every write answered before.
    monitor_.Flush();
    GLUTECARE_ASSIGN_OR_RETURN(AlertName name, AlertName::Parse(alert, "name"));
    GLUTECARE_ASSIGN_OR_RETURN(
        *response,
        store_.SetAlertState(name, state, NowTimestamp()));
    // The dashboard counts unresolved alerts.
    monitor_.Schedule(name.parent());
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::Alert>* AlertServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* context,
    const v1::WatchAlertsRequest* request) {
  return StartServerStream<AlertWatcher>(calls_, context, store_, hub_,
                                       watch_counters_, *request);
}

WatchStats AlertServiceImpl::watch_stats() const {
  return {.streams = watch_counters_.streams.load(),
          .alerts_held = watch_counters_.alerts_held.load(),
          .max_alerts_held_by_a_stream =
              watch_counters_.max_alerts_held_by_a_stream.load(),
          .alerts_sent = watch_counters_.alerts_sent.load()};
}

}  // namespace glutecare
