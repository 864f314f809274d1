// The writer of the audit trail. Calls hand their events to Record, which
// only queues them; one thread appends what has queued, gathering for up to
// 10 ms (or 512 events), in one transaction, so auditing every read costs the
// reads no disk sync of their own (a burst of N calls costs one commit, not
// N).
//
// The price: an event is durable shortly after its call was answered (10 ms
// plus one commit later), so a crash of the server can lose the events of
// the calls answered in the last moments before it. ListAuditEvents calls Flush
// first, so the trail an admin reads includes every call answered before.
//
//   AuditLog audit(store);
//   audit.Record({.clinic = clinic, .event = event});
//   GLUTECARE_RETURN_IF_ERROR(audit.Flush());  // all recorded so far written
#ifndef GLUTECARE_SERVER_APP_AUDIT_LOG_H_
#define GLUTECARE_SERVER_APP_AUDIT_LOG_H_

#include <cstdint>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/storage/store.h"

namespace glutecare {

// Thread-safe.
class AuditLog final {
 public:
  struct Options {
    // Events that may wait to be written; Record blocks beyond it, so a
    // failing disk slows calls down rather than dropping their audit.
    size_t max_queued = 50'000;
  };

  AuditLog(Store& store, const Options& options);
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  // Writes what is queued and stops (see Stop).
  ~AuditLog();

  // Queues `record` to be appended.
  void Record(AuditRecord record);

  // Waits until every event recorded before the call has been written (or
  // given up on, see Stop). UNAVAILABLE, without waiting for the disk to
  // recover, if storage refuses the pending events (a full or read-only
  // disk): they stay queued and are written once it accepts them again.
  absl::Status Flush();

  // Writes everything queued, then stops the writer; later Records are
  // written by the caller's thread at once. Idempotent.
  void Stop();

 private:
  void WriterLoop();
  // Appends `batch`, retrying while storage is unavailable (until Stop).
  void Write(std::vector<AuditRecord> batch);

  Store& store_;
  const size_t max_queued_;
  absl::Mutex mu_;
  std::vector<AuditRecord> queue_ ABSL_GUARDED_BY(mu_);
  // Events recorded, and events written or given up on, since the start.
  int64_t recorded_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t done_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Flush is waiting: write what is queued without gathering more, or retry
  // a failing write now.
  bool flush_requested_ ABSL_GUARDED_BY(mu_) = false;
  // Completed attempts to write a batch, and why the last failed (OK after a
  // success).
  int64_t attempts_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status last_failure_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_AUDIT_LOG_H_
