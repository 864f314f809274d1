#include "server/domain/csv_tables.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/spec_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/csv.h"
#include "server/domain/resource_names.h"

namespace glutecare {
namespace {

absl::string_view LastSegment(absl::string_view name) {
  return name.substr(name.rfind('/') + 1);  // npos + 1 == 0
}

// ISO 8601 in UTC, whole seconds; "" when unset.
std::string UtcTime(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

std::string Score(bool has_score, int32_t score) {
  return has_score ? absl::StrCat(score) : "";
}

}  // namespace

const std::vector<std::string>& SessionCsvColumns() {
  static const auto* const columns = new std::vector<std::string>{
      "patient",      "patient_name", "mrn",        "session",
      "perform_time", "local_date",   "program",    "program_revision",
      "exercises",    "pain_before",  "pain_after", "pain_area",
      "difficulty",   "notes"};
  return *columns;
}

std::vector<std::string> SessionCsvRow(const v1::Patient& patient,
                                       const v1::Session& session) {
  std::string program;
  std::string revision;
  if (absl::StatusOr<ProgramName> name = ProgramName::ParseWithRevision(
          session.program_revision(), "program_revision");
      name.ok()) {
    program = name->program;
    revision = name->revision_id > 0 ? absl::StrCat(name->revision_id) : "";
  }
  std::vector<std::string> exercises;
  for (const v1::PerformedExercise& exercise : session.exercises()) {
    exercises.push_back(FormatExerciseSpec(exercise));
  }
  return {std::string(LastSegment(patient.name())),
          SpreadsheetText(patient.display_name()),
          SpreadsheetText(patient.mrn()),
          std::string(LastSegment(session.name())),
          UtcTime(session.perform_time()),
          session.local_date(),
          program,
          revision,
          absl::StrJoin(exercises, "; "),
          Score(session.has_pain_before(), session.pain_before()),
          Score(session.has_pain_after(), session.pain_after()),
          session.pain_area() == v1::PAIN_AREA_UNSPECIFIED
              ? ""
              : FriendlyName(session.pain_area()),
          session.difficulty() == v1::DIFFICULTY_UNSPECIFIED
              ? ""
              : FriendlyName(session.difficulty()),
          SpreadsheetText(session.notes())};
}

const std::vector<std::string>& PainReportCsvColumns() {
  static const auto* const columns = new std::vector<std::string>{
      "patient",   "patient_name", "mrn",  "pain_report", "local_date",
      "pain_area", "score",        "note", "create_time"};
  return *columns;
}

std::vector<std::string> PainReportCsvRow(const v1::Patient& patient,
                                          const v1::PainReport& report) {
  return {std::string(LastSegment(patient.name())),
          SpreadsheetText(patient.display_name()),
          SpreadsheetText(patient.mrn()),
          std::string(LastSegment(report.name())),
          report.local_date(),
          report.area() == v1::PAIN_AREA_UNSPECIFIED
              ? ""
              : FriendlyName(report.area()),
          Score(report.has_score(), report.score()),
          SpreadsheetText(report.note()),
          UtcTime(report.create_time())};
}

}  // namespace glutecare
