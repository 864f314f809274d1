#include "server/storage/sqlite/sqlite.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace glutecare::sqlite {

absl::Status SqliteStatus(int code, absl::string_view what,
                          absl::string_view detail) {
  const std::string message =
      absl::StrCat(what, ": ", sqlite3_errstr(code), detail.empty() ? "" : " (",
                   detail, detail.empty() ? "" : ")");
  switch (code & 0xFF) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return absl::OkStatus();
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE ||
          code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::FailedPreconditionError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          absl::StrCat(message, "; the database is busy, retry shortly"));
    case SQLITE_FULL:
      return absl::UnavailableError(
          absl::StrCat(message, "; the disk is full, writes are refused"));
    case SQLITE_READONLY:
      return absl::UnavailableError(
          absl::StrCat(message,
                       "; the database is read-only, writes are "
                       "refused"));
    case SQLITE_IOERR:
      // A failed sync leaves the outcome unknown: SQLite wrote the commit to
      // the file first, and it may be on disk. A retry with the same
      // request_id stores it at most once.
      return absl::UnavailableError(absl::StrCat(
          message,
          "; the disk failed to read or write, so the outcome is unknown: "
          "retry with the same request_id"));
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      connection_(other.connection_),
      bind_error_(other.bind_error_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindText(int index, absl::string_view value) {
  NoteBindResult(sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view value) {
  NoteBindResult(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(),
                                     SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBindResult(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindTextOrNull(int index, absl::string_view value) {
  return value.empty() ? BindNull(index) : BindText(index, value);
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return SqliteStatus(bind_error_, "binding a parameter", sqlite3_sql(stmt_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->Failure("running a statement",
                              sqlite3_errmsg(connection_->db_));
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) return absl::InternalError("statement returned an unexpected row");
  return absl::OkStatus();
}

int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

absl::string_view Statement::ColumnText(int column) const {
  const auto* text =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

absl::string_view Statement::ColumnBlob(int column) const {
  const auto* data =
      static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return {};
  return {data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int Statement::ColumnType(int column) const {
  return sqlite3_column_type(stmt_, column);
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const Options& options) {
  sqlite3* db = nullptr;
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (!options.read_only) flags |= SQLITE_OPEN_CREATE;
  const int rc =
      sqlite3_open_v2(options.path.c_str(), &db, flags,
                      options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    absl::Status status =
        SqliteStatus(rc, absl::StrCat("opening database ", options.path),
                     db != nullptr ? sqlite3_errmsg(db) : "");
    sqlite3_close_v2(db);
    return status;
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(
      db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  // synchronous=FULL: in WAL mode, every commit syncs the WAL, so a reply of
  // OK means the data survives a crash of the process or the machine.
  absl::Status status = connection->Exec(
      options.durable ? "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                      : "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF;");
  if (status.ok() && options.read_only) {
    status = connection->Exec("PRAGMA query_only = ON;");
  }
  if (!status.ok()) return status;
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

absl::Status Connection::Exec(absl::string_view sql) {
  char* error = nullptr;
  const std::string sql_string(sql);
  const int rc =
      sqlite3_exec(db_, sql_string.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return absl::OkStatus();
  absl::Status status = Failure("executing SQL", error ? error : "");
  sqlite3_free(error);
  return status;
}

absl::Status Connection::Failure(absl::string_view what,
                                 absl::string_view detail) {
  const int code = sqlite3_extended_errcode(db_);
  if (code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_DIR_FSYNC) {
    sync_failed_ = true;
  }
  return SqliteStatus(code, what, detail);
}

absl::StatusOr<Statement> Connection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                      &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteStatus(rc, "preparing a statement", sqlite3_errmsg(db_));
    }
    it = statements_.emplace(sql, stmt).first;
  }
  return Statement(it->second, this);
}

absl::StatusOr<Transaction> Transaction::Begin(Connection& connection,
                                               Mode mode) {
  absl::Status status =
      connection.Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!status.ok()) return status;
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
  if (connection_ == nullptr) return;
  // A failed ROLLBACK leaves nothing to do: SQLite rolls back on close.
  (void)connection_->Exec("ROLLBACK");
}

absl::Status Transaction::Commit() {
  if (connection_ == nullptr) {
    return absl::FailedPreconditionError("transaction already finished");
  }
  absl::Status status = connection_->Exec("COMMIT");
  if (status.ok()) connection_ = nullptr;
  return status;
}

}  // namespace glutecare::sqlite
