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

namespace glutecare {
namespace {


// Alerts a watcher reads from the store at a time: its memory bound.
constexpr int kWatchBatch = 64;

// A stream that fails before it starts.
class FailedWriter final : public grpc::ServerWriteReactor<v1::Alert> {
 public:
  explicit FailedWriter(const absl::Status& status) {
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

// One WatchAlerts stream. It first passes the gate on the executor (the
// token is checked in the store), then reads alerts after the last sequence
// it sent from the store, a batch at a time, and writes them one by one; a
// signal from the hub only marks it dirty. So it never holds more than one
// batch, however slow the client, and misses nothing, however many alerts
// arrive meanwhile. It holds its caller's in-flight slot while it lives, and
// its outcome goes to the audit trail when it finishes.
//
// Lifetime: deletes itself once gRPC is done with it (OnDone) and no task it
// scheduled on the executor is still running.
class AlertWatcher final : public grpc::ServerWriteReactor<v1::Alert>,
                           public AlertListener {
 public:
  AlertWatcher(Store& store, CallRunner& calls, AlertHub& hub,
               WatchCounters& counters, Gate::Ticket ticket,
               const v1::WatchAlertsRequest& request)
      : store_(store),
        calls_(calls),
        hub_(hub),
        counters_(counters),
        ticket_(std::move(ticket)),
        request_(request),
        last_sequence_(request.after_sequence()) {
    counters_.streams.fetch_add(1);
  }

  ~AlertWatcher() override {
    counters_.streams.fetch_sub(1);
    counters_.alerts_held.fetch_sub(static_cast<int64_t>(batch_.size()));
  }

  void Start() {
    absl::MutexLock lock(&mu_);
    fetching_ = true;
    absl::Status queued = calls_.executor().Submit([this] { Admit(); });
    if (!queued.ok()) {
      fetching_ = false;
      FinishLocked(queued);
    }
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

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::CancelledError("the client went away"));
      return;
    }
    last_sequence_ = batch_.front().sequence();
    batch_.pop_front();
    counters_.alerts_held.fetch_sub(1);
    counters_.alerts_sent.fetch_add(1);
    WriteNextLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::CancelledError("the call was cancelled"));
  }

  void OnDone() override {
    bool subscribed;
    bool delete_now;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      subscribed = subscribed_;
      delete_now = !fetching_;
    }
    if (subscribed) hub_.Unsubscribe(clinic_.ToString(), this);
    if (delete_now) delete this;
  }

 private:
  // On the executor: the gate, then the request's own checks, then the
  // subscription and the first read. `fetching_` stays set until the
  // subscription is recorded, so OnDone leaves the deleting to this.
  void Admit() {
    Gate::Admission admission = calls_.gate().Admit(ticket_, request_);
    absl::Status status = admission.status;
    if (status.ok()) status = ParseRequest();
    bool subscribe = false;
    {
      absl::MutexLock lock(&mu_);
      admission_ = std::move(admission);
      if (done_) {
        fetching_ = false;
      } else if (!status.ok()) {
        fetching_ = false;
        FinishLocked(status);
        return;
      } else if (finished_) {
        fetching_ = false;
        return;
      } else {
        // Headers go out at once, so the client knows the watch is live
        // before the first alert.
        StartSendInitialMetadata();
        subscribe = true;
      }
    }
    if (!subscribe) {  // gRPC is done with the call already
      delete this;
      return;
    }
    // Not under mu_: the hub calls OnNewAlerts with its own lock held.
    const bool subscribed = hub_.Subscribe(clinic_.ToString(), this);
    bool delete_now = false;
    {
      absl::MutexLock lock(&mu_);
      fetching_ = false;
      subscribed_ = subscribed;
      if (done_) {
        delete_now = true;
      } else if (!subscribed) {
        FinishLocked(absl::UnavailableError("the server is shutting down"));
      } else {
        MaybeFetchLocked();
      }
    }
    if (delete_now) {
      if (subscribed) hub_.Unsubscribe(clinic_.ToString(), this);
      delete this;
    }
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

  void MaybeFetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (fetching_ || writing_ || finished_ || !dirty_ || !batch_.empty()) {
      return;
    }
    dirty_ = false;
    fetching_ = true;
    absl::Status queued = calls_.executor().Submit([this] { Fetch(); });
    if (!queued.ok()) {
      fetching_ = false;
      FinishLocked(queued);
    }
  }

  void Fetch() {
    absl::StatusOr<std::vector<v1::Alert>> alerts;
    int64_t after;
    {
      absl::MutexLock lock(&mu_);
      after = last_sequence_;
    }
    alerts = store_.ListAlertsAfter(clinic_, therapist_, after, kWatchBatch);
    bool delete_now = false;
    {
      absl::MutexLock lock(&mu_);
      fetching_ = false;
      if (done_) {
        delete_now = true;
      } else if (!alerts.ok()) {
        FinishLocked(alerts.status());
      } else if (!finished_) {
        // A full batch means there may be more behind it.
        if (static_cast<int>(alerts->size()) == kWatchBatch) dirty_ = true;
        for (v1::Alert& alert : *alerts) batch_.push_back(std::move(alert));
        NoteHeldLocked(static_cast<int64_t>(alerts->size()));
        WriteNextLocked();
      }
    }
    if (delete_now) delete this;
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
    if (finished_) return;
    if (batch_.empty()) {
      MaybeFetchLocked();
      return;
    }
    writing_ = true;
    StartWrite(&batch_.front());
  }

  void FinishLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    grpc::Status result = ToGrpcStatus(status);
    calls_.gate().Audit(ticket_, admission_, result.error_code());
    Finish(result);
  }

  Store& store_;
  CallRunner& calls_;
  AlertHub& hub_;
  WatchCounters& counters_;
  const Gate::Ticket ticket_;
  const v1::WatchAlertsRequest request_;
  // Set by Admit before anything reads them.
  ClinicName clinic_;
  std::optional<TherapistName> therapist_;

  absl::Mutex mu_;
  bool subscribed_ ABSL_GUARDED_BY(mu_) = false;
  Gate::Admission admission_ ABSL_GUARDED_BY(mu_);
  int64_t last_sequence_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::Alert> batch_ ABSL_GUARDED_BY(mu_);
  // Starts dirty: the first read replays everything after the start.
  bool dirty_ ABSL_GUARDED_BY(mu_) = true;
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
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
  absl::StatusOr<Gate::Ticket> ticket = calls_.gate().Arrive(*context);
  if (!ticket.ok()) return new FailedWriter(ticket.status());
  auto* watcher = new AlertWatcher(store_, calls_, hub_, watch_counters_,
                                   *std::move(ticket), *request);
  watcher->Start();
  return watcher;
}

WatchStats AlertServiceImpl::watch_stats() const {
  return {.streams = watch_counters_.streams.load(),
          .alerts_held = watch_counters_.alerts_held.load(),
          .max_alerts_held_by_a_stream =
              watch_counters_.max_alerts_held_by_a_stream.load(),
          .alerts_sent = watch_counters_.alerts_sent.load()};
}

}  // namespace glutecare
