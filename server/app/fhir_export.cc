#include "server/app/fhir_export.h"

#include <algorithm>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/references.h"
#include "server/common/status.h"
#include "server/domain/fhir/ids.h"

namespace glutecare {
namespace {

using fhir::Json;
using fhir::ResourceType;
using google::protobuf::util::TimeUtil;

// Records read per store call for a Bundle.
constexpr int kBundlePage = 1000;

}  // namespace

absl::StatusOr<std::string> ExportPatientBundle(
    Store& store, const ExerciseCatalog& catalog, const PatientName& patient,
    const google::protobuf::Timestamp& now, size_t max_bundle_bytes) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Patient stored, store.GetPatient(patient));
  GLUTECARE_ASSIGN_OR_RETURN(v1::Clinic clinic,
                             store.GetClinic(patient.parent()));
  // Sessions before programs: every program a session names is then there.
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<v1::Session> sessions,
      ListAll(store, &Store::ListSessions, patient, kBundlePage));
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<v1::Program> programs,
      ListAll(store, &Store::ListPrograms, patient, kBundlePage));
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<v1::PainReport> pain_reports,
      ListAll(store, &Store::ListPainReports, patient, kBundlePage));
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<v1::OutcomeResponse> responses,
      ListAll(store, &Store::ListOutcomeResponses, patient, kBundlePage));

  std::vector<Json> resources;
  resources.push_back(
      fhir::PatientResource(stored, clinic.identifier_system()));
  // The Practitioners referred to: the patient's and each program's.
  absl::btree_set<std::string> therapists;
  if (!stored.therapist().empty()) therapists.insert(stored.therapist());
  for (const v1::Program& program : programs) {
    if (!program.therapist().empty()) therapists.insert(program.therapist());
  }
  for (const std::string& name : therapists) {
    GLUTECARE_ASSIGN_OR_RETURN(TherapistName therapist,
                               TherapistName::Parse(name, "therapist"));
    GLUTECARE_ASSIGN_OR_RETURN(v1::Therapist found,
                               store.GetTherapist(therapist));
    resources.push_back(fhir::PractitionerResource(found));
  }
  fhir::SessionOutcomes outcomes;
  for (const v1::Session& session : sessions) outcomes.Add(session);
  for (const v1::Program& program : programs) {
    resources.push_back(fhir::CarePlanResource(program, catalog, outcomes));
  }
  for (const v1::Session& session : sessions) {
    resources.push_back(fhir::ProcedureResource(session, catalog));
    resources.push_back(
        fhir::SessionPainObservation(session, fhir::SessionPain::kBefore));
    resources.push_back(
        fhir::SessionPainObservation(session, fhir::SessionPain::kAfter));
  }
  for (const v1::PainReport& report : pain_reports) {
    resources.push_back(fhir::PainReportObservation(report));
  }
  for (const v1::OutcomeResponse& response : responses) {
    resources.push_back(fhir::QuestionnaireResponseResource(response));
  }
  std::string json = fhir::ToJsonLine(fhir::CollectionBundle(
      patient.parent(), fhir::FhirId(patient.ToString()), now,
      std::move(resources)));
  if (json.size() > max_bundle_bytes) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            patient.ToString(), " is ", json.size() / 1024,
            " KiB as a FHIR Bundle, more than one reply may carry (",
            max_bundle_bytes / 1024,
            " KiB): export it with the clinic (ExportClinicResources)")),
        reason::kBundleTooLarge);
  }
  return json;
}

ClinicExport::ClinicExport(Store& store, const ExerciseCatalog& catalog,
                           ClinicName clinic, ClinicExportOptions options)
    : store_(store),
      catalog_(catalog),
      clinic_(std::move(clinic)),
      options_(std::move(options)) {
  for (ResourceType type : options_.types) {
    wanted_[static_cast<size_t>(type)] = true;
  }
}

bool ClinicExport::Since(
    const google::protobuf::Timestamp& last_updated) const {
  return !options_.since.has_value() ||
         TimeUtil::TimestampToNanoseconds(last_updated) >=
             TimeUtil::TimestampToNanoseconds(*options_.since);
}

void ClinicExport::Append(ResourceType type, const Json& resource) {
  std::string& buffer = buffers_[static_cast<size_t>(type)];
  const size_t before = buffer.size();
  buffer.append(fhir::ToJsonLine(resource));
  buffer.push_back('\n');
  buffered_ += buffer.size() - before;
  max_buffered_ = std::max(max_buffered_, buffered_);
}

std::optional<v1::FhirNdjsonChunk> ClinicExport::TakeChunk() {
  const bool done = phase_ == Phase::kDone;
  if (!done && buffered_ < options_.chunk_bytes) return std::nullopt;
  // The fullest buffer while the export runs; at the end, each in turn.
  size_t index = kTypes;
  for (size_t i = 0; i < kTypes; ++i) {
    if (buffers_[i].empty()) continue;
    if (index == kTypes || (!done && buffers_[i].size() > buffers_[index].size())) {
      index = i;
    }
  }
  if (index == kTypes) return std::nullopt;
  std::string& buffer = buffers_[index];
  // Whole lines, at most chunk_bytes of them, or the first line alone.
  size_t end = buffer.size();
  if (end > options_.chunk_bytes) {
    const size_t last_newline = buffer.rfind('\n', options_.chunk_bytes - 1);
    end = last_newline != std::string::npos ? last_newline + 1
                                            : buffer.find('\n') + 1;
  }
  v1::FhirNdjsonChunk chunk;
  chunk.set_resource_type(
      std::string(fhir::ResourceTypeName(static_cast<ResourceType>(index))));
  if (end == buffer.size()) {
    chunk.set_ndjson(std::move(buffer));
    buffer.clear();
  } else {
    chunk.set_ndjson(buffer.substr(0, end));
    buffer.erase(0, end);
  }
  buffered_ -= chunk.ndjson().size();
  *chunk.mutable_transaction_time() = options_.transaction_time;
  return chunk;
}

absl::StatusOr<std::optional<v1::FhirNdjsonChunk>> ClinicExport::Next() {
  while (true) {
    if (std::optional<v1::FhirNdjsonChunk> chunk = TakeChunk()) {
      sent_any_ = true;
      patients_since_chunk_ = 0;
      return chunk;
    }
    if (phase_ != Phase::kDone &&
        patients_since_chunk_ >= options_.patients_per_step) {
      sent_any_ = true;
      patients_since_chunk_ = 0;
      v1::FhirNdjsonChunk keep_alive;
      *keep_alive.mutable_transaction_time() = options_.transaction_time;
      return keep_alive;
    }
    if (phase_ == Phase::kDone) {
      if (sent_any_) return std::nullopt;
      sent_any_ = true;
      v1::FhirNdjsonChunk empty;
      *empty.mutable_transaction_time() = options_.transaction_time;
      return empty;
    }
    GLUTECARE_RETURN_IF_ERROR(Advance());
  }
}

absl::Status ClinicExport::Advance() {
  switch (phase_) {
    case Phase::kStart: {
      GLUTECARE_ASSIGN_OR_RETURN(v1::Clinic clinic, store_.GetClinic(clinic_));
      identifier_system_ = clinic.identifier_system();
      const bool patient_data =
          Wanted(ResourceType::kPatient) || Wanted(ResourceType::kCarePlan) ||
          Wanted(ResourceType::kProcedure) ||
          Wanted(ResourceType::kObservation) ||
          Wanted(ResourceType::kQuestionnaireResponse);
      phase_ = patient_data ? Phase::kPatients : Phase::kPractitioners;
      return absl::OkStatus();
    }
    case Phase::kPatients: {
      if (!patients_.empty()) {
        const v1::Patient patient = std::move(patients_.front());
        patients_.pop_front();
        ++patients_since_chunk_;
        return ExportPatient(patient);
      }
      if (patients_listed_) {
        phase_ = Phase::kPractitioners;
        return absl::OkStatus();
      }
      GLUTECARE_ASSIGN_OR_RETURN(
          Page<v1::Patient> page,
          store_.ListPatients(clinic_, std::nullopt,
                              {.page_size = options_.patients_per_page,
                               .page_token = patients_page_token_}));
      for (v1::Patient& patient : page.items) {
        patients_.push_back(std::move(patient));
      }
      patients_page_token_ = std::move(page.next_page_token);
      patients_listed_ = patients_page_token_.empty();
      return absl::OkStatus();
    }
    case Phase::kPractitioners: {
      if (!Wanted(ResourceType::kPractitioner)) {
        phase_ = Phase::kDone;
        return absl::OkStatus();
      }
      GLUTECARE_ASSIGN_OR_RETURN(
          Page<v1::Therapist> page,
          store_.ListTherapists(clinic_,
                                {.page_size = options_.patients_per_page,
                                 .page_token = therapists_page_token_}));
      for (const v1::Therapist& therapist : page.items) {
        if (Since(therapist.create_time())) {
          Append(ResourceType::kPractitioner,
                 fhir::PractitionerResource(therapist));
        }
      }
      therapists_page_token_ = std::move(page.next_page_token);
      if (therapists_page_token_.empty()) phase_ = Phase::kDone;
      return absl::OkStatus();
    }
    case Phase::kDone:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status ClinicExport::ExportPatient(const v1::Patient& patient) {
  if (Wanted(ResourceType::kPatient) &&
      Since(fhir::PatientLastUpdated(patient))) {
    Append(ResourceType::kPatient,
           fhir::PatientResource(patient, identifier_system_));
  }
  const bool plans = Wanted(ResourceType::kCarePlan);
  const bool procedures = Wanted(ResourceType::kProcedure);
  const bool observations = Wanted(ResourceType::kObservation);
  const bool questionnaires = Wanted(ResourceType::kQuestionnaireResponse);
  if (!plans && !procedures && !observations && !questionnaires) {
    return absl::OkStatus();
  }
  GLUTECARE_ASSIGN_OR_RETURN(PatientName name,
                             PatientName::Parse(patient.name(), "name"));
  // Sessions before programs: every program a session names is then there.
  std::vector<v1::Session> sessions;
  if (plans || procedures || observations) {
    GLUTECARE_ASSIGN_OR_RETURN(
        sessions,
        ListAll(store_, &Store::ListSessions, name, options_.records_per_page));
  }
  if (plans) {
    fhir::SessionOutcomes outcomes;
    for (const v1::Session& session : sessions) outcomes.Add(session);
    GLUTECARE_ASSIGN_OR_RETURN(
        std::vector<v1::Program> programs,
        ListAll(store_, &Store::ListPrograms, name, options_.records_per_page));
    for (const v1::Program& program : programs) {
      if (Since(fhir::CarePlanLastUpdated(program, outcomes))) {
        Append(ResourceType::kCarePlan,
               fhir::CarePlanResource(program, catalog_, outcomes));
      }
    }
  }
  for (const v1::Session& session : sessions) {
    if (!Since(session.create_time())) continue;
    if (procedures) {
      Append(ResourceType::kProcedure,
             fhir::ProcedureResource(session, catalog_));
    }
    if (observations) {
      Append(ResourceType::kObservation,
             fhir::SessionPainObservation(session, fhir::SessionPain::kBefore));
      Append(ResourceType::kObservation,
             fhir::SessionPainObservation(session, fhir::SessionPain::kAfter));
    }
  }
  if (observations) {
    GLUTECARE_ASSIGN_OR_RETURN(std::vector<v1::PainReport> reports,
                               ListAll(store_, &Store::ListPainReports, name,
                                       options_.records_per_page));
    for (const v1::PainReport& report : reports) {
      if (Since(report.create_time())) {
        Append(ResourceType::kObservation, fhir::PainReportObservation(report));
      }
    }
  }
  if (questionnaires) {
    GLUTECARE_ASSIGN_OR_RETURN(std::vector<v1::OutcomeResponse> responses,
                               ListAll(store_, &Store::ListOutcomeResponses,
                                       name, options_.records_per_page));
    for (const v1::OutcomeResponse& response : responses) {
      if (Since(response.create_time())) {
        Append(ResourceType::kQuestionnaireResponse,
               fhir::QuestionnaireResponseResource(response));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace glutecare
