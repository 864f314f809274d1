// The reads behind FhirExportService: one patient's record as a FHIR R4
// Bundle, and a clinic's records as NDJSON chunks pulled one at a time, so
// that the stream's memory stays flat however large the clinic. The mapping
// itself is domain/fhir/export.h.
//
//   ClinicExport export_(store, catalog, clinic, options);
//   while (true) {
//     absl::StatusOr<std::optional<v1::FhirNdjsonChunk>> chunk =
//         export_.Next();                      // reads the store: executor
//     if (!chunk.ok()) ...fail...;
//     if (!chunk->has_value()) break;          // complete
//     ...write **chunk...
//   }
#ifndef GLUTECARE_SERVER_APP_FHIR_EXPORT_H_
#define GLUTECARE_SERVER_APP_FHIR_EXPORT_H_

#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/fhir_export_service.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/fhir/export.h"
#include "server/domain/resource_names.h"
#include "server/storage/store.h"

namespace glutecare {

// One patient's record as a FHIR R4 Bundle of type `collection` (compact
// JSON), made at `now`: the Patient, every Practitioner it or a CarePlan
// refers to, a CarePlan per program, a Procedure and two pain Observations
// per session, an Observation per pain report, and a QuestionnaireResponse
// per outcome measure response (ODI, LEFS). Every reference
// resolves inside the Bundle. NOT_FOUND when the patient does not exist;
// FAILED_PRECONDITION when the Bundle would be larger than
// `max_bundle_bytes` (one reply cannot carry it).
absl::StatusOr<std::string> ExportPatientBundle(
    Store& store, const ExerciseCatalog& catalog, const PatientName& patient,
    const google::protobuf::Timestamp& now, size_t max_bundle_bytes);

struct ClinicExportOptions {
  // The types to export (fhir::ResourceTypesOf); empty exports nothing.
  std::vector<fhir::ResourceType> types;
  // Only resources whose meta.lastUpdated is at or after this; unset for
  // everything.
  std::optional<google::protobuf::Timestamp> since;
  // Set on every chunk (FhirNdjsonChunk.transaction_time).
  google::protobuf::Timestamp transaction_time;
  // A chunk holds whole lines and at most this many bytes, unless a single
  // line is longer (then it goes alone).
  size_t chunk_bytes = 1 << 20;
  // Patients read from the store at a time.
  int patients_per_page = 100;
  // Sessions and pain reports (of one patient) read at a time.
  int records_per_page = 500;
  // Patients read, at most, before Next() returns: when they made no chunk
  // (an incremental or one-type export that leaves most records out), it
  // returns an empty keep-alive chunk, so that one call of it never scans
  // the whole clinic and the stream can notice a cancelled call.
  int patients_per_step = 100;
};

// A clinic's resources as NDJSON, one patient at a time: for each patient
// (in the store's order) its Patient, then, reading its sessions before its
// programs so that every program a session names is there, its CarePlans,
// Procedures, Observations and QuestionnaireResponses; the Practitioners come last, so that every
// therapist referred to exists by then. References therefore resolve within
// a complete export even while the clinic is being written to.
//
// Lines wait in a buffer per type until the buffers hold chunk_bytes; then
// the fullest becomes a chunk. Memory: about chunk_bytes, one page of
// patients, and one patient's sessions and resources, however many
// patients the clinic has.
//
// Not thread-safe: one caller at a time.
class ClinicExport final {
 public:
  // `store` and `catalog` must outlive this object.
  ClinicExport(Store& store, const ExerciseCatalog& catalog, ClinicName clinic,
               ClinicExportOptions options);
  ClinicExport(const ClinicExport&) = delete;
  ClinicExport& operator=(const ClinicExport&) = delete;

  // The next chunk, or nullopt once the export is complete. An export that
  // finds nothing returns one chunk without lines (and without a
  // resource_type) first, so that the client learns its transaction_time;
  // so is a keep-alive after patients_per_step patients without a chunk.
  // Reads the store: call it on the executor. After an error, do not call
  // it again.
  absl::StatusOr<std::optional<v1::FhirNdjsonChunk>> Next();

  // The most bytes of NDJSON buffered at once so far.
  size_t max_buffered_bytes() const { return max_buffered_; }

 private:
  static constexpr size_t kTypes = std::size(fhir::kResourceTypes);
  enum class Phase { kStart, kPatients, kPractitioners, kDone };

  bool Wanted(fhir::ResourceType type) const {
    return wanted_[static_cast<size_t>(type)];
  }
  bool Since(const google::protobuf::Timestamp& last_updated) const;
  void Append(fhir::ResourceType type, const fhir::Json& resource);
  // A chunk from the buffers when they hold chunk_bytes, or (once the
  // export is done) whatever is left; nullopt otherwise.
  std::optional<v1::FhirNdjsonChunk> TakeChunk();
  // Reads and buffers the next piece of the export: a page of patients, one
  // patient's resources, or a page of therapists.
  absl::Status Advance();
  absl::Status ExportPatient(const v1::Patient& patient);

  Store& store_;
  const ExerciseCatalog& catalog_;
  const ClinicName clinic_;
  const ClinicExportOptions options_;
  std::array<bool, kTypes> wanted_ = {};

  Phase phase_ = Phase::kStart;
  std::string identifier_system_;
  std::deque<v1::Patient> patients_;
  std::string patients_page_token_;
  bool patients_listed_ = false;
  std::string therapists_page_token_;

  // NDJSON waiting to be sent, by ResourceType.
  std::array<std::string, kTypes> buffers_;
  size_t buffered_ = 0;
  size_t max_buffered_ = 0;
  bool sent_any_ = false;
  // Patients exported since the last chunk was returned.
  int patients_since_chunk_ = 0;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_FHIR_EXPORT_H_
