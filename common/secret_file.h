// A file for a new access token's secret, readable and writable by its owner
// only (0600). Created before the token is made, so that a path that cannot
// be written fails before a token exists whose secret would be lost. Used by
// `glutecare token create --out` and `glutecare-server bootstrap`.
//
//   GLUTECARE_ASSIGN_OR_RETURN(SecretFile out, SecretFile::Create(path));
//   ... make the token ...
//   GLUTECARE_RETURN_IF_ERROR(out.Write(secret));
#ifndef GLUTECARE_COMMON_SECRET_FILE_H_
#define GLUTECARE_COMMON_SECRET_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare {

// Movable, not copyable; not thread-safe.
class SecretFile final {
 public:
  // Opens `path` for writing without truncating it yet, creating it with mode
  // 0600 if it does not exist. Never follows a symbolic link at `path`.
  // FAILED_PRECONDITION, naming the path, when it cannot be opened.
  static absl::StatusOr<SecretFile> Create(const std::string& path);

  SecretFile(SecretFile&& other) noexcept;
  SecretFile& operator=(SecretFile&&) = delete;
  SecretFile(const SecretFile&) = delete;
  SecretFile& operator=(const SecretFile&) = delete;
  // Closes the file if Write() was not called, and then removes it if this
  // object created it: a failed attempt leaves no empty file behind.
  ~SecretFile();

  // Replaces the file's contents with `secret` and a newline, sets its mode
  // to 0600 (an existing file keeps its mode otherwise), syncs it to disk and
  // closes it. A file this object created is removed when that fails.
  // REQUIRES: called at most once.
  absl::Status Write(absl::string_view secret);

  const std::string& path() const { return path_; }

 private:
  SecretFile(std::string path, int fd, bool created)
      : path_(std::move(path)), fd_(fd), created_(created) {}

  std::string path_;
  int fd_ = -1;   // -1 once Write() closed it
  bool created_;  // this object made the file
};

}  // namespace glutecare

#endif  // GLUTECARE_COMMON_SECRET_FILE_H_
