#include "server/storage/sqlite/group_commit.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/common/log.h"

namespace glutecare::sqlite {

GroupCommit::GroupCommit(std::unique_ptr<Connection> writer, Options options)
    : options_(std::move(options)), writer_(std::move(writer)) {}

int GroupCommit::queued() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

absl::Status GroupCommit::Commit(
    absl::FunctionRef<absl::Status(Connection&)> write) {
  PendingWrite pending{.run = write};
  absl::MutexLock lock(&mu_);
  queue_.push_back(&pending);
  struct Wait {
    GroupCommit* commit;
    PendingWrite* write;
  } wait{this, &pending};
  while (!pending.done) {
    if (writing_) {
      mu_.Await(absl::Condition(
          +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return w->write->done || !w->commit->writing_;
          },
          &wait));
      continue;
    }
    // The leader: this write is in the batch it takes.
    writing_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(queue_);
    const bool reopen = reopen_needed_;
    mu_.Unlock();
    const bool reopen_next = RunBatch(batch, reopen);
    mu_.Lock();
    reopen_needed_ = reopen_next;
    for (PendingWrite* done : batch) done->done = true;
    writing_ = false;
  }
  return pending.status;
}

bool GroupCommit::RunBatch(const std::vector<PendingWrite*>& batch,
                           bool reopen) {
  if (reopen) {
    if (absl::Status reopened = Reopen(); !reopened.ok()) {
      Log(LogSeverity::kError,
          absl::StrCat("reopening the database after a failed disk sync "
                       "failed (",
                       reopened.ToString(),
                       "); writes are refused until it succeeds"));
      const absl::Status refused = absl::UnavailableError(absl::StrCat(
          "writes are refused until the database has been reopened after a "
          "failed disk sync, and reopening it failed (",
          reopened.message(), "): retry shortly"));
      for (PendingWrite* write : batch) write->status = refused;
      return true;
    }
    Log(LogSeverity::kWarning,
        "reopened the database after a failed disk sync: SQLite recovered it "
        "from the file as it is on disk; writes go on");
  }
  RunTransaction(batch);
  if (!writer_->sync_failed()) return false;
  Log(LogSeverity::kError,
      absl::StrCat("a disk sync failed while committing ", batch.size(),
                   " write(s): they were answered UNAVAILABLE, though they "
                   "may be on disk (the outcome is unknown); writes are "
                   "refused until the database has been closed and opened "
                   "again"));
  return true;
}

absl::Status GroupCommit::Reopen() {
  auto reopen_writer = [this]() -> absl::Status {
    writer_.reset();
    GLUTECARE_ASSIGN_OR_RETURN(writer_, Connection::Open(options_.writer));
    return absl::OkStatus();
  };
  if (!options_.reopen_around) return reopen_writer();
  return options_.reopen_around(reopen_writer);
}

void GroupCommit::RunTransaction(const std::vector<PendingWrite*>& batch) {
  Connection& db = *writer_;
  auto fail_all = [&](const absl::Status& status) {
    for (PendingWrite* write : batch) write->status = status;
  };
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(db, Transaction::Mode::kWrite);
  if (!txn.ok()) return fail_all(txn.status());
  for (PendingWrite* write : batch) {
    if (absl::Status status = db.Exec("SAVEPOINT w"); !status.ok()) {
      return fail_all(status);
    }
    write->status = write->run(db);
    if (write->status.ok()) {
      if (absl::Status status = db.Exec("RELEASE w"); !status.ok()) {
        return fail_all(status);
      }
      continue;
    }
    // Some errors (a full disk, an I/O error) make SQLite roll back the
    // whole transaction: then every write of the batch is lost, and none
    // may be answered OK.
    if (sqlite3_get_autocommit(db.raw())) {
      const absl::Status lost = write->status;
      return fail_all(absl::IsUnavailable(lost)
                          ? lost
                          : absl::UnavailableError(absl::StrCat(
                                "the write transaction was rolled back: ",
                                lost.message())));
    }
    absl::Status undone = db.Exec("ROLLBACK TO w");
    if (undone.ok()) undone = db.Exec("RELEASE w");
    if (!undone.ok()) return fail_all(undone);
  }
  if (absl::Status committed = txn->Commit(); !committed.ok()) {
    for (PendingWrite* write : batch) {
      if (write->status.ok()) write->status = committed;
    }
  }
}

}  // namespace glutecare::sqlite
