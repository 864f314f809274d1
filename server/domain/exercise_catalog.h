// The exercise catalog: the glute-strengthening exercises a program can
// prescribe, built into the server and read-only.
//
// Three families from CLINICAL.md, each ordered easiest variant first:
//   glute bridge -> single-leg bridge -> hip thrust
//   clamshell -> banded clamshell -> side-lying hip abduction
//   bodyweight squat -> goblet squat -> split squat
#ifndef GLUTECARE_SERVER_DOMAIN_EXERCISE_CATALOG_H_
#define GLUTECARE_SERVER_DOMAIN_EXERCISE_CATALOG_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "glutecare/v1/exercise.pb.h"

namespace glutecare {

// An immutable list of exercises. Thread-safe (read-only after construction).
class ExerciseCatalog final {
 public:
  // The catalog the server seeds at start-up.
  static const ExerciseCatalog& Default();

  explicit ExerciseCatalog(std::vector<v1::Exercise> exercises);
  ExerciseCatalog(const ExerciseCatalog&) = delete;
  ExerciseCatalog& operator=(const ExerciseCatalog&) = delete;

  // The exercise with resource name `name` ("exercises/glute-bridge"), or
  // nullptr when there is none.
  const v1::Exercise* Find(absl::string_view name) const;

  // Every exercise, family by family, easiest variant first.
  const std::vector<v1::Exercise>& exercises() const { return exercises_; }

  // True when `exercise` can be done with `load`.
  static bool AllowsLoad(const v1::Exercise& exercise, v1::LoadType load);

 private:
  std::vector<v1::Exercise> exercises_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_EXERCISE_CATALOG_H_
