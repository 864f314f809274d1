#include "client/views/dashboard.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/names.h"
#include "client/views/outcome.h"
#include "client/views/report.h"

namespace glutecare::client {

Columns<v1::PatientStatus> PatientStatusColumns() {
  return {{"PATIENT", "NAME", "SCORE", "ALERTS", "ADHERENCE", "PAIN 7D",
           "VS BASELINE", "FUNCTION", "DAYS SINCE SESSION", "REASON"},
          [](const v1::PatientStatus& status) -> std::vector<std::string> {
            return {
                std::string(LastSegment(status.patient())),
                status.display_name(), FormatDecimal(status.attention_score()),
                absl::StrCat(status.unresolved_alerts()),
                // Without a program in force there is nothing to adhere to.
                status.prescribed_sessions() > 0
                    ? FormatPercent(status.adherence_percent())
                    : "",
                status.has_pain_7_day_mean()
                    ? FormatDecimal(status.pain_7_day_mean())
                    : "",
                status.has_pain_change_from_baseline()
                    ? FormatPainChangeBrief(status.pain_change_from_baseline())
                    : "",
                FormatOutcomeScoresBrief(status.outcome_scores()),
                status.has_days_since_last_session()
                    ? absl::StrCat(status.days_since_last_session())
                    : "",
                status.reasons().empty() ? "" : status.reasons(0)};
          }};
}

}  // namespace glutecare::client
