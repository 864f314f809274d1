#include "client/views/report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "client/names.h"
#include "client/output.h"
#include "client/specs.h"
#include "client/views/outcome.h"

namespace glutecare::client {
namespace {

// The eight steps of a sparkline, lowest first, each a UTF-8 block character.
constexpr absl::string_view kBlocks[] = {"▁", "▂", "▃", "▄",
                                         "▅", "▆", "▇", "█"};
constexpr absl::string_view kNoValue = " ";

// What a change's significance is called in a sentence and in a table cell.
struct SignificanceWords {
  v1::PainChangeSignificance significance;
  absl::string_view full;
  absl::string_view brief;
};
constexpr SignificanceWords kSignificanceWords[] = {
    {v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED, "improved", "better"},
    {v1::PAIN_CHANGE_SIGNIFICANCE_WORSENED, "worsened", "worse"},
    {v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT, "not important", "stable"},
};

// The words for `significance`; nullptr when it is unset or unknown.
const SignificanceWords* WordsFor(v1::PainChangeSignificance significance) {
  for (const SignificanceWords& words : kSignificanceWords) {
    if (words.significance == significance) return &words;
  }
  return nullptr;
}

std::optional<absl::CivilDay> ParseDay(absl::string_view date) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return std::nullopt;
  return day;
}

// `value` with its sign and `decimals` decimals, "+2.5" or "-0.4"; a value
// that rounds to zero is "+0.0", never "-0.0".
std::string FormatSigned(double value, int decimals) {
  std::string text = absl::StrFormat("%+.*f", decimals, value);
  if (text.find_first_of("123456789") == std::string::npos) text[0] = '+';
  return text;
}

void PrintWeeks(const v1::AdherenceReport& report, std::ostream& out) {
  Table weeks({"WEEK OF", "DAYS", "PRESCRIBED", "DONE", "ADHERENCE"});
  for (const v1::WeeklyAdherence& week : report.weeks()) {
    weeks.AddRow({week.week_start_date(), absl::StrCat(week.days_in_range()),
                  FormatDecimal(week.prescribed_sessions()),
                  absl::StrCat(week.completed_sessions()),
                  FormatPercent(week.adherence_percent())});
  }
  weeks.Print(out);
}

void PrintExercises(const v1::AdherenceReport& report, std::ostream& out) {
  Table exercises({"EXERCISE", "PRESCRIBED VOLUME", "DONE", "COMPLETION"});
  for (const v1::ExerciseCompletion& exercise : report.exercises()) {
    exercises.AddRow({std::string(LastSegment(exercise.exercise())),
                      FormatDecimal(exercise.prescribed_volume()),
                      absl::StrCat(exercise.completed_volume()),
                      FormatPercent(exercise.completion_percent())});
  }
  exercises.Print(out);
}

// One "function" line per outcome measure answered by `end_date`, so that
// function reads beside pain and adherence.
void AddOutcomeScores(
    const google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary>& scores,
    const std::string& end_date, Fields& fields) {
  if (scores.empty()) {
    fields.Add("function",
               absl::StrCat("no outcome measure answered by ", end_date));
  }
  for (const v1::OutcomeScoreSummary& score : scores) {
    fields.Add("function", FormatOutcomeSummary(score));
  }
}

// One sparkline per area, the area names padded to one width:
//   lower-back  ▆▅▅ ▄▃▃▂  (0-10, 2026-11-01 .. 2026-11-28)
void PrintSparklines(const v1::PainTrendReport& report, std::ostream& out) {
  size_t label_width = 0;
  for (const v1::AreaPainTrend& trend : report.areas()) {
    label_width = std::max(label_width, FriendlyName(trend.area()).size());
  }
  const std::string range =
      FormatDateRange(report.start_date(), report.end_date());
  for (const v1::AreaPainTrend& trend : report.areas()) {
    const std::string label = FriendlyName(trend.area());
    out << label << std::string(label_width - label.size() + 2, ' ')
        << Sparkline(
               DailyMeans(trend.days(), report.start_date(), report.end_date()),
               kMaxPainScore)
        << "  (0-10, " << range << ")\n";
  }
}

// The days of one area as a table, then its changes.
void PrintAreaTrend(const v1::AreaPainTrend& trend, std::ostream& out) {
  out << FriendlyName(trend.area()) << "\n";
  Table days({"DATE", "MEAN", "REPORTS", "7-DAY MEAN"});
  for (const v1::DailyPain& day : trend.days()) {
    days.AddRow({day.date(), FormatDecimal(day.mean()),
                 absl::StrCat(day.reports()),
                 FormatDecimal(day.rolling_7_day_mean())});
  }
  days.Print(out);
  Fields()
      .Add("change from baseline",
           trend.has_change_from_baseline()
               ? FormatPainChange(trend.change_from_baseline())
               : "")
      .Add("change from first week",
           trend.has_change_from_first_week()
               ? FormatPainChange(trend.change_from_first_week())
               : "")
      .Print(out);
}

}  // namespace

std::string FormatPercent(double percent) {
  return absl::StrFormat("%.0f%%", percent);
}

std::string FormatDecimal(double value) {
  return absl::StrFormat("%.1f", value);
}

std::string FormatDateRange(absl::string_view first_date,
                            absl::string_view last_date) {
  return absl::StrCat(first_date, " .. ", last_date);
}

std::vector<std::optional<double>> DailyMeans(
    const google::protobuf::RepeatedPtrField<v1::DailyPain>& days,
    absl::string_view first_date, absl::string_view last_date) {
  const std::optional<absl::CivilDay> first = ParseDay(first_date);
  const std::optional<absl::CivilDay> last = ParseDay(last_date);
  if (!first.has_value() || !last.has_value() || *last < *first) return {};
  std::vector<std::optional<double>> means(*last - *first + 1);
  for (const v1::DailyPain& day : days) {
    const std::optional<absl::CivilDay> date = ParseDay(day.date());
    if (date.has_value() && *first <= *date && *date <= *last) {
      means[*date - *first] = day.mean();
    }
  }
  return means;
}

std::string Sparkline(const std::vector<std::optional<double>>& values,
                      double max_value) {
  constexpr int kSteps = std::size(kBlocks);
  std::string line;
  for (const std::optional<double>& value : values) {
    if (!value.has_value()) {
      absl::StrAppend(&line, kNoValue);
      continue;
    }
    // Step i covers [i, i + 1) eighths of the scale; the top value is in the
    // last step.
    const double fraction = max_value > 0 ? *value / max_value : 0;
    const int step = std::clamp(static_cast<int>(std::floor(fraction * kSteps)),
                                0, kSteps - 1);
    absl::StrAppend(&line, kBlocks[step]);
  }
  return line;
}

std::string SignificanceWord(v1::PainChangeSignificance significance) {
  const SignificanceWords* words = WordsFor(significance);
  return words == nullptr ? "" : std::string(words->full);
}

std::string FormatPainChange(const v1::PainChange& change) {
  std::string text = absl::StrCat(FormatSigned(change.points(), 1), " points");
  if (change.has_percent()) {
    absl::StrAppend(&text, " (", FormatSigned(change.percent(), 0), "%)");
  }
  const std::string word = SignificanceWord(change.significance());
  if (!word.empty()) absl::StrAppend(&text, ", ", word);
  absl::StrAppend(&text, " (", FormatDecimal(change.from()), " -> ",
                  FormatDecimal(change.to()), ")");
  return text;
}

std::string FormatPainChangeBrief(const v1::PainChange& change) {
  const SignificanceWords* words = WordsFor(change.significance());
  const std::string points = FormatSigned(change.points(), 1);
  return words == nullptr ? points : absl::StrCat(points, " ", words->brief);
}

void PrintAdherenceReport(const v1::AdherenceReport& report,
                          std::ostream& out) {
  Fields fields;
  fields.Add("patient", report.patient())
      .Add("range", FormatDateRange(report.start_date(), report.end_date()))
      .Add("adherence", FormatPercent(report.adherence_percent()))
      .Add("sessions", absl::StrCat(report.completed_sessions(), " done of ",
                                    FormatDecimal(report.prescribed_sessions()),
                                    " prescribed"))
      .Add(
          "streak",
          absl::StrCat(report.current_streak_weeks(),
                       report.current_streak_weeks() == 1 ? " week" : " weeks"))
      .Add("days since last session",
           report.has_days_since_last_session()
               ? absl::StrCat(report.days_since_last_session())
               : "no session yet")
      .Add("data days", absl::StrCat(report.data_days()));
  AddOutcomeScores(report.outcome_scores(), report.end_date(), fields);
  fields.Print(out);
  out << "\n";
  PrintWeeks(report, out);
  out << "\n";
  PrintExercises(report, out);
}

void PrintPainTrendReport(const v1::PainTrendReport& report,
                          std::ostream& out) {
  Fields fields;
  fields.Add("patient", report.patient())
      .Add("range", FormatDateRange(report.start_date(), report.end_date()));
  AddOutcomeScores(report.outcome_scores(), report.end_date(), fields);
  fields.Print(out);
  out << "\n";
  if (report.areas().empty()) {
    out << "no pain reported in the range\n";
  } else {
    PrintSparklines(report, out);
  }
  for (const v1::AreaPainTrend& trend : report.areas()) {
    out << "\n";
    PrintAreaTrend(trend, out);
  }
  out << "\n";
  Fields()
      .Add("sessions by pain after",
           absl::StrCat(report.sessions_safe(), " safe (0-3), ",
                        report.sessions_acceptable(), " acceptable (4-5), ",
                        report.sessions_unacceptable(), " unacceptable (6-10)"))
      .Print(out);
}

}  // namespace glutecare::client
