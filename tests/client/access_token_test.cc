// Tests of client/access_token.h: where the token comes from, that errors
// never show it, and the 0600 file a new token's secret goes to.
#include "client/access_token.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A well-formed token, as the server makes them.
constexpr char kToken[] = "gc1_HYYihI1iE3f7-6jyKIYQ_Chg2ol_kEhycaA6bn_zrm4";

class AccessTokenTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  // Writes `contents` to the file `name` in the test's folder; its path.
  std::string WriteFile(const std::string& name, const std::string& contents,
                        mode_t mode = 0600) const {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    chmod(path.c_str(), mode);
    return path;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat info = {};
    EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }

  glutecare::testing::TempDir dir_;
};

TEST_F(AccessTokenTest, ReadsTheTokenFileWithoutTheWhitespaceAroundIt) {
  for (const std::string contents :
       {std::string(kToken), absl::StrCat(kToken, "\n"),
        absl::StrCat(kToken, "\r\n\n"), absl::StrCat("  ", kToken, " \t\n")}) {
    SCOPED_TRACE(contents);
    const absl::StatusOr<std::string> token =
        ReadAccessTokenFile(WriteFile("admin.token", contents), "--token-file");
    ASSERT_TRUE(token.ok()) << token.status();
    EXPECT_EQ(*token, kToken);
  }
}

TEST_F(AccessTokenTest, AFileThatHoldsNoTokenIsAUsageErrorThatNeverShowsIt) {
  struct Case {
    std::string name;
    std::string contents;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"empty", "", "is empty"},
      {"blank", " \n\n", "is empty"},
      {"two tokens", absl::StrCat(kToken, "\n", kToken, "\n"),
       "does not hold an access token"},
      {"a space inside", absl::StrCat("gc1_HYYihI1iE3f7 ", kToken + 20),
       "does not hold an access token"},
      {"not ASCII", absl::StrCat(kToken, "\xc3\xa9"),
       "does not hold an access token"},
      {"too large", std::string(5000, 'a'), "too large"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = WriteFile("bad.token", c.contents);
    const absl::StatusOr<std::string> token =
        ReadAccessTokenFile(path, "--token-file");
    ASSERT_FALSE(token.ok());
    EXPECT_TRUE(IsUsageError(token.status())) << token.status();
    EXPECT_THAT(token.status().message(), HasSubstr("--token-file"));
    EXPECT_THAT(token.status().message(), HasSubstr(path));
    EXPECT_THAT(token.status().message(), HasSubstr(c.message));
    EXPECT_THAT(token.status().message(), Not(HasSubstr("HYYihI1iE3f7")));
  }
}

TEST_F(AccessTokenTest, AMissingFileIsAUsageErrorNamingFlagAndPath) {
  const std::string path = dir_.File("nowhere.token");
  const absl::StatusOr<std::string> token = ReadAccessTokenFile(path, "--x");
  ASSERT_FALSE(token.ok());
  EXPECT_TRUE(IsUsageError(token.status()));
  EXPECT_EQ(
      token.status().message(),
      absl::StrCat("--x: cannot read ", path, ": No such file or directory"));
}

TEST_F(AccessTokenTest, TheFileWinsOverTheVariable) {
  const std::string path = WriteFile("therapist.token", "gc1_from_file\n");
  const absl::StatusOr<std::string> token =
      ChooseAccessToken(path, "gc1_from_variable");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "gc1_from_file");

  // A bad file is an error even when the variable holds a good token.
  EXPECT_FALSE(ChooseAccessToken(dir_.File("missing"), kToken).ok());
}

TEST_F(AccessTokenTest, WithoutAFileTheVariableIsTheToken) {
  for (const char* variable :
       {kToken, "  gc1_HYYihI1iE3f7-6jyKIYQ_Chg2ol_kEhycaA6bn_zrm4\n"}) {
    SCOPED_TRACE(variable);
    const absl::StatusOr<std::string> token = ChooseAccessToken("", variable);
    ASSERT_TRUE(token.ok()) << token.status();
    EXPECT_EQ(*token, kToken);
  }
}

TEST_F(AccessTokenTest, NoTokenAtAllIsOneUsageErrorNamingBothSources) {
  for (const char* variable : {static_cast<const char*>(nullptr), "", " \n"}) {
    const absl::StatusOr<std::string> token = ChooseAccessToken("", variable);
    ASSERT_FALSE(token.ok());
    EXPECT_TRUE(IsUsageError(token.status()));
    EXPECT_EQ(ErrorLine(token.status()),
              "glutecare: usage: no access token: set GLUTECARE_TOKEN or "
              "--token-file");
  }
}

TEST_F(AccessTokenTest, ABadVariableIsAUsageErrorThatNeverShowsIt) {
  const absl::StatusOr<std::string> token =
      ChooseAccessToken("", "gc1_HYYihI1iE3f7 -6jyKIYQ");
  ASSERT_FALSE(token.ok());
  EXPECT_TRUE(IsUsageError(token.status()));
  EXPECT_THAT(token.status().message(), HasSubstr("GLUTECARE_TOKEN"));
  EXPECT_THAT(ErrorLine(token.status()), Not(HasSubstr("HYYihI1iE3f7")));
}

TEST_F(AccessTokenTest, SecretFileIsWrittenWithMode0600) {
  const std::string path = dir_.File("new.token");
  absl::StatusOr<SecretFile> file = CreateSecretFile(path, "--out");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->path(), path);
  ASSERT_TRUE(file->Write(kToken).ok());
  EXPECT_EQ(ReadFile(path), absl::StrCat(kToken, "\n"));
  EXPECT_EQ(ModeOf(path), 0600);
  EXPECT_EQ(*ReadAccessTokenFile(path, "--token-file"), kToken)
      << "what --out writes, --token-file reads";
}

TEST_F(AccessTokenTest, SecretFileReplacesAnExistingFileAndItsMode) {
  const std::string path =
      WriteFile("old.token", std::string(200, 'x') + "\n", 0644);
  absl::StatusOr<SecretFile> file = CreateSecretFile(path, "--out");
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_TRUE(file->Write(kToken).ok());
  EXPECT_EQ(ReadFile(path), absl::StrCat(kToken, "\n"));
  EXPECT_EQ(ModeOf(path), 0600);
}

TEST_F(AccessTokenTest, SecretFileNeverWritesThroughASymbolicLink) {
  const std::string target = WriteFile("target", "keep\n", 0644);
  const std::string link = dir_.File("link.token");
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  const absl::StatusOr<SecretFile> file = CreateSecretFile(link, "--out");
  ASSERT_FALSE(file.ok());
  EXPECT_TRUE(IsUsageError(file.status()));
  EXPECT_THAT(file.status().message(), HasSubstr("symbolic link"));
  EXPECT_EQ(ReadFile(target), "keep\n");
  EXPECT_EQ(ModeOf(target), 0644);
}

TEST_F(AccessTokenTest, SecretFileUnwrittenLeavesNoNewFileAndOldFilesAlone) {
  const std::string fresh = dir_.File("fresh.token");
  const std::string old = WriteFile("old.token", "old\n");
  {
    absl::StatusOr<SecretFile> created = CreateSecretFile(fresh, "--out");
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_TRUE(std::filesystem::exists(fresh));
    absl::StatusOr<SecretFile> opened = CreateSecretFile(old, "--out");
    ASSERT_TRUE(opened.ok()) << opened.status();
  }  // the token was never made
  EXPECT_FALSE(std::filesystem::exists(fresh));
  EXPECT_EQ(ReadFile(old), "old\n");
}

TEST_F(AccessTokenTest, SecretFileInAMissingFolderIsAUsageError) {
  const std::string path = dir_.File("no/such/folder/new.token");
  const absl::StatusOr<SecretFile> file = CreateSecretFile(path, "--out");
  ASSERT_FALSE(file.ok());
  EXPECT_TRUE(IsUsageError(file.status()));
  EXPECT_THAT(file.status().message(),
              HasSubstr(absl::StrCat("--out: cannot write ", path)));
}

}  // namespace
}  // namespace glutecare::client
