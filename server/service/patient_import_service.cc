// glutecare.v1.PatientImportService: patients in from clinic systems, as
// HL7 FHIR R4 Patient resources, upserted by the clinic's MRN. The mapping
// and the rules of the upsert are in server/domain/fhir/patient_import.h.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "glutecare/v1/patient_import_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/app/references.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/fhir/patient_import.h"
#include "server/domain/resource_names.h"
#include "server/domain/text.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

// How often a record is read and written again after a concurrent change
// to the same patient (an edit, or an import of the same MRN) won the race.
// Each competing write wins at most once, so N imports of one MRN at once
// all succeed while N <= kMaxAttempts.
constexpr int kMaxAttempts = 8;

// Records one ImportPatients call may carry.
constexpr int kMaxImportRecords = 1000;

v1::ImportResult Rejected(const absl::Status& status) {
  v1::ImportResult result;
  result.set_outcome(v1::ImportResult::OUTCOME_REJECTED);
  result.set_reason(fhir::RejectionReason(status));
  return result;
}

class PatientImportServiceImpl final
    : public v1::PatientImportService::CallbackService {
 public:
  // The arguments must outlive the service.
  PatientImportServiceImpl(Store& store, CallRunner& calls,
                           PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  // Each record is imported on its own, in order, in a transaction of its
  // own: created, updated, left unchanged, or rejected (writing nothing)
  // with the reason. A rejected record does not stop the others. A failure
  // of storage itself (UNAVAILABLE) fails the call; the records before it
  // are in, and sending the batch again is safe, because importing is
  // idempotent.
  grpc::ServerUnaryReactor* ImportPatients(
      grpc::CallbackServerContext* context,
      const v1::ImportPatientsRequest* request,
      v1::ImportPatientsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      Batch batch;
      GLUTECARE_ASSIGN_OR_RETURN(
          batch.clinic, ClinicName::Parse(request->parent(), "parent"));
      Violations violations;
      if (request->records().empty()) {
        violations.Add("records",
                       absl::StrCat("required: 1-", kMaxImportRecords,
                                    " FHIR Patient resources"));
      } else if (request->records_size() > kMaxImportRecords) {
        violations.Add("records", absl::StrCat("at most ", kMaxImportRecords,
                                               " records per call (got ",
                                               request->records_size(),
                                               "): send them in batches"));
      }
      if (absl::StatusOr<std::optional<TherapistName>> therapist =
              ParseTherapistFilter(request->default_therapist(), batch.clinic,
                                   "default_therapist");
          !therapist.ok()) {
        violations.AddAll(therapist.status());
      }
      if (!request->default_time_zone().empty()) {
        if (absl::Status zone =
                LoadTimeZone(request->default_time_zone(), "default_time_zone")
                    .status();
            !zone.ok()) {
          violations.AddAll(zone);
        }
      }
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

      GLUTECARE_ASSIGN_OR_RETURN(v1::Clinic clinic,
                                 store_.GetClinic(batch.clinic));
      if (clinic.identifier_system().empty()) {
        return WithReason(
            absl::FailedPreconditionError(absl::StrCat(
                batch.clinic.ToString(),
                " has no identifier_system, so no MRN of a record can be told "
                "from other identifiers; set it with glutecare-server "
                "bootstrap "
                "--identifier-system")),
            reason::kNoIdentifierSystem);
      }
      if (!request->default_therapist().empty()) {
        GLUTECARE_RETURN_IF_ERROR(CheckTherapistExists(
            store_, request->default_therapist(), "default_therapist"));
      }
      batch.identifier_system = clinic.identifier_system();
      batch.defaults = {.therapist = request->default_therapist(),
                        .time_zone = request->default_time_zone()};

      response->mutable_results()->Reserve(request->records_size());
      for (int i = 0; i < request->records_size(); ++i) {
        GLUTECARE_ASSIGN_OR_RETURN(v1::ImportResult result,
                                   ImportRecord(batch, request->records(i)));
        result.set_index(i);
        *response->add_results() = std::move(result);
      }
      return absl::OkStatus();
    });
  }

 private:
  // What the call gives every record.
  struct Batch {
    ClinicName clinic;
    std::string identifier_system;
    fhir::ImportDefaults defaults;
  };

  // Imports record `json`. A record's own problem is a REJECTED result; an
  // error is storage's.
  absl::StatusOr<v1::ImportResult> ImportRecord(const Batch& batch,
                                                const std::string& json) {
    absl::StatusOr<fhir::PatientRecord> record =
        fhir::ParsePatientRecord(json, batch.clinic, batch.identifier_system);
    if (!record.ok()) return Rejected(record.status());

    if (const std::string& therapist = record->patient.therapist();
        !therapist.empty()) {
      GLUTECARE_ASSIGN_OR_RETURN(TherapistName name,
                                 TherapistName::Parse(therapist, "therapist"));
      absl::Status exists = store_.GetTherapist(name).status();
      if (absl::IsNotFound(exists)) {
        return Rejected(InvalidFieldError(
            record->elements.at("therapist"),
            absl::StrCat("Practitioner/", name.therapist,
                         " is not a therapist of ", batch.clinic.ToString())));
      }
      GLUTECARE_RETURN_IF_ERROR(exists);
    }

    absl::Status conflict;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      absl::StatusOr<v1::Patient> current =
          store_.FindPatientByMrn(batch.clinic, record->patient.mrn());
      if (!current.ok() && !absl::IsNotFound(current.status())) {
        return current.status();
      }
      const v1::Patient* existing = current.ok() ? &*current : nullptr;
      absl::StatusOr<v1::Patient> patient =
          fhir::PatientToStore(*record, batch.clinic, existing, batch.defaults);
      if (!patient.ok()) return Rejected(patient.status());

      v1::ImportResult result;
      if (existing != nullptr &&
          fhir::SameWritableFields(*existing, *patient)) {
        result.set_outcome(v1::ImportResult::OUTCOME_UNCHANGED);
        result.set_patient(existing->name());
        return result;
      }
      absl::StatusOr<v1::Patient> stored;
      if (existing != nullptr) {
        *patient->mutable_update_time() = NowTimestamp();
        stored = store_.UpdatePatient(*patient, existing->etag());
        result.set_outcome(v1::ImportResult::OUTCOME_UPDATED);
      } else {
        stored = CreateImported(batch, *record, *std::move(patient));
        result.set_outcome(v1::ImportResult::OUTCOME_CREATED);
      }
      if (stored.ok()) {
        result.set_patient(stored->name());
        GLUTECARE_ASSIGN_OR_RETURN(
            PatientName name, PatientName::Parse(stored->name(), "patient"));
        monitor_.Schedule(name);
        return result;
      }
      // ABORTED: the patient changed since it was read; ALREADY_EXISTS: the
      // MRN or the id was taken meanwhile. Read again and decide again.
      if (!absl::IsAborted(stored.status()) &&
          !absl::IsAlreadyExists(stored.status())) {
        return stored.status();
      }
      conflict = stored.status();
    }
    return Rejected(absl::AbortedError(
        absl::StrCat("the patient kept changing while it was imported (",
                     conflict.message(), "); import the record again")));
  }

  // Stores `patient` as a new patient of `batch.clinic` under the first free
  // id of `record` (PatientIdCandidates, else a generated one).
  absl::StatusOr<v1::Patient> CreateImported(const Batch& batch,
                                             const fhir::PatientRecord& record,
                                             v1::Patient patient) {
    std::vector<std::string> ids = fhir::PatientIdCandidates(record);
    ids.push_back(GenerateResourceId());
    for (const std::string& id : ids) {
      const PatientName name{batch.clinic.clinic, id};
      absl::Status taken = store_.GetPatient(name).status();
      if (taken.ok()) continue;
      if (!absl::IsNotFound(taken)) return taken;
      patient.set_name(name.ToString());
      *patient.mutable_create_time() = NowTimestamp();
      *patient.mutable_update_time() = patient.create_time();
      patient.clear_etag();
      return store_.CreatePatient(patient);
    }
    return absl::AlreadyExistsError(absl::StrCat(
        "no free patient id for MRN ", QuoteForMessage(record.patient.mrn())));
  }

  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewPatientImportService(
    Store& store, CallRunner& calls, PatientMonitor& monitor) {
  return std::make_unique<PatientImportServiceImpl>(store, calls, monitor);
}

}  // namespace glutecare
