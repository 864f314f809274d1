// Validation of glutecare.v1 requests: pure functions that add a field
// violation, named by its path from the request root
// ("session.exercises[1].load.weight_kg"), for every bad field they find.
// They never touch storage; checks that need stored data (does the therapist
// exist?) are the caller's, and so are the checks that need the patient's time
// zone, which take it as an argument below.
//
//   Violations violations;
//   CheckPainReport(request.pain_report(), "pain_report", violations);
//   GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
#ifndef GLUTECARE_SERVER_DOMAIN_VALIDATION_H_
#define GLUTECARE_SERVER_DOMAIN_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "glutecare/v1/access.pb.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/session.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"

namespace glutecare {

// Pain is an integer on the 0-10 Numeric Rating Scale (CLINICAL.md, "Pain
// scales").
inline constexpr int32_t kMinPain = 0;
inline constexpr int32_t kMaxPain = 10;

// Text limits, in characters (Unicode code points).
inline constexpr size_t kMaxDisplayNameChars = 200;
inline constexpr size_t kMaxNotesChars = 2000;
inline constexpr size_t kMaxShortNoteChars = 1000;
inline constexpr size_t kMaxMrnChars = 64;
inline constexpr size_t kMaxRequestIdChars = 64;
inline constexpr size_t kMaxUriChars = 200;

// Page sizes of List methods.
inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 1000;

// A session may start at most this far ahead of the server's clock (client
// clocks drift); anything later is a typo or a broken clock.
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(10);

// Access tokens live 90 days unless their creator says otherwise, and at
// most 400 days: long enough for a course of care or an integration's
// yearly rotation, short enough that a forgotten token dies.
inline constexpr absl::Duration kDefaultTokenLifetime = absl::Hours(24 * 90);
inline constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 400);

// The page size to use for a List request: `requested`, or kDefaultPageSize
// for 0. INVALID_ARGUMENT naming "page_size" outside 0-kMaxPageSize.
absl::StatusOr<int32_t> EffectivePageSize(int32_t requested);

// An optional client-chosen resource id (CreateXRequest.x_id): empty, or a
// valid id.
void CheckOptionalResourceId(absl::string_view id, absl::string_view field,
                             Violations& violations);

// An optional request_id: empty, or 1-64 characters of [A-Za-z0-9_-].
void CheckRequestId(absl::string_view request_id, absl::string_view field,
                    Violations& violations);

// An optional enum filter of a List request: unset (0) or a value this
// server knows. INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckEnumFilter(int value, bool (*is_valid)(int),
                             absl::string_view field);

// A required display name: 1-200 characters of printable UTF-8.
void CheckDisplayName(absl::string_view value, absl::string_view field,
                      Violations& violations);

// A timestamp field: seconds from 0001-01-01 to 9999-12-31 and nanos
// 0-999999999. Returns the time, or adds a violation and returns
// absl::InfinitePast().
absl::Time CheckTimestamp(const google::protobuf::Timestamp& timestamp,
                          absl::string_view field, Violations& violations);

// The writable fields of an access token of `clinic` created at `now`: a
// role, a subject that fits it (a therapist or patient of `clinic`, or empty
// for admins and integrations), a display name, and an optional expire_time
// after `now` and at most kMaxTokenLifetime later. Whether the subject exists
// is the caller's to check.
void CheckNewAccessToken(const v1::AccessToken& token, const ClinicName& clinic,
                         absl::Time now, absl::string_view prefix,
                         Violations& violations);

// The writable fields of a clinic.
void CheckClinic(const v1::Clinic& clinic, absl::string_view prefix,
                 Violations& violations);

// The writable fields of a therapist.
void CheckTherapist(const v1::Therapist& therapist, absl::string_view prefix,
                    Violations& violations);

// Which of a patient's intake findings (pain_areas, baseline_pain) must be
// there. A patient imported from a clinic system comes with neither (an EHR
// sends no such thing): its intake is pending until a therapist completes it
// with UpdatePatient. Sessions then need an explicit pain_area, and the rules
// that compare pain with the baseline wait for it.
struct IntakeRule {
  bool pain_areas_required = true;
  bool baseline_pain_required = true;
};
// Both required: CreatePatient.
inline constexpr IntakeRule kIntakeComplete{true, true};
// Either may be missing: an import.
inline constexpr IntakeRule kIntakeMayBePending{false, false};

// What an update of `current` must keep: a finding it has stays required,
// so intake can be completed but never undone.
IntakeRule IntakeRuleForUpdate(const v1::Patient& current);

// The writable fields of a patient of `clinic`; its therapist must name a
// therapist of the same clinic. Pain areas, when present, are known values
// listed once; `intake` says whether there must be at least one, and a
// baseline pain.
void CheckPatient(const v1::Patient& patient, const ClinicName& clinic,
                  absl::string_view prefix, Violations& violations,
                  IntakeRule intake = kIntakeComplete);

// The writable fields of a program of a patient of `clinic`. Every exercise
// must be in `catalog` and prescribed with a load it allows. An empty
// therapist is allowed (the caller fills in the patient's therapist).
void CheckProgram(const v1::Program& program, const ExerciseCatalog& catalog,
                  const ClinicName& clinic, absl::string_view prefix,
                  Violations& violations);

// The client-supplied fields of a session that `patient` submits at `now`.
// The program revision may be empty; otherwise it must name one of this
// patient's programs, with or without `@{revision_id}` (which revision is
// meant, and whether it exists, is the caller's: program_followed.h).
void CheckSession(const v1::Session& session, const ExerciseCatalog& catalog,
                  const PatientName& patient, absl::Time now,
                  absl::string_view prefix, Violations& violations);

// The client-supplied fields of a pain check-in.
void CheckPainReport(const v1::PainReport& report, absl::string_view prefix,
                     Violations& violations);

// The local date of a session in the patient's `zone`: the civil day of its
// perform_time. If the client sent a local_date it must be that day.
// REQUIRES: CheckSession passed.
absl::StatusOr<std::string> SessionLocalDate(const v1::Session& session,
                                             absl::TimeZone zone,
                                             absl::string_view prefix);

// The local date of a pain check-in in the patient's `zone`: its local_date,
// or the patient's today at `now` when empty. A date after the patient's today
// is an error. REQUIRES: CheckPainReport passed.
absl::StatusOr<std::string> PainReportLocalDate(const v1::PainReport& report,
                                                absl::TimeZone zone,
                                                absl::Time now,
                                                absl::string_view prefix);

// A report's date range, inclusive, in the patient's calendar.
struct DateRange {
  absl::CivilDay start;
  absl::CivilDay end;
};

// Reports cover 28 days unless asked otherwise, and at most 366.
inline constexpr int kDefaultReportDays = 28;
inline constexpr int kMaxReportDays = 366;

// The range named by optional `start_date` and `end_date` strings: end
// defaults to `today`, start to kDefaultReportDays - 1 days before end.
// INVALID_ARGUMENT naming "start_date" or "end_date" when a date is
// malformed, start is after end, or the range is longer than kMaxReportDays.
absl::StatusOr<DateRange> ResolveReportRange(absl::string_view start_date,
                                             absl::string_view end_date,
                                             absl::CivilDay today);

// Applies an update: returns `current` with the fields named by `mask` copied
// from `update` (repeated fields are replaced, not appended). An empty mask
// means every path in `allowed_paths`. A path outside `allowed_paths` is
// INVALID_ARGUMENT naming "update_mask".
template <typename Message>
absl::StatusOr<Message> ApplyUpdateMask(
    const Message& current, const Message& update,
    const google::protobuf::FieldMask& mask,
    const absl::flat_hash_set<std::string>& allowed_paths);

// Non-template core of ApplyUpdateMask.
absl::Status ApplyUpdateMaskTo(
    const google::protobuf::Message& update,
    const google::protobuf::FieldMask& mask,
    const absl::flat_hash_set<std::string>& allowed_paths,
    google::protobuf::Message* target);

template <typename Message>
absl::StatusOr<Message> ApplyUpdateMask(
    const Message& current, const Message& update,
    const google::protobuf::FieldMask& mask,
    const absl::flat_hash_set<std::string>& allowed_paths) {
  Message merged = current;
  GLUTECARE_RETURN_IF_ERROR(
      ApplyUpdateMaskTo(update, mask, allowed_paths, &merged));
  return merged;
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_VALIDATION_H_
