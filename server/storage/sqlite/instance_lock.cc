#include "server/storage/sqlite/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace glutecare::sqlite {
namespace {

// The first line of the lock file: the holder's process id, as written.
std::string HolderOf(int fd) {
  char buffer[32] = {};
  const ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n <= 0) return "unknown";
  std::string text(buffer, static_cast<size_t>(n));
  text = text.substr(0, text.find('\n'));
  absl::StripAsciiWhitespace(&text);
  return text.empty() ? "unknown" : text;
}

}  // namespace

std::string InstanceLock::PathFor(const std::string& db_path) {
  // The file's own path, so that two servers reaching it through a symbolic
  // link or another relative path share one lock. (A hard link is another
  // path to the same file; it is not detected.)
  std::error_code error;
  const std::filesystem::path canonical =
      std::filesystem::weakly_canonical(db_path, error);
  return absl::StrCat(error ? db_path : canonical.string(), ".server-lock");
}

absl::StatusOr<InstanceLock> InstanceLock::Acquire(const std::string& db_path) {
  const std::string path = PathFor(db_path);
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = HolderOf(fd);
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          db_path, " is served by another glutecare-server (pid ", holder,
          "); a SQLite database has one server at a time: stop that one, or "
          "use PostgreSQL for several"));
    }
    return absl::UnavailableError(
        absl::StrCat("cannot lock ", path, ": ", std::strerror(error)));
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) !=
                                   static_cast<ssize_t>(pid.size())) {
    const int error = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(error)));
  }
  return InstanceLock(fd);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace glutecare::sqlite
