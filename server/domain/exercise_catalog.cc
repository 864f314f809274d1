#include "server/domain/exercise_catalog.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace glutecare {
namespace {

using v1::Exercise;
using v1::LoadType;
using v1::Muscle;

Exercise Make(std::string id, std::string display_name,
              std::string instructions, std::initializer_list<Muscle> muscles,
              std::initializer_list<LoadType> loads, std::string from,
              std::string to) {
  Exercise e;
  e.set_name("exercises/" + id);
  e.set_display_name(std::move(display_name));
  e.set_instructions(std::move(instructions));
  for (Muscle m : muscles) e.add_target_muscles(m);
  for (LoadType l : loads) e.add_load_types(l);
  if (!from.empty()) e.set_progresses_from("exercises/" + from);
  if (!to.empty()) e.set_progresses_to("exercises/" + to);
  return e;
}

std::vector<Exercise> BuiltInExercises() {
  using enum v1::Muscle;
  using enum v1::LoadType;
  return {
      // Bridge family: hip extension, gluteus maximus first.
      Make("glute-bridge", "Glute bridge",
           "Lie on your back, knees bent, feet flat and hip-width apart. "
           "Press through your heels and squeeze your buttocks to lift your "
           "hips until knees, hips and shoulders line up. Pause, then lower "
           "slowly. Keep your lower back neutral; do not arch it.",
           {MUSCLE_GLUTEUS_MAXIMUS, MUSCLE_HAMSTRINGS, MUSCLE_CORE},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_BAND_LIGHT, LOAD_TYPE_BAND_MEDIUM,
            LOAD_TYPE_BAND_HEAVY, LOAD_TYPE_EXTERNAL_WEIGHT},
           "", "single-leg-bridge"),
      Make("single-leg-bridge", "Single-leg glute bridge",
           "Set up as for a glute bridge, then straighten one leg in line with "
           "the other thigh. Push through the heel of the bent leg to lift "
           "your hips level, without letting the pelvis tip to one side. "
           "Lower slowly and switch sides after the set.",
           {MUSCLE_GLUTEUS_MAXIMUS, MUSCLE_GLUTEUS_MEDIUS, MUSCLE_HAMSTRINGS},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_EXTERNAL_WEIGHT}, "glute-bridge",
           "hip-thrust"),
      Make("hip-thrust", "Hip thrust",
           "Sit with your upper back against a stable bench or sofa edge, "
           "knees bent and feet flat. Drive your hips up until your thighs "
           "and trunk are level, squeezing your buttocks at the top, then "
           "lower under control. A weight rests across the hips if prescribed.",
           {MUSCLE_GLUTEUS_MAXIMUS, MUSCLE_HAMSTRINGS},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_BAND_LIGHT, LOAD_TYPE_BAND_MEDIUM,
            LOAD_TYPE_BAND_HEAVY, LOAD_TYPE_EXTERNAL_WEIGHT},
           "single-leg-bridge", ""),
      // Clamshell family: hip abduction, gluteus medius and minimus.
      Make("clamshell", "Clamshell",
           "Lie on your side with hips and knees bent and feet together. "
           "Keeping your feet touching, open your top knee as far as you can "
           "without rolling your pelvis back, then close it slowly.",
           {MUSCLE_GLUTEUS_MEDIUS, MUSCLE_GLUTEUS_MINIMUS},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_BAND_LIGHT, LOAD_TYPE_BAND_MEDIUM,
            LOAD_TYPE_BAND_HEAVY},
           "", "banded-clamshell"),
      Make("banded-clamshell", "Banded clamshell",
           "A clamshell with a resistance band looped just above both knees. "
           "Open against the band with control and close slowly; the pelvis "
           "stays still.",
           {MUSCLE_GLUTEUS_MEDIUS, MUSCLE_GLUTEUS_MINIMUS},
           {LOAD_TYPE_BAND_LIGHT, LOAD_TYPE_BAND_MEDIUM, LOAD_TYPE_BAND_HEAVY},
           "clamshell", "side-lying-hip-abduction"),
      Make("side-lying-hip-abduction", "Side-lying hip abduction",
           "Lie on your side with the bottom knee bent and the top leg "
           "straight, in line with your body. Lift the top leg, heel leading "
           "and toes pointing forward, to about 30-40 degrees, then lower "
           "slowly. Do not roll backwards.",
           {MUSCLE_GLUTEUS_MEDIUS, MUSCLE_GLUTEUS_MINIMUS},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_BAND_LIGHT, LOAD_TYPE_BAND_MEDIUM,
            LOAD_TYPE_BAND_HEAVY, LOAD_TYPE_EXTERNAL_WEIGHT},
           "banded-clamshell", ""),
      // Squat family: hips and knees together.
      Make("bodyweight-squat", "Bodyweight squat",
           "Stand with feet shoulder-width apart. Send your hips back and down "
           "as if sitting into a chair, chest up and knees tracking over your "
           "toes, as deep as is comfortable. Push through your heels to stand.",
           {MUSCLE_GLUTEUS_MAXIMUS, MUSCLE_QUADRICEPS, MUSCLE_GLUTEUS_MEDIUS},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_BAND_LIGHT, LOAD_TYPE_BAND_MEDIUM,
            LOAD_TYPE_BAND_HEAVY},
           "", "goblet-squat"),
      Make("goblet-squat", "Goblet squat",
           "Hold a dumbbell or kettlebell against your chest with both hands "
           "and squat as in the bodyweight squat, elbows inside the knees at "
           "the bottom. Stand up by pushing through your heels.",
           {MUSCLE_GLUTEUS_MAXIMUS, MUSCLE_QUADRICEPS, MUSCLE_CORE},
           {LOAD_TYPE_EXTERNAL_WEIGHT}, "bodyweight-squat", "split-squat"),
      Make("split-squat", "Split squat",
           "Stand in a long stride, back heel raised. Lower the back knee "
           "straight down towards the floor, front knee over the front foot "
           "and pelvis level, then push up through the front heel. Switch "
           "sides after the set.",
           {MUSCLE_GLUTEUS_MAXIMUS, MUSCLE_GLUTEUS_MEDIUS, MUSCLE_QUADRICEPS},
           {LOAD_TYPE_BODYWEIGHT, LOAD_TYPE_EXTERNAL_WEIGHT}, "goblet-squat",
           ""),
  };
}

}  // namespace

const ExerciseCatalog& ExerciseCatalog::Default() {
  static const ExerciseCatalog* const catalog =
      new ExerciseCatalog(BuiltInExercises());
  return *catalog;
}

ExerciseCatalog::ExerciseCatalog(std::vector<v1::Exercise> exercises)
    : exercises_(std::move(exercises)) {}

const v1::Exercise* ExerciseCatalog::Find(absl::string_view name) const {
  for (const v1::Exercise& exercise : exercises_) {
    if (exercise.name() == name) return &exercise;
  }
  return nullptr;
}

bool ExerciseCatalog::AllowsLoad(const v1::Exercise& exercise,
                                 v1::LoadType load) {
  const auto& loads = exercise.load_types();
  return std::find(loads.begin(), loads.end(), load) != loads.end();
}

}  // namespace glutecare
