#include "client/views/program.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "client/names.h"
#include "client/output.h"
#include "client/specs.h"

namespace glutecare::client {

void PrintProgram(const v1::Program& program, std::ostream& out) {
  Fields()
      .Add("name", program.name())
      .Add("revision", absl::StrCat(program.revision_id()))
      .Add("etag", program.etag())
      .Add("title", program.display_name())
      .Add("status", FriendlyName(program.status()))
      .Add("start", program.start_date())
      .Add("end", program.end_date())
      .Add("therapist", program.therapist())
      .Add("notes", program.notes())
      .Add("revised", FormatTimestamp(program.revision_create_time()))
      .Print(out);
  out << "\n";
  Table prescriptions({"EXERCISE", "SETS x REPS", "LOAD", "PER WEEK", "NOTES"});
  for (const v1::Prescription& prescription : program.prescriptions()) {
    prescriptions.AddRow(
        {std::string(LastSegment(prescription.exercise())),
         FormatSetsAndReps(prescription.sets(), prescription.reps(),
                           prescription.hold_seconds()),
         FormatLoad(prescription.load()),
         absl::StrCat(prescription.sessions_per_week()), prescription.notes()});
  }
  prescriptions.Print(out);
}

}  // namespace glutecare::client
