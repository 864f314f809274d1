// The fixture of the tests of the SQLite mechanisms (group commit, the
// connection pool): a fresh database file in WAL mode on a disk that fails on
// command.
//
//   class PoolTest : public FaultDiskTest {
//    protected:
//     PoolTest() : FaultDiskTest("pool-test") {}
//     void SetUp() override {
//       ASSERT_NE(CreateDatabase("CREATE TABLE rows (key TEXT)"), nullptr);
//     }
//   };
#ifndef GLUTECARE_TESTS_STORAGE_SQLITE_FAULT_DISK_TEST_H_
#define GLUTECARE_TESTS_STORAGE_SQLITE_FAULT_DISK_TEST_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "server/storage/sqlite/sqlite.h"
#include "tests/testing/fault_injecting_vfs.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::sqlite {

class FaultDiskTest : public ::testing::Test {
 protected:
  // `disk_name` names the disk's VFS: one per fixture.
  explicit FaultDiskTest(std::string disk_name) : disk_(std::move(disk_name)) {}

  // Creates the database file, in WAL mode, with `schema` (SQL) and sets
  // options_ to open it; its first connection, or null after a failure of
  // the test.
  std::unique_ptr<Connection> CreateDatabase(absl::string_view schema) {
    EXPECT_FALSE(dir_.path().empty());
    options_ = {.path = dir_.File("test.db"), .vfs = disk_.name()};
    absl::StatusOr<std::unique_ptr<Connection>> db = Connection::Open(options_);
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return nullptr;
    const absl::Status created =
        (*db)->Exec(absl::StrCat("PRAGMA journal_mode = WAL; ", schema));
    EXPECT_TRUE(created.ok()) << created;
    if (!created.ok()) return nullptr;
    return *std::move(db);
  }

  testing::TempDir dir_;
  // Outlives every connection opened through it.
  testing::FaultInjectingVfs disk_;
  Connection::Options options_;
};

}  // namespace glutecare::sqlite

#endif  // GLUTECARE_TESTS_STORAGE_SQLITE_FAULT_DISK_TEST_H_
