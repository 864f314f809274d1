#include "server/domain/progression.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/domain/adherence.h"
#include "server/domain/alert_rules.h"
#include "server/domain/calendar.h"
#include "server/domain/pain_rules.h"
#include "server/domain/resource_names.h"

namespace glutecare {
namespace {

// The ladder without external weight, whose steps are in kilograms.
constexpr v1::LoadType kBandLadder[] = {
    v1::LOAD_TYPE_BODYWEIGHT, v1::LOAD_TYPE_BAND_LIGHT,
    v1::LOAD_TYPE_BAND_MEDIUM, v1::LOAD_TYPE_BAND_HEAVY};
constexpr double kFirstWeightKg = 2.0;
constexpr int kMaxProgressReps = 15;
constexpr int kRepStep = 3;
constexpr int kMinRegressReps = 5;
constexpr int kMaxProgressHoldSeconds = 60;
constexpr int kHoldStepSeconds = 10;
constexpr int kMaxProgressSets = 4;
constexpr int kBaseVariantSets = 3;
constexpr int kBaseVariantReps = 10;

int Rung(v1::LoadType type) {
  if (type == v1::LOAD_TYPE_EXTERNAL_WEIGHT) return 4;
  for (int i = 0; i < 4; ++i) {
    if (kBandLadder[i] == type) return i;
  }
  return -1;
}

double RoundToQuarterKg(double kg) { return std::round(kg * 4) / 4; }

// The easiest load `exercise` allows.
v1::Load LightestLoad(const v1::Exercise& exercise) {
  v1::Load load;
  load.set_type(static_cast<v1::LoadType>(exercise.load_types(0)));
  if (load.type() == v1::LOAD_TYPE_EXTERNAL_WEIGHT) {
    load.set_weight_kg(kFirstWeightKg);
  }
  return load;
}

// Whether a performed exercise did at least what `p` prescribes.
bool DidAll(const v1::PerformedExercise& e, const v1::Prescription& p) {
  if (e.sets() < p.sets()) return false;
  return p.hold_seconds() > 0 ? e.hold_seconds() >= p.hold_seconds()
                              : e.reps() >= p.reps();
}

std::string Describe(const v1::Session& s) {
  return absl::StrCat("the session on ", s.local_date());
}

}  // namespace

std::optional<v1::Prescription> HarderStep(const v1::Prescription& current,
                                           const ExerciseCatalog& catalog) {
  const v1::Exercise* exercise = catalog.Find(current.exercise());
  if (exercise == nullptr) return std::nullopt;
  v1::Prescription next = current;
  // 1. The next rung of the ladder the exercise allows.
  const int rung = Rung(current.load().type());
  for (int r = rung + 1; r <= 4 && rung >= 0; ++r) {
    const v1::LoadType type =
        r == 4 ? v1::LOAD_TYPE_EXTERNAL_WEIGHT : kBandLadder[r];
    if (ExerciseCatalog::AllowsLoad(*exercise, type)) {
      next.mutable_load()->set_type(type);
      next.mutable_load()->set_weight_kg(r == 4 ? kFirstWeightKg : 0);
      return next;
    }
  }
  // 2. More reps, or longer holds.
  if (current.hold_seconds() > 0 &&
      current.hold_seconds() < kMaxProgressHoldSeconds) {
    next.set_hold_seconds(std::min(kMaxProgressHoldSeconds,
                                   current.hold_seconds() + kHoldStepSeconds));
    return next;
  }
  if (current.hold_seconds() == 0 && current.reps() < kMaxProgressReps) {
    next.set_reps(std::min(kMaxProgressReps, current.reps() + kRepStep));
    return next;
  }
  // 3. One more set.
  if (current.sets() < kMaxProgressSets) {
    next.set_sets(current.sets() + 1);
    return next;
  }
  // 4. The next variant, from its lightest load and a base volume.
  if (const v1::Exercise* variant = catalog.Find(exercise->progresses_to())) {
    next.set_exercise(variant->name());
    *next.mutable_load() = LightestLoad(*variant);
    next.set_sets(kBaseVariantSets);
    if (current.hold_seconds() == 0) next.set_reps(kBaseVariantReps);
    return next;
  }
  // 5. 10% more weight, at least half a kilogram.
  if (current.load().type() == v1::LOAD_TYPE_EXTERNAL_WEIGHT &&
      current.load().weight_kg() < 250) {
    const double kg = current.load().weight_kg();
    next.mutable_load()->set_weight_kg(
        std::min(250.0, RoundToQuarterKg(std::max(kg * 1.1, kg + 0.5))));
    return next;
  }
  return std::nullopt;
}

std::optional<v1::Prescription> EasierStep(const v1::Prescription& current,
                                           const ExerciseCatalog& catalog) {
  const v1::Exercise* exercise = catalog.Find(current.exercise());
  if (exercise == nullptr) return std::nullopt;
  v1::Prescription easier = current;
  // 1. Less weight, while there is weight worth taking off.
  if (current.load().type() == v1::LOAD_TYPE_EXTERNAL_WEIGHT &&
      current.load().weight_kg() > kFirstWeightKg) {
    easier.mutable_load()->set_weight_kg(std::max(
        kFirstWeightKg, RoundToQuarterKg(current.load().weight_kg() * 0.8)));
    return easier;
  }
  // 2. The previous rung of the ladder the exercise allows.
  for (int r = Rung(current.load().type()) - 1; r >= 0; --r) {
    if (ExerciseCatalog::AllowsLoad(*exercise, kBandLadder[r])) {
      easier.mutable_load()->set_type(kBandLadder[r]);
      easier.mutable_load()->set_weight_kg(0);
      return easier;
    }
  }
  // 3. Fewer reps or shorter holds, then fewer sets.
  if (current.hold_seconds() > kHoldStepSeconds) {
    easier.set_hold_seconds(current.hold_seconds() - kHoldStepSeconds);
    return easier;
  }
  if (current.hold_seconds() == 0 && current.reps() > kMinRegressReps) {
    easier.set_reps(std::max(kMinRegressReps, current.reps() - kRepStep));
    return easier;
  }
  if (current.sets() > 1) {
    easier.set_sets(current.sets() - 1);
    return easier;
  }
  // 4. The easier variant.
  if (const v1::Exercise* variant = catalog.Find(exercise->progresses_from())) {
    easier.set_exercise(variant->name());
    *easier.mutable_load() = LightestLoad(*variant);
    return easier;
  }
  return std::nullopt;
}

std::vector<SuggestionCandidate> SuggestProgressions(
    const ProgressionInput& input, const ExerciseCatalog& catalog) {
  std::vector<SuggestionCandidate> suggestions;
  const v1::Program& program = input.revision;
  if (program.status() != v1::PROGRAM_STATUS_ACTIVE) return suggestions;

  // Sessions under this revision, and the sessions the alert rules flag for
  // unacceptable pain or a flare.
  const absl::CivilDay window_start =
      std::max(input.revision_from, input.today - (kProgressionWindowDays - 1));
  // Only this program's sessions count: a patient may follow several. A
  // regression answers only sessions done under this very revision: one
  // that already followed an eased revision must not ease it again.
  std::vector<const v1::Session*> recent;
  absl::flat_hash_set<const v1::Session*> under_this_revision;
  for (const v1::Session& s : input.sessions) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(s.local_date(), "");
    absl::StatusOr<ProgramName> followed =
        ProgramName::ParseWithRevision(s.program_revision(), "");
    if (day.ok() && *day >= window_start && *day <= input.today &&
        followed.ok() && followed->ToString() == program.name()) {
      recent.push_back(&s);
      if (followed->revision_id == program.revision_id()) {
        under_this_revision.insert(&s);
      }
    }
  }
  AlertInput alert_input{.today = input.today,
                         .data_from = input.today - kProgressionWindowDays};
  alert_input.sessions = input.sessions;
  alert_input.pain_reports = input.pain_reports;
  absl::flat_hash_set<std::string> flared;  // session names
  for (const AlertCandidate& c : EvaluateAlerts(alert_input)) {
    if (c.rule != v1::ALERT_RULE_FLARE) continue;
    for (const std::string& name : c.evidence) flared.insert(name);
  }

  // Adherence over the whole window under this revision.
  const bool full_window =
      input.revision_from <= input.today - (kProgressionWindowDays - 1);
  AdherenceInput adherence{.start = input.today - (kProgressionWindowDays - 1),
                           .end = input.today};
  adherence.programs = {{{input.revision_from, program}}};
  for (const v1::Session* s : recent) adherence.sessions.push_back(*s);
  const double adherence_percent =
      ComputeAdherence(adherence).adherence_percent();

  for (const v1::Prescription& p : program.prescriptions()) {
    std::vector<std::string> regress_reasons;
    std::vector<const v1::Session*> with_exercise;
    for (const v1::Session* s : recent) {
      const bool did_it =
          std::any_of(s->exercises().begin(), s->exercises().end(),
                      [&](const v1::PerformedExercise& e) {
                        return e.exercise() == p.exercise();
                      });
      if (!did_it) continue;
      with_exercise.push_back(s);
      if (!under_this_revision.contains(s)) continue;
      if (ExercisePainZone(s->pain_after()) == v1::PAIN_ZONE_UNACCEPTABLE) {
        regress_reasons.push_back(absl::StrCat(
            "pain after ", Describe(*s), " was ", s->pain_after(),
            "/10, above ", kMaxAcceptableExercisePain, " (unacceptable)"));
      }
      if (flared.contains(s->name())) {
        regress_reasons.push_back(
            absl::StrCat("pain flared on the day after ", Describe(*s)));
      }
    }
    if (!regress_reasons.empty()) {
      if (std::optional<v1::Prescription> easier = EasierStep(p, catalog)) {
        suggestions.push_back({v1::SUGGESTION_KIND_REGRESS, p, *easier,
                               std::move(regress_reasons)});
      }
      continue;
    }

    if (!full_window || with_exercise.empty() ||
        adherence_percent < kProgressionAdherencePercent) {
      continue;
    }
    const bool all_safe =
        std::all_of(recent.begin(), recent.end(), [](auto* s) {
          return ExercisePainZone(s->pain_after()) == v1::PAIN_ZONE_SAFE;
        });
    if (!all_safe || !flared.empty()) continue;
    const v1::Session* latest = with_exercise.back();
    const bool too_easy = latest->difficulty() == v1::DIFFICULTY_TOO_EASY;
    const bool all_done = std::all_of(
        with_exercise.begin(), with_exercise.end(), [&](const v1::Session* s) {
          return std::any_of(s->exercises().begin(), s->exercises().end(),
                             [&](const v1::PerformedExercise& e) {
                               return e.exercise() == p.exercise() &&
                                      DidAll(e, p);
                             });
        });
    if (!too_easy && !all_done) continue;
    std::optional<v1::Prescription> harder = HarderStep(p, catalog);
    if (!harder.has_value()) continue;
    std::vector<std::string> reasons = {
        absl::StrFormat("adherence over the last %d days was %.0f%% (at least "
                        "%.0f%%)",
                        kProgressionWindowDays, adherence_percent,
                        kProgressionAdherencePercent),
        absl::StrCat("pain after every session was ", kMaxSafeExercisePain,
                     "/10 or less, with no flare")};
    reasons.push_back(
        too_easy
            ? absl::StrCat("the patient rated ", Describe(*latest), " too easy")
            : absl::StrCat("every prescribed rep was done in ",
                           with_exercise.size(), " sessions"));
    suggestions.push_back(
        {v1::SUGGESTION_KIND_PROGRESS, p, *harder, std::move(reasons)});
  }
  return suggestions;
}

absl::StatusOr<v1::Program> ApplySuggestion(const v1::Program& program,
                                            const v1::Suggestion& suggestion) {
  v1::Program updated = program;
  v1::Prescription* target = nullptr;
  for (v1::Prescription& p : *updated.mutable_prescriptions()) {
    if (p.exercise() == suggestion.exercise()) {
      target = &p;
    } else if (p.exercise() == suggestion.proposed().exercise()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the program already prescribes ", suggestion.proposed().exercise()));
    }
  }
  if (target == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the program no longer prescribes ", suggestion.exercise()));
  }
  *target = suggestion.proposed();
  return updated;
}

}  // namespace glutecare
