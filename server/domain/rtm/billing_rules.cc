#include "server/domain/rtm/billing_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace glutecare::rtm {
namespace {

bool InForce(const CodeRule& rule, absl::CivilDay day) {
  return day >= rule.effective_from &&
         (!rule.effective_until.has_value() || day <= *rule.effective_until);
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string Plural(int n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

absl::CivilDay LastDayOf(absl::CivilMonth month) {
  return absl::CivilDay(month + 1) - 1;
}

CodeFinding Finding(const CodeRule& rule) {
  return {.code = rule.code, .description = rule.description};
}

}  // namespace

const std::vector<CodeRule>& DefaultCodeTable() {
  // RTM codes began on 2022-01-01; 98985 and 98979 on 2026-01-01
  // (CLINICAL.md).
  static const auto* const kTable = new std::vector<CodeRule>{
      {.code = "98975",
       .description = "RTM set-up and patient education",
       .kind = CodeKind::kSetup,
       .effective_from = absl::CivilDay(2022, 1, 1)},
      {.code = "98977",
       .description = "RTM device supply, musculoskeletal, 16-30 data days",
       .kind = CodeKind::kDeviceSupply,
       .effective_from = absl::CivilDay(2022, 1, 1),
       .min_data_days = 16,
       .not_with = {"98985"}},
      {.code = "98985",
       .description = "RTM device supply, musculoskeletal, 2-15 data days",
       .kind = CodeKind::kDeviceSupply,
       .effective_from = absl::CivilDay(2026, 1, 1),
       .min_data_days = 2,
       .max_data_days = 15,
       .not_with = {"98977"}},
      {.code = "98980",
       .description = "RTM treatment management, first 20 minutes",
       .kind = CodeKind::kManagement,
       .effective_from = absl::CivilDay(2022, 1, 1),
       .min_minutes = 20,
       .needs_interactive_communication = true,
       .not_with = {"98979"}},
      {.code = "98981",
       .description = "RTM treatment management, each further 20 minutes",
       .kind = CodeKind::kManagementAddOn,
       .effective_from = absl::CivilDay(2022, 1, 1),
       .min_minutes = 20,
       .block_minutes = 20,
       .adds_on_to = "98980"},
      {.code = "98979",
       .description = "RTM treatment management, first 10 minutes (10-19)",
       .kind = CodeKind::kManagement,
       .effective_from = absl::CivilDay(2026, 1, 1),
       .min_minutes = 10,
       .max_minutes = 19,
       .needs_interactive_communication = true,
       .not_with = {"98980"}},
  };
  return *kTable;
}

std::vector<absl::CivilDay> DataDays(const std::vector<absl::Time>& times,
                                     absl::TimeZone zone) {
  std::set<absl::CivilDay> days;
  for (absl::Time time : times) days.insert(absl::ToCivilDay(time, zone));
  return {days.begin(), days.end()};
}

SupplyPeriod PeriodHolding(absl::CivilDay episode_start, absl::CivilDay day) {
  const int64_t index = day < episode_start ? 0 : (day - episode_start) / 30;
  const absl::CivilDay first = episode_start + index * 30;
  return {.first = first, .last = first + 29};
}

RtmAssessment AssessRtm(const RtmInput& input,
                        const std::vector<CodeRule>& table) {
  RtmAssessment out;
  out.period = PeriodHolding(input.episode_start, input.as_of);
  const absl::CivilDay counted_until = std::min(input.as_of, out.period.last);
  std::set<absl::CivilDay> days;
  for (absl::CivilDay day : input.data_days) {
    if (day >= out.period.first && day <= counted_until) days.insert(day);
  }
  out.data_days = static_cast<int>(days.size());
  out.days_left = static_cast<int>(
      std::max<int64_t>(0, out.period.last - input.as_of));

  out.month = input.month;
  for (const TimeEntry& entry : input.time) {
    if (absl::CivilMonth(entry.day) != input.month) continue;
    out.minutes += entry.minutes;
    out.interactive = out.interactive || entry.interactive;
  }
  const absl::CivilDay month_first(input.month);
  const absl::CivilDay month_last = LastDayOf(input.month);
  const bool month_open = input.as_of < month_last;
  const bool first_period =
      out.period.first == PeriodHolding(input.episode_start,
                                        input.episode_start)
                              .first;

  for (const CodeRule& rule : table) {
    const bool monthly = rule.kind == CodeKind::kManagement ||
                         rule.kind == CodeKind::kManagementAddOn;
    if (!InForce(rule, monthly ? month_first : out.period.first)) continue;
    CodeFinding finding = Finding(rule);
    switch (rule.kind) {
      case CodeKind::kSetup:
        finding.supportable = first_period && out.data_days > 0;
        if (!first_period) {
          finding.reason = absl::StrCat(
              "once per episode, in its first period (from ",
              Day(input.episode_start), ")");
        } else if (out.data_days == 0) {
          finding.reason = "no patient-reported data yet";
          if (out.days_left > 0) {
            finding.missing =
                absl::StrCat("1 data day by ", Day(out.period.last));
          }
        } else {
          finding.reason = "first period of the episode, with data";
        }
        break;
      case CodeKind::kDeviceSupply: {
        const bool enough = out.data_days >= rule.min_data_days;
        const bool not_too_many =
            rule.max_data_days == 0 || out.data_days <= rule.max_data_days;
        finding.supportable = enough && not_too_many;
        finding.reason = absl::StrCat(
            Plural(out.data_days, "data day", "data days"), " in ",
            Day(out.period.first), " to ", Day(out.period.last), "; needs ",
            rule.max_data_days == 0
                ? absl::StrCat(rule.min_data_days, " or more")
                : absl::StrCat(rule.min_data_days, "-", rule.max_data_days));
        const int needed = rule.min_data_days - out.data_days;
        if (needed > 0 && needed <= out.days_left) {
          finding.missing =
              absl::StrCat(Plural(needed, "more data day", "more data days"),
                           " by ", Day(out.period.last), " for ", rule.code);
        }
        break;
      }
      case CodeKind::kManagement: {
        const bool enough = out.minutes >= rule.min_minutes;
        const bool not_too_many =
            rule.max_minutes == 0 || out.minutes <= rule.max_minutes;
        const bool talked =
            !rule.needs_interactive_communication || out.interactive;
        finding.supportable = enough && not_too_many && talked;
        finding.reason = absl::StrCat(
            Plural(out.minutes, "minute", "minutes"), " in ",
            absl::FormatCivilTime(input.month), "; needs ",
            rule.max_minutes == 0
                ? absl::StrCat(rule.min_minutes, " or more")
                : absl::StrCat(rule.min_minutes, "-", rule.max_minutes),
            rule.needs_interactive_communication
                ? (out.interactive
                       ? ", with an interactive communication (done)"
                       : ", with an interactive communication (none yet)")
                : "");
        if (month_open && not_too_many) {
          std::vector<std::string> still;
          if (!enough) {
            still.push_back(Plural(rule.min_minutes - out.minutes,
                                   "more minute", "more minutes"));
          }
          if (!talked) {
            still.push_back("an interactive communication with the patient");
          }
          if (!still.empty()) {
            finding.missing = absl::StrCat(absl::StrJoin(still, " and "),
                                           " by ", Day(month_last), " for ",
                                           rule.code);
          }
        }
        break;
      }
      case CodeKind::kManagementAddOn: {
        const auto base = std::find_if(
            out.codes.begin(), out.codes.end(),
            [&](const CodeFinding& f) { return f.code == rule.adds_on_to; });
        const bool base_supportable = base != out.codes.end() &&
                                      base->supportable;
        const int beyond = out.minutes - rule.min_minutes;
        finding.units = base_supportable && beyond >= rule.block_minutes
                            ? beyond / rule.block_minutes
                            : 0;
        finding.supportable = finding.units > 0;
        finding.reason = absl::StrCat(
            Plural(std::max(beyond, 0), "minute", "minutes"), " beyond the ",
            rule.min_minutes, " of ", rule.adds_on_to, "; one unit per ",
            rule.block_minutes, base_supportable
                                    ? ""
                                    : absl::StrCat(" (", rule.adds_on_to,
                                                   " is not supportable)"));
        if (month_open && base_supportable) {
          const int next = rule.min_minutes +
                           rule.block_minutes * (finding.units + 1) -
                           out.minutes;
          finding.missing = absl::StrCat(
              Plural(next, "more minute", "more minutes"), " by ",
              Day(month_last), " for ", rule.code, " unit ",
              finding.units + 1);
        }
        break;
      }
    }
    if (rule.kind != CodeKind::kManagementAddOn) {
      finding.units = finding.supportable ? 1 : 0;
    }
    out.codes.push_back(std::move(finding));
  }

  // Near a threshold: a device-supply or management minimum not met yet,
  // reachable in the time left, and within a nudge of it.
  for (const CodeRule& rule : table) {
    const auto finding = std::find_if(
        out.codes.begin(), out.codes.end(),
        [&](const CodeFinding& f) { return f.code == rule.code; });
    if (finding == out.codes.end() || finding->supportable ||
        finding->missing.empty()) {
      continue;
    }
    if (rule.kind == CodeKind::kDeviceSupply && input.monitoring &&
        rule.min_data_days - out.data_days <= kNearDataDays) {
      out.near_threshold = true;
    }
    if (rule.kind == CodeKind::kManagement &&
        rule.min_minutes - out.minutes <= kNearMinutes &&
        rule.min_minutes > out.minutes) {
      out.near_threshold = true;
    }
  }
  return out;
}

}  // namespace glutecare::rtm
