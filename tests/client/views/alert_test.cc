// Tests of client/views/alert.h: the list row, the stream line and the view.
#include "client/views/alert.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/views/text_proto.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

v1::Alert PostExercisePainAlert() {
  return ParseTextProto<v1::Alert>(R"pb(
    name: "clinics/c1/patients/p1/alerts/a7"
    rule: ALERT_RULE_POST_EXERCISE_PAIN
    state: ALERT_STATE_OPEN
    summary: "Pain after the session was 8/10."
    local_date: "2026-11-03"
    evidence: "clinics/c1/patients/p1/sessions/s1"
    evidence: "clinics/c1/patients/p1/painReports/r1"
    therapist: "clinics/c1/therapists/t1"
    sequence: 12
    create_time { seconds: 1793750400 }
  )pb");
}

TEST(AlertColumns, NameThePatientAndAlertIdsAndTheFriendlyRule) {
  const Columns<v1::Alert> columns = AlertColumns();
  EXPECT_THAT(columns.headers, ElementsAre("SEQ", "PATIENT", "ID", "RULE",
                                           "STATE", "DATE", "SUMMARY"));
  EXPECT_THAT(columns.cells(PostExercisePainAlert()),
              ElementsAre("12", "p1", "a7", "post-exercise-pain", "open",
                          "2026-11-03", "Pain after the session was 8/10."));
}

TEST(FormatAlertLine, IsOneLineWithWhatToAcknowledge) {
  EXPECT_EQ(FormatAlertLine(PostExercisePainAlert()),
            "[12] 2026-11-03 p1/a7 post-exercise-pain (open): Pain after the "
            "session was 8/10.");
}

TEST(PrintAlert, ShowsEveryField) {
  std::ostringstream out;
  PrintAlert(PostExercisePainAlert(), out);
  EXPECT_THAT(out.str(), HasSubstr("name:        "
                                   "clinics/c1/patients/p1/alerts/a7\n"));
  EXPECT_THAT(out.str(), HasSubstr("rule:        post-exercise-pain\n"));
  EXPECT_THAT(out.str(),
              HasSubstr("evidence:    clinics/c1/patients/p1/sessions/s1, "
                        "clinics/c1/patients/p1/painReports/r1\n"));
  EXPECT_THAT(out.str(), HasSubstr("created:     2026-11-04T00:00:00Z\n"));
  EXPECT_THAT(out.str(), HasSubstr("updated:     -\n"));
  EXPECT_THAT(out.str(), Not(HasSubstr("resolution")));
}

TEST(PrintAlert, ShowsWhatClearedAnAlertTheServerResolved) {
  v1::Alert alert = PostExercisePainAlert();
  alert.set_rule(v1::ALERT_RULE_MISSED_SESSIONS);
  alert.set_state(v1::ALERT_STATE_RESOLVED);
  alert.set_resolution(v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  alert.set_resolution_summary("A session on 2026-11-05 ended the days.");
  alert.add_resolution_evidence("clinics/c1/patients/p1/sessions/s9");
  std::ostringstream out;
  PrintAlert(alert, out);
  EXPECT_THAT(out.str(),
              HasSubstr("resolution:  condition-cleared: A session on "
                        "2026-11-05 ended the days.\n"));
  EXPECT_THAT(out.str(),
              HasSubstr("cleared by:  clinics/c1/patients/p1/sessions/s9\n"));
}

}  // namespace
}  // namespace glutecare::client
