// Thin RAII wrappers over the SQLite C API: a connection with a cache of
// prepared statements, a statement handle that resets itself, and a
// transaction that rolls back unless committed. Errors become absl::Status
// (see SqliteStatus for the mapping).
//
//   GLUTECARE_ASSIGN_OR_RETURN(Statement stmt,
//       conn.Prepare("SELECT body FROM clinics WHERE clinic_id = ?1"));
//   stmt.BindText(1, id);
//   GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace glutecare::sqlite {

// Maps an SQLite result code to a status: constraint violations of UNIQUE or
// PRIMARY KEY become ALREADY_EXISTS; busy, locked, full, read-only and I/O
// errors become UNAVAILABLE (the request may succeed later, and the server
// keeps serving reads); corruption becomes DATA_LOSS; the rest INTERNAL. An
// I/O error's message says that the outcome is unknown: a write whose sync
// failed may be on disk all the same.
absl::Status SqliteStatus(int code, absl::string_view what,
                          absl::string_view detail);

class Connection;

// A prepared statement borrowed from a Connection's cache. Destroying the
// handle resets the statement and clears its bindings. Move-only.
// Not thread-safe: use it on the thread that holds its connection.
class Statement final {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Bindings use 1-based indexes (`?1`). Text and blobs are copied.
  Statement& BindInt64(int index, int64_t value);
  Statement& BindText(int index, absl::string_view value);
  Statement& BindBlob(int index, absl::string_view value);
  Statement& BindNull(int index);
  // Binds NULL when `value` is empty, the text otherwise.
  Statement& BindTextOrNull(int index, absl::string_view value);

  // Runs to the next row: true when a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  absl::Status Run();

  // Column accessors for the current row, 0-based. The views are valid until
  // the next Step or the handle's destruction.
  int64_t ColumnInt64(int column) const;
  absl::string_view ColumnText(int column) const;
  absl::string_view ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;
  int ColumnType(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, Connection* connection)
      : stmt_(stmt), connection_(connection) {}
  void NoteBindResult(int rc);

  sqlite3_stmt* stmt_;
  Connection* connection_;
  int bind_error_ = SQLITE_OK;
};

// One SQLite connection. Statements prepared through it are cached and reused
// for its lifetime. Not thread-safe: one thread uses it at a time (the owner
// hands connections out under a lock).
class Connection final {
 public:
  struct Options {
    // The database file; created when missing unless read_only.
    std::string path;
    // Refuse writes on this connection (PRAGMA query_only).
    bool read_only = false;
    // How long a statement waits for a lock before SQLITE_BUSY.
    absl::Duration busy_timeout = absl::Seconds(5);
    // Sync every commit (synchronous=FULL). Only bulk loads of throw-away
    // data (the benchmark's) turn this off.
    bool durable = true;
    // The registered SQLite VFS to open the file through; empty for the
    // default. Tests inject disk faults through one.
    std::string vfs;
  };

  // Opens a connection with foreign keys on, synchronous=FULL (unless not
  // durable) and the busy timeout set. WAL mode is the database's (see
  // Migrate).
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const Options& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more SQL statements that return no rows.
  absl::Status Exec(absl::string_view sql);

  // The cached statement for `sql`, prepared on first use.
  // REQUIRES: `sql` is a string with static storage (a literal): it is the
  // cache key.
  absl::StatusOr<Statement> Prepare(const char* sql);

  sqlite3* raw() const { return db_; }

  // True once a statement on this connection failed because the disk did
  // not sync (SQLITE_IOERR_FSYNC, SQLITE_IOERR_DIR_FSYNC). What it wrote may
  // or may not be on disk, and the operating system may have dropped the
  // pages it could not write, so the connection's view of the file can no
  // longer be trusted: close every connection to the file and open it again.
  bool sync_failed() const { return sync_failed_; }

 private:
  friend class Statement;
  explicit Connection(sqlite3* db) : db_(db) {}
  // The status of a failed call on this connection, from its extended
  // result code; notes a failed sync.
  absl::Status Failure(absl::string_view what, absl::string_view detail);

  sqlite3* db_;
  bool sync_failed_ = false;
  absl::flat_hash_map<const char*, sqlite3_stmt*> statements_;
};

// A transaction on a connection: rolls back on destruction unless Commit()
// succeeded. Move-only.
class Transaction final {
 public:
  enum class Mode {
    // BEGIN: a consistent snapshot for reads.
    kRead,
    // BEGIN IMMEDIATE: takes the write lock up front, so a write never fails
    // half-way with SQLITE_BUSY on lock upgrade.
    kWrite,
  };

  static absl::StatusOr<Transaction> Begin(Connection& connection, Mode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  absl::Status Commit();

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}

  Connection* connection_;  // null once committed, rolled back or moved from
};

}  // namespace glutecare::sqlite

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_SQLITE_H_
