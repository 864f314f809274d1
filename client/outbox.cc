#include "client/outbox.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace glutecare::client {
namespace {

// The one table. `state` is 'waiting' or 'failed'; `request` the protobuf
// bytes. The UNIQUE key makes adding the same submission twice a no-op.
constexpr absl::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  server      TEXT NOT NULL,
  parent      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  request     BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT '',
  state       TEXT NOT NULL DEFAULT 'waiting',
  UNIQUE (server, kind, request_id)
))sql";

constexpr absl::string_view kColumns =
    "id, server, parent, kind, request_id, request, create_time, attempts, "
    "last_error, state";

// How long a command waits for another glutecare process that holds the
// file's lock.
constexpr int kBusyTimeoutMs = 5000;

absl::Status SystemError(absl::string_view what, const std::string& path,
                         int error_number) {
  return absl::FailedPreconditionError(absl::StrCat(
      "outbox: cannot ", what, " ", path, ": ", std::strerror(error_number)));
}

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("outbox: ", what, ": ", sqlite3_errmsg(db)));
}

// Makes each missing folder above `path` with mode 0700.
absl::Status MakeParentFolders(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return absl::OkStatus();
  std::string folder;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(path).substr(0, slash), '/')) {
    absl::StrAppend(&folder, part, "/");
    if (part.empty()) continue;
    if (mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return SystemError("create the folder", folder, errno);
    }
  }
  return absl::OkStatus();
}

// Creates `path` owner-only when it does not exist yet, so that SQLite (which
// gives its journal the database's mode) never makes it readable by others.
absl::Status CreateOwnerOnlyFile(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return SystemError("create", path, errno);
  close(fd);
  return absl::OkStatus();
}

OutboxKind KindFromName(absl::string_view name) {
  return name == OutboxKindName(OutboxKind::kPainReport)
             ? OutboxKind::kPainReport
             : OutboxKind::kSession;
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     sqlite3_column_bytes(stmt, column));
}

// A prepared statement, finalized when it goes out of scope.
class Statement final {
 public:
  Statement(sqlite3* db, absl::string_view sql) {
    sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_,
                       nullptr);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt* get() const { return stmt_; }
  bool ok() const { return stmt_ != nullptr; }

  void Bind(int index, absl::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
  }
  void BindBlob(int index, absl::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(),
                      static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void Bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

absl::string_view OutboxKindName(OutboxKind kind) {
  return kind == OutboxKind::kPainReport ? "pain_report" : "session";
}

absl::string_view OutboxStateName(OutboxState state) {
  return state == OutboxState::kFailed ? "failed" : "waiting";
}

absl::StatusOr<std::string> DefaultOutboxPath(const char* override_path,
                                              const char* xdg_data_home,
                                              const char* home) {
  if (override_path != nullptr && *override_path != '\0') return override_path;
  if (xdg_data_home != nullptr && xdg_data_home[0] == '/') {
    return absl::StrCat(xdg_data_home, "/glutecare/outbox.db");
  }
  if (home != nullptr && *home != '\0') {
    return absl::StrCat(home, "/.local/share/glutecare/outbox.db");
  }
  return absl::FailedPreconditionError(
      "outbox: no place for it: set GLUTECARE_OUTBOX, XDG_DATA_HOME or HOME");
}

absl::StatusOr<std::unique_ptr<Outbox>> Outbox::Open(const std::string& path,
                                                     bool create) {
  if (create) {
    if (absl::Status made = MakeParentFolders(path); !made.ok()) return made;
    if (absl::Status made = CreateOwnerOnlyFile(path); !made.ok()) return made;
  } else if (access(path.c_str(), F_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("outbox: no file ", path));
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Outbox> outbox(new Outbox(db));
  if (rc != SQLITE_OK)
    return SqliteError(db, absl::StrCat("cannot open ", path));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // A rollback journal with a full sync on each commit: an entry that Add()
  // returned is on disk.
  for (absl::string_view sql :
       {absl::string_view("PRAGMA synchronous = FULL"), kSchema}) {
    if (absl::Status done = outbox->Execute(sql); !done.ok()) return done;
  }
  return outbox;
}

Outbox::~Outbox() { sqlite3_close(db_); }

absl::Status Outbox::Execute(absl::string_view sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) !=
      SQLITE_OK) {
    absl::Status status =
        absl::InternalError(absl::StrCat("outbox: ", error ? error : "error"));
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Outbox::Add(const OutboxEntry& entry) {
  Statement insert(
      db_,
      "INSERT INTO outbox (server, parent, kind, request_id, request, "
      "create_time, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT (server, kind, request_id) DO UPDATE SET "
      "last_error = excluded.last_error RETURNING id");
  if (!insert.ok()) return SqliteError(db_, "cannot add");
  insert.Bind(1, entry.server);
  insert.Bind(2, entry.parent);
  insert.Bind(3, OutboxKindName(entry.kind));
  insert.Bind(4, entry.request_id);
  insert.BindBlob(5, entry.request);
  insert.Bind(6, absl::ToUnixMicros(absl::Now()));
  insert.Bind(7, entry.last_error);
  if (sqlite3_step(insert.get()) != SQLITE_ROW) {
    return SqliteError(db_, "cannot add");
  }
  const int64_t id = sqlite3_column_int64(insert.get(), 0);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    return SqliteError(db_, "cannot add");
  }
  return id;
}

absl::StatusOr<std::vector<OutboxEntry>> Outbox::Select(
    absl::string_view where, absl::string_view server) const {
  Statement select(db_, absl::StrCat("SELECT ", kColumns, " FROM outbox ",
                                     where, " ORDER BY id"));
  if (!select.ok()) return SqliteError(db_, "cannot read");
  if (!server.empty()) select.Bind(1, server);
  std::vector<OutboxEntry> entries;
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    sqlite3_stmt* row = select.get();
    OutboxEntry& entry = entries.emplace_back();
    entry.id = sqlite3_column_int64(row, 0);
    entry.server = ColumnText(row, 1);
    entry.parent = ColumnText(row, 2);
    entry.kind = KindFromName(ColumnText(row, 3));
    entry.request_id = ColumnText(row, 4);
    entry.request =
        std::string(static_cast<const char*>(sqlite3_column_blob(row, 5)),
                    sqlite3_column_bytes(row, 5));
    entry.create_time = absl::FromUnixMicros(sqlite3_column_int64(row, 6));
    entry.attempts = sqlite3_column_int(row, 7);
    entry.last_error = ColumnText(row, 8);
    entry.state = ColumnText(row, 9) == OutboxStateName(OutboxState::kFailed)
                      ? OutboxState::kFailed
                      : OutboxState::kWaiting;
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, "cannot read");
  return entries;
}

absl::StatusOr<std::vector<OutboxEntry>> Outbox::List() const {
  return Select("", "");
}

absl::StatusOr<std::vector<OutboxEntry>> Outbox::Waiting(
    absl::string_view server) const {
  return Select("WHERE server = ?1 AND state = 'waiting'", server);
}

absl::StatusOr<int> Outbox::CountWaiting() const {
  Statement count(db_, "SELECT count(*) FROM outbox WHERE state = 'waiting'");
  if (!count.ok() || sqlite3_step(count.get()) != SQLITE_ROW) {
    return SqliteError(db_, "cannot count");
  }
  return sqlite3_column_int(count.get(), 0);
}

absl::Status Outbox::Remove(int64_t id) {
  Statement remove(db_, "DELETE FROM outbox WHERE id = ?1");
  if (!remove.ok()) return SqliteError(db_, "cannot remove");
  remove.Bind(1, id);
  if (sqlite3_step(remove.get()) != SQLITE_DONE) {
    return SqliteError(db_, "cannot remove");
  }
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("outbox: no entry ", id));
  }
  return absl::OkStatus();
}

absl::Status Outbox::UpdateAfterAttempt(int64_t id, absl::string_view error,
                                        OutboxState state) {
  Statement update(db_,
                   "UPDATE outbox SET attempts = attempts + 1, "
                   "last_error = ?2, state = ?3 WHERE id = ?1");
  if (!update.ok()) return SqliteError(db_, "cannot update");
  update.Bind(1, id);
  update.Bind(2, error);
  update.Bind(3, OutboxStateName(state));
  if (sqlite3_step(update.get()) != SQLITE_DONE) {
    return SqliteError(db_, "cannot update");
  }
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("outbox: no entry ", id));
  }
  return absl::OkStatus();
}

absl::Status Outbox::NoteAttempt(int64_t id, absl::string_view error) {
  return UpdateAfterAttempt(id, error, OutboxState::kWaiting);
}

absl::Status Outbox::MarkFailed(int64_t id, absl::string_view error) {
  return UpdateAfterAttempt(id, error, OutboxState::kFailed);
}

}  // namespace glutecare::client
