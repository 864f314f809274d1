// `glutecare program assign|show|list|revisions|update`: the home exercise
// programs of the patient given by --patient. Every update makes a new
// revision; old ones stay readable as `{program}@{revision_id}`.
#include "client/views/program.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/commands/lookups.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/program_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct ProgramAssignFlags {
  std::string id;
  std::string title;
  std::vector<std::string> exercises;
  int sessions_per_week = 0;
  std::optional<std::string> start_date;  // default: the patient's today
  std::string end_date;
  std::string notes;
  std::string status = "active";
};

struct ProgramShowFlags {
  std::string program;  // empty: every active program of the patient
  std::optional<int64_t> revision;
};

struct ProgramRevisionsFlags {
  std::string program;
  PageFlags paging;
};

// The fields to change are the flags given.
struct ProgramUpdateFlags {
  std::string program;
  std::vector<std::string> exercises;  // replaces all prescriptions
  std::optional<int> sessions_per_week;
  std::optional<std::string> title;
  std::optional<std::string> status;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;  // "" makes the program open-ended
  std::optional<std::string> notes;
  std::optional<std::string> etag;
};

void PrintPrograms(const v1::ListProgramsResponse& response,
                   std::ostream& out) {
  if (response.programs().empty()) out << "no active program\n";
  for (int i = 0; i < response.programs_size(); ++i) {
    if (i > 0) out << "\n";
    PrintProgram(response.programs(i), out);
  }
}

// One row per program or program revision.
Columns<v1::Program> ProgramColumns() {
  return {{"ID", "REVISION", "TITLE", "STATUS", "START", "END", "REVISED",
           "EXERCISES"},
          [](const v1::Program& program) -> std::vector<std::string> {
            return {std::string(LastSegment(program.name())),
                    absl::StrCat(program.revision_id()),
                    program.display_name(),
                    FriendlyName(program.status()),
                    program.start_date(),
                    program.end_date(),
                    FormatTimestamp(program.revision_create_time()),
                    FormatExerciseSpecs(program.prescriptions())};
          }};
}

absl::StatusOr<std::vector<v1::Prescription>> ParsePrescriptions(
    const std::vector<std::string>& specs) {
  std::vector<v1::Prescription> prescriptions;
  for (const std::string& spec : specs) {
    GLUTECARE_ASSIGN_OR_RETURN(prescriptions.emplace_back(),
                               ParseExerciseSpec<v1::Prescription>(spec));
  }
  return prescriptions;
}

// The sessions per week that every prescription of `program` has, if they
// all have the same.
std::optional<int> CommonSessionsPerWeek(const v1::Program& program) {
  if (program.prescriptions().empty()) return std::nullopt;
  const int first = program.prescriptions(0).sessions_per_week();
  const bool all_same = std::all_of(program.prescriptions().begin(),
                                    program.prescriptions().end(),
                                    [first](const v1::Prescription& p) {
                                      return p.sessions_per_week() == first;
                                    });
  return all_same ? std::optional<int>(first) : std::nullopt;
}

// Sets the prescriptions of an update of `current` in `program`: `replacements`
// (or, when there are none, the current prescriptions), each done
// `sessions_per_week` times a week when that is given. Without it a
// replacement keeps the sessions per week of the exercise's current
// prescription, and a new exercise takes the one all current prescriptions
// share. A replacement keeps the current prescription's notes for the patient.
absl::Status RewritePrescriptions(const v1::Program& current,
                                  std::vector<v1::Prescription> replacements,
                                  std::optional<int> sessions_per_week,
                                  v1::Program& program) {
  if (replacements.empty()) {
    replacements.assign(current.prescriptions().begin(),
                        current.prescriptions().end());
  }
  for (v1::Prescription& replacement : replacements) {
    const auto same_exercise = std::find_if(
        current.prescriptions().begin(), current.prescriptions().end(),
        [&](const v1::Prescription& p) {
          return p.exercise() == replacement.exercise();
        });
    if (same_exercise != current.prescriptions().end()) {
      replacement.set_notes(same_exercise->notes());
      replacement.set_sessions_per_week(same_exercise->sessions_per_week());
    } else if (!sessions_per_week.has_value()) {
      const std::optional<int> common = CommonSessionsPerWeek(current);
      if (!common.has_value()) {
        return UsageError(absl::StrCat(
            "pass --per-week: ", LastSegment(replacement.exercise()),
            " is new and the program's exercises differ in sessions per week"));
      }
      replacement.set_sessions_per_week(*common);
    }
    if (sessions_per_week.has_value()) {
      replacement.set_sessions_per_week(*sessions_per_week);
    }
    *program.add_prescriptions() = std::move(replacement);
  }
  return absl::OkStatus();
}

absl::Status AssignProgram(const CommandContext& context,
                           const ProgramAssignFlags& flags) {
  v1::CreateProgramRequest request;
  v1::Program& program = *request.mutable_program();
  GLUTECARE_ASSIGN_OR_RETURN(std::vector<v1::Prescription> prescriptions,
                             ParsePrescriptions(flags.exercises));
  for (v1::Prescription& prescription : prescriptions) {
    prescription.set_sessions_per_week(flags.sessions_per_week);
    *program.add_prescriptions() = std::move(prescription);
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::ProgramStatus status,
      ParseFriendlyName<v1::ProgramStatus>(flags.status, "--status"));
  if (flags.start_date.has_value()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(*flags.start_date, "--start"));
  }
  if (!flags.end_date.empty()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(flags.end_date, "--end"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  GLUTECARE_ASSIGN_OR_RETURN(
      *program.mutable_start_date(),
      flags.start_date.has_value()
          ? absl::StatusOr<std::string>(*flags.start_date)
          : PatientToday(context, request.parent()));
  request.set_program_id(flags.id);
  program.set_display_name(flags.title);
  program.set_status(status);
  program.set_end_date(flags.end_date);
  program.set_notes(flags.notes);
  return context.CallAndPrint(&v1::ProgramService::Stub::CreateProgram, request,
                              Idempotency::kNotIdempotent, PrintProgram);
}

absl::Status ShowProgram(const CommandContext& context,
                         const ProgramShowFlags& flags) {
  if (flags.program.empty()) {
    if (flags.revision.has_value()) {
      return UsageError("--revision needs a PROGRAM");
    }
    GLUTECARE_ASSIGN_OR_RETURN(const std::string patient, context.Patient());
    GLUTECARE_ASSIGN_OR_RETURN(const v1::ListProgramsResponse active,
                               ListActivePrograms(context, patient));
    context.Print(active, PrintPrograms);
    return absl::OkStatus();
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      std::string name,
      context.NameInPatient(kPrograms, flags.program, "PROGRAM"));
  if (flags.revision.has_value()) {
    GLUTECARE_RETURN_IF_ERROR(CheckNoRevision(name, "PROGRAM"));
    absl::StrAppend(&name, "@", *flags.revision);
  }
  return context.PrintResult(GetProgram(context, name), PrintProgram);
}

absl::Status ListRevisions(const CommandContext& context,
                           const ProgramRevisionsFlags& flags) {
  v1::ListProgramRevisionsRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(
      *request.mutable_name(),
      context.NameInPatient(kPrograms, flags.program, "PROGRAM"));
  GLUTECARE_RETURN_IF_ERROR(CheckNoRevision(request.name(), "PROGRAM"));
  return ListAndPrint(context, &v1::ProgramService::Stub::ListProgramRevisions,
                      std::move(request), flags.paging,
                      &v1::ListProgramRevisionsResponse::programs,
                      ProgramColumns());
}

absl::Status UpdateProgram(const CommandContext& context,
                           const ProgramUpdateFlags& flags) {
  v1::UpdateProgramRequest request;
  v1::Program& program = *request.mutable_program();
  google::protobuf::FieldMask& mask = *request.mutable_update_mask();
  GLUTECARE_ASSIGN_OR_RETURN(
      *program.mutable_name(),
      context.NameInPatient(kPrograms, flags.program, "PROGRAM"));
  GLUTECARE_RETURN_IF_ERROR(CheckNoRevision(program.name(), "PROGRAM"));
  GLUTECARE_ASSIGN_OR_RETURN(std::vector<v1::Prescription> replacements,
                             ParsePrescriptions(flags.exercises));
  if (flags.title.has_value()) {
    program.set_display_name(*flags.title);
    mask.add_paths("display_name");
  }
  if (flags.status.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(
        const v1::ProgramStatus status,
        ParseFriendlyName<v1::ProgramStatus>(*flags.status, "--status"));
    program.set_status(status);
    mask.add_paths("status");
  }
  if (flags.start_date.has_value()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(*flags.start_date, "--start"));
    program.set_start_date(*flags.start_date);
    mask.add_paths("start_date");
  }
  if (flags.end_date.has_value()) {
    if (!flags.end_date->empty()) {
      GLUTECARE_RETURN_IF_ERROR(CheckDate(*flags.end_date, "--end"));
    }
    program.set_end_date(*flags.end_date);
    mask.add_paths("end_date");
  }
  if (flags.notes.has_value()) {
    program.set_notes(*flags.notes);
    mask.add_paths("notes");
  }
  const bool rewrites_prescriptions =
      !replacements.empty() || flags.sessions_per_week.has_value();
  if (!rewrites_prescriptions && mask.paths().empty()) {
    return UsageError(
        "program update: nothing to change: pass one or more of --exercise, "
        "--per-week, --title, --status, --start, --end, --notes");
  }
  if (rewrites_prescriptions) {
    // Read, modify, write: the etag of the read makes the write fail with
    // ABORTED if someone else changed the program in between.
    GLUTECARE_ASSIGN_OR_RETURN(const v1::Program current,
                               GetProgram(context, program.name()));
    GLUTECARE_RETURN_IF_ERROR(RewritePrescriptions(
        current, std::move(replacements), flags.sessions_per_week, program));
    mask.add_paths("prescriptions");
    program.set_etag(current.etag());
  }
  if (flags.etag.has_value()) program.set_etag(*flags.etag);
  return context.CallAndPrint(&v1::ProgramService::Stub::UpdateProgram, request,
                              Idempotency::kNotIdempotent, PrintProgram);
}

}  // namespace

void AddProgramCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "program", "Home exercise programs of the patient (--patient)");
  constexpr char kStatusHelp[] = "active, paused, completed or discontinued";
  constexpr char kProgramHelp[] = "The program: ID or full name";

  auto [assign, assign_flags] =
      AddLeafCommand(group, chosen, "assign",
                     "Assigns a new program to the patient", AssignProgram);
  assign.add_option("--id", assign_flags.id,
                    "The program's id (default: generated by the server)");
  assign.add_option("--title", assign_flags.title, "A short title")->required();
  AddExerciseSpecOption(assign, assign_flags.exercises,
                        "An exercise and its dose")
      ->required();
  assign
      .add_option("--per-week", assign_flags.sessions_per_week,
                  "Sessions per week of every exercise")
      ->required();
  assign.add_option("--start", assign_flags.start_date,
                    "First day, YYYY-MM-DD (default: the patient's today)");
  assign.add_option("--end", assign_flags.end_date, "Last day, YYYY-MM-DD");
  assign.add_option("--notes", assign_flags.notes, "Notes for the patient");
  assign.add_option("--status", assign_flags.status, kStatusHelp)
      ->capture_default_str();

  auto [show, show_flags] = AddLeafCommand(
      group, chosen, "show",
      "Shows a program, or without PROGRAM every active program", ShowProgram);
  show.add_option("PROGRAM", show_flags.program, kProgramHelp);
  show.add_option("--revision", show_flags.revision,
                  "Show this revision instead of the latest");

  AddListCommand(group, chosen, "list", "Lists the patient's programs",
                 &CommandContext::Patient,
                 &v1::ProgramService::Stub::ListPrograms,
                 &v1::ListProgramsResponse::programs, ProgramColumns());

  auto [revisions, revisions_flags] = AddLeafCommand(
      group, chosen, "revisions", "Lists a program's revisions, newest first",
      ListRevisions);
  revisions.add_option("PROGRAM", revisions_flags.program, kProgramHelp)
      ->required();
  AddPageFlags(revisions, revisions_flags.paging);

  auto [update, update_flags] = AddLeafCommand(
      group, chosen, "update",
      "Changes the fields given of a program, making a new revision",
      UpdateProgram);
  update.add_option("PROGRAM", update_flags.program, kProgramHelp)->required();
  AddExerciseSpecOption(update, update_flags.exercises,
                        "Replaces all exercises with these");
  update.add_option("--per-week", update_flags.sessions_per_week,
                    "Sessions per week of every exercise");
  update.add_option("--title", update_flags.title, "A short title");
  update.add_option("--status", update_flags.status, kStatusHelp);
  update.add_option("--start", update_flags.start_date,
                    "First day, YYYY-MM-DD");
  update.add_option("--end", update_flags.end_date,
                    "Last day, YYYY-MM-DD (\"\" for open-ended)");
  update.add_option("--notes", update_flags.notes, "Notes for the patient");
  update.add_option("--etag", update_flags.etag,
                    "Only update if the program still has this etag");
}

}  // namespace glutecare::client
