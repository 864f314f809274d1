// glutecare-server's --db flag, through the real binary: a SQLite file path
// or sqlite:PATH is served, by one server at a time, a PostgreSQL URI is
// refused with one line that shows no password (the backend is not built in
// yet), and a value that names no known database is a usage error naming
// --db.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/build_paths.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Duration kServerTimeout = absl::Seconds(30);

ProcessResult Server(std::vector<std::string> args) {
  args.insert(args.begin(), FromTestBinary(GLUTECARE_SERVER_BINARY));
  absl::StatusOr<ProcessResult> result = RunProcess(args, {}, kServerTimeout);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : ProcessResult{};
}

TEST(DatabaseFlagE2eTest, SqliteColonPathIsTheFileAtPath) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string db = dir.File("clinics/a.db");
  const ProcessResult bootstrap =
      Server({"bootstrap", "--db", absl::StrCat("sqlite:", db), "--clinic", "a",
              "--clinic-name", "A", "--token-file", dir.File("admin.token")});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  EXPECT_TRUE(std::filesystem::exists(db));
  // The same file, named as a plain path: the clinic is there.
  const ProcessResult again =
      Server({"bootstrap", "--db", db, "--clinic", "a", "--clinic-name", "A",
              "--token-file", dir.File("admin2.token")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("existing clinic clinics/a"));
}

TEST(DatabaseFlagE2eTest, APostgresqlUriIsRefusedWithoutItsPassword) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string uri = "postgresql://app:s3cret@127.0.0.1:9/glutecare";
  const ProcessResult serve = Server({"--listen", "127.0.0.1:0", "--db", uri});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_THAT(serve.err, HasSubstr("PostgreSQL backend is not built into"));
  EXPECT_THAT(serve.err, Not(HasSubstr("s3cret")));
  const ProcessResult bootstrap =
      Server({"bootstrap", "--db", uri, "--clinic", "a", "--clinic-name", "A",
              "--token-file", dir.File("admin.token")});
  EXPECT_EQ(bootstrap.exit_code, 1);
  EXPECT_THAT(bootstrap.err, Not(HasSubstr("s3cret")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("admin.token")))
      << "no token for a clinic that was never made";
  const ProcessResult backup =
      Server({"backup", "--db", uri, "--to", dir.File("copy.db")});
  EXPECT_EQ(backup.exit_code, 1);
  EXPECT_THAT(backup.err, HasSubstr("pg_dump"));
  EXPECT_THAT(backup.err, Not(HasSubstr("s3cret")));
}

TEST(DatabaseFlagE2eTest, AnUnknownKindOfDatabaseNamesTheFlag) {
  for (const std::string value : {"mysql://db/glutecare", "sqlite:",
                                  "file://data/glutecare.db", "x1:a.db"}) {
    SCOPED_TRACE(value);
    const ProcessResult serve =
        Server({"--listen", "127.0.0.1:0", "--db", value});
    EXPECT_EQ(serve.exit_code, 1);
    EXPECT_THAT(serve.err, HasSubstr("--db"));
  }
}

TEST(DatabaseFlagE2eTest, OneServerAtATimeServesASqliteFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string db = dir.File("clinic.db");
  absl::StatusOr<ChildProcess> first =
      ChildProcess::Start({FromTestBinary(GLUTECARE_SERVER_BINARY), "--listen",
                           "127.0.0.1:0", "--db", db, "--drain-seconds", "0"});
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::string> listening = first->ReadLine(kServerTimeout);
  ASSERT_TRUE(listening.ok()) << listening.status();
  ASSERT_THAT(*listening, HasSubstr("listening on"));

  // A second server on the file refuses, in one line naming the first;
  // also when it names the file through a symbolic link.
  const std::string link = dir.File("link.db");
  std::filesystem::create_symlink(db, link);
  for (const std::string& path : {db, link}) {
    SCOPED_TRACE(path);
    const ProcessResult second =
        Server({"--listen", "127.0.0.1:0", "--db", path});
    EXPECT_EQ(second.exit_code, 1);
    EXPECT_THAT(second.err, HasSubstr("served by another glutecare-server"));
    EXPECT_THAT(second.err, HasSubstr(absl::StrCat("pid ", first->pid())));
  }
  // bootstrap and backup work beside the server.
  const ProcessResult bootstrap =
      Server({"bootstrap", "--db", db, "--clinic", "a", "--clinic-name", "A",
              "--token-file", dir.File("admin.token")});
  EXPECT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  const ProcessResult backup =
      Server({"backup", "--db", db, "--to", dir.File("copy.db")});
  EXPECT_EQ(backup.exit_code, 0) << backup.err;

  // Once the first has stopped, another serves the file.
  absl::StatusOr<int> stopped = first->Stop(kServerTimeout);
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0);
  absl::StatusOr<ChildProcess> next =
      ChildProcess::Start({FromTestBinary(GLUTECARE_SERVER_BINARY), "--listen",
                           "127.0.0.1:0", "--db", db, "--drain-seconds", "0"});
  ASSERT_TRUE(next.ok()) << next.status();
  listening = next->ReadLine(kServerTimeout);
  ASSERT_TRUE(listening.ok()) << listening.status();
  EXPECT_THAT(*listening, HasSubstr("listening on"));
  EXPECT_TRUE(next->Stop(kServerTimeout).ok());
}

}  // namespace
}  // namespace glutecare::testing
