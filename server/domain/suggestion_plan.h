// How stored progression suggestions change: the rules a Store applies inside
// its write transactions, as pure functions of what the transaction read. Every
// backend reads the rows an input names, calls the function, and writes what it
// returns, so the rules live here once and not in each backend's SQL.
//
//   StoredSuggestions stored = ...;  // read in the write transaction
//   SuggestionPlan plan = PlanSuggestions(program, revision, stored,
//                                         candidates, now, GenerateResourceId);
//   ... update plan.updates, insert plan.inserts ...
#ifndef GLUTECARE_SERVER_DOMAIN_SUGGESTION_PLAN_H_
#define GLUTECARE_SERVER_DOMAIN_SUGGESTION_PLAN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "glutecare/v1/suggestion.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/progression.h"
#include "server/domain/resource_names.h"

namespace glutecare {

// What PlanSuggestions needs to know about one program's stored
// suggestions, read in the transaction that writes the plan.
struct StoredSuggestions {
  // The program's open suggestions, any revision.
  std::vector<v1::Suggestion> open;
  // (exercise, kind) of every suggestion made for the revision being
  // evaluated, whatever its state now.
  std::vector<std::pair<std::string, v1::SuggestionKind>> made_for_revision;
};

// The writes that record new suggestions.
struct SuggestionPlan {
  // New suggestions, in candidate order and in their final state (OPEN,
  // unless a later candidate of the same call superseded one).
  std::vector<v1::Suggestion> inserts;
  // Stored suggestions that change (superseded ones), whole, by name.
  std::vector<v1::Suggestion> updates;
};

// Records what the progression rules found for revision `based_on_revision`
// of `program`, at `now`:
// - a candidate suggested before for the same exercise, kind and revision is
//   skipped (an evaluation that runs again adds nothing);
// - an open suggestion for the same exercise, from an older revision or of
//   the other kind, is dismissed ("superseded by a newer suggestion") in
//   favour of the new one: a program has at most one open suggestion per
//   exercise;
// - every other candidate becomes an OPEN suggestion named with `new_id()`.
// REQUIRES: `based_on_revision` is the program's latest revision, checked by
// the caller in the same transaction (findings about an older revision are
// stale: the evaluation of the newer one makes its own).
SuggestionPlan PlanSuggestions(
    const ProgramName& program, int64_t based_on_revision,
    const StoredSuggestions& stored,
    const std::vector<SuggestionCandidate>& candidates,
    const google::protobuf::Timestamp& now,
    absl::FunctionRef<std::string()> new_id);

// The program's `open` suggestions once it gets revision `revision` at
// `when`: each dismissed, saying why, as none can be accepted any more (each
// would replace a revision that is no longer the latest).
std::vector<v1::Suggestion> DismissForNewRevision(
    std::vector<v1::Suggestion> open, int64_t revision,
    const google::protobuf::Timestamp& when);

// OK if `suggestion` may be accepted while its program's latest revision is
// `latest_revision`; FAILED_PRECONDITION if it is not open or the program
// changed since it was made.
absl::Status CheckAcceptable(const v1::Suggestion& suggestion,
                             int64_t latest_revision);

// `suggestion` accepted at `now`, its proposal stored as revision
// `accepted_revision`. REQUIRES: CheckAcceptable was OK.
v1::Suggestion Accepted(v1::Suggestion suggestion, int64_t accepted_revision,
                        const google::protobuf::Timestamp& now);

// `suggestion` dismissed by a therapist at `now`; FAILED_PRECONDITION if it
// is not open.
absl::StatusOr<v1::Suggestion> Dismissed(
    v1::Suggestion suggestion, const google::protobuf::Timestamp& now);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_SUGGESTION_PLAN_H_
