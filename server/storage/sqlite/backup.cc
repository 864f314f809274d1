#include "server/storage/sqlite/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/storage/sqlite/schema.h"
#include "server/storage/sqlite/sqlite.h"

namespace glutecare {
namespace {

using sqlite::Connection;

// Syncs the file (or folder) at `path` to disk.
absl::Status SyncFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("cannot sync ", path));
  }
  close(fd);
  return absl::OkStatus();
}

absl::StatusOr<int> UserVersion(Connection& db) {
  GLUTECARE_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                             db.Prepare("PRAGMA user_version"));
  GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return absl::InternalError("PRAGMA user_version gave no row");
  return static_cast<int>(stmt.ColumnInt64(0));
}

}  // namespace

absl::StatusOr<BackupResult> BackupSqliteDatabase(const std::string& db_path,
                                                  const std::string& to_path) {
  std::error_code error;
  if (std::filesystem::exists(to_path, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(to_path, " exists already: a backup never overwrites"));
  }
  if (!std::filesystem::exists(db_path, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("no database at ", db_path));
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> source,
      Connection::Open({.path = db_path, .read_only = true}));
  GLUTECARE_ASSIGN_OR_RETURN(int version, UserVersion(*source));
  if (version < 1 || version > sqlite::LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        db_path, " is not a glutecare database this server knows (schema ",
        version, ")"));
  }

  const std::string partial = absl::StrCat(to_path, ".partial");
  std::filesystem::remove(partial, error);
  // Health data: the copy is readable by its owner only. Created here, with
  // that mode, before SQLite opens it.
  const int fd = open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      S_IRUSR | S_IWUSR);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", partial, ": ", std::strerror(errno)));
  }
  close(fd);
  BackupResult result;
  {
    GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> target,
                               Connection::Open({.path = partial}));
    sqlite3_backup* backup =
        sqlite3_backup_init(target->raw(), "main", source->raw(), "main");
    if (backup == nullptr) {
      return absl::UnavailableError(absl::StrCat(
          "cannot start the backup: ", sqlite3_errmsg(target->raw())));
    }
    // All pages in one step: one read transaction, so one snapshot. Writers
    // go on meanwhile (WAL).
    int rc = sqlite3_backup_step(backup, -1);
    result.pages = sqlite3_backup_pagecount(backup);
    const int finish_rc = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE || finish_rc != SQLITE_OK) {
      std::filesystem::remove(partial, error);
      return absl::UnavailableError(
          absl::StrCat("the backup failed: ", sqlite3_errstr(rc), " / ",
                       sqlite3_errmsg(target->raw())));
    }
    // The copy of a WAL database is in WAL mode too; make it one
    // self-contained file.
    GLUTECARE_RETURN_IF_ERROR(target->Exec("PRAGMA journal_mode = DELETE"));
    GLUTECARE_ASSIGN_OR_RETURN(sqlite::Statement check,
                               target->Prepare("PRAGMA integrity_check"));
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, check.Step());
    if (!has_row || check.ColumnText(0) != "ok") {
      std::filesystem::remove(partial, error);
      return absl::DataLossError(absl::StrCat(
          "the backup failed its integrity check: ",
          has_row ? std::string(check.ColumnText(0)) : "no result"));
    }
  }
  GLUTECARE_RETURN_IF_ERROR(SyncFile(partial));
  std::filesystem::rename(partial, to_path, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        "cannot rename ", partial, " to ", to_path, ": ", error.message()));
  }
  const std::filesystem::path parent =
      std::filesystem::path(to_path).parent_path();
  GLUTECARE_RETURN_IF_ERROR(
      SyncFile(parent.empty() ? std::string(".") : parent.string()));
  result.bytes =
      static_cast<int64_t>(std::filesystem::file_size(to_path, error));
  return result;
}

}  // namespace glutecare
