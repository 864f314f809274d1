// The SQLite schema of glutecare and its migrations.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_SCHEMA_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_SCHEMA_H_

#include "absl/status/status.h"
#include "server/storage/sqlite/sqlite.h"

namespace glutecare::sqlite {

// The schema version this build writes (PRAGMA user_version).
int LatestSchemaVersion();

// Puts the database in WAL mode and applies every migration newer than its
// PRAGMA user_version, each in its own transaction together with the version
// bump. FAILED_PRECONDITION when the database is newer than this build.
// REQUIRES: no other connection writes meanwhile.
absl::Status Migrate(Connection& connection);

}  // namespace glutecare::sqlite

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_SCHEMA_H_
