#include "server/domain/csv_tables.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/domain/csv.h"
#include "tests/testing/builders.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::SizeIs;

v1::Patient Ana() {
  v1::Patient patient;
  patient.set_name("clinics/demo/patients/ana");
  patient.set_display_name("Ana Silva, Jr.");
  patient.set_mrn("MRN-1002");
  patient.set_time_zone("America/New_York");
  return patient;
}

TEST(SessionCsvRow, HasAColumnEachInTheHeadersOrder) {
  v1::PerformedExercise bridge = testing::Performed("glute-bridge");
  bridge.clear_reps();
  bridge.set_hold_seconds(30);
  v1::PerformedExercise squat =
      testing::Performed("goblet-squat", 3, 10, v1::LOAD_TYPE_EXTERNAL_WEIGHT);
  squat.mutable_load()->set_weight_kg(8.5);
  v1::Session session = testing::Session(
      "clinics/demo/patients/ana/programs/knee-1@2", {bridge, squat});
  session.set_name("clinics/demo/patients/ana/sessions/s1");
  // 2026-11-24 01:30 UTC is 2026-11-23 in New York.
  *session.mutable_perform_time() = TimeUtil::SecondsToTimestamp(1795483800);
  session.mutable_perform_time()->set_nanos(500'000'000);
  session.set_local_date("2026-11-23");
  session.set_pain_before(4);
  session.set_pain_after(0);
  session.set_pain_area(v1::PAIN_AREA_LOWER_BACK);
  session.set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
  session.set_notes("=1+1, \"ok\"");

  const std::vector<std::string> row = SessionCsvRow(Ana(), session);
  EXPECT_THAT(row, SizeIs(SessionCsvColumns().size()));
  EXPECT_THAT(
      row, ElementsAre("ana", "Ana Silva, Jr.", "MRN-1002", "s1",
                       "2026-11-24T01:30:00Z", "2026-11-23", "knee-1", "2",
                       "glute-bridge:3x30s; goblet-squat:3x10@8.5kg", "4", "0",
                       "lower-back", "about-right", "'=1+1, \"ok\""));
  std::string csv;
  AppendCsvRecord(row, csv);
  EXPECT_EQ(csv,
            "ana,\"Ana Silva, Jr.\",MRN-1002,s1,2026-11-24T01:30:00Z,"
            "2026-11-23,knee-1,2,glute-bridge:3x30s; goblet-squat:3x10@8.5kg,"
            "4,0,lower-back,about-right,\"'=1+1, \"\"ok\"\"\"\r\n");
}

TEST(SessionCsvColumns, AreWhatTheReadmeLists) {
  std::string csv;
  AppendCsvRecord(SessionCsvColumns(), csv);
  EXPECT_EQ(csv,
            "patient,patient_name,mrn,session,perform_time,local_date,program,"
            "program_revision,exercises,pain_before,pain_after,pain_area,"
            "difficulty,notes\r\n");
  csv.clear();
  AppendCsvRecord(PainReportCsvColumns(), csv);
  EXPECT_EQ(csv,
            "patient,patient_name,mrn,pain_report,local_date,pain_area,score,"
            "note,create_time\r\n");
}

TEST(PainReportCsvRow, HasAColumnEachInTheHeadersOrder) {
  v1::PainReport report;
  report.set_name("clinics/demo/patients/ana/painReports/r1");
  report.set_local_date("2026-11-23");
  report.set_area(v1::PAIN_AREA_HIP);
  report.set_score(7);
  report.set_note("worse\nafter stairs");
  *report.mutable_create_time() = TimeUtil::SecondsToTimestamp(1795483800);
  EXPECT_THAT(
      PainReportCsvRow(Ana(), report),
      ElementsAre("ana", "Ana Silva, Jr.", "MRN-1002", "r1", "2026-11-23",
                  "hip", "7", "worse\nafter stairs", "2026-11-24T01:30:00Z"));
}

TEST(PainReportCsvRow, AnMrnThatLooksLikeAFormulaStaysText) {
  // MRNs may start with '-': a spreadsheet would read "-12-3" as =-12-3.
  v1::Patient patient = Ana();
  patient.set_mrn("-12-3");
  v1::PainReport report;
  report.set_name("clinics/demo/patients/ana/painReports/r1");
  EXPECT_EQ(PainReportCsvRow(patient, report)[2], "'-12-3");
  v1::Session session;
  session.set_name("clinics/demo/patients/ana/sessions/s1");
  EXPECT_EQ(SessionCsvRow(patient, session)[2], "'-12-3");
}

TEST(PainReportCsvRow, LeavesWhatIsUnsetEmpty) {
  v1::PainReport report;
  report.set_name("clinics/demo/patients/ana/painReports/r1");
  EXPECT_THAT(PainReportCsvRow(Ana(), report),
              ElementsAre("ana", "Ana Silva, Jr.", "MRN-1002", "r1", "", "", "",
                          "", ""));
}

}  // namespace
}  // namespace glutecare
