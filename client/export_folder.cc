#include "client/export_folder.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace glutecare::client {
namespace {

absl::Status FileError(absl::string_view what, absl::string_view path) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", what, " ", path, ": ", strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExportFolder>> ExportFolder::Open(
    const std::string& dir, std::vector<std::string> types) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return FileError("make the folder", dir);
  }
  std::unique_ptr<ExportFolder> folder(new ExportFolder(dir));
  for (std::string& type : types) {
    const std::string path = folder->PartialPath(type);
    const int fd = open(path.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                        0600);
    if (fd < 0) return FileError("write", path);
    folder->files_.push_back({.type = std::move(type), .fd = fd});
  }
  return folder;
}

ExportFolder::~ExportFolder() {
  for (File& file : files_) {
    if (file.fd >= 0) close(file.fd);
    if (!committed_) unlink(PartialPath(file.type).c_str());
  }
}

std::string ExportFolder::PartialPath(absl::string_view type) const {
  return absl::StrCat(dir_, "/", type, ".ndjson.partial");
}

std::string ExportFolder::FinalPath(absl::string_view type) const {
  return absl::StrCat(dir_, "/", type, ".ndjson");
}

absl::Status ExportFolder::Append(absl::string_view type,
                                  absl::string_view ndjson) {
  auto file = std::find_if(files_.begin(), files_.end(),
                           [&](const File& f) { return f.type == type; });
  if (file == files_.end() || file->fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the server sent ", type, " resources, which were not asked for"));
  }
  for (size_t written = 0; written < ndjson.size();) {
    const ssize_t n = write(file->fd, ndjson.data() + written,
                            ndjson.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return FileError("write", PartialPath(type));
    written += static_cast<size_t>(n);
  }
  file->lines += std::count(ndjson.begin(), ndjson.end(), '\n');
  return absl::OkStatus();
}

absl::Status ExportFolder::Commit() {
  for (File& file : files_) {
    const std::string path = PartialPath(file.type);
    if (fsync(file.fd) != 0) return FileError("sync", path);
    const int fd = file.fd;
    file.fd = -1;
    if (close(fd) != 0) return FileError("close", path);
  }
  for (const File& file : files_) {
    const std::string final_path = FinalPath(file.type);
    if (rename(PartialPath(file.type).c_str(), final_path.c_str()) != 0) {
      return FileError("rename into place", final_path);
    }
  }
  committed_ = true;
  const int dir = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return FileError("open the folder", dir_);
  const bool synced = fsync(dir) == 0;
  close(dir);
  if (!synced) return FileError("sync the folder", dir_);
  return absl::OkStatus();
}

std::vector<std::pair<std::string, int64_t>> ExportFolder::Counts() const {
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const File& file : files_) counts.emplace_back(file.type, file.lines);
  return counts;
}

}  // namespace glutecare::client
