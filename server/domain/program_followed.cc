#include "server/domain/program_followed.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

absl::Time RevisionMadeAt(const v1::Program& revision) {
  return absl::FromUnixSeconds(revision.revision_create_time().seconds()) +
         absl::Nanoseconds(revision.revision_create_time().nanos());
}

bool IsActive(const v1::Program* revision) {
  return revision != nullptr && revision->status() == v1::PROGRAM_STATUS_ACTIVE;
}

}  // namespace

const v1::Program* RevisionInForceAt(const std::vector<v1::Program>& revisions,
                                     absl::Time time) {
  if (revisions.empty()) return nullptr;
  const v1::Program* in_force = &revisions.front();
  for (const v1::Program& revision : revisions) {
    if (RevisionMadeAt(revision) > time) break;
    in_force = &revision;
  }
  return in_force;
}

absl::StatusOr<const std::vector<v1::Program>*> ProgramActiveAt(
    const std::vector<std::vector<v1::Program>>& programs, absl::Time time,
    const PatientName& patient, absl::string_view field) {
  std::vector<const std::vector<v1::Program>*> active;
  bool any_made_by_then = false;
  for (const std::vector<v1::Program>& revisions : programs) {
    if (revisions.empty() || RevisionMadeAt(revisions.front()) > time) continue;
    any_made_by_then = true;
    if (IsActive(RevisionInForceAt(revisions, time))) {
      active.push_back(&revisions);
    }
  }
  if (!any_made_by_then) {
    for (const std::vector<v1::Program>& revisions : programs) {
      if (!revisions.empty() && IsActive(&revisions.front())) {
        active.push_back(&revisions);
      }
    }
  }
  if (active.size() == 1) return active.front();

  std::string description = absl::StrCat(
      patient.ToString(), " had ",
      active.empty() ? "no active program"
                     : absl::StrCat(active.size(), " active programs"),
      " at ", absl::FormatTime(absl::RFC3339_sec, time, absl::UTCTimeZone()));
  if (!active.empty()) {
    absl::StrAppend(
        &description, " (",
        absl::StrJoin(active, ", ",
                      [](std::string* out, const std::vector<v1::Program>* p) {
                        const std::string& name = p->front().name();
                        absl::StrAppend(out, name.substr(name.rfind('/') + 1));
                      }),
        ")");
  }
  absl::StrAppend(&description,
                  ": name the program followed, as {program} or "
                  "{program}@{revision_id}");
  return InvalidFieldError(std::string(field), std::move(description));
}

}  // namespace glutecare
