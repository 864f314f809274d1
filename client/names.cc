#include "client/names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/errors.h"
#include "common/status_macros.h"

namespace glutecare::client {

bool IsFullName(absl::string_view text) {
  return text.find('/') != absl::string_view::npos;
}

absl::Status CheckFullName(absl::string_view name, absl::string_view collection,
                           absl::string_view flag) {
  const std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  bool well_formed =
      segments.size() % 2 == 0 && segments[segments.size() - 2] == collection;
  for (absl::string_view segment : segments) well_formed &= !segment.empty();
  if (well_formed) return absl::OkStatus();
  return UsageError(absl::StrCat(flag, " \"", name, "\" is not a name of ",
                                 collection,
                                 ": give the id or a full name "
                                 "ending in /",
                                 collection, "/ID"));
}

absl::StatusOr<std::string> ResolveName(
    absl::string_view text, absl::string_view collection,
    absl::string_view flag,
    absl::FunctionRef<absl::StatusOr<std::string>()> parent) {
  if (text.empty()) return UsageError(absl::StrCat(flag, " is empty"));
  if (IsFullName(text)) {
    GLUTECARE_RETURN_IF_ERROR(CheckFullName(text, collection, flag));
    return std::string(text);
  }
  GLUTECARE_ASSIGN_OR_RETURN(const std::string parent_name, parent());
  return JoinName(parent_name, collection, text);
}

absl::StatusOr<std::string> ResolveChildName(
    absl::string_view text, absl::string_view collection,
    absl::string_view flag,
    absl::FunctionRef<absl::StatusOr<std::string>(absl::string_view)>
        parent_named,
    absl::FunctionRef<absl::StatusOr<std::string>()> default_parent) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  if (parts.size() != 2) {
    return ResolveName(text, collection, flag, default_parent);
  }
  const absl::string_view parent_id = parts[0];
  const absl::string_view id = parts[1];
  if (parent_id.empty() || id.empty()) {
    return UsageError(
        absl::StrCat(flag, " \"", text, "\" lacks an id on one side of the /"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(const std::string parent, parent_named(parent_id));
  return JoinName(parent, collection, id);
}

absl::StatusOr<std::string> ResolveTopLevelName(absl::string_view text,
                                                absl::string_view collection,
                                                absl::string_view flag) {
  return ResolveName(text, collection, flag,
                     []() -> absl::StatusOr<std::string> { return ""; });
}

absl::Status CheckNoRevision(absl::string_view name, absl::string_view flag) {
  if (name.find('@') == absl::string_view::npos) return absl::OkStatus();
  return UsageError(absl::StrCat(
      flag, " \"", name, "\" names a revision: leave out the @REVISION"));
}

std::string JoinName(absl::string_view parent, absl::string_view collection,
                     absl::string_view id) {
  if (parent.empty()) return absl::StrCat(collection, "/", id);
  return absl::StrCat(parent, "/", collection, "/", id);
}

absl::string_view LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == absl::string_view::npos ? name : name.substr(slash + 1);
}

absl::string_view ParentOf(absl::string_view name) {
  const size_t last = name.rfind('/');
  if (last == absl::string_view::npos || last == 0) return {};
  const size_t before_last = name.rfind('/', last - 1);
  if (before_last == absl::string_view::npos) return {};
  return name.substr(0, before_last);
}

absl::string_view ClinicOf(absl::string_view name) {
  const size_t first_slash = name.find('/');
  if (first_slash == absl::string_view::npos) return name;
  return name.substr(0, name.find('/', first_slash + 1));
}

}  // namespace glutecare::client
