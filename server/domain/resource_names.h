// Resource names of the glutecare.v1 API (Google AIP-122), parsed into typed
// values and formatted back.
//
//   absl::StatusOr<PatientName> patient =
//       PatientName::Parse(request.parent(), "parent");
//   if (!patient.ok()) return patient.status();   // names the field "parent"
//   patient->ToString();                          // "clinics/c1/patients/p1"
//
// A parse error is INVALID_ARGUMENT with a field violation naming `field`.
#ifndef GLUTECARE_SERVER_DOMAIN_RESOURCE_NAMES_H_
#define GLUTECARE_SERVER_DOMAIN_RESOURCE_NAMES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare {

// True when `id` is a valid resource id: 1-63 characters of [a-z0-9-],
// starting with a letter and not ending with a hyphen (AIP-122).
bool IsValidResourceId(absl::string_view id);

// A fresh random resource id: 16 characters of [a-z2-7], starting with a
// letter. Thread-safe.
std::string GenerateResourceId();

// `clinics/{clinic}`
struct ClinicName {
  std::string clinic;

  static absl::StatusOr<ClinicName> Parse(absl::string_view name,
                                          absl::string_view field);
  std::string ToString() const;
  friend bool operator==(const ClinicName&, const ClinicName&) = default;
};

// `clinics/{clinic}/therapists/{therapist}`
struct TherapistName {
  std::string clinic;
  std::string therapist;

  static absl::StatusOr<TherapistName> Parse(absl::string_view name,
                                             absl::string_view field);
  ClinicName parent() const { return {clinic}; }
  std::string ToString() const;
  friend bool operator==(const TherapistName&, const TherapistName&) = default;
};

// `clinics/{clinic}/patients/{patient}`
struct PatientName {
  std::string clinic;
  std::string patient;

  static absl::StatusOr<PatientName> Parse(absl::string_view name,
                                           absl::string_view field);
  ClinicName parent() const { return {clinic}; }
  std::string ToString() const;
  friend bool operator==(const PatientName&, const PatientName&) = default;
};

// `clinics/{clinic}/patients/{patient}/programs/{program}`, optionally followed
// by `@{revision_id}` (AIP-162) where the caller allows it.
struct ProgramName {
  std::string clinic;
  std::string patient;
  std::string program;
  // The revision named after `@`, or 0 for "the latest".
  int64_t revision_id = 0;

  // Accepts a name without a revision only.
  static absl::StatusOr<ProgramName> Parse(absl::string_view name,
                                           absl::string_view field);
  // Accepts a name with or without `@{revision_id}` (revision_id >= 1).
  static absl::StatusOr<ProgramName> ParseWithRevision(absl::string_view name,
                                                       absl::string_view field);
  PatientName parent() const { return {clinic, patient}; }
  // The name without the revision.
  std::string ToString() const;
  // `{name}@{revision_id}`. REQUIRES: revision_id >= 1.
  std::string ToRevisionString() const;
  friend bool operator==(const ProgramName&, const ProgramName&) = default;
};

// `clinics/{clinic}/patients/{patient}/sessions/{session}`
struct SessionName {
  std::string clinic;
  std::string patient;
  std::string session;

  static absl::StatusOr<SessionName> Parse(absl::string_view name,
                                           absl::string_view field);
  PatientName parent() const { return {clinic, patient}; }
  std::string ToString() const;
  friend bool operator==(const SessionName&, const SessionName&) = default;
};

// `clinics/{clinic}/patients/{patient}/painReports/{pain_report}`
struct PainReportName {
  std::string clinic;
  std::string patient;
  std::string pain_report;

  static absl::StatusOr<PainReportName> Parse(absl::string_view name,
                                              absl::string_view field);
  PatientName parent() const { return {clinic, patient}; }
  std::string ToString() const;
  friend bool operator==(const PainReportName&,
                         const PainReportName&) = default;
};

// `clinics/{clinic}/patients/{patient}/outcomeAssignments/{assignment}`
struct OutcomeAssignmentName {
  std::string clinic;
  std::string patient;
  std::string assignment;

  static absl::StatusOr<OutcomeAssignmentName> Parse(absl::string_view name,
                                                     absl::string_view field);
  PatientName parent() const { return {clinic, patient}; }
  std::string ToString() const;
  friend bool operator==(const OutcomeAssignmentName&,
                         const OutcomeAssignmentName&) = default;
};

// `clinics/{clinic}/patients/{patient}/outcomeResponses/{response}`
struct OutcomeResponseName {
  std::string clinic;
  std::string patient;
  std::string response;

  static absl::StatusOr<OutcomeResponseName> Parse(absl::string_view name,
                                                   absl::string_view field);
  PatientName parent() const { return {clinic, patient}; }
  std::string ToString() const;
  friend bool operator==(const OutcomeResponseName&,
                         const OutcomeResponseName&) = default;
};

// `clinics/{clinic}/patients/{patient}/alerts/{alert}`
struct AlertName {
  std::string clinic;
  std::string patient;
  std::string alert;

  static absl::StatusOr<AlertName> Parse(absl::string_view name,
                                         absl::string_view field);
  PatientName parent() const { return {clinic, patient}; }
  std::string ToString() const;
  friend bool operator==(const AlertName&, const AlertName&) = default;
};

// `clinics/{clinic}/patients/{patient}/programs/{program}/suggestions/{suggestion}`
struct SuggestionName {
  std::string clinic;
  std::string patient;
  std::string program;
  std::string suggestion;

  static absl::StatusOr<SuggestionName> Parse(absl::string_view name,
                                              absl::string_view field);
  ProgramName parent() const { return {clinic, patient, program}; }
  std::string ToString() const;
  friend bool operator==(const SuggestionName&,
                         const SuggestionName&) = default;
};

// `clinics/{clinic}/accessTokens/{access_token}`
struct AccessTokenName {
  std::string clinic;
  std::string access_token;

  static absl::StatusOr<AccessTokenName> Parse(absl::string_view name,
                                               absl::string_view field);
  ClinicName parent() const { return {clinic}; }
  std::string ToString() const;
  friend bool operator==(const AccessTokenName&,
                         const AccessTokenName&) = default;
};

// `exercises/{exercise}`
struct ExerciseName {
  std::string exercise;

  static absl::StatusOr<ExerciseName> Parse(absl::string_view name,
                                            absl::string_view field);
  std::string ToString() const;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_RESOURCE_NAMES_H_
