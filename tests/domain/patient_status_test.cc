#include "server/domain/patient_status.h"

#include "gtest/gtest.h"
#include "server/domain/pain_rules.h"

namespace glutecare {
namespace {

v1::AdherenceReport Adherence(double percent, double prescribed,
                              std::optional<int> days_since_last) {
  v1::AdherenceReport report;
  report.set_adherence_percent(percent);
  report.set_prescribed_sessions(prescribed);
  if (days_since_last) report.set_days_since_last_session(*days_since_last);
  return report;
}

v1::PainTrendReport Pain(double latest_mean, double baseline) {
  v1::PainTrendReport report;
  v1::AreaPainTrend* area = report.add_areas();
  area->set_area(v1::PAIN_AREA_KNEE);
  area->add_days()->set_rolling_7_day_mean(latest_mean);
  *area->mutable_change_from_baseline() = MakePainChange(baseline, latest_mean);
  return report;
}

TEST(ComputePatientStatus, ScoresEachPartAndExplainsIt) {
  v1::Patient patient;
  patient.set_name("clinics/c/patients/p");
  const v1::AdherenceReport adherence = Adherence(40, 12, 6);
  const v1::PainTrendReport pain = Pain(7.5, 5);
  const v1::PatientStatus status =
      ComputePatientStatus({.patient = patient,
                            .adherence = adherence,
                            .pain = pain,
                            .unresolved_alerts = 2});
  // 2 alerts = 20, 60% missing = 6, 2.5 points above baseline = 7.5,
  // 6 days without a session = 3.
  EXPECT_DOUBLE_EQ(status.attention_score(), 20 + 6 + 7.5 + 3);
  ASSERT_EQ(status.reasons_size(), 4);
  EXPECT_EQ(status.reasons(0), "2 unresolved alerts");
  EXPECT_EQ(status.reasons(1), "pain 2.5 points above baseline");
  EXPECT_EQ(status.reasons(2), "adherence 40% over 28 days");
  EXPECT_EQ(status.reasons(3), "6 days since the last session");
  EXPECT_DOUBLE_EQ(status.pain_7_day_mean(), 7.5);
}

TEST(ComputePatientStatus, NothingToWorryAboutScoresZero) {
  v1::Patient patient;
  const v1::AdherenceReport adherence = Adherence(100, 12, 1);
  const v1::PainTrendReport pain = Pain(3, 5);
  const v1::PatientStatus status = ComputePatientStatus(
      {.patient = patient, .adherence = adherence, .pain = pain});
  EXPECT_EQ(status.attention_score(), 0);
  EXPECT_EQ(status.reasons_size(), 0);
}

TEST(ComputePatientStatus, NoProgramMeansNoAdherenceOrMissedDaysPenalty) {
  v1::Patient patient;
  const v1::AdherenceReport adherence = Adherence(0, 0, 40);
  const v1::PainTrendReport pain;
  const v1::PatientStatus status = ComputePatientStatus(
      {.patient = patient, .adherence = adherence, .pain = pain});
  EXPECT_EQ(status.attention_score(), 0);
  EXPECT_FALSE(status.has_pain_7_day_mean());
}

}  // namespace
}  // namespace glutecare
