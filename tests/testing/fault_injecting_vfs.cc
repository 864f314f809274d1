#include "tests/testing/fault_injecting_vfs.h"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/string_view.h"

namespace glutecare::testing {

// Our file is the base VFS's file with a header in front: `real` points just
// past this struct, where the base VFS keeps its own state.
struct FaultInjectingVfs::File {
  sqlite3_file base;  // must be first: SQLite sees a sqlite3_file*
  sqlite3_file* real;
  FaultInjectingVfs* owner;
  // The base's methods with Write and Sync replaced.
  sqlite3_io_methods methods;
};

namespace {

sqlite3_file* Real(sqlite3_file* file) {
  return reinterpret_cast<FaultInjectingVfs::File*>(file)->real;
}

// Every method not faulted goes straight to the base file.
int Close(sqlite3_file* f) {
  sqlite3_file* real = Real(f);
  return real->pMethods->xClose(real);
}
int Read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), data, amount, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xUnlock(Real(f), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) {
  return Real(f)->pMethods->xSectorSize(Real(f));
}
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend,
           void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
}

}  // namespace

FaultInjectingVfs::FaultInjectingVfs(std::string name)
    : name_(std::move(name)), base_(sqlite3_vfs_find(nullptr)) {
  vfs_ = *base_;
  vfs_.szOsFile = static_cast<int>(sizeof(File)) + base_->szOsFile;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.pNext = nullptr;
  vfs_.xOpen = &FaultInjectingVfs::Open;
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/0);
}

FaultInjectingVfs::~FaultInjectingVfs() {
  Resume();
  sqlite3_vfs_unregister(&vfs_);
}

int FaultInjectingVfs::Open(sqlite3_vfs* vfs, const char* name,
                            sqlite3_file* file, int flags, int* out_flags) {
  auto* self = static_cast<FaultInjectingVfs*>(vfs->pAppData);
  auto* ours = reinterpret_cast<File*>(file);
  ours->base.pMethods = nullptr;  // SQLite must not close a failed open
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  ours->owner = self;
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0) {
    if (const int error = self->open_error_.load(); error != SQLITE_OK) {
      return error;
    }
  }
  int local_out_flags = 0;
  const int rc = self->base_->xOpen(self->base_, name, ours->real, flags,
                                    &local_out_flags);
  if (rc != SQLITE_OK || ours->real->pMethods == nullptr) {
    if (out_flags != nullptr) *out_flags = local_out_flags;
    return rc;
  }
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && self->read_only_.load()) {
    local_out_flags =
        (local_out_flags & ~SQLITE_OPEN_READWRITE) | SQLITE_OPEN_READONLY;
  }
  if (out_flags != nullptr) *out_flags = local_out_flags;
  const sqlite3_io_methods* real = ours->real->pMethods;
  ours->methods = sqlite3_io_methods{
      .iVersion = real->iVersion,
      .xClose = &Close,
      .xRead = &Read,
      .xWrite = &FaultInjectingVfs::Write,
      .xTruncate = &Truncate,
      .xSync = &FaultInjectingVfs::Sync,
      .xFileSize = &FileSize,
      .xLock = &Lock,
      .xUnlock = &Unlock,
      .xCheckReservedLock = &CheckReservedLock,
      .xFileControl = &FileControl,
      .xSectorSize = &SectorSize,
      .xDeviceCharacteristics = &DeviceCharacteristics,
      .xShmMap = real->iVersion >= 2 ? &ShmMap : nullptr,
      .xShmLock = real->iVersion >= 2 ? &ShmLock : nullptr,
      .xShmBarrier = real->iVersion >= 2 ? &ShmBarrier : nullptr,
      .xShmUnmap = real->iVersion >= 2 ? &ShmUnmap : nullptr,
      .xFetch = real->iVersion >= 3 ? &Fetch : nullptr,
      .xUnfetch = real->iVersion >= 3 ? &Unfetch : nullptr,
  };
  ours->base.pMethods = &ours->methods;
  return SQLITE_OK;
}

FaultInjectingVfs* FaultInjectingVfs::Of(sqlite3_file* file) {
  return reinterpret_cast<File*>(file)->owner;
}

int FaultInjectingVfs::Write(sqlite3_file* file, const void* data, int amount,
                             sqlite3_int64 offset) {
  const int error = Of(file)->write_error_.load();
  if (error != SQLITE_OK) return error;
  Of(file)->NoteWrite(data, amount);
  return Real(file)->pMethods->xWrite(Real(file), data, amount, offset);
}

int FaultInjectingVfs::Sync(sqlite3_file* file, int flags) {
  Of(file)->MaybeHoldSync();
  const int error = Of(file)->sync_error_.load();
  if (error != SQLITE_OK) return error;
  return Real(file)->pMethods->xSync(Real(file), flags);
}

void FaultInjectingVfs::PauseCommitOf(std::string marker) {
  absl::MutexLock lock(&mu_);
  pause_marker_ = std::move(marker);
  marker_written_ = false;
  paused_ = false;
  resumed_ = false;
}

void FaultInjectingVfs::FailSyncsFrom(std::string marker) {
  absl::MutexLock lock(&mu_);
  fail_syncs_marker_ = std::move(marker);
}

void FaultInjectingVfs::NoteWrite(const void* data, int amount) {
  const absl::string_view bytes(static_cast<const char*>(data),
                                static_cast<size_t>(amount));
  absl::MutexLock lock(&mu_);
  if (!fail_syncs_marker_.empty() &&
      bytes.find(fail_syncs_marker_) != absl::string_view::npos) {
    fail_syncs_marker_.clear();
    sync_error_.store(SQLITE_IOERR_FSYNC);
  }
  if (pause_marker_.empty() || marker_written_) return;
  marker_written_ = bytes.find(pause_marker_) != absl::string_view::npos;
}

bool FaultInjectingVfs::WaitUntilPaused(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&paused_), timeout);
}

void FaultInjectingVfs::Resume() {
  absl::MutexLock lock(&mu_);
  resumed_ = true;
}

void FaultInjectingVfs::MaybeHoldSync() {
  absl::MutexLock lock(&mu_);
  if (!marker_written_) return;
  marker_written_ = false;
  pause_marker_.clear();
  paused_ = true;
  mu_.Await(absl::Condition(&resumed_));
}

}  // namespace glutecare::testing
