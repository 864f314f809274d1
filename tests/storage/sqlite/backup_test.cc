// The online backup, taken while writers keep writing, and a restore from it.
#include "server/storage/sqlite/backup.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

// A clinic with therapist t1 and patient p1, whose audit trail the writers
// below append to: one row per acknowledged write, easy to count.
void Seed(Store& store) {
  v1::Clinic clinic;
  clinic.set_name("clinics/demo");
  clinic.set_display_name("Demo");
  ASSERT_TRUE(store.CreateClinic(clinic).ok());
}

AuditRecord Event(int writer, int i) {
  AuditRecord record{.clinic = {"demo"}};
  record.event.set_method("/glutecare.v1.SessionService/CreateSession");
  record.event.set_resource("w" + std::to_string(writer) + "-" +
                            std::to_string(i));
  record.event.set_outcome("OK");
  return record;
}

TEST(SqliteBackup,
     AConsistentCopyWhileWritersWriteRestoresEveryAcknowledgedWrite) {
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string db = dir.File("glutecare.db");
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore({.path = db});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_NO_FATAL_FAILURE(Seed(**store));

  // Writers run until the backup is done; each write acknowledged before the
  // backup began must be in it.
  constexpr int kWriters = 4;
  absl::Mutex mu;
  bool backup_started = false;
  int acknowledged_before_backup = 0;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load() && i < 100000; ++i) {
        if (!(*store)->AppendAuditEvents({Event(w, i)}).ok()) {
          failures.fetch_add(1);
          continue;
        }
        absl::MutexLock lock(&mu);
        if (!backup_started) ++acknowledged_before_backup;
      }
    });
  }
  // Let the writers get going: wait (bounded) for 200 acknowledged writes.
  {
    absl::MutexLock lock(&mu);
    mu.AwaitWithTimeout(
        absl::Condition(
            +[](int* n) { return *n >= 200; }, &acknowledged_before_backup),
        absl::Seconds(30));
  }
  int floor;
  {
    absl::MutexLock lock(&mu);
    backup_started = true;
    floor = acknowledged_before_backup;
  }
  const std::string backup = dir.File("backup.db");
  absl::StatusOr<BackupResult> result = BackupSqliteDatabase(db, backup);
  stop = true;
  for (std::thread& writer : writers) writer.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(result->pages, 0);
  EXPECT_EQ(result->bytes,
            static_cast<int64_t>(std::filesystem::file_size(backup)));
  EXPECT_FALSE(std::filesystem::exists(backup + ".partial"));
  EXPECT_EQ(
      std::filesystem::status(backup).permissions() &
          std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(BackupSqliteDatabase(db, backup).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "a backup never overwrites";

  // Restore: the backup becomes the database of a fresh store.
  const std::string restored = dir.File("restored.db");
  std::filesystem::copy_file(backup, restored);
  absl::StatusOr<std::unique_ptr<Store>> reopened =
      OpenSqliteStore({.path = restored});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<Page<v1::AuditEvent>> events =
      (*reopened)->ListAuditEvents({.clinic = {"demo"}}, {.page_size = 1000});
  ASSERT_TRUE(events.ok()) << events.status();
  int restored_events = static_cast<int>(events->items.size());
  std::string token = events->next_page_token;
  while (!token.empty()) {
    absl::StatusOr<Page<v1::AuditEvent>> page = (*reopened)->ListAuditEvents(
        {.clinic = {"demo"}}, {.page_size = 1000, .page_token = token});
    ASSERT_TRUE(page.ok()) << page.status();
    restored_events += static_cast<int>(page->items.size());
    token = page->next_page_token;
  }
  EXPECT_GE(restored_events, floor);
}

TEST(SqliteBackup, RefusesWhatIsNotAGlutecareDatabase) {
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  EXPECT_EQ(BackupSqliteDatabase(dir.File("missing.db"), dir.File("b.db"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace glutecare
