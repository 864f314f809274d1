#include "client/views/alert.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "client/names.h"
#include "client/specs.h"

namespace glutecare::client {
namespace {

// `p1` of `clinics/c1/patients/p1/alerts/a1`.
std::string PatientIdOf(const v1::Alert& alert) {
  return std::string(LastSegment(ParentOf(alert.name())));
}

}  // namespace

Columns<v1::Alert> AlertColumns() {
  return {{"SEQ", "PATIENT", "ID", "RULE", "STATE", "DATE", "SUMMARY"},
          [](const v1::Alert& alert) -> std::vector<std::string> {
            return {absl::StrCat(alert.sequence()),
                    PatientIdOf(alert),
                    std::string(LastSegment(alert.name())),
                    FriendlyName(alert.rule()),
                    FriendlyName(alert.state()),
                    alert.local_date(),
                    alert.summary()};
          }};
}

std::string FormatAlertLine(const v1::Alert& alert) {
  return absl::StrCat("[", alert.sequence(), "] ", alert.local_date(), " ",
                      PatientIdOf(alert), "/", LastSegment(alert.name()), " ",
                      FriendlyName(alert.rule()), " (",
                      FriendlyName(alert.state()), "): ", alert.summary());
}

void PrintAlert(const v1::Alert& alert, std::ostream& out) {
  Fields fields;
  fields.Add("name", alert.name())
      .Add("sequence", absl::StrCat(alert.sequence()))
      .Add("rule", FriendlyName(alert.rule()))
      .Add("state", FriendlyName(alert.state()))
      .Add("local date", alert.local_date())
      .Add("summary", alert.summary())
      .Add("evidence", absl::StrJoin(alert.evidence(), ", "))
      .Add("therapist", alert.therapist())
      .Add("created", FormatTimestamp(alert.create_time()))
      .Add("updated", FormatTimestamp(alert.update_time()));
  // How it was resolved, when the server recorded that.
  if (alert.resolution() != v1::ALERT_RESOLUTION_UNSPECIFIED) {
    fields.Add("resolution",
               alert.resolution_summary().empty()
                   ? FriendlyName(alert.resolution())
                   : absl::StrCat(FriendlyName(alert.resolution()), ": ",
                                  alert.resolution_summary()));
  }
  if (!alert.resolution_evidence().empty()) {
    fields.Add("cleared by", absl::StrJoin(alert.resolution_evidence(), ", "));
  }
  fields.Print(out);
}

}  // namespace glutecare::client
