#include "client/views/outcome.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace glutecare::client {
namespace {

// "12 points", "1 point", "8.889 points": a number of the measure's points.
std::string Points(double points) {
  return absl::StrFormat("%.4g %s", points, points == 1 ? "point" : "points");
}

// " on 2026-10-01", or "" for an unknown date.
std::string OnDate(const std::string& date) {
  return date.empty() ? "" : absl::StrCat(" on ", date);
}

// "ODI 22% (moderate)" or "LEFS 49/80": the score with its band, if any.
std::string ScoreWithBand(const v1::OutcomeScoreSummary& summary) {
  std::string text =
      absl::StrCat(MeasureLabel(summary.measure()), " ",
                   FormatOutcomeScore(summary.measure(), summary.score()));
  if (!summary.band().empty())
    absl::StrAppend(&text, " (", summary.band(), ")");
  return text;
}

}  // namespace

std::string MeasureLabel(v1::OutcomeMeasure measure) {
  switch (measure) {
    case v1::OUTCOME_MEASURE_ODI:
      return "ODI";
    case v1::OUTCOME_MEASURE_LEFS:
      return "LEFS";
    default:
      return "?";
  }
}

std::string FormatOutcomeScore(v1::OutcomeMeasure measure, double score) {
  if (measure == v1::OUTCOME_MEASURE_ODI) {
    return absl::StrFormat("%.4g%%", score);
  }
  return absl::StrFormat("%.4g/80", score);
}

std::string FormatOutcomeSummary(const v1::OutcomeScoreSummary& summary) {
  const std::string latest =
      absl::StrCat(ScoreWithBand(summary), OnDate(summary.local_date()));
  if (summary.intake()) return absl::StrCat(latest, ", the intake");
  const std::string intake = absl::StrCat(
      "intake ", FormatOutcomeScore(summary.measure(), summary.intake_score()),
      OnDate(summary.intake_date()));
  if (summary.improvement() == 0) {
    return absl::StrCat(latest, ", unchanged since ", intake);
  }
  return absl::StrCat(latest, ", ", Points(std::abs(summary.improvement())),
                      summary.improvement() > 0 ? " better" : " worse",
                      " than ", intake,
                      summary.important_change() ? " (important change)"
                                                 : " (within the noise)");
}

std::string FormatOutcomeScoresBrief(
    const google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary>&
        summaries) {
  std::vector<std::string> parts;
  for (const v1::OutcomeScoreSummary& summary : summaries) {
    std::string part =
        absl::StrCat(MeasureLabel(summary.measure()), " ",
                     FormatOutcomeScore(summary.measure(), summary.score()));
    if (summary.intake()) {
      absl::StrAppend(&part, " intake");
    } else {
      absl::StrAppend(&part,
                      absl::StrFormat(" %+.4g ", summary.change_since_intake()),
                      !summary.important_change()
                          ? "stable"
                          : (summary.improvement() > 0 ? "better" : "worse"));
    }
    parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace glutecare::client
