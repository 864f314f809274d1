// The SQLite implementation of Store: one file, WAL mode, synchronous=FULL.
//
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
//                              OpenSqliteStore({.path = "data/glutecare.db"}));
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
  // Connections for concurrent reads; writes go through one more connection,
  // one at a time (SQLite allows one writer).
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
