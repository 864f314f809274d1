// CsvExportService on a real server: a patient's sessions and a clinic's pain
// reports as RFC 4180 CSV that reads back to what was stored (commas,
// quotes, newlines and non-ASCII text included), bad requests, and who may
// export.
#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glutecare/v1/csv_export_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/domain/csv_tables.h"
#include "tests/testing/builders.h"
#include "tests/testing/csv_reader.h"
#include "tests/testing/grpc_errors.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using testing::ViolatedFields;

// Notes a spreadsheet must get back as they were written.
constexpr char kTrickyNotes[] =
    "knee \"clicked\", then fine\nJos\xC3\xA9 says: \xE6\x97\xA5\xE6\x9C\xAC";

class CsvExportTest : public testing::ServedClinicTest {
 protected:
  void SetUp() override {
    ServedClinicTest::SetUp();
    exports_ = v1::CsvExportService::NewStub(channel_);
    for (const char* id : {"p1", "p2"}) {
      CreatePatient(id, absl::StrCat("MRN-", id));
      const std::string patient = absl::StrCat("clinics/demo/patients/", id);
      v1::Program created;
      const grpc::Status status =
          v1::ProgramService::NewStub(channel_)->CreateProgram(
              Context(therapist_token_).get(),
              testing::ProgramRequest(
                  patient, "g1",
                  testing::Program(
                      "2026-01-01",
                      {testing::Prescription("clamshell", 3, 15,
                                             v1::LOAD_TYPE_BAND_LIGHT)})),
              &created);
      ASSERT_TRUE(status.ok()) << status.error_message();
      patient_tokens_.push_back(Token(v1::ROLE_PATIENT, patient));
    }
  }

  // Patient `p` (0 for p1) submits a session `hours_ago` and a pain report.
  void Submit(int p, int hours_ago, const std::string& notes) {
    const std::string patient = absl::StrCat("clinics/demo/patients/p", p + 1);
    auto sessions = v1::SessionService::NewStub(channel_);
    v1::Session done = testing::Session(
        "", {testing::Performed("clamshell", 3, 15, v1::LOAD_TYPE_BAND_LIGHT)});
    *done.mutable_perform_time() = TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::Now() - absl::Hours(hours_ago)));
    done.set_pain_before(4);
    done.set_pain_after(3);
    done.set_difficulty(v1::DIFFICULTY_TOO_HARD);
    done.set_notes(notes);
    v1::Session session;
    grpc::Status status = sessions->CreateSession(
        Context(patient_tokens_[p]).get(),
        testing::SessionRequest(patient, "", done), &session);
    ASSERT_TRUE(status.ok()) << status.error_message();
    sessions_.push_back(session);

    v1::CreatePainReportRequest pain;
    pain.set_parent(patient);
    pain.mutable_pain_report()->set_area(v1::PAIN_AREA_HIP);
    pain.mutable_pain_report()->set_score(p + 2);
    pain.mutable_pain_report()->set_note(notes);
    v1::PainReport report;
    status = sessions->CreatePainReport(Context(patient_tokens_[p]).get(), pain,
                                        &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The whole CSV of an export as `token`'s holder, and how it ended.
  grpc::Status Export(const std::string& parent,
                      v1::ExportCsvRequest::Table table,
                      const std::string& token, std::string* csv) {
    v1::ExportCsvRequest request;
    request.set_parent(parent);
    request.set_table(table);
    std::unique_ptr<grpc::ClientContext> context = Context(token);
    auto reader = exports_->ExportCsv(context.get(), request);
    v1::CsvChunk chunk;
    while (reader->Read(&chunk)) *csv += chunk.csv();
    return reader->Finish();
  }

  testing::CsvRows ExportRows(const std::string& parent,
                              v1::ExportCsvRequest::Table table) {
    std::string csv;
    const grpc::Status status = Export(parent, table, integration_token_, &csv);
    EXPECT_TRUE(status.ok()) << status.error_message();
    absl::StatusOr<testing::CsvRows> rows = testing::ReadCsv(csv);
    EXPECT_TRUE(rows.ok()) << rows.status() << "\n" << csv;
    return rows.value_or(testing::CsvRows());
  }

  std::unique_ptr<v1::CsvExportService::Stub> exports_;
  std::vector<std::string> patient_tokens_;
  std::vector<v1::Session> sessions_;
};

TEST_F(CsvExportTest, APatientsSessionsReadBackAsStored) {
  Submit(0, 30, kTrickyNotes);
  Submit(0, 2, "=cmd|' /C calc'!A0");
  Submit(1, 5, "other patient");
  const testing::CsvRows rows = ExportRows(
      "clinics/demo/patients/p1", v1::ExportCsvRequest::TABLE_SESSIONS);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], SessionCsvColumns());
  // Newest first.
  const v1::Session& newest = sessions_[1];
  const v1::Session& oldest = sessions_[0];
  EXPECT_THAT(
      rows[1],
      ElementsAre("p1", "Patient p1", "MRN-p1",
                  newest.name().substr(newest.name().rfind('/') + 1),
                  absl::FormatTime(
                      "%Y-%m-%dT%H:%M:%SZ",
                      absl::FromUnixSeconds(newest.perform_time().seconds()),
                      absl::UTCTimeZone()),
                  newest.local_date(), "g1", "1", "clamshell:3x15@band-light",
                  "4", "3", "hip", "too-hard", "'=cmd|' /C calc'!A0"));
  EXPECT_EQ(rows[2][13], kTrickyNotes);
  EXPECT_EQ(rows[2][5], oldest.local_date());
}

TEST_F(CsvExportTest, AClinicsPainReportsCoverEveryPatient) {
  Submit(0, 1, kTrickyNotes);
  Submit(1, 1, "fine");
  const testing::CsvRows rows =
      ExportRows("clinics/demo", v1::ExportCsvRequest::TABLE_PAIN_REPORTS);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], PainReportCsvColumns());
  EXPECT_EQ(rows[1][0], "p1");
  EXPECT_EQ(rows[1][6], "2");
  EXPECT_EQ(rows[1][7], kTrickyNotes);
  EXPECT_EQ(rows[2][0], "p2");
  EXPECT_EQ(rows[2][5], "hip");
  EXPECT_EQ(rows[2][6], "3");
}

TEST_F(CsvExportTest, AnEmptyExportIsTheHeader) {
  std::string csv;
  ASSERT_TRUE(Export("clinics/demo", v1::ExportCsvRequest::TABLE_SESSIONS,
                     integration_token_, &csv)
                  .ok());
  EXPECT_EQ(csv,
            "patient,patient_name,mrn,session,perform_time,local_date,program,"
            "program_revision,exercises,pain_before,pain_after,pain_area,"
            "difficulty,notes\r\n");
}

TEST_F(CsvExportTest, BadRequestsAndMissingParentsAreRefusedBeforeAnyRow) {
  struct Case {
    std::string parent;
    v1::ExportCsvRequest::Table table;
    grpc::StatusCode code;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"clinics/demo",
       v1::ExportCsvRequest::TABLE_UNSPECIFIED,
       grpc::StatusCode::INVALID_ARGUMENT,
       {"table"}},
      {"clinics/demo",
       static_cast<v1::ExportCsvRequest::Table>(7),
       grpc::StatusCode::INVALID_ARGUMENT,
       {"table"}},
      {"clinics/demo/patients/p1/sessions",
       v1::ExportCsvRequest::TABLE_SESSIONS,
       grpc::StatusCode::INVALID_ARGUMENT,
       {"parent"}},
      {"clinics/demo/therapists/t1",
       v1::ExportCsvRequest::TABLE_SESSIONS,
       grpc::StatusCode::INVALID_ARGUMENT,
       {"parent"}},
      {"clinics/demo/patients/ghost",
       v1::ExportCsvRequest::TABLE_SESSIONS,
       grpc::StatusCode::NOT_FOUND,
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.parent);
    std::string csv;
    const grpc::Status status =
        Export(c.parent, c.table, integration_token_, &csv);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_EQ(ViolatedFields(status), c.fields);
    EXPECT_EQ(csv, "");
  }
}

TEST_F(CsvExportTest, TherapistsAndIntegrationsExportAdminsAndPatientsDoNot) {
  std::string csv;
  EXPECT_TRUE(Export("clinics/demo/patients/p1",
                     v1::ExportCsvRequest::TABLE_SESSIONS, therapist_token_,
                     &csv)
                  .ok());
  for (const std::string& token : {admin_token_, patient_tokens_[0]}) {
    csv.clear();
    EXPECT_EQ(Export("clinics/demo/patients/p1",
                     v1::ExportCsvRequest::TABLE_SESSIONS, token, &csv)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(csv, "");
  }
  absl::StatusOr<std::string> other =
      testing::BootstrapAdmin(dir_.File("glutecare.db"), "other");
  ASSERT_TRUE(other.ok()) << other.status();
  csv.clear();
  EXPECT_EQ(Export("clinics/other", v1::ExportCsvRequest::TABLE_SESSIONS,
                   integration_token_, &csv)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace glutecare
