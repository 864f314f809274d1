#include "bench/server_process.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace glutecare::bench {
namespace {

constexpr absl::string_view kListening = "glutecare-server listening on ";

}  // namespace

absl::StatusOr<ServerProcess> ServerProcess::Start(
    const ServerProcessOptions& options) {
  absl::StatusOr<ChildProcess> child = ChildProcess::Start(
      {options.binary, "--listen", "127.0.0.1:0", "--db", options.db_path,
       "--alert-sweep-minutes", "0", "--max-calls-per-principal",
       absl::StrCat(options.max_calls_per_principal)});
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> line = child->ReadLine(options.start_timeout);
  if (!line.ok()) {
    return absl::UnavailableError(absl::StrCat(
        options.binary, " did not start serving: ", line.status().message()));
  }
  absl::string_view address = *line;
  if (!absl::ConsumePrefix(&address, kListening)) {
    return absl::InternalError(
        absl::StrCat("unexpected first line from the server: ", *line));
  }
  return ServerProcess(*std::move(child), std::string(address));
}

absl::StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/status");
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  ProcessMemory memory;
  int found = 0;
  std::string line;
  while (std::getline(in, line)) {
    // "VmRSS:     123456 kB"
    for (auto [key, field] : {std::pair{"VmRSS:", &memory.rss_mb},
                              std::pair{"VmHWM:", &memory.peak_rss_mb}}) {
      absl::string_view rest = line;
      int64_t kb = 0;
      if (absl::ConsumePrefix(&rest, key) &&
          absl::ConsumeSuffix(&rest, " kB") &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kb)) {
        *field = kb / 1024.0;
        ++found;
      }
    }
  }
  if (found != 2) {
    return absl::InternalError(absl::StrCat("no VmRSS or VmHWM in ", path));
  }
  return memory;
}

absl::StatusOr<double> ReadProcessCpuSeconds(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/stat");
  std::ifstream in(path);
  std::string stat;
  if (!in || !std::getline(in, stat)) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  // "PID (COMM) STATE ..." where COMM may hold spaces: the fields after the
  // last ')' are 3, 4, ...; utime and stime are fields 14 and 15, in ticks.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) {
    return absl::InternalError(absl::StrCat("malformed ", path));
  }
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(paren + 2), ' ');
  int64_t user = 0;
  int64_t system = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &user) ||
      !absl::SimpleAtoi(fields[12], &system)) {
    return absl::InternalError(absl::StrCat("malformed ", path));
  }
  return static_cast<double>(user + system) / sysconf(_SC_CLK_TCK);
}

absl::StatusOr<DatabaseSize> MeasureDatabase(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return absl::NotFoundError(absl::StrCat("no database at ", path));
  }
  DatabaseSize size;
  for (const std::string& file : {path, path + "-wal"}) {
    std::error_code error;
    const uintmax_t bytes = std::filesystem::file_size(file, error);
    if (!error) size.bytes += static_cast<int64_t>(bytes);
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions", -1, &stmt,
                            nullptr);
  }
  if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    size.sessions = sqlite3_column_int64(stmt, 0);
  } else {
    rc = rc == SQLITE_OK ? SQLITE_ERROR : rc;
  }
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : "";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (rc != SQLITE_OK) {
    return absl::InternalError(
        absl::StrCat("counting the sessions in ", path, ": ", message));
  }
  return size;
}

}  // namespace glutecare::bench
