// Connections to one PostgreSQL database, each lent to one thread at a time.
//
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool,
//       ConnectionPool::Open({.uri = uri, .size = 8}));
//   GLUTECARE_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool->Acquire());
//   GLUTECARE_ASSIGN_OR_RETURN(Result rows, db->Run(kStatement, params));
//
// What the pool promises:
// - A connection is lent to one Lease at a time, so no two threads ever use
//   one connection together (a Connection is not thread-safe).
// - Bounded: at most `size` connections are open. They are opened as
//   Acquire needs them, and kept.
// - When `size` connections are lent, Acquire waits for a Lease to end, at
//   most `acquire_timeout`.
// - A connection that comes back not reusable() (it broke, or a transaction
//   or pipeline was left open on it) is closed, and a later Acquire opens a
//   new one. One the server closed while it was free fails its next
//   statement UNAVAILABLE, and is then replaced the same way.
//
// Thread-safe.
#ifndef GLUTECARE_SERVER_STORAGE_POSTGRES_CONNECTION_POOL_H_
#define GLUTECARE_SERVER_STORAGE_POSTGRES_CONNECTION_POOL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/postgres/connection.h"

namespace glutecare::postgres {

class ConnectionPool final {
 public:
  struct Options {
    // The libpq connection URI (Connection::Open).
    std::string uri;
    // The most connections open at once; at least 1.
    int size = 8;
    // How long Acquire waits for a connection while all are lent.
    absl::Duration acquire_timeout = absl::Seconds(10);
  };

  // Gives a lent connection back to its pool (GiveBack).
  struct ReturnToPool {
    ConnectionPool* pool;
    void operator()(Connection* connection) const;
  };
  // A connection lent by Acquire, given back when the Lease is destroyed.
  // REQUIRES: destroyed before its pool.
  using Lease = std::unique_ptr<Connection, ReturnToPool>;

  // Opens one connection, so that a bad URI, an unreachable server or
  // refused credentials fail here (Connection::Open's errors).
  // INVALID_ARGUMENT when `size` is below 1.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Open(
      Options options);

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // REQUIRES: no Lease is out.
  ~ConnectionPool() = default;

  // A free connection, or a new one while fewer than `size` are open, lent
  // until the Lease ends. UNAVAILABLE when none came free within
  // `acquire_timeout`; Connection::Open's error when opening one failed.
  absl::StatusOr<Lease> Acquire() ABSL_LOCKS_EXCLUDED(mu_);

  // Connections open now (lent, free or being opened), and lent now (or
  // being opened for a lease): for monitoring and tests.
  int open() const ABSL_LOCKS_EXCLUDED(mu_);
  int lent() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit ConnectionPool(Options options) : options_(std::move(options)) {}
  // Keeps `connection` for the next Acquire if it is reusable(), else
  // closes it.
  void GiveBack(std::unique_ptr<Connection> connection)
      ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;

  mutable absl::Mutex mu_;
  // The connections not lent now.
  std::vector<std::unique_ptr<Connection>> free_ ABSL_GUARDED_BY(mu_);
  // Connections open or being opened, lent or free: at most options_.size.
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace glutecare::postgres

#endif  // GLUTECARE_SERVER_STORAGE_POSTGRES_CONNECTION_POOL_H_
