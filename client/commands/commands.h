// The command groups of the glutecare CLI, one file each in this folder. Each
// adds its group and leaf commands to the root command and binds their
// actions (client/command.h).
#ifndef GLUTECARE_CLIENT_COMMANDS_COMMANDS_H_
#define GLUTECARE_CLIENT_COMMANDS_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "client/command.h"

namespace glutecare::client {

// `clinic show`
void AddClinicCommands(CLI::App& root, ChosenAction& chosen);
// `therapist create|list|show`
void AddTherapistCommands(CLI::App& root, ChosenAction& chosen);
// `patient create|list|show|update`
void AddPatientCommands(CLI::App& root, ChosenAction& chosen);
// `exercise list|show`
void AddExerciseCommands(CLI::App& root, ChosenAction& chosen);
// `program assign|show|list|revisions|update`
void AddProgramCommands(CLI::App& root, ChosenAction& chosen);
// `session submit|list|show`
void AddSessionCommands(CLI::App& root, ChosenAction& chosen);
// `pain report|list`
void AddPainCommands(CLI::App& root, ChosenAction& chosen);
// `outcomes assign|assignments|submit|list|show`
void AddOutcomeCommands(CLI::App& root, ChosenAction& chosen);
// `report adherence|pain`
void AddReportCommands(CLI::App& root, ChosenAction& chosen);
// `rtm log-time|time|report`
void AddRtmCommands(CLI::App& root, ChosenAction& chosen);
// `alerts list|ack|resolve|watch`
void AddAlertCommands(CLI::App& root, ChosenAction& chosen);
// `suggestions list|accept|dismiss`
void AddSuggestionCommands(CLI::App& root, ChosenAction& chosen);
// `dashboard`
void AddDashboardCommand(CLI::App& root, ChosenAction& chosen);
// `token create|list|revoke`
void AddTokenCommands(CLI::App& root, ChosenAction& chosen);
// `audit list`
void AddAuditCommands(CLI::App& root, ChosenAction& chosen);
// `sync`, `outbox list|drop`
void AddOutboxCommands(CLI::App& root, ChosenAction& chosen);
// `import patients`
void AddImportCommands(CLI::App& root, ChosenAction& chosen);
// `export csv`, `export fhir`
void AddExportCommands(CLI::App& root, ChosenAction& chosen);
// `export fhir`, into the `export` group
void AddFhirExportCommand(CLI::App& export_group, ChosenAction& chosen);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_COMMANDS_COMMANDS_H_
