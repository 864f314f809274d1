// One glutecare-server at a time on a SQLite database. A server keeps state
// in memory beside the file (the alert streams' hub, the patient monitor's
// queue, token lookups), so two servers on one file would split it: a
// watcher on one never hears of the alerts raised through the other. The
// server therefore holds an exclusive lock on a file beside the database
// for as long as it runs; a second server refuses to start, naming the
// first. `bootstrap` and `backup` take no lock and work beside a server.
// The kernel drops the lock when the process ends, however it ends (a
// SIGKILL too), so a crash never leaves the database locked.
//
//   GLUTECARE_ASSIGN_OR_RETURN(InstanceLock lock,
//                              InstanceLock::Acquire("data/glutecare.db"));
//   ... serve; the lock goes with `lock` ...
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_INSTANCE_LOCK_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_INSTANCE_LOCK_H_

#include <string>

#include "absl/status/statusor.h"

namespace glutecare::sqlite {

class InstanceLock final {
 public:
  // Takes the lock of the database at `db_path`: the database file's
  // canonical path (symbolic links followed) + ".server-lock" (made when
  // missing, mode 0600, in the database's folder, which must exist), locked
  // with flock(LOCK_EX | LOCK_NB) and holding this process's id.
  // FAILED_PRECONDITION, naming the other process's id, when another process
  // holds it; UNAVAILABLE when the file cannot be made or locked.
  static absl::StatusOr<InstanceLock> Acquire(const std::string& db_path);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  // Releases the lock (the file stays).
  ~InstanceLock();

  // The lock file's path.
  static std::string PathFor(const std::string& db_path);

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace glutecare::sqlite

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_INSTANCE_LOCK_H_
