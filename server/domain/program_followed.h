// Which program revision a session followed, from the instant it was
// performed. A patient may submit a session naming a revision, only a program,
// or nothing (Session.program_revision); the server stores the full revision
// name, picked by these rules, so that a session kept offline and delivered
// days later still counts against what was prescribed when it was done.
//
//   const v1::Program* revision = RevisionInForceAt(revisions, perform_time);
//   absl::StatusOr<const std::vector<v1::Program>*> program =
//       ProgramActiveAt(programs, perform_time, patient, field);
//
// Rules:
// - A program's revision in force at an instant is its latest revision made
//   (revision_create_time) at or before that instant. An instant before the
//   first revision (a session logged before its program was entered, or by a
//   phone whose clock is behind the server's) gets revision 1: a later
//   revision is never credited with sessions done before it. Progression
//   counts the sessions under the current revision (progression.h), so
//   crediting a later revision would make it look tried for longer than it
//   was; adherence likewise counts revision 1 from the program's start
//   (adherence.h). Times compare as stored, to the nanosecond.
// - The program a session followed when it names none is the patient's only
//   program active at that instant: one made at or before it whose revision
//   in force then is ACTIVE. When the patient had no program yet at that
//   instant (a late entry, a clock behind), the programs whose revision 1 is
//   ACTIVE stand in. None or several is the client's to resolve by naming
//   the program.
#ifndef GLUTECARE_SERVER_DOMAIN_PROGRAM_FOLLOWED_H_
#define GLUTECARE_SERVER_DOMAIN_PROGRAM_FOLLOWED_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "glutecare/v1/program.pb.h"
#include "server/domain/resource_names.h"

namespace glutecare {

// The revision of one program in force at `time` (see the rules above), or
// nullptr when `revisions` is empty. `revisions` holds the program's
// revisions oldest first; the result points into it.
const v1::Program* RevisionInForceAt(const std::vector<v1::Program>& revisions,
                                     absl::Time time);

// The one program of `patient` active at `time` (see the rules above), out
// of `programs`: every program of the patient, each as its revisions oldest
// first. The result points into `programs`. When no program or more than one
// was active then, INVALID_ARGUMENT with a field violation on `field` that
// names the active ones and asks for the program followed.
absl::StatusOr<const std::vector<v1::Program>*> ProgramActiveAt(
    const std::vector<std::vector<v1::Program>>& programs, absl::Time time,
    const PatientName& patient, absl::string_view field);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_PROGRAM_FOLLOWED_H_
