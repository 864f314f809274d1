// A SQLite VFS over the default one that fails or holds disk operations on
// command, for tests of what the server does when its disk misbehaves. Root
// ignores file modes and a test cannot fill a real disk, so the faults are
// injected where SQLite meets the operating system, with the result codes
// SQLite's own unix VFS returns for them.
//
//   FaultInjectingVfs disk("faulty");
//   auto store = OpenSqliteStore({.path = db, .vfs = disk.name()});
//   disk.FailWrites(SQLITE_FULL);   // the disk is full from now on
//   ...
//   disk.FailWrites(SQLITE_OK);     // space again
//   disk.FailSyncs(SQLITE_IOERR_FSYNC);  // fsync fails from now on
#ifndef GLUTECARE_TESTS_TESTING_FAULT_INJECTING_VFS_H_
#define GLUTECARE_TESTS_TESTING_FAULT_INJECTING_VFS_H_

#include <sqlite3.h>

#include <atomic>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace glutecare::testing {

// Thread-safe. Registered for its lifetime; it must outlive every connection
// opened through it.
class FaultInjectingVfs final {
 public:
  explicit FaultInjectingVfs(std::string name);
  FaultInjectingVfs(const FaultInjectingVfs&) = delete;
  FaultInjectingVfs& operator=(const FaultInjectingVfs&) = delete;
  ~FaultInjectingVfs();

  const std::string& name() const { return name_; }

  // Every later write to any file of a database opened through this VFS
  // fails with `code`: SQLITE_FULL is a full disk, SQLITE_IOERR_WRITE a disk
  // that refuses writes (a file system remounted read-only). SQLITE_OK ends
  // the fault.
  void FailWrites(int code) { write_error_.store(code); }

  // Every later sync of any such file fails with `code`, syncing nothing:
  // SQLITE_IOERR_FSYNC is what SQLite's unix VFS returns when fsync fails.
  // What was written stays in the file (in the page cache, as after a real
  // failed fsync), so a commit whose sync failed may be read back after a
  // restart. SQLITE_OK ends the fault.
  void FailSyncs(int code) { sync_error_.store(code); }

  // From the first write whose bytes contain `marker` (such as a request_id)
  // on, every sync fails with SQLITE_IOERR_FSYNC (see FailSyncs): that
  // commit's sync is the first to fail.
  void FailSyncsFrom(std::string marker);

  // Every later open of a database file through this VFS fails with `code`
  // (SQLITE_CANTOPEN, as the unix VFS reports a failed open()). SQLITE_OK
  // ends the fault.
  void FailOpens(int code) { open_error_.store(code); }

  // Database files opened from now on are reported read-only to SQLite, as
  // the unix VFS reports a file it may only read.
  void OpenDatabasesReadOnly(bool read_only) { read_only_.store(read_only); }

  // The first sync after a write whose bytes contain `marker` (such as a
  // request_id) waits until Resume(): that commit is stuck on a slow disk,
  // holding the thread that runs it.
  void PauseCommitOf(std::string marker);
  // True once a commit is held (see PauseCommitOf), false after `timeout`.
  bool WaitUntilPaused(absl::Duration timeout);
  void Resume();

  // The file object this VFS hands to SQLite (defined in the .cc).
  struct File;

 private:
  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file,
                  int flags, int* out_flags);
  static int Write(sqlite3_file* file, const void* data, int amount,
                   sqlite3_int64 offset);
  static int Sync(sqlite3_file* file, int flags);
  static FaultInjectingVfs* Of(sqlite3_file* file);
  void NoteWrite(const void* data, int amount);
  void MaybeHoldSync();

  const std::string name_;
  sqlite3_vfs* base_;
  sqlite3_vfs vfs_;
  std::atomic<int> write_error_{SQLITE_OK};
  std::atomic<int> sync_error_{SQLITE_OK};
  std::atomic<int> open_error_{SQLITE_OK};
  std::atomic<bool> read_only_{false};

  absl::Mutex mu_;
  std::string fail_syncs_marker_ ABSL_GUARDED_BY(mu_);
  std::string pause_marker_ ABSL_GUARDED_BY(mu_);
  bool marker_written_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool resumed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_FAULT_INJECTING_VFS_H_
