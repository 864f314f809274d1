// RtmService through the RPCs: management time, the report's threshold
// edges (15/16 data days, 19/20 minutes), months in the patient's time zone,
// and the clinic-wide list with patients near a threshold first.
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/rtm_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/builders.h"
#include "tests/testing/grpc_errors.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kZone[] = "America/New_York";

class RtmServiceTest : public testing::ServedClinicTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    rtm_ = v1::RtmService::NewStub(channel_);
  }

  // Creates patient `id` of t1 in kZone; returns their name and keeps a
  // token of theirs in patient_tokens_.
  std::string CreatePatient(const std::string& id) {
    const v1::Patient patient = ServedClinicTest::CreatePatient(
        id, absl::StrCat("MRN-", id), kZone);
    patient_tokens_[patient.name()] = Token(v1::ROLE_PATIENT, patient.name());
    return patient.name();
  }

  // A pain check-in of `patient` on `day` (their calendar).
  void ReportPain(const std::string& patient, absl::CivilDay day) {
    v1::CreatePainReportRequest request;
    request.set_parent(patient);
    request.set_request_id(absl::StrCat("pain-", absl::FormatCivilTime(day)));
    request.mutable_pain_report()->set_area(v1::PAIN_AREA_HIP);
    request.mutable_pain_report()->set_score(3);
    request.mutable_pain_report()->set_local_date(absl::FormatCivilTime(day));
    v1::PainReport report;
    const grpc::Status status =
        v1::SessionService::NewStub(channel_)->CreatePainReport(
            Context(patient_tokens_[patient]).get(), request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status LogTime(const std::string& patient, absl::CivilDay day,
                       int minutes, bool interactive,
                       const std::string& request_id,
                       v1::ManagementTimeEntry* entry) {
    v1::LogManagementTimeRequest request;
    request.set_parent(patient);
    request.set_request_id(request_id);
    v1::ManagementTimeEntry* e = request.mutable_management_time_entry();
    e->set_date(absl::FormatCivilTime(day));
    e->set_minutes(minutes);
    e->set_interactive(interactive);
    e->set_note("Call about the clamshell progression");
    return rtm_->LogManagementTime(Context(therapist_token_).get(), request,
                                   entry);
  }

  v1::RtmReport Report(const std::string& patient, const std::string& month,
                       const std::string& as_of_date) {
    v1::GetRtmReportRequest request;
    request.set_patient(patient);
    request.set_month(month);
    request.set_as_of_date(as_of_date);
    v1::RtmReport report;
    const grpc::Status status =
        rtm_->GetRtmReport(Context(therapist_token_).get(), request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  // The codes of `report` that are supportable.
  static std::vector<std::string> Supportable(const v1::RtmReport& report) {
    std::vector<std::string> codes;
    for (const v1::RtmCodeFinding& code : report.codes()) {
      if (code.supportable()) codes.push_back(code.code());
    }
    return codes;
  }

  static const v1::RtmCodeFinding& Code(const v1::RtmReport& report,
                                        const std::string& code) {
    for (const v1::RtmCodeFinding& finding : report.codes()) {
      if (finding.code() == code) return finding;
    }
    static const v1::RtmCodeFinding* const kNone = new v1::RtmCodeFinding;
    ADD_FAILURE() << code << " is not in the report";
    return *kNone;
  }

  std::unique_ptr<v1::RtmService::Stub> rtm_;
  std::map<std::string, std::string> patient_tokens_;
};

TEST_F(RtmServiceTest, FifteenDataDaysSupport98985AndSixteen98977) {
  const std::string patient = CreatePatient("ana");
  const absl::CivilDay first(2026, 3, 1);
  for (int i = 0; i < 15; ++i) ReportPain(patient, first + i);

  v1::RtmReport report = Report(patient, "", "2026-03-30");
  EXPECT_EQ(report.episode_start_date(), "2026-03-01");
  EXPECT_EQ(report.period_start_date(), "2026-03-01");
  EXPECT_EQ(report.period_end_date(), "2026-03-30");
  EXPECT_EQ(report.data_days(), 15);
  EXPECT_EQ(report.days_left(), 0);
  EXPECT_THAT(Supportable(report), ElementsAre("98975", "98985"));
  EXPECT_FALSE(Code(report, "98977").supportable());

  // Earlier in the period, the 16th day is still reachable: say so.
  report = Report(patient, "", "2026-03-15");
  EXPECT_EQ(report.days_left(), 15);
  EXPECT_EQ(Code(report, "98977").missing(),
            "1 more data day by 2026-03-30 for 98977");
  EXPECT_TRUE(report.near_threshold());

  ReportPain(patient, first + 15);
  report = Report(patient, "", "2026-03-30");
  EXPECT_EQ(report.data_days(), 16);
  EXPECT_THAT(Supportable(report), ElementsAre("98975", "98977"));
  EXPECT_FALSE(Code(report, "98985").supportable());
}

TEST_F(RtmServiceTest, NineteenMinutesSupport98979AndTwenty98980) {
  const std::string patient = CreatePatient("ana");
  v1::ManagementTimeEntry entry;
  ASSERT_TRUE(LogTime(patient, absl::CivilDay(2026, 3, 10), 19, true, "call-1", &entry)
                  .ok());
  EXPECT_EQ(entry.therapist(), "clinics/demo/therapists/t1");
  EXPECT_EQ(entry.date(), "2026-03-10");
  EXPECT_TRUE(absl::StartsWith(
      entry.name(), absl::StrCat(patient, "/managementTimeEntries/")));

  v1::RtmReport report = Report(patient, "2026-03", "");
  EXPECT_EQ(report.month(), "2026-03");
  EXPECT_EQ(report.as_of_date(), "2026-03-31");
  EXPECT_EQ(report.minutes(), 19);
  EXPECT_TRUE(Code(report, "98979").supportable());
  EXPECT_FALSE(Code(report, "98980").supportable());

  // A retry of the same request logs nothing more.
  v1::ManagementTimeEntry retried;
  ASSERT_TRUE(LogTime(patient, absl::CivilDay(2026, 3, 10), 19, true, "call-1", &retried)
                  .ok());
  EXPECT_EQ(retried.name(), entry.name());
  EXPECT_EQ(Report(patient, "2026-03", "").minutes(), 19);

  ASSERT_TRUE(LogTime(patient, absl::CivilDay(2026, 3, 11), 1, false, "note-1", &entry)
                  .ok());
  report = Report(patient, "2026-03", "");
  EXPECT_EQ(report.minutes(), 20);
  EXPECT_TRUE(report.interactive());
  EXPECT_TRUE(Code(report, "98980").supportable());
  EXPECT_FALSE(Code(report, "98979").supportable());
  EXPECT_EQ(Code(report, "98981").units(), 0);

  v1::ListManagementTimeRequest list;
  list.set_parent(patient);
  v1::ListManagementTimeResponse listed;
  ASSERT_TRUE(
      rtm_->ListManagementTime(Context(therapist_token_).get(), list, &listed)
          .ok());
  ASSERT_EQ(listed.management_time_entries_size(), 2);
  EXPECT_EQ(listed.management_time_entries(0).date(), "2026-03-11");
  EXPECT_EQ(listed.management_time_entries(1).date(), "2026-03-10");
}

TEST_F(RtmServiceTest, MonthsAndDataDaysAreThePatientsCalendar) {
  const std::string patient = CreatePatient("ana");
  // Monitoring starts with the program, on 2026-03-01.
  v1::Program created;
  ASSERT_TRUE(
      v1::ProgramService::NewStub(channel_)
          ->CreateProgram(Context(therapist_token_).get(),
                          testing::ProgramRequest(
                              patient, "g1", testing::Program("2026-03-01")),
                          &created)
          .ok());

  // 2026-04-01 02:30 UTC is 2026-03-31 22:30 in New York.
  v1::Session session = testing::Session("");
  ASSERT_TRUE(TimeUtil::FromString("2026-04-01T02:30:00Z",
                                   session.mutable_perform_time()));
  session.set_pain_after(3);
  session.set_pain_area(v1::PAIN_AREA_HIP);
  v1::Session created_session;
  const grpc::Status status =
      v1::SessionService::NewStub(channel_)->CreateSession(
          Context(patient_tokens_[patient]).get(),
          testing::SessionRequest(patient, "late-evening", session),
          &created_session);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::ManagementTimeEntry entry;
  ASSERT_TRUE(LogTime(patient, absl::CivilDay(2026, 3, 31), 12, true, "march", &entry).ok());
  ASSERT_TRUE(LogTime(patient, absl::CivilDay(2026, 4, 1), 30, true, "april", &entry).ok());

  // March ends on the 31st in New York: the session and the 12 minutes are
  // March's; the 31st opens the episode's second 30-day period.
  v1::RtmReport march = Report(patient, "2026-03", "");
  EXPECT_EQ(march.episode_start_date(), "2026-03-01");
  EXPECT_EQ(march.as_of_date(), "2026-03-31");
  EXPECT_EQ(march.period_start_date(), "2026-03-31");
  EXPECT_EQ(march.data_days(), 1);
  EXPECT_EQ(march.minutes(), 12);
  EXPECT_THAT(Supportable(march), ElementsAre("98979"));

  v1::RtmReport april = Report(patient, "", "2026-04-01");
  EXPECT_EQ(april.month(), "2026-04");
  EXPECT_EQ(april.data_days(), 1);  // the session's day, 2026-03-31
  EXPECT_EQ(april.minutes(), 30);

  // The day before holds nothing of it.
  v1::RtmReport before = Report(patient, "", "2026-03-30");
  EXPECT_EQ(before.period_start_date(), "2026-03-01");
  EXPECT_EQ(before.data_days(), 0);
}

TEST_F(RtmServiceTest, APatientNeverSetUpIsNoNudgeAndAQuietOneIs) {
  const std::string patient = CreatePatient("ana");
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(0)) - 1;
  const std::string as_of = absl::FormatCivilTime(today);
  // No program, no data: nothing to nudge them back to.
  v1::RtmReport report = Report(patient, "", as_of);
  EXPECT_EQ(report.data_days(), 0);
  EXPECT_FALSE(report.near_threshold());

  // One data day starts the episode; a second supports 98985.
  ReportPain(patient, today);
  report = Report(patient, "", as_of);
  EXPECT_EQ(report.data_days(), 1);
  EXPECT_EQ(Code(report, "98985").missing(),
            absl::StrCat("1 more data day by ",
                         absl::FormatCivilTime(today + 29), " for 98985"));
  EXPECT_TRUE(report.near_threshold());
}

TEST_F(RtmServiceTest, ClinicListsPatientsNearAThresholdFirst) {
  const std::string amy = CreatePatient("amy");
  const std::string zed = CreatePatient("zed");
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(0)) - 1;
  // amy has 21 data days (98977 met); zed 13, 3 short of 98977 with days
  // left: a nudge.
  for (int i = 0; i < 21; ++i) ReportPain(amy, today - i);
  for (int i = 0; i < 13; ++i) ReportPain(zed, today - i);

  v1::ListRtmReportsRequest request;
  request.set_parent("clinics/demo");
  v1::ListRtmReportsResponse response;
  ASSERT_TRUE(
      rtm_->ListRtmReports(Context(therapist_token_).get(), request, &response)
          .ok());
  ASSERT_EQ(response.reports_size(), 2);
  EXPECT_EQ(response.reports(0).patient(), zed);
  EXPECT_TRUE(response.reports(0).near_threshold());
  EXPECT_EQ(response.reports(1).patient(), amy);
  EXPECT_FALSE(response.reports(1).near_threshold());

  request.set_order(v1::RTM_REPORT_ORDER_PATIENT);
  ASSERT_TRUE(
      rtm_->ListRtmReports(Context(therapist_token_).get(), request, &response)
          .ok());
  ASSERT_EQ(response.reports_size(), 2);
  EXPECT_EQ(response.reports(0).patient(), amy);

  request.set_near_threshold_only(true);
  request.set_order(v1::RTM_REPORT_ORDER_UNSPECIFIED);
  ASSERT_TRUE(
      rtm_->ListRtmReports(Context(therapist_token_).get(), request, &response)
          .ok());
  ASSERT_EQ(response.reports_size(), 1);
  EXPECT_EQ(response.reports(0).patient(), zed);

  // Pages of one, in order; the integration (a billing system) reads them.
  const std::string& billing = integration_token_;
  request.set_near_threshold_only(false);
  request.set_page_size(1);
  std::vector<std::string> seen;
  for (int page = 0; page < 3; ++page) {
    ASSERT_TRUE(
        rtm_->ListRtmReports(Context(billing).get(), request, &response).ok());
    for (const v1::RtmReport& report : response.reports()) {
      seen.push_back(report.patient());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre(zed, amy));
}

TEST_F(RtmServiceTest, BadRequestsNameTheirFields) {
  const std::string patient = CreatePatient("ana");
  v1::LogManagementTimeRequest request;
  request.set_parent(patient);
  request.set_request_id("bad id!");
  request.mutable_management_time_entry()->set_minutes(241);
  request.mutable_management_time_entry()->set_date("2026-02-30");
  v1::ManagementTimeEntry entry;
  grpc::Status status =
      rtm_->LogManagementTime(Context(therapist_token_).get(), request, &entry);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(status),
              UnorderedElementsAre("request_id",
                                   "management_time_entry.minutes",
                                   "management_time_entry.date"));

  status = LogTime(patient, absl::CivilDay(2199, 1, 1), 5, false, "",
                   &entry);
  EXPECT_THAT(testing::ViolatedFields(status),
              ElementsAre("management_time_entry.date"));

  v1::GetRtmReportRequest report_request;
  report_request.set_patient(patient);
  report_request.set_month("2026-13");
  v1::RtmReport report;
  status = rtm_->GetRtmReport(Context(therapist_token_).get(), report_request,
                              &report);
  EXPECT_THAT(testing::ViolatedFields(status), ElementsAre("month"));
}

}  // namespace
}  // namespace glutecare
