// glutecare.v1.PatientImportService: patients in from clinic systems, as
// HL7 FHIR R4 Patient resources, upserted by the clinic's MRN. The mapping
// and the rules of the upsert are in server/domain/fhir/patient_import.h.
#ifndef GLUTECARE_SERVER_SERVICE_PATIENT_IMPORT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_PATIENT_IMPORT_SERVICE_H_

#include <string>

#include "absl/status/statusor.h"
#include "glutecare/v1/patient_import_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/domain/fhir/patient_import.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

// Records one ImportPatients call may carry.
inline constexpr int kMaxImportRecords = 1000;

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
      v1::ImportPatientsResponse* response) override;

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
                                                const std::string& json);
  // Stores `patient` as a new patient of `batch.clinic` under the first free
  // id of `record` (PatientIdCandidates, else a generated one).
  absl::StatusOr<v1::Patient> CreateImported(const Batch& batch,
                                             const fhir::PatientRecord& record,
                                             v1::Patient patient);

  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_PATIENT_IMPORT_SERVICE_H_
