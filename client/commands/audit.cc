// `glutecare audit list`: the audit trail of the clinic given by --clinic,
// for its admins: who called which method on what, when, from where, and how
// it ended.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/audit_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct AuditListFlags {
  PageFlags paging;
  std::optional<std::string> patient;  // only calls about this patient
  std::optional<std::string> since;    // RFC 3339
  std::optional<std::string> until;    // RFC 3339
};

// The instant `text` (RFC 3339, given with `flag`) as a Timestamp.
absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(
    absl::string_view text, absl::string_view flag) {
  GLUTECARE_ASSIGN_OR_RETURN(const absl::Time time, ParseInstant(text, flag));
  return ToTimestamp(time);
}

absl::Status ListAuditEvents(const CommandContext& context,
                             const AuditListFlags& flags) {
  v1::ListAuditEventsRequest request;
  if (flags.since.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_start_time(),
                               ParseTimestamp(*flags.since, "--since"));
  }
  if (flags.until.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_end_time(),
                               ParseTimestamp(*flags.until, "--until"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  if (flags.patient.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(
        *request.mutable_patient(),
        context.NameInClinic("patients", *flags.patient, "--patient"));
  }
  // The clinic's own tokens by id; another clinic's (an attempt on this
  // clinic's records from there) by full name, so that it stands out.
  const std::string clinic = request.parent();
  const Columns<v1::AuditEvent> columns{
      {"TIME", "PRINCIPAL", "ROLE", "METHOD", "RESOURCE", "OUTCOME", "PEER"},
      [clinic](const v1::AuditEvent& event) -> std::vector<std::string> {
        return {
            FormatTimestamp(event.time()),
            std::string(ClinicOf(event.principal()) == clinic
                            ? LastSegment(event.principal())
                            : event.principal()),
            FriendlyName(event.role()),
            std::string(absl::StripPrefix(event.method(), "/glutecare.v1.")),
            event.resource(),
            event.outcome(),
            event.peer()};
      }};
  return ListAndPrint(context, &v1::AuditService::Stub::ListAuditEvents,
                      std::move(request), flags.paging,
                      &v1::ListAuditEventsResponse::audit_events, columns);
}

}  // namespace

void AddAuditCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "audit", "The clinic's audit trail (--clinic), for its admins");

  auto [list, list_flags] = AddLeafCommand(
      group, chosen, "list",
      "Lists the calls made about the clinic's data, newest first",
      ListAuditEvents);
  list.add_option("--patient", list_flags.patient,
                  "Only calls about this patient: ID or full name");
  list.add_option("--since", list_flags.since,
                  "Only calls at or after this time, RFC 3339");
  list.add_option("--until", list_flags.until,
                  "Only calls before this time, RFC 3339");
  AddPageFlags(list, list_flags.paging);
}

}  // namespace glutecare::client
