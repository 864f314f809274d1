// How the reports of `glutecare report adherence|pain` read for people:
// numbers rounded for reading, a sparkline of daily pain, and the two report
// views. Pure functions of the messages, no gRPC.
//
//   FormatPercent(74.6);                              // "75%"
//   FormatDecimal(2.571);                             // "2.6"
//   Sparkline({0.0, 5.0, std::nullopt, 10.0}, 10);   // "▁▅ █"
//   FormatPainChange(change);  // "-2.5 points (-42%), improved (6.0 -> 3.5)"
//   FormatPainChangeBrief(change);                    // "-2.5 better"
#ifndef GLUTECARE_CLIENT_VIEWS_REPORT_H_
#define GLUTECARE_CLIENT_VIEWS_REPORT_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "glutecare/v1/report.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace glutecare::client {

// The top of the 0-10 Numeric Rating Scale that pain is reported on.
inline constexpr double kMaxPainScore = 10;

// A percentage as a whole number: 74.6 -> "75%".
std::string FormatPercent(double percent);

// A fractional count or score with one decimal: 2.571 -> "2.6".
std::string FormatDecimal(double value);

// "2026-11-01 .. 2026-11-28".
std::string FormatDateRange(absl::string_view first_date,
                            absl::string_view last_date);

// The mean pain of each calendar day from `first_date` to `last_date`
// (`YYYY-MM-DD`, inclusive), taken from `days`; nullopt for a day that has no
// entry. Empty when either date does not parse or they are out of order.
std::vector<std::optional<double>> DailyMeans(
    const google::protobuf::RepeatedPtrField<v1::DailyPain>& days,
    absl::string_view first_date, absl::string_view last_date);

// One character per value: a block from ▁ to █, in eight even steps over
// 0..`max_value` (values outside are clamped), or a space for a missing value.
std::string Sparkline(const std::vector<std::optional<double>>& values,
                      double max_value);

// "improved", "worsened" or "not important"; "" when unset.
std::string SignificanceWord(v1::PainChangeSignificance significance);

// A change in full: "-2.5 points (-42%), improved (6.0 -> 3.5)"; without a
// percentage (the change is from 0): "+2.0 points, worsened (0.0 -> 2.0)".
std::string FormatPainChange(const v1::PainChange& change);

// A change in brief, for a table cell: "+2.5 worse", "-3.0 better", or
// "+0.5 stable" when it is not clinically important.
std::string FormatPainChangeBrief(const v1::PainChange& change);

// The adherence report: a header of totals and the outcome scores (a
// "function" line per measure, FormatOutcomeSummary), then a table per week
// and a table per exercise.
void PrintAdherenceReport(const v1::AdherenceReport& report, std::ostream& out);

// The pain trend report: a header with the outcome scores (as in the
// adherence report), a sparkline per area, then per area a table of days
// and the changes, then the sessions per pain-after-exercise zone.
void PrintPainTrendReport(const v1::PainTrendReport& report, std::ostream& out);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_VIEWS_REPORT_H_
