// PRAGMA integrity_check of a database file, for tests that check what a
// crash or a failing disk left behind.
//
//   EXPECT_EQ(testing::IntegrityCheck(db), "ok");
#ifndef GLUTECARE_TESTS_TESTING_INTEGRITY_CHECK_H_
#define GLUTECARE_TESTS_TESTING_INTEGRITY_CHECK_H_

#include <sqlite3.h>

#include <string>

namespace glutecare::testing {

// "ok" for a sound database at `path` (opened read-only); otherwise SQLite's
// report, or why the check could not run.
inline std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) !=
          SQLITE_OK) {
    result = std::string("cannot check: ") + sqlite3_errmsg(db);
  } else if (sqlite3_step(stmt) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  } else {
    result = std::string("no result: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_INTEGRITY_CHECK_H_
