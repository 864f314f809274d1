// The SQLite implementation of Store: one file, WAL mode, synchronous=FULL.
//
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
//                              OpenSqliteStore({.path = "data/glutecare.db"}));
//
// How it gives the guarantees of the Store contract (store.h):
// - Durability: every write reaches the database through one write
//   connection with synchronous=FULL, so each COMMIT syncs the WAL, and a
//   write returns OK only once its transaction's COMMIT succeeded
//   (group_commit.h). A failed sync answers UNAVAILABLE, outcome unknown,
//   and the database is closed and opened again before the next write.
//   SqliteStoreOptions::durable = false gives this up, for benchmarks only.
// - Atomicity: a write method runs in a savepoint of its own inside a write
//   transaction that it may share with other writes (group commit): what it
//   writes commits with that transaction or not at all, and when the method
//   fails, its savepoint is rolled back alone.
// - Isolation of writes: serializable. Write transactions begin IMMEDIATE,
//   taking SQLite's one write lock before they read anything and holding it
//   until they commit, and the writes of a transaction run one after another
//   on one thread: each write method runs alone. Another process holding the
//   lock makes writes wait busy_timeout, then fail UNAVAILABLE.
// - Isolation of reads: a read method runs in one read transaction on a
//   connection of its own from a pool (connection_pool.h). In WAL mode that
//   is one snapshot, taken at its first statement, of every transaction
//   committed by then: so it includes every write that returned OK before
//   the read began. Reads and the writer do not wait for each other (except
//   while the database is reopened after a failed sync).
// - Alert stream order: an alert's sequence is its AUTOINCREMENT pk,
//   assigned under the write lock, so sequences increase in commit order.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/store.h"

namespace glutecare {

struct SqliteStoreOptions {
  // The database file. Created, with its schema, when missing; migrated to
  // this build's schema when older.
  std::string path;
  // Connections for concurrent reads (the pool's size: a read waits while
  // all are in use); writes go through one more connection, one transaction
  // at a time (SQLite allows one writer). At least 1.
  int read_connections = 4;
  // How long a statement waits for a lock held by another process before it
  // fails with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Every acknowledged write is on disk (synchronous=FULL). False only for
  // bulk loads of data that may be lost (benchmark datasets).
  bool durable = true;
  // The registered SQLite VFS to open the file through; empty for the
  // default. Tests inject disk faults through one.
  std::string vfs;
};

// Opens (creating or migrating) the database at `options.path`. After a
// failed disk sync the store refuses writes (UNAVAILABLE) until it has
// closed every connection and opened the file again, which it tries before
// each later write.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const SqliteStoreOptions& options);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_STORE_H_
