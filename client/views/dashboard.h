// How the dashboard reads for people: one row per patient, in the order the
// server ranks them (most in need of attention first). Pure functions of the
// messages, no gRPC.
#ifndef GLUTECARE_CLIENT_VIEWS_DASHBOARD_H_
#define GLUTECARE_CLIENT_VIEWS_DASHBOARD_H_

#include "client/output.h"
#include "glutecare/v1/dashboard.pb.h"

namespace glutecare::client {

// PATIENT, NAME, SCORE, ALERTS, ADHERENCE, PAIN 7D, VS BASELINE, FUNCTION
// (each outcome measure's latest score and change since intake, in brief:
// FormatOutcomeScoresBrief), DAYS SINCE SESSION, REASON (the largest part of
// the score). A value the status lacks (no pain data, no outcome measure, no
// session, no program) is "-".
Columns<v1::PatientStatus> PatientStatusColumns();

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_VIEWS_DASHBOARD_H_
