// `glutecare patient create|list|show|update`: the patients of the clinic
// given by --clinic. Patients are never deleted.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/commands/lookups.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/patient_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct PatientCreateFlags {
  std::string id;
  std::string display_name;
  std::string mrn;
  std::string time_zone;
  std::vector<std::string> pain_areas;
  int baseline_pain = 0;
  std::string therapist;  // empty: --therapist of the global options
};

struct PatientListFlags {
  PageFlags paging;
  std::optional<std::string> therapist;  // only this therapist's patients
};

struct PatientShowFlags {
  std::string patient;  // empty: --patient of the global options
};

// The fields to change are the flags given.
struct PatientUpdateFlags {
  std::string patient;
  std::optional<std::string> display_name;
  std::optional<std::string> mrn;
  std::optional<std::string> time_zone;
  std::vector<std::string> pain_areas;
  std::optional<std::string> therapist;
  std::optional<int> baseline_pain;
  std::optional<std::string> etag;
};

void PrintPatient(const v1::Patient& patient, std::ostream& out) {
  Fields()
      .Add("name", patient.name())
      .Add("display name", patient.display_name())
      .Add("mrn", patient.mrn())
      .Add("time zone", patient.time_zone())
      .Add("pain areas",
           FormatFriendlyNames<v1::PainArea>(patient.pain_areas()))
      .Add("therapist", patient.therapist())
      .Add("baseline pain", FormatPainScore(patient.has_baseline_pain(),
                                            patient.baseline_pain()))
      .Add("etag", patient.etag())
      .Add("created", FormatTimestamp(patient.create_time()))
      .Add("updated", FormatTimestamp(patient.update_time()))
      .Print(out);
}

absl::Status SetPainAreas(const std::vector<std::string>& areas,
                          v1::Patient& patient) {
  patient.clear_pain_areas();
  for (const std::string& area : areas) {
    GLUTECARE_ASSIGN_OR_RETURN(
        const v1::PainArea pain_area,
        ParseFriendlyName<v1::PainArea>(area, "--pain-area"));
    patient.add_pain_areas(pain_area);
  }
  return absl::OkStatus();
}

absl::Status CreatePatient(const CommandContext& context,
                           const PatientCreateFlags& flags) {
  v1::CreatePatientRequest request;
  v1::Patient& patient = *request.mutable_patient();
  GLUTECARE_RETURN_IF_ERROR(SetPainAreas(flags.pain_areas, patient));
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  GLUTECARE_ASSIGN_OR_RETURN(
      *patient.mutable_therapist(),
      flags.therapist.empty()
          ? context.Therapist()
          : context.NameInClinic(kTherapists, flags.therapist, "--therapist"));
  request.set_patient_id(flags.id);
  patient.set_display_name(flags.display_name);
  patient.set_mrn(flags.mrn);
  patient.set_time_zone(flags.time_zone);
  patient.set_baseline_pain(flags.baseline_pain);
  return context.CallAndPrint(&v1::PatientService::Stub::CreatePatient, request,
                              Idempotency::kNotIdempotent, PrintPatient);
}

absl::Status ListPatients(const CommandContext& context,
                          const PatientListFlags& flags) {
  v1::ListPatientsRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  if (flags.therapist.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(
        *request.mutable_therapist(),
        context.NameInClinic(kTherapists, *flags.therapist, "--therapist"));
  }
  const Columns<v1::Patient> columns{
      {"ID", "DISPLAY NAME", "MRN", "TIME ZONE", "PAIN AREAS", "THERAPIST",
       "BASELINE PAIN"},
      [](const v1::Patient& patient) -> std::vector<std::string> {
        return {std::string(LastSegment(patient.name())),
                patient.display_name(),
                patient.mrn(),
                patient.time_zone(),
                FormatFriendlyNames<v1::PainArea>(patient.pain_areas()),
                std::string(LastSegment(patient.therapist())),
                FormatPainScore(patient.has_baseline_pain(),
                                patient.baseline_pain())};
      }};
  return ListAndPrint(context, &v1::PatientService::Stub::ListPatients,
                      std::move(request), flags.paging,
                      &v1::ListPatientsResponse::patients, columns);
}

absl::Status ShowPatient(const CommandContext& context,
                         const PatientShowFlags& flags) {
  return context.CallOnNameAndPrint(
      &v1::PatientService::Stub::GetPatient,
      flags.patient.empty()
          ? PatientOrTokenHolder(context)
          : context.NameInClinic(kPatients, flags.patient, "ID"),
      Idempotency::kIdempotent, PrintPatient);
}

absl::Status UpdatePatient(const CommandContext& context,
                           const PatientUpdateFlags& flags) {
  v1::UpdatePatientRequest request;
  v1::Patient& patient = *request.mutable_patient();
  google::protobuf::FieldMask& mask = *request.mutable_update_mask();
  GLUTECARE_ASSIGN_OR_RETURN(
      *patient.mutable_name(),
      context.NameInClinic(kPatients, flags.patient, "ID"));
  if (flags.display_name.has_value()) {
    patient.set_display_name(*flags.display_name);
    mask.add_paths("display_name");
  }
  if (flags.mrn.has_value()) {
    patient.set_mrn(*flags.mrn);
    mask.add_paths("mrn");
  }
  if (flags.time_zone.has_value()) {
    patient.set_time_zone(*flags.time_zone);
    mask.add_paths("time_zone");
  }
  if (!flags.pain_areas.empty()) {
    GLUTECARE_RETURN_IF_ERROR(SetPainAreas(flags.pain_areas, patient));
    mask.add_paths("pain_areas");
  }
  if (flags.therapist.has_value()) {
    // A therapist id is one of the patient's own clinic.
    GLUTECARE_ASSIGN_OR_RETURN(
        *patient.mutable_therapist(),
        ResolveName(*flags.therapist, kTherapists, "--therapist",
                    [&]() -> absl::StatusOr<std::string> {
                      return std::string(ClinicOf(patient.name()));
                    }));
    mask.add_paths("therapist");
  }
  if (flags.baseline_pain.has_value()) {
    patient.set_baseline_pain(*flags.baseline_pain);
    mask.add_paths("baseline_pain");
  }
  if (mask.paths().empty()) {
    return UsageError(
        "patient update: nothing to change: pass one or more of --name, "
        "--mrn, --time-zone, --pain-area, --therapist, --baseline-pain");
  }
  if (flags.etag.has_value()) patient.set_etag(*flags.etag);
  return context.CallAndPrint(&v1::PatientService::Stub::UpdatePatient, request,
                              Idempotency::kNotIdempotent, PrintPatient);
}

}  // namespace

void AddPatientCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group =
      AddCommandGroup(root, "patient", "Patients of the clinic (--clinic)");
  constexpr char kPainAreaHelp[] =
      "Where the patient has pain: lower-back, hip or knee (repeat for more)";

  auto [create, create_flags] = AddLeafCommand(
      group, chosen, "create", "Creates a patient", CreatePatient);
  create.add_option("--id", create_flags.id,
                    "The patient's id (default: generated by the server)");
  create.add_option("--name", create_flags.display_name, "Display name")
      ->required();
  create.add_option("--mrn", create_flags.mrn, "Medical record number")
      ->required();
  create
      .add_option("--time-zone", create_flags.time_zone,
                  "IANA time zone, such as Europe/Berlin")
      ->required();
  create.add_option("--pain-area", create_flags.pain_areas, kPainAreaHelp)
      ->required()
      ->allow_extra_args(false);
  AddPainScoreOption(create, "--baseline-pain", create_flags.baseline_pain,
                     "Pain at intake")
      ->required();
  create.add_option("--therapist", create_flags.therapist,
                    "The assigned therapist (default: --therapist / "
                    "GLUTECARE_THERAPIST)");

  auto [list, list_flags] = AddLeafCommand(
      group, chosen, "list", "Lists the clinic's patients", ListPatients);
  list.add_option("--therapist", list_flags.therapist,
                  "Only the patients of this therapist");
  AddPageFlags(list, list_flags.paging);

  auto [show, show_flags] =
      AddLeafCommand(group, chosen, "show", "Shows a patient", ShowPatient);
  show.add_option("ID", show_flags.patient,
                  "The patient: ID or full name (default: --patient, or a "
                  "patient's token: themselves)");

  auto [update, update_flags] =
      AddLeafCommand(group, chosen, "update",
                     "Changes the fields given of a patient", UpdatePatient);
  update.add_option("ID", update_flags.patient, "The patient: ID or full name")
      ->required();
  update.add_option("--name", update_flags.display_name, "Display name");
  update.add_option("--mrn", update_flags.mrn, "Medical record number");
  update.add_option("--time-zone", update_flags.time_zone, "IANA time zone");
  update.add_option("--pain-area", update_flags.pain_areas, kPainAreaHelp)
      ->allow_extra_args(false);
  update.add_option("--therapist", update_flags.therapist,
                    "The assigned therapist");
  AddPainScoreOption(update, "--baseline-pain", update_flags.baseline_pain,
                     "Pain at intake");
  update.add_option("--etag", update_flags.etag,
                    "Only update if the patient still has this etag");
}

}  // namespace glutecare::client
