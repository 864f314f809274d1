// What the in-process fuzz targets assert about the code they drive. A broken
// property prints what broke and aborts, which libFuzzer reports as a crash
// and saves the input for (build-asan/fuzz/TARGET crash-FILE replays it).
//
//   GLUTECARE_FUZZ_CHECK(name->ToString() == input, "round trip of ", input);
//   CheckFieldViolations(status, "page_token");
//   RunPickedCheck(kChecks, data, size);  // byte 0 picks one of kChecks
//
// The message arguments are evaluated only when the check fails, so a check
// costs no allocation on the fast path.
#ifndef GLUTECARE_FUZZ_FUZZ_CHECK_H_
#define GLUTECARE_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "server/common/status.h"
#include "server/domain/text.h"

#define GLUTECARE_FUZZ_CHECK(condition, ...)                          \
  do {                                                                \
    if (!(condition)) {                                               \
      ::glutecare::fuzz::Fail(#condition, absl::StrCat(__VA_ARGS__)); \
    }                                                                 \
  } while (false)

namespace glutecare::fuzz {

[[noreturn]] inline void Fail(const char* condition, const std::string& what) {
  std::fprintf(stderr, "fuzz property broken: %s\n  %s\n", condition,
               what.c_str());
  std::abort();
}

// `text` quoted with every byte that is not printable ASCII as \xNN, for the
// messages of failed checks.
inline std::string Quoted(absl::string_view text) {
  return QuoteForMessage(text, 512);
}

// True when `text` is safe to send back to a client and to print: valid
// UTF-8 (a google.rpc.BadRequest with anything else does not serialize) and
// free of control characters other than newlines and tabs.
inline bool IsPrintableText(absl::string_view text) {
  return Utf8Length(text).has_value() &&
         !HasControlCharacters(text, /*allow_newlines=*/true);
}

// Checks the violations a validator added: each names a field and says, in
// printable text, what is wrong with it.
inline void CheckViolationList(const Violations& violations) {
  for (const FieldViolation& v : violations.list()) {
    GLUTECARE_FUZZ_CHECK(!v.field.empty(), "a violation without a field: ",
                         Quoted(v.description));
    GLUTECARE_FUZZ_CHECK(!v.description.empty(),
                         "a violation without a description: ", v.field);
    GLUTECARE_FUZZ_CHECK(IsPrintableText(v.field), "field ", Quoted(v.field));
    GLUTECARE_FUZZ_CHECK(IsPrintableText(v.description), "description of ",
                         v.field, ": ", Quoted(v.description));
  }
}

// True when `path` is `field` or a path below it (`field.x`, `field[0]`);
// any path is below the root, "".
inline bool IsFieldOrBelow(absl::string_view path, absl::string_view field) {
  if (field.empty()) return true;
  if (!absl::ConsumePrefix(&path, field)) return false;
  return path.empty() || path[0] == '.' || path[0] == '[';
}

// Checks an error from a parser of outside input: INVALID_ARGUMENT carrying
// at least one field violation, each at `field` or below it, in printable
// text.
inline void CheckFieldViolations(const absl::Status& status,
                                 absl::string_view field) {
  GLUTECARE_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                       "expected INVALID_ARGUMENT, got ", status.ToString());
  const std::vector<FieldViolation> list = FieldViolationsOf(status);
  GLUTECARE_FUZZ_CHECK(!list.empty(), "no field violation in ",
                       status.ToString());
  Violations violations;
  for (const FieldViolation& v : list) {
    GLUTECARE_FUZZ_CHECK(IsFieldOrBelow(v.field, field), "violation of ",
                         v.field, " where ", field, " was expected");
    violations.Add(v.field, v.description);
  }
  CheckViolationList(violations);
}

// A check of what follows byte 0 of an input.
using Check = void (*)(absl::string_view rest);

// Runs the check of `checks` that byte 0 of the input (`data`, `size`
// bytes) picks, modulo N, on the rest of the input; an empty input runs
// none. The seeds of a target that picks so start with their check's index.
template <size_t N>
void RunPickedCheck(const Check (&checks)[N], const uint8_t* data,
                    size_t size) {
  if (size < 1) return;
  checks[data[0] % N](
      absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
}

}  // namespace glutecare::fuzz

#endif  // GLUTECARE_FUZZ_FUZZ_CHECK_H_
