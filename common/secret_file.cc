#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace glutecare {

absl::StatusOr<SecretFile> SecretFile::Create(const std::string& path) {
  constexpr int kFlags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
  int fd = open(path.c_str(), kFlags | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
  const bool created = fd >= 0;
  if (!created && errno == EEXIST) fd = open(path.c_str(), kFlags);
  if (fd < 0 && errno == ELOOP) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is a symbolic link: name the file itself"));
  }
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return SecretFile(path, fd, created);
}

SecretFile::SecretFile(SecretFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      created_(other.created_) {}

SecretFile::~SecretFile() {
  if (fd_ < 0) return;
  // Write() was never called.
  close(fd_);
  if (created_) unlink(path_.c_str());
}

absl::Status SecretFile::Write(absl::string_view secret) {
  const std::string contents = absl::StrCat(secret, "\n");
  bool ok =
      fd_ >= 0 && fchmod(fd_, S_IRUSR | S_IWUSR) == 0 && ftruncate(fd_, 0) == 0;
  for (size_t done = 0; ok && done < contents.size();) {
    const ssize_t wrote =
        write(fd_, contents.data() + done, contents.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    ok = wrote > 0;
    if (ok) done += static_cast<size_t>(wrote);
  }
  ok = ok && fsync(fd_) == 0;
  int error_number = errno;
  if (fd_ >= 0 && close(std::exchange(fd_, -1)) != 0 && ok) {
    ok = false;
    error_number = errno;
  }
  if (ok) return absl::OkStatus();
  if (created_) unlink(path_.c_str());
  return absl::FailedPreconditionError(
      absl::StrCat("cannot write ", path_, ": ", std::strerror(error_number)));
}

}  // namespace glutecare
