// Tests of client/views/dashboard.h: one row per patient status.
#include "client/views/dashboard.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/views/text_proto.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;

TEST(PatientStatusColumns, ShowTheScoreAndWhatMakesIt) {
  const Columns<v1::PatientStatus> columns = PatientStatusColumns();
  EXPECT_THAT(
      columns.headers,
      ElementsAre("PATIENT", "NAME", "SCORE", "ALERTS", "ADHERENCE", "PAIN 7D",
                  "VS BASELINE", "FUNCTION", "DAYS SINCE SESSION", "REASON"));
  v1::PatientStatus status = ParseTextProto<v1::PatientStatus>(R"pb(
    patient: "clinics/c1/patients/p1"
    display_name: "Pat Example"
    unresolved_alerts: 2
    adherence_percent: 41.6
    prescribed_sessions: 12
    pain_7_day_mean: 6.54
    pain_change_from_baseline {
      from: 4
      to: 6.54
      points: 2.54
      significance: PAIN_CHANGE_SIGNIFICANCE_WORSENED
    }
    days_since_last_session: 5
    attention_score: 33.46
    reasons: "2 unresolved alerts"
    reasons: "adherence 42%"
  )pb");
  *status.add_outcome_scores() =
      ParseTextProto<v1::OutcomeScoreSummary>(kOdiImprovement);
  EXPECT_THAT(
      columns.cells(status),
      ElementsAre("p1", "Pat Example", "33.5", "2", "42%", "6.5", "+2.5 worse",
                  "ODI 22% -12 better", "5", "2 unresolved alerts"));
}

TEST(PatientStatusColumns, LeaveOutWhatThePatientHasNoDataFor) {
  const v1::PatientStatus status = ParseTextProto<v1::PatientStatus>(R"pb(
    patient: "clinics/c1/patients/p2"
    display_name: "New Patient"
    adherence_percent: 0
    prescribed_sessions: 0
  )pb");
  EXPECT_THAT(
      PatientStatusColumns().cells(status),
      ElementsAre("p2", "New Patient", "0.0", "0", "", "", "", "", "", ""));
}

}  // namespace
}  // namespace glutecare::client
