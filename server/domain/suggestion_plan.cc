#include "server/domain/suggestion_plan.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/plan_work.h"

namespace glutecare {

SuggestionPlan PlanSuggestions(
    const ProgramName& program, int64_t based_on_revision,
    const StoredSuggestions& stored,
    const std::vector<SuggestionCandidate>& candidates,
    const google::protobuf::Timestamp& now,
    absl::FunctionRef<std::string()> new_id) {
  // Every suggestion the plan may change: the stored open ones first, then
  // the new ones, so that a later candidate can supersede an earlier one.
  PlanWork<v1::Suggestion> work(stored.open);
  std::set<std::pair<std::string, int>> made;
  for (const auto& [exercise, kind] : stored.made_for_revision) {
    made.emplace(exercise, kind);
  }

  for (const SuggestionCandidate& candidate : candidates) {
    const std::string& exercise = candidate.current.exercise();
    if (!made.emplace(exercise, candidate.kind).second) continue;
    for (size_t i = 0; i < work.size(); ++i) {
      v1::Suggestion& other = work[i];
      if (other.exercise() != exercise ||
          other.state() != v1::SUGGESTION_STATE_OPEN) {
        continue;
      }
      other.set_state(v1::SUGGESTION_STATE_DISMISSED);
      other.add_reasons("superseded by a newer suggestion");
      *other.mutable_update_time() = now;
      work.MarkChanged(i);
    }

    v1::Suggestion& suggestion = work.Add();
    suggestion.set_name(SuggestionName{program.clinic, program.patient,
                                       program.program, new_id()}
                            .ToString());
    suggestion.set_exercise(exercise);
    suggestion.set_kind(candidate.kind);
    *suggestion.mutable_current() = candidate.current;
    *suggestion.mutable_proposed() = candidate.proposed;
    for (const std::string& reason : candidate.reasons) {
      suggestion.add_reasons(reason);
    }
    suggestion.set_state(v1::SUGGESTION_STATE_OPEN);
    suggestion.set_based_on_revision(based_on_revision);
    *suggestion.mutable_create_time() = now;
    *suggestion.mutable_update_time() = now;
  }

  SuggestionPlan plan;
  std::move(work).Split(&plan.inserts, &plan.updates);
  return plan;
}

std::vector<v1::Suggestion> DismissForNewRevision(
    std::vector<v1::Suggestion> open, int64_t revision,
    const google::protobuf::Timestamp& when) {
  for (v1::Suggestion& suggestion : open) {
    suggestion.set_state(v1::SUGGESTION_STATE_DISMISSED);
    suggestion.add_reasons(
        absl::StrCat("the program changed (revision ", revision, ")"));
    *suggestion.mutable_update_time() = when;
  }
  return open;
}

absl::Status CheckAcceptable(const v1::Suggestion& suggestion,
                             int64_t latest_revision) {
  if (suggestion.state() != v1::SUGGESTION_STATE_OPEN) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat(suggestion.name(), " is not open")),
                      reason::kSuggestionNotOpen);
  }
  if (latest_revision != suggestion.based_on_revision()) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "the program has changed since the suggestion was made (revision ",
            suggestion.based_on_revision(), ", now ", latest_revision, ")")),
        reason::kProgramRevised);
  }
  return absl::OkStatus();
}

v1::Suggestion Accepted(v1::Suggestion suggestion, int64_t accepted_revision,
                        const google::protobuf::Timestamp& now) {
  suggestion.set_state(v1::SUGGESTION_STATE_ACCEPTED);
  suggestion.set_accepted_revision(accepted_revision);
  *suggestion.mutable_update_time() = now;
  return suggestion;
}

absl::StatusOr<v1::Suggestion> Dismissed(
    v1::Suggestion suggestion, const google::protobuf::Timestamp& now) {
  if (suggestion.state() != v1::SUGGESTION_STATE_OPEN) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat(suggestion.name(), " is not open")),
                      reason::kSuggestionNotOpen);
  }
  suggestion.set_state(v1::SUGGESTION_STATE_DISMISSED);
  *suggestion.mutable_update_time() = now;
  return suggestion;
}

}  // namespace glutecare
