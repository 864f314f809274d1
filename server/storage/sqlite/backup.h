// Online backup of a glutecare database with SQLite's backup API: safe while
// the server serves, and the copy is one consistent snapshot (WAL readers
// never block the writer, so writes go on meanwhile).
//
//   GLUTECARE_RETURN_IF_ERROR(
//       BackupSqliteDatabase("data/glutecare.db", "/backups/2026-11-24.db"));
//
// Restore: stop the server, remove the database's -wal and -shm files,
// replace the database file with the backup, start the server.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_BACKUP_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace glutecare {

struct BackupResult {
  // Pages copied, and the backup file's size in bytes.
  int64_t pages = 0;
  int64_t bytes = 0;
};

// Copies the database at `db_path` to `to_path` as of one moment: written to
// `{to_path}.partial`, synced, checked with PRAGMA integrity_check and then
// renamed, so `to_path` is either absent or a complete, checked backup.
// FAILED_PRECONDITION when `to_path` exists already (never overwritten) or
// the source is not a glutecare database; UNAVAILABLE when it cannot be read
// or the target not written.
absl::StatusOr<BackupResult> BackupSqliteDatabase(const std::string& db_path,
                                                  const std::string& to_path);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_BACKUP_H_
