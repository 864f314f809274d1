#include "client/import_file.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Wheres(const ImportFile& file) {
  std::vector<std::string> wheres;
  for (const ImportRecord& record : file.records)
    wheres.push_back(record.where);
  return wheres;
}

TEST(ReadImportFile, TakesNdjsonLineByLineKeepingBadLinesAsRecords) {
  const std::string text =
      "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n"
      "\n"
      "{\"resourceType\":\"Patient\",\"id\":\"b\"}\r\n"
      "not json\n"
      "{\"resourceType\":\"Patient\",\"id\":\"c\"}";
  absl::StatusOr<ImportFile> file = ReadImportFile(text);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(Wheres(*file),
              ElementsAre("line 1", "line 3", "line 4", "line 5"));
  EXPECT_EQ(file->records[1].json,
            "{\"resourceType\":\"Patient\",\"id\":\"b\"}");
  EXPECT_EQ(file->records[2].json, "not json");
}

TEST(ReadImportFile, TakesOnePrettyPrintedPatient) {
  const std::string text =
      "\n{\n  \"resourceType\": \"Patient\",\n  \"id\": \"a\"\n}\n";
  absl::StatusOr<ImportFile> file = ReadImportFile(text);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_THAT(Wheres(*file), ElementsAre("line 1"));
  EXPECT_THAT(file->records[0].json, HasSubstr("\"id\": \"a\""));
}

TEST(ReadImportFile, TakesThePatientsOfABundle) {
  const std::string text = R"({
    "resourceType": "Bundle", "type": "collection",
    "entry": [
      {"resource": {"resourceType": "Patient", "id": "a"}},
      {"resource": {"resourceType": "Practitioner", "id": "t"}},
      {"fullUrl": "urn:x"},
      {"resource": {"resourceType": "Patient", "id": "b"}}]})";
  absl::StatusOr<ImportFile> file = ReadImportFile(text);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(Wheres(*file), ElementsAre("entry 0", "entry 3"));
  EXPECT_EQ(file->records[1].json, R"({"id":"b","resourceType":"Patient"})");
  EXPECT_EQ(file->skipped_entries, 2);

  file = ReadImportFile(
      "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"
      "{\"resourceType\":\"Patient\",\"id\":\"a\"}}]}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"b\"}\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(Wheres(*file), ElementsAre("line 1 entry 0", "line 2"));
}

// Which lines count as JSON, whatever shortcut ReadImportFile takes: a line
// with a byte order mark, or one that is a JSON value but not an object,
// makes the file NDJSON; a Bundle is recognised after a byte order mark.
TEST(ReadImportFile, TellsJsonLinesAsTheJsonParserDoes) {
  absl::StatusOr<ImportFile> file =
      ReadImportFile("{\n  \"resourceType\": \"Patient\",\n 12\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(Wheres(*file), ElementsAre("line 1", "line 2", "line 3"));

  file = ReadImportFile("{\n\"a\": 1,\n \"b\":\n 2}x\n");
  EXPECT_THAT(file.status().message(), HasSubstr("neither NDJSON"));

  file = ReadImportFile(
      "x\n\xEF\xBB\xBF {\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"
      "{\"resourceType\":\"Patient\",\"id\":\"a\"}}]} \n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(Wheres(*file), ElementsAre("line 1", "line 2 entry 0"));
}

TEST(ReadImportFile, TakesABundleLineWhoseTypeIsWrittenWithEscapes) {
  absl::StatusOr<ImportFile> file = ReadImportFile(
      "{\"resourceType\":\"\\u0042undle\",\"entry\":[{\"resource\":"
      "{\"resourceType\":\"Patient\",\"id\":\"a\"}}]}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"b\"}\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(Wheres(*file), ElementsAre("line 1 entry 0", "line 2"));
}

TEST(ReadImportFile, RefusesWhatIsNoImportFile) {
  EXPECT_THAT(ReadImportFile("").status().message(), HasSubstr("no records"));
  EXPECT_THAT(ReadImportFile(" \n\n").status().message(),
              HasSubstr("no records"));
  EXPECT_THAT(ReadImportFile("{\n\"resourceType\": \n").status().message(),
              HasSubstr("neither NDJSON"));
  EXPECT_THAT(ReadImportFile("{\"resourceType\":\"Bundle\",\"entry\":[]}")
                  .status()
                  .message(),
              HasSubstr("no Patient entries"));
}

std::vector<ImportRecord> RecordsOfSizes(const std::vector<size_t>& sizes) {
  std::vector<ImportRecord> records;
  for (size_t size : sizes) records.push_back({"", std::string(size, 'x')});
  return records;
}

std::vector<std::pair<size_t, size_t>> Ranges(
    const std::vector<Batch>& batches) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (const Batch& batch : batches)
    ranges.emplace_back(batch.begin, batch.end);
  return ranges;
}

TEST(Batches, KeepEachUnderBothLimits) {
  using Range = std::pair<size_t, size_t>;
  EXPECT_THAT(Ranges(Batches(RecordsOfSizes({1, 1, 1, 1, 1}), 2, 100)),
              ElementsAre(Range{0, 2}, Range{2, 4}, Range{4, 5}));
  EXPECT_THAT(Ranges(Batches(RecordsOfSizes({40, 40, 40, 10}), 10, 100)),
              ElementsAre(Range{0, 2}, Range{2, 4}));
  // A record over the byte limit goes alone (and the server refuses it).
  EXPECT_THAT(Ranges(Batches(RecordsOfSizes({10, 500, 10}), 10, 100)),
              ElementsAre(Range{0, 1}, Range{1, 2}, Range{2, 3}));
  EXPECT_TRUE(Batches({}, 10, 100).empty());
}

}  // namespace
}  // namespace glutecare::client
