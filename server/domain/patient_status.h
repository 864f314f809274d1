// A patient's status on the therapist's dashboard, and how urgently they need
// attention. The score is a plain sum so that a therapist can read why a
// patient is where they are (PatientStatus.reasons):
//   10 per unresolved alert,
//   up to 10 for missing adherence over 28 days (10 at 0%, 0 at 100%),
//   3 per point of 7-day pain above baseline (CLINICAL.md: 2 points matter),
//   1 per day beyond 3 without a session, at most 10.
#ifndef GLUTECARE_SERVER_DOMAIN_PATIENT_STATUS_H_
#define GLUTECARE_SERVER_DOMAIN_PATIENT_STATUS_H_

#include <optional>

#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/dashboard.pb.h"
#include "glutecare/v1/report.pb.h"

namespace glutecare {

inline constexpr double kAttentionPerAlert = 10;
inline constexpr double kAttentionForNoAdherence = 10;
inline constexpr double kAttentionPerPainPoint = 3;
inline constexpr int kGraceDaysWithoutSession = 3;
inline constexpr double kMaxAttentionForMissedDays = 10;

struct StatusInput {
  const v1::Patient& patient;
  // The adherence report over the last 28 days.
  const v1::AdherenceReport& adherence;
  // The pain trend report over the last 28 days.
  const v1::PainTrendReport& pain;
  int32_t unresolved_alerts = 0;
};

// The status; the caller sets update_time.
v1::PatientStatus ComputePatientStatus(const StatusInput& input);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_PATIENT_STATUS_H_
