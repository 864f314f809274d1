// A fixed set of connections to one database, lent to one thread at a time:
// the SQLite store's read connections. In WAL mode each connection's read
// transaction sees a snapshot of its own, so reads run in parallel with each
// other and with the one writer.
//
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool,
//                              ConnectionPool::Open(reader_options, 4));
//   GLUTECARE_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool->Acquire());
//   GLUTECARE_ASSIGN_OR_RETURN(Statement stmt, db->Prepare("SELECT ..."));
//
// What the pool promises:
// - A connection is lent to one Lease at a time, so no two threads ever use
//   one connection together (a Connection is not thread-safe).
// - Bounded: exactly `size` connections are open, however many threads ask.
// - When every connection is lent, Acquire waits until a Lease ends; it
//   does not time out, so a lease must last no longer than the work it is
//   taken for.
// - Reopen closes them all and opens them again; Acquire waits while it
//   runs. After a Reopen that failed the pool is closed: Acquire fails
//   UNAVAILABLE at once until a later Reopen succeeds.
//
// Thread-safe.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_CONNECTION_POOL_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_CONNECTION_POOL_H_

#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/sqlite/sqlite.h"

namespace glutecare::sqlite {

class ConnectionPool final {
 public:
  // A connection lent by Acquire, given back when the Lease is destroyed.
  // Move-only. REQUIRES: destroyed before its pool.
  class Lease final {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, Connection* connection)
        : pool_(pool), connection_(connection) {}

    ConnectionPool* pool_;
    Connection* connection_;  // null once moved from
  };

  // Opens `size` connections with `options`. INVALID_ARGUMENT when `size` is
  // below 1; the error of opening a connection.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Open(
      const Connection::Options& options, int size);

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // REQUIRES: no Lease is out.
  ~ConnectionPool() = default;

  // A free connection, lent until the Lease ends. Waits while every
  // connection is lent or a Reopen runs; UNAVAILABLE when the pool is closed
  // (the last Reopen failed).
  absl::StatusOr<Lease> Acquire() ABSL_LOCKS_EXCLUDED(mu_);

  // Closes every connection, runs `while_closed`, and then, if it succeeded,
  // opens `size` connections again. First waits at most `wait` for the
  // leases out to end: UNAVAILABLE if they did not (then nothing was closed
  // and `while_closed` did not run). Otherwise `while_closed`'s error or the
  // error of opening a connection leave the pool closed. One Reopen runs at
  // a time; a second waits for the first to end.
  // REQUIRES: not called by a thread that holds a Lease of this pool.
  absl::Status Reopen(absl::Duration wait,
                      absl::FunctionRef<absl::Status()> while_closed)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Connections lent now, and threads waiting in Acquire: for monitoring
  // and tests.
  int lent() const ABSL_LOCKS_EXCLUDED(mu_);
  int waiting() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  ConnectionPool(Connection::Options options, int size)
      : options_(std::move(options)), size_(size) {}
  // Opens size_ connections and makes them free. REQUIRES: the pool is
  // closed.
  absl::Status OpenConnections() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void GiveBack(Connection* connection) ABSL_LOCKS_EXCLUDED(mu_);

  const Connection::Options options_;
  const int size_;

  mutable absl::Mutex mu_;
  // Empty only while closed: after a Reopen that failed.
  std::vector<std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
  // The connections not lent now.
  std::vector<Connection*> free_ ABSL_GUARDED_BY(mu_);
  // Reopen is waiting for the leases or replacing the connections: Acquire
  // waits.
  bool reopening_ ABSL_GUARDED_BY(mu_) = false;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace glutecare::sqlite

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_CONNECTION_POOL_H_
