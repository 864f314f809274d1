#include "server/domain/rtm/billing_rules.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/domain/calendar.h"
#include "server/domain/text.h"
#include "server/domain/validation.h"

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

v1::RtmReport AssessRtm(const RtmInput& input,
                        const std::vector<CodeRule>& table) {
  const SupplyPeriod period = PeriodHolding(input.episode_start, input.as_of);
  const absl::CivilDay counted_until = std::min(input.as_of, period.last);
  std::set<absl::CivilDay> days;
  for (absl::CivilDay day : input.data_days) {
    if (day >= period.first && day <= counted_until) days.insert(day);
  }
  const int data_days = static_cast<int>(days.size());
  const int days_left =
      static_cast<int>(std::max<int64_t>(0, period.last - input.as_of));

  int minutes = 0;
  bool interactive = false;
  for (const v1::ManagementTimeEntry& entry : input.time) {
    const std::optional<absl::CivilDay> day = StoredDay(entry.date());
    if (!day.has_value() || absl::CivilMonth(*day) != input.month) continue;
    minutes += entry.minutes();
    interactive = interactive || entry.interactive();
  }
  const absl::CivilDay month_first(input.month);
  const absl::CivilDay month_last = LastDayOf(input.month);
  const bool month_open = input.as_of < month_last;
  const bool first_period =
      period.first ==
      PeriodHolding(input.episode_start, input.episode_start).first;

  v1::RtmReport report;
  report.set_as_of_date(FormatDate(input.as_of));
  report.set_episode_start_date(FormatDate(input.episode_start));
  report.set_period_start_date(FormatDate(period.first));
  report.set_period_end_date(FormatDate(period.last));
  report.set_data_days(data_days);
  report.set_days_left(days_left);
  report.set_month(absl::FormatCivilTime(input.month));
  report.set_minutes(minutes);
  report.set_interactive(interactive);
  const auto finding_of =
      [&report](absl::string_view code) -> const v1::RtmCodeFinding* {
    for (const v1::RtmCodeFinding& finding : report.codes()) {
      if (finding.code() == code) return &finding;
    }
    return nullptr;
  };

  for (const CodeRule& rule : table) {
    const bool monthly = rule.kind == CodeKind::kManagement ||
                         rule.kind == CodeKind::kManagementAddOn;
    if (!InForce(rule, monthly ? month_first : period.first)) continue;
    v1::RtmCodeFinding finding;
    finding.set_code(rule.code);
    finding.set_description(rule.description);
    switch (rule.kind) {
      case CodeKind::kSetup:
        finding.set_supportable(first_period && data_days > 0);
        if (!first_period) {
          finding.set_reason(
              absl::StrCat("once per episode, in its first period (from ",
                           Day(input.episode_start), ")"));
        } else if (data_days == 0) {
          finding.set_reason("no patient-reported data yet");
          if (days_left > 0) {
            finding.set_missing(
                absl::StrCat("1 data day by ", Day(period.last)));
          }
        } else {
          finding.set_reason("first period of the episode, with data");
        }
        break;
      case CodeKind::kDeviceSupply: {
        const bool enough = data_days >= rule.min_data_days;
        const bool not_too_many =
            rule.max_data_days == 0 || data_days <= rule.max_data_days;
        finding.set_supportable(enough && not_too_many);
        finding.set_reason(absl::StrCat(
            Plural(data_days, "data day", "data days"), " in ",
            Day(period.first), " to ", Day(period.last), "; needs ",
            rule.max_data_days == 0
                ? absl::StrCat(rule.min_data_days, " or more")
                : absl::StrCat(rule.min_data_days, "-", rule.max_data_days)));
        const int needed = rule.min_data_days - data_days;
        if (needed > 0 && needed <= days_left) {
          finding.set_missing(
              absl::StrCat(Plural(needed, "more data day", "more data days"),
                           " by ", Day(period.last), " for ", rule.code));
        }
        break;
      }
      case CodeKind::kManagement: {
        const bool enough = minutes >= rule.min_minutes;
        const bool not_too_many =
            rule.max_minutes == 0 || minutes <= rule.max_minutes;
        const bool talked =
            !rule.needs_interactive_communication || interactive;
        finding.set_supportable(enough && not_too_many && talked);
        finding.set_reason(absl::StrCat(
            Plural(minutes, "minute", "minutes"), " in ",
            absl::FormatCivilTime(input.month), "; needs ",
            rule.max_minutes == 0
                ? absl::StrCat(rule.min_minutes, " or more")
                : absl::StrCat(rule.min_minutes, "-", rule.max_minutes),
            rule.needs_interactive_communication
                ? (interactive
                       ? ", with an interactive communication (done)"
                       : ", with an interactive communication (none yet)")
                : ""));
        if (month_open && not_too_many) {
          std::vector<std::string> still;
          if (!enough) {
            still.push_back(Plural(rule.min_minutes - minutes, "more minute",
                                   "more minutes"));
          }
          if (!talked) {
            still.push_back("an interactive communication with the patient");
          }
          if (!still.empty()) {
            finding.set_missing(absl::StrCat(absl::StrJoin(still, " and "),
                                             " by ", Day(month_last), " for ",
                                             rule.code));
          }
        }
        break;
      }
      case CodeKind::kManagementAddOn: {
        const v1::RtmCodeFinding* base = finding_of(rule.adds_on_to);
        const bool base_supportable = base != nullptr && base->supportable();
        const int beyond = minutes - rule.min_minutes;
        finding.set_units(base_supportable && beyond >= rule.block_minutes
                              ? beyond / rule.block_minutes
                              : 0);
        finding.set_supportable(finding.units() > 0);
        finding.set_reason(absl::StrCat(
            Plural(std::max(beyond, 0), "minute", "minutes"), " beyond the ",
            rule.min_minutes, " of ", rule.adds_on_to, "; one unit per ",
            rule.block_minutes,
            base_supportable
                ? ""
                : absl::StrCat(" (", rule.adds_on_to, " is not supportable)")));
        if (month_open && base_supportable) {
          const int next = rule.min_minutes +
                           rule.block_minutes * (finding.units() + 1) - minutes;
          finding.set_missing(
              absl::StrCat(Plural(next, "more minute", "more minutes"), " by ",
                           Day(month_last), " for ", rule.code, " unit ",
                           finding.units() + 1));
        }
        break;
      }
    }
    if (rule.kind != CodeKind::kManagementAddOn) {
      finding.set_units(finding.supportable() ? 1 : 0);
    }
    *report.add_codes() = std::move(finding);
  }

  // Near a threshold: a device-supply or management minimum not met yet,
  // reachable in the time left, and within a nudge of it.
  for (const CodeRule& rule : table) {
    const v1::RtmCodeFinding* finding = finding_of(rule.code);
    if (finding == nullptr || finding->supportable() ||
        finding->missing().empty()) {
      continue;
    }
    if (rule.kind == CodeKind::kDeviceSupply && input.monitoring &&
        rule.min_data_days - data_days <= kNearDataDays) {
      report.set_near_threshold(true);
    }
    if (rule.kind == CodeKind::kManagement &&
        rule.min_minutes - minutes <= kNearMinutes &&
        rule.min_minutes > minutes) {
      report.set_near_threshold(true);
    }
  }
  return report;
}

void CheckManagementTimeEntry(const v1::ManagementTimeEntry& entry,
                              absl::string_view prefix,
                              Violations& violations) {
  if (entry.minutes() < 1 || entry.minutes() > kMaxEntryMinutes) {
    violations.Add(absl::StrCat(prefix, ".minutes"),
                   absl::StrCat("must be 1-", kMaxEntryMinutes, " minutes"));
  }
  const std::optional<size_t> note_chars = Utf8Length(entry.note());
  if (!note_chars.has_value() ||
      HasControlCharacters(entry.note(), /*allow_newlines=*/true)) {
    violations.Add(absl::StrCat(prefix, ".note"),
                   "must be printable UTF-8 text");
  } else if (*note_chars > kMaxShortNoteChars) {
    violations.Add(
        absl::StrCat(prefix, ".note"),
        absl::StrCat("must be at most ", kMaxShortNoteChars, " characters"));
  }
}

}  // namespace glutecare::rtm
