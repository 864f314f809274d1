// CsvChunks over a real SqliteStore: whole rows in chunks of about the size
// asked for, every row once whatever the page sizes, the header first, and
// patients without rows skipped.
#include "server/app/csv_chunks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/csv_tables.h"
#include "tests/testing/csv_reader.h"
#include "tests/testing/stored_clinic.h"

namespace glutecare {
namespace {

using ::testing::ElementsAreArray;
using ::testing::EndsWith;

class CsvChunksTest : public testing::StoredClinicTest {
 protected:
  void SetUp() override {
    StoredClinicTest::SetUp();
    if (HasFatalFailure()) return;
    // p0 has no rows; p1..p4 have 1..4 pain reports each; p5 has none.
    for (int p = 0; p <= 5; ++p) {
      v1::Patient patient;
      patient.set_name(absl::StrCat("clinics/demo/patients/p", p));
      patient.set_display_name(absl::StrCat("Patient ", p));
      patient.set_mrn(absl::StrCat("MRN-", p));
      patient.set_time_zone("UTC");
      patient.set_therapist("clinics/demo/therapists/t1");
      ASSERT_TRUE(store_->CreatePatient(patient).ok());
      for (int r = 0; p < 5 && r < p; ++r) {
        v1::PainReport report;
        report.set_name(
            absl::StrCat(patient.name(), "/painReports/r", p, "-", r));
        report.set_local_date(absl::StrCat("2026-11-1", r));
        report.set_area(v1::PAIN_AREA_HIP);
        report.set_score(r);
        report.set_note(std::string(100, 'n'));
        ASSERT_TRUE(store_->CreatePainReport(report, "").ok());
      }
    }
  }

  // Every chunk of an export, checked to be whole rows.
  std::vector<std::string> Chunks(std::variant<ClinicName, PatientName> parent,
                                  const CsvChunks::Options& options) {
    CsvChunks chunks(*store_, v1::ExportCsvRequest::TABLE_PAIN_REPORTS,
                     std::move(parent), options);
    std::vector<std::string> all;
    for (int i = 0; i < 1000; ++i) {  // bounded: the data has 10 rows
      absl::StatusOr<std::optional<std::string>> chunk = chunks.Next();
      EXPECT_TRUE(chunk.ok()) << chunk.status();
      if (!chunk.ok() || !chunk->has_value()) break;
      EXPECT_THAT(**chunk, EndsWith("\r\n"));
      EXPECT_TRUE(testing::ReadCsv(**chunk).ok()) << **chunk;
      all.push_back(**std::move(chunk));
    }
    return all;
  }

  // The first column of every row of `chunks` after the header.
  static std::vector<std::string> ReportIds(
      const std::vector<std::string>& chunks) {
    std::string csv;
    for (const std::string& chunk : chunks) csv += chunk;
    absl::StatusOr<testing::CsvRows> rows = testing::ReadCsv(csv);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> ids;
    if (!rows.ok() || rows->empty()) return ids;
    EXPECT_EQ((*rows)[0], PainReportCsvColumns());
    for (size_t i = 1; i < rows->size(); ++i) ids.push_back((*rows)[i][3]);
    return ids;
  }
};

TEST_F(CsvChunksTest, EveryRowOnceWhateverThePageSizes) {
  // Patients in creation order, each one's reports newest first.
  const std::vector<std::string> want = {"r1-0", "r2-1", "r2-0", "r3-2",
                                         "r3-1", "r3-0", "r4-3", "r4-2",
                                         "r4-1", "r4-0"};
  for (int patients_per_page : {1, 2, 7}) {
    for (int rows_per_page : {1, 3, 100}) {
      SCOPED_TRACE(absl::StrCat(patients_per_page, " patients, ", rows_per_page,
                                " rows a page"));
      const std::vector<std::string> chunks =
          Chunks(ClinicName{"demo"}, {.patients_per_page = patients_per_page,
                                      .rows_per_page = rows_per_page});
      EXPECT_EQ(chunks.size(), 1u);  // 64 KiB holds them all
      EXPECT_THAT(ReportIds(chunks), ElementsAreArray(want));
    }
  }
}

TEST_F(CsvChunksTest, ChunksAreWholeRowsOfAboutTheSizeAsked) {
  const std::vector<std::string> chunks =
      Chunks(ClinicName{"demo"},
             {.patients_per_page = 2, .rows_per_page = 2, .chunk_bytes = 300});
  // Each row is about 150 bytes: a chunk ends with the row that takes it to
  // 300 bytes or more, so it holds two or three rows (and the first, the
  // header). Only the last may be smaller.
  ASSERT_GE(chunks.size(), 3u);
  for (size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_GE(chunks[i].size(), 300u) << i;
    EXPECT_LT(chunks[i].size(), 300u + 160u) << i;
  }
  EXPECT_EQ(ReportIds(chunks).size(), 10u);
}

TEST_F(CsvChunksTest, OnePatientsRowsOrJustTheHeader) {
  EXPECT_THAT(
      ReportIds(Chunks(PatientName{"demo", "p2"}, {.rows_per_page = 1})),
      ElementsAreArray({"r2-1", "r2-0"}));
  const std::vector<std::string> empty = Chunks(PatientName{"demo", "p5"}, {});
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_THAT(ReportIds(empty), ::testing::IsEmpty());
}

TEST_F(CsvChunksTest, AMissingPatientOrClinicIsNotFound) {
  CsvChunks patient(*store_, v1::ExportCsvRequest::TABLE_SESSIONS,
                    PatientName{"demo", "ghost"}, {});
  EXPECT_EQ(patient.Next().status().code(), absl::StatusCode::kNotFound);
  CsvChunks clinic(*store_, v1::ExportCsvRequest::TABLE_SESSIONS,
                   ClinicName{"ghost"}, {});
  EXPECT_EQ(clinic.Next().status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace glutecare
