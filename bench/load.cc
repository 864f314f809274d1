#include "bench/load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace glutecare::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One phase in progress. Each slot keeps one call outstanding; a slot's
// state is touched only by its own chain of calls (a call's callback starts
// the next), so it needs no lock.
class Phase final {
 public:
  Phase(const std::vector<CallKind>& kinds, const LoadOptions& options)
      : kinds_(kinds), options_(options), slots_(options.inflight) {
    for (const CallKind& kind : kinds_) {
      total_weight_ += kind.weight;
    }
    for (Slot& slot : slots_) {
      slot.kinds.resize(kinds_.size());
    }
  }

  // Starts every slot and returns when each has stopped: after the
  // deadline, once its last call ended.
  void Run() {
    const Clock::time_point now = Clock::now();
    measure_start_ = now + absl::ToChronoNanoseconds(options_.warmup);
    deadline_ = measure_start_ + absl::ToChronoNanoseconds(options_.duration);
    running_ = static_cast<int>(slots_.size());
    for (Slot& slot : slots_) StartCall(slot);
    // Every call has a deadline, so this ends.
    stopped_.WaitForNotification();
  }

  // Merges the slots' figures. REQUIRES: Run() returned.
  std::vector<KindResult> Results() const {
    std::vector<KindResult> results(kinds_.size());
    const double seconds = absl::ToDoubleSeconds(options_.duration);
    for (size_t k = 0; k < kinds_.size(); ++k) {
      KindResult& result = results[k];
      result.name = kinds_[k].name;
      for (const Slot& slot : slots_) {
        const SlotKind& figures = slot.kinds[k];
        result.ms.insert(result.ms.end(), figures.ms.begin(), figures.ms.end());
        result.succeeded += figures.succeeded;
        result.failed += figures.failed;
        if (result.first_error.empty())
          result.first_error = figures.first_error;
      }
      std::sort(result.ms.begin(), result.ms.end());
      result.qps = result.ms.size() / seconds;
    }
    return results;
  }

 private:
  struct SlotKind {
    std::vector<double> ms;
    int64_t succeeded = 0;
    int64_t failed = 0;
    std::string first_error;
  };
  struct Slot {
    absl::BitGen random;
    std::unique_ptr<grpc::ClientContext> context;
    // The context of the call before, whose callback is running or has
    // run: freed when the next call starts, never inside its own callback.
    std::unique_ptr<grpc::ClientContext> previous;
    std::vector<SlotKind> kinds;
  };

  void StartCall(Slot& slot) {
    int pick = absl::Uniform(slot.random, 0, total_weight_);
    size_t kind = 0;
    while (pick >= kinds_[kind].weight) {
      pick -= kinds_[kind].weight;
      ++kind;
    }
    slot.previous = std::move(slot.context);
    slot.context = std::make_unique<grpc::ClientContext>();
    slot.context->set_deadline(
        std::chrono::system_clock::now() +
        absl::ToChronoNanoseconds(options_.call_timeout));
    const Clock::time_point start = Clock::now();
    kinds_[kind].start(slot.context.get(), slot.random,
                       [this, &slot, kind, start](const grpc::Status& status) {
                         Finished(slot, kind, start, status);
                       });
  }

  void Finished(Slot& slot, size_t kind, Clock::time_point start,
                const grpc::Status& status) {
    const Clock::time_point end = Clock::now();
    SlotKind& figures = slot.kinds[kind];
    if (status.ok()) {
      ++figures.succeeded;
      if (end >= measure_start_ && end <= deadline_) {
        figures.ms.push_back(
            std::chrono::duration<double, std::milli>(end - start).count());
      }
    } else {
      if (figures.failed++ == 0) {
        figures.first_error =
            std::to_string(status.error_code()) + " " + status.error_message();
      }
    }
    if (end < deadline_) {
      StartCall(slot);
      return;
    }
    if (running_.fetch_sub(1) == 1) stopped_.Notify();
  }

  const std::vector<CallKind>& kinds_;
  const LoadOptions options_;
  int total_weight_ = 0;
  std::vector<Slot> slots_;
  Clock::time_point measure_start_;
  Clock::time_point deadline_;
  std::atomic<int> running_ = 0;  // slots not yet stopped
  absl::Notification stopped_;    // when running_ reaches 0
};

}  // namespace

double Percentile(const std::vector<double>& ms, double p) {
  if (ms.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * ms.size()));
  return ms[std::clamp<size_t>(rank, 1, ms.size()) - 1];
}

double KindResult::Percentile(double p) const {
  return bench::Percentile(ms, p);
}

double PhaseResult::qps() const {
  double sum = 0;
  for (const KindResult& kind : kinds) sum += kind.qps;
  return sum;
}

int64_t PhaseResult::failed() const {
  int64_t sum = 0;
  for (const KindResult& kind : kinds) sum += kind.failed;
  return sum;
}

std::vector<double> PhaseResult::AllMs() const {
  std::vector<double> all;
  for (const KindResult& kind : kinds) {
    all.insert(all.end(), kind.ms.begin(), kind.ms.end());
  }
  std::sort(all.begin(), all.end());
  return all;
}

PhaseResult RunPhase(const std::string& name,
                     const std::vector<CallKind>& kinds,
                     const LoadOptions& options) {
  Phase phase(kinds, options);
  phase.Run();
  return {.name = name,
          .measured_seconds = absl::ToDoubleSeconds(options.duration),
          .kinds = phase.Results()};
}

}  // namespace glutecare::bench
