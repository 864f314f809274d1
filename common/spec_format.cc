#include "common/spec_format.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace glutecare {
namespace {

// The prefix that every value name of `descriptor` starts with, taken from its
// zero value `{PREFIX}UNSPECIFIED`; empty when there is no such value.
absl::string_view EnumValuePrefix(
    const google::protobuf::EnumDescriptor& descriptor) {
  const google::protobuf::EnumValueDescriptor* zero =
      descriptor.FindValueByNumber(0);
  if (zero == nullptr) return {};
  absl::string_view prefix = zero->name();
  if (!absl::ConsumeSuffix(&prefix, "UNSPECIFIED")) return {};
  return prefix;
}

}  // namespace

std::string FriendlyEnumName(const google::protobuf::EnumDescriptor& descriptor,
                             int value) {
  const google::protobuf::EnumValueDescriptor* value_descriptor =
      descriptor.FindValueByNumber(value);
  if (value_descriptor == nullptr) return absl::StrCat(value);
  absl::string_view name = value_descriptor->name();
  absl::ConsumePrefix(&name, EnumValuePrefix(descriptor));
  return absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}});
}

std::string FormatLoad(const v1::Load& load) {
  if (load.type() == v1::LOAD_TYPE_EXTERNAL_WEIGHT) {
    return absl::StrCat(load.weight_kg(), "kg");
  }
  return FriendlyName(load.type());
}

template <typename Dose>
std::string FormatExerciseSpec(const Dose& dose) {
  absl::string_view exercise = dose.exercise();
  exercise = exercise.substr(exercise.rfind('/') + 1);  // npos + 1 == 0
  std::string spec = absl::StrCat(exercise, ":", dose.sets(), "x");
  if (dose.hold_seconds() > 0) {
    absl::StrAppend(&spec, dose.hold_seconds(), "s");
  } else {
    absl::StrAppend(&spec, dose.reps());
  }
  const v1::LoadType load_type = dose.load().type();
  if (load_type != v1::LOAD_TYPE_BODYWEIGHT &&
      load_type != v1::LOAD_TYPE_UNSPECIFIED) {
    absl::StrAppend(&spec, "@", FormatLoad(dose.load()));
  }
  return spec;
}

template std::string FormatExerciseSpec(const v1::Prescription&);
template std::string FormatExerciseSpec(const v1::PerformedExercise&);

}  // namespace glutecare
