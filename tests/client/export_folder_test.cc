#include "client/export_folder.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/text_file.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

int Mode(const std::string& path) {
  struct stat info = {};
  if (stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 0777);
}

TEST(ExportFolderTest, FilesAppearUnderTheirNamesOnlyOnCommit) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("export");
  absl::StatusOr<std::unique_ptr<ExportFolder>> folder =
      ExportFolder::Open(dir, {"Patient", "Observation"});
  ASSERT_TRUE(folder.ok()) << folder.status();
  ASSERT_TRUE((*folder)->Append("Patient", "{\"id\":\"a\"}\n").ok());
  ASSERT_TRUE((*folder)->Append("Observation", "{\"id\":\"1\"}\n").ok());
  ASSERT_TRUE((*folder)->Append("Patient", "{\"id\":\"b\"}\n").ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/Patient.ndjson"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/Patient.ndjson.partial"));

  ASSERT_TRUE((*folder)->Commit().ok());
  EXPECT_EQ(testing::ReadTextFile(dir + "/Patient.ndjson"),
            "{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
  EXPECT_EQ(testing::ReadTextFile(dir + "/Observation.ndjson"), "{\"id\":\"1\"}\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/Patient.ndjson.partial"));
  EXPECT_THAT((*folder)->Counts(),
              ElementsAre(Pair("Patient", 2), Pair("Observation", 1)));
  // Health data: the folder and its files are the owner's only.
  EXPECT_EQ(Mode(dir), 0700);
  EXPECT_EQ(Mode(dir + "/Patient.ndjson"), 0600);
}

TEST(ExportFolderTest, AnExportThatFailsLeavesTheLastOneInPlace) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("export");
  {
    auto first = ExportFolder::Open(dir, {"Patient"});
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE((*first)->Append("Patient", "{\"id\":\"old\"}\n").ok());
    ASSERT_TRUE((*first)->Commit().ok());
  }
  {
    auto second = ExportFolder::Open(dir, {"Patient"});
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE((*second)->Append("Patient", "{\"id\":\"new\"}\n").ok());
    // Dropped without Commit: the stream broke.
  }
  EXPECT_EQ(testing::ReadTextFile(dir + "/Patient.ndjson"), "{\"id\":\"old\"}\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/Patient.ndjson.partial"));
}

TEST(ExportFolderTest, ATypeNotAskedForIsRefused) {
  testing::TempDir tmp;
  auto folder = ExportFolder::Open(tmp.File("export"), {"Patient"});
  ASSERT_TRUE(folder.ok());
  const absl::Status status = (*folder)->Append("CarePlan", "{}\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("CarePlan"));
}

TEST(ExportFolderTest, AFolderThatCannotBeMadeIsNamed) {
  testing::TempDir tmp;
  const absl::StatusOr<std::unique_ptr<ExportFolder>> folder =
      ExportFolder::Open(tmp.File("missing/export"), {"Patient"});
  EXPECT_EQ(folder.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(folder.status().message(), HasSubstr("missing/export"));
}

}  // namespace
}  // namespace glutecare::client
