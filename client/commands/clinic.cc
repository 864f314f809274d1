// `glutecare clinic show`: the clinic, the tenant that owns all other data.
// A clinic is made by `glutecare-server bootstrap`, not through the API.
#include <ostream>
#include <string>

#include "client/command.h"
#include "client/commands/commands.h"
#include "client/names.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct ClinicShowFlags {
  std::string clinic;  // the id or name; empty: --clinic
};

void PrintClinic(const v1::Clinic& clinic, std::ostream& out) {
  Fields()
      .Add("name", clinic.name())
      .Add("display name", clinic.display_name())
      .Add("identifier system", clinic.identifier_system())
      .Add("created", FormatTimestamp(clinic.create_time()))
      .Print(out);
}

absl::Status ShowClinic(const CommandContext& context,
                        const ClinicShowFlags& flags) {
  v1::GetClinicRequest request;
  if (flags.clinic.empty()) {
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_name(), context.Clinic());
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(
        *request.mutable_name(),
        ResolveTopLevelName(flags.clinic, "clinics", "ID"));
  }
  return context.CallAndPrint(&v1::ClinicService::Stub::GetClinic, request,
                              Idempotency::kIdempotent, PrintClinic);
}

}  // namespace

void AddClinicCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(root, "clinic", "Your clinic");

  auto [show, show_flags] =
      AddLeafCommand(group, chosen, "show", "Shows a clinic", ShowClinic);
  show.add_option("ID", show_flags.clinic,
                  "The clinic: ID or clinics/ID (default: --clinic)");
}

}  // namespace glutecare::client
