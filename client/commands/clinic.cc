// `glutecare clinic create|list|show`: the clinics, tenants that own all
// other data.
#include <memory>
#include <ostream>
#include <string>

#include "client/command.h"
#include "client/commands/commands.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "common/status_macros.h"

namespace glutecare::client {
namespace {

struct CreateFlags {
  std::string id;
  std::string display_name;
  std::string identifier_system;
};

struct ListFlags {
  PageFlags paging;
};

struct ShowFlags {
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

absl::Status CreateClinic(const CommandContext& context,
                          const CreateFlags& flags) {
  v1::CreateClinicRequest request;
  request.set_clinic_id(flags.id);
  request.mutable_clinic()->set_display_name(flags.display_name);
  request.mutable_clinic()->set_identifier_system(flags.identifier_system);
  return context.CallAndPrint(&v1::ClinicService::Stub::CreateClinic, request,
                              Idempotency::kNotIdempotent, PrintClinic);
}

absl::Status ListClinics(const CommandContext& context,
                         const ListFlags& flags) {
  const Columns<v1::Clinic> columns{
      {"ID", "DISPLAY NAME", "IDENTIFIER SYSTEM", "CREATED"},
      [](const v1::Clinic& clinic) -> std::vector<std::string> {
        return {std::string(LastSegment(clinic.name())), clinic.display_name(),
                clinic.identifier_system(),
                FormatTimestamp(clinic.create_time())};
      }};
  return ListAndPrint(context, &v1::ClinicService::Stub::ListClinics,
                      v1::ListClinicsRequest(), flags.paging,
                      &v1::ListClinicsResponse::clinics, columns);
}

absl::Status ShowClinic(const CommandContext& context, const ShowFlags& flags) {
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
  CLI::App& group = AddCommandGroup(root, "clinic", "Clinics");

  auto [create, create_flags] =
      AddLeafCommand(group, chosen, "create", "Creates a clinic", CreateClinic);
  create
      .add_option("--id", create_flags.id,
                  "The clinic's id: [a-z0-9-], starting with a letter")
      ->required();
  create.add_option("--name", create_flags.display_name, "Display name")
      ->required();
  create.add_option("--identifier-system", create_flags.identifier_system,
                    "FHIR identifier system of the clinic's MRNs (an URI)");

  auto [list, list_flags] =
      AddLeafCommand(group, chosen, "list", "Lists clinics", ListClinics);
  AddPageFlags(list, list_flags.paging);

  auto [show, show_flags] =
      AddLeafCommand(group, chosen, "show", "Shows a clinic", ShowClinic);
  show.add_option("ID", show_flags.clinic,
                  "The clinic: ID or clinics/ID (default: --clinic)");
}

}  // namespace glutecare::client
