// Group commit on SQLite's one write connection: writes that arrive while a
// transaction commits wait, and then share the next transaction (one BEGIN
// IMMEDIATE, one COMMIT, one disk sync), so concurrent writers pay for one
// sync between them rather than one each.
//
//   GroupCommit writes(std::move(writer), {.writer = writer_options});
//   absl::Status status = writes.Commit([&](Connection& db) -> absl::Status {
//     GLUTECARE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("INSERT ..."));
//     return stmt.Run();
//   });
//
// What a caller of Commit is promised:
// - OK means committed and, on a durable connection (synchronous=FULL), on
//   disk: the transaction's COMMIT, and with it the sync of the WAL,
//   succeeded.
// - Its write shares a transaction with the writes queued while the one
//   before committed, and with no others. Each runs in a savepoint of its
//   own, in arrival order, and sees what the writes before it in the
//   transaction wrote.
// - A write that fails is rolled back alone, down to its savepoint, and its
//   caller gets its own error; the other writes of the transaction go on.
// - When the whole transaction is lost, every write of it fails, those that
//   had succeeded too, and none is answered OK:
//   * BEGIN failed (another process holds the write lock: UNAVAILABLE);
//   * a write's error made SQLite roll back the transaction (a full disk, an
//     I/O error): UNAVAILABLE;
//   * a savepoint could not be taken, released or rolled back to: its error;
//   * COMMIT failed: its error, to every write that had succeeded.
// - A failed disk sync fails COMMIT: every write of the transaction that had
//   succeeded gets UNAVAILABLE with an unknown outcome (the commit was
//   written to the WAL first and may be on disk). The connection's view of
//   the file can no longer be trusted, so the next transaction first reopens
//   the database (Options::reopen_around). While reopening fails, every
//   write fails UNAVAILABLE, and each later transaction tries again.
//
// Thread-safe: Commit may be called from any number of threads. One of them,
// the leader, runs each transaction; it alone uses the write connection.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_GROUP_COMMIT_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_GROUP_COMMIT_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/storage/sqlite/sqlite.h"

namespace glutecare::sqlite {

class GroupCommit final {
 public:
  struct Options {
    // The write connection's options: how it is opened again after a failed
    // sync.
    Connection::Options writer;
    // Reopens the database after a failed sync: closes every other
    // connection to the file, calls `reopen_writer` (which closes the write
    // connection and opens it again), and opens the others again. The write
    // connection is then the last to close, so SQLite checkpoints what it
    // knows of and, opened again, recovers the database from the file as it
    // is on disk. Empty when the write connection is the only one: then
    // reopening is `reopen_writer` alone.
    absl::AnyInvocable<absl::Status(
        absl::FunctionRef<absl::Status()> reopen_writer)>
        reopen_around;
  };

  // `writer` is the database's one write connection, open.
  GroupCommit(std::unique_ptr<Connection> writer, Options options);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs `write` on the write connection, inside a savepoint of a write
  // transaction, and returns its outcome once that transaction ended (see the
  // contract above): `write`'s error, the transaction's, or OK once
  // committed. Blocks meanwhile; may run the transaction of the writes
  // queued with it on this thread.
  // REQUIRES: `write` does not call Commit.
  absl::Status Commit(absl::FunctionRef<absl::Status(Connection&)> write)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Writes waiting for the next transaction, for monitoring and tests.
  int queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // One caller's write, queued.
  struct PendingWrite {
    absl::FunctionRef<absl::Status(Connection&)> run;
    // The outcome once `done`: run's error, the transaction's, or OK.
    absl::Status status;
    bool done = false;
  };

  // Runs `batch` as RunTransaction does, after reopening the database when
  // `reopen`; while reopening fails, every write of the batch fails
  // UNAVAILABLE. Returns whether the database must be reopened before the
  // next batch: after a failed sync, or a failed reopen.
  // REQUIRES: the caller is the leader.
  bool RunBatch(const std::vector<PendingWrite*>& batch, bool reopen);
  // Runs `batch` in one write transaction on writer_, a savepoint per write,
  // and sets each write's status. REQUIRES: the caller is the leader.
  void RunTransaction(const std::vector<PendingWrite*>& batch);
  // Closes every connection and opens the database again (see
  // Options::reopen_around). REQUIRES: the caller is the leader.
  absl::Status Reopen();

  Options options_;

  mutable absl::Mutex mu_;
  // Writes waiting for the next transaction, in arrival order.
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(mu_);
  // A leader is running a transaction; only it uses or replaces writer_.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // A sync failed (or reopening after one did): the next leader reopens the
  // database before it writes anything.
  bool reopen_needed_ ABSL_GUARDED_BY(mu_) = false;
  // Used by the leader only. Null only after a reopen that failed.
  std::unique_ptr<Connection> writer_;
};

}  // namespace glutecare::sqlite

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_GROUP_COMMIT_H_
