// How glutecare writes its values for people: friendly enum names
// (PAIN_AREA_LOWER_BACK -> "lower-back") and exercise specs
// ("clamshell:3x15@band-light"). Shared by the CLI, which also parses them
// (client/specs.h), and the server's CSV export, so that a spreadsheet shows
// exactly what `glutecare session submit --exercise` takes.
//
//   FriendlyName(v1::LOAD_TYPE_BAND_LIGHT);   // "band-light"
//   FormatExerciseSpec(performed_exercise);   // "goblet-squat:3x10@8kg"
#ifndef GLUTECARE_COMMON_SPEC_FORMAT_H_
#define GLUTECARE_COMMON_SPEC_FORMAT_H_

#include <string>

#include "glutecare/v1/exercise.pb.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/session.pb.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace glutecare {

// The friendly name of any enum value of the contract: its proto name without
// the enum's prefix, lower case, `_` as `-` (PAIN_AREA_LOWER_BACK ->
// "lower-back"). A number the enum does not know prints as that number.
std::string FriendlyEnumName(const google::protobuf::EnumDescriptor& descriptor,
                             int value);

template <typename Enum>
std::string FriendlyName(Enum value) {
  return FriendlyEnumName(*google::protobuf::GetEnumDescriptor<Enum>(),
                          static_cast<int>(value));
}

// "band-light", "bodyweight", or the weight such as "2.5kg".
std::string FormatLoad(const v1::Load& load);

// `dose` in the spec grammar `EXERCISE:SETSxREPS[@LOAD]` (or `SETSxNs` for
// holds of N seconds), EXERCISE the catalog id and the load omitted when it
// is body weight or unset. Dose is v1::Prescription or v1::PerformedExercise.
template <typename Dose>
std::string FormatExerciseSpec(const Dose& dose);

extern template std::string FormatExerciseSpec(const v1::Prescription&);
extern template std::string FormatExerciseSpec(const v1::PerformedExercise&);

}  // namespace glutecare

#endif  // GLUTECARE_COMMON_SPEC_FORMAT_H_
