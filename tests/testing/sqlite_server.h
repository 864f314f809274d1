// A GlutecareServer on a SQLite database file, opened the way
// glutecare-server does for `--db PATH`.
//
//   absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
//       StartSqliteServer({.listen_address = "127.0.0.1:0"}, dir.File("g.db"));
#ifndef GLUTECARE_TESTS_TESTING_SQLITE_SERVER_H_
#define GLUTECARE_TESTS_TESTING_SQLITE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace glutecare::testing {

// Starts `options` on the database at `db_path` (created when missing), with
// the read connections its threads want (ReadConnections).
inline absl::StatusOr<std::unique_ptr<GlutecareServer>> StartSqliteServer(
    const ServerOptions& options, const std::string& db_path) {
  return GlutecareServer::Start(options, [&] {
    return OpenSqliteStore(
        {.path = db_path, .read_connections = ReadConnections(options)});
  });
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_SQLITE_SERVER_H_
