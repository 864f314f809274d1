#include "server/app/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/common/log.h"

namespace glutecare {
namespace {

// A batch is written once it has this many events, or this long after its
// first one arrived, whichever comes first.
constexpr size_t kBatchSize = 512;
constexpr absl::Duration kBatchDelay = absl::Milliseconds(10);

}  // namespace

AuditLog::AuditLog(Store& store, const Options& options)
    : store_(store), max_queued_(options.max_queued) {
  writer_ = std::thread([this] { WriterLoop(); });
}

AuditLog::~AuditLog() { Stop(); }

void AuditLog::Record(AuditRecord record) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopped_) {
      mu_.Await(absl::Condition(
          +[](AuditLog* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->queue_.size() < self->max_queued_ || self->stopped_;
          },
          this));
    }
    if (!stopped_) {
      queue_.push_back(std::move(record));
      ++recorded_;
      return;
    }
  }
  // After Stop (a call that outlived the shutdown): write it here.
  std::vector<AuditRecord> single;
  single.push_back(std::move(record));
  Write(std::move(single));
}

absl::Status AuditLog::Flush() {
  absl::MutexLock lock(&mu_);
  flush_requested_ = true;
  struct Wait {
    AuditLog* self;
    int64_t recorded;
    int64_t attempts;
  } wait{this, recorded_, attempts_};
  // Done, or the writer tried again after this request and failed.
  mu_.Await(absl::Condition(
      +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return w->self->done_ >= w->recorded || w->self->stopped_ ||
               (w->self->attempts_ > w->attempts &&
                !w->self->last_failure_.ok());
      },
      &wait));
  if (done_ >= wait.recorded || stopped_) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "the newest audit events cannot be stored right now (",
      last_failure_.message(), "); they are kept and written once storage "
      "accepts them"));
}

void AuditLog::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  writer_.join();
}

void AuditLog::WriterLoop() {
  while (true) {
    std::vector<AuditRecord> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](AuditLog* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return !self->queue_.empty() || self->stopping_;
          },
          this));
      if (queue_.empty()) {
        stopped_ = true;
        return;
      }
      // Let a batch gather for a moment: one commit (and disk sync) then
      // serves a burst of calls instead of each call alone.
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](AuditLog* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
                return self->queue_.size() >= kBatchSize || self->stopping_ ||
                       self->flush_requested_;
              },
              this),
          kBatchDelay);
      flush_requested_ = false;
      batch.swap(queue_);
    }
    const int64_t count = static_cast<int64_t>(batch.size());
    Write(std::move(batch));
    absl::MutexLock lock(&mu_);
    done_ += count;
  }
}

void AuditLog::Write(std::vector<AuditRecord> batch) {
  absl::Duration backoff = absl::Milliseconds(10);
  while (true) {
    absl::Status status = store_.AppendAuditEvents(batch);
    absl::MutexLock lock(&mu_);
    ++attempts_;
    if (status.ok()) {
      last_failure_ = absl::OkStatus();
      return;
    }
    last_failure_ = status;
    if (!absl::IsUnavailable(status)) {
      Log(LogSeverity::kError,
          absl::StrCat("audit trail: ", batch.size(),
                       " events could not be written: ", status.ToString()));
      return;
    }
    // Full disk or a busy database: keep the events and try again, unless
    // the server is stopping; a Flush asks for the next try at once.
    if (stopping_) {
      Log(LogSeverity::kError,
          absl::StrCat("audit trail: ", batch.size(),
                       " events lost at shutdown: ", status.ToString()));
      return;
    }
    Log(LogSeverity::kWarning,
        absl::StrCat("audit trail: storage unavailable, retrying ",
                     batch.size(), " events: ", status.ToString()));
    mu_.AwaitWithTimeout(
        absl::Condition(
            +[](AuditLog* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
              return self->stopping_ || self->flush_requested_;
            },
            this),
        backoff);
    flush_requested_ = false;
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
}

}  // namespace glutecare
