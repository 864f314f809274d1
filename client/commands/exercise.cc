// `glutecare exercise list|show`: the read-only exercise catalog, whose ids
// (glute-bridge, clamshell, ...) exercise specs name.
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/exercise_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct ExerciseListFlags {
  PageFlags paging;
};

void PrintExercise(const v1::Exercise& exercise, std::ostream& out) {
  Fields()
      .Add("name", exercise.name())
      .Add("display name", exercise.display_name())
      .Add("muscles",
           FormatFriendlyNames<v1::Muscle>(exercise.target_muscles()))
      .Add("loads", FormatFriendlyNames<v1::LoadType>(exercise.load_types()))
      .Add("progresses from",
           std::string(LastSegment(exercise.progresses_from())))
      .Add("progresses to", std::string(LastSegment(exercise.progresses_to())))
      .Add("instructions", exercise.instructions())
      .Print(out);
}

absl::Status ListExercises(const CommandContext& context,
                           const ExerciseListFlags& flags) {
  const Columns<v1::Exercise> columns{
      {"ID", "DISPLAY NAME", "MUSCLES", "LOADS", "PROGRESSES TO"},
      [](const v1::Exercise& exercise) -> std::vector<std::string> {
        return {std::string(LastSegment(exercise.name())),
                exercise.display_name(),
                FormatFriendlyNames<v1::Muscle>(exercise.target_muscles()),
                FormatFriendlyNames<v1::LoadType>(exercise.load_types()),
                std::string(LastSegment(exercise.progresses_to()))};
      }};
  return ListAndPrint(context, &v1::ExerciseService::Stub::ListExercises,
                      v1::ListExercisesRequest(), flags.paging,
                      &v1::ListExercisesResponse::exercises, columns);
}

}  // namespace

void AddExerciseCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(root, "exercise", "The exercise catalog");

  auto [list, list_flags] =
      AddLeafCommand(group, chosen, "list", "Lists the catalog", ListExercises);
  AddPageFlags(list, list_flags.paging);

  AddCallOnNameCommand(group, chosen, "show", "Shows an exercise",
                       ArgumentNaming(Under::kTopLevel, "exercises", "ID",
                                      "The exercise, such as glute-bridge"),
                       &v1::ExerciseService::Stub::GetExercise,
                       Idempotency::kIdempotent, PrintExercise);
}

}  // namespace glutecare::client
