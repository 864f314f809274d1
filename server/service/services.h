// The glutecare.v1 gRPC services, as the server builds them. Each service is
// a thin transport: its handlers run through the CallRunner (gate, executor,
// audit trail; see call.h) and call the store and the application code
// (server/app/). The classes are private to their .cc files, which say what
// each service does; AlertService, whose streams the server also reports
// on, is declared in alert_service.h.
//
// Every reference a factory takes must outlive the service it returns.
#ifndef GLUTECARE_SERVER_SERVICE_SERVICES_H_
#define GLUTECARE_SERVER_SERVICE_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <memory>

#include "server/app/audit_log.h"
#include "server/app/patient_monitor.h"
#include "server/domain/exercise_catalog.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

// What FhirExportService sends at most at once.
struct FhirExportOptions {
  // The largest Bundle ExportPatientBundle answers with: a little under
  // the server's largest reply (ServerOptions::max_send_message_bytes).
  size_t max_bundle_bytes = (16 << 20) - (64 << 10);
  // The size of the NDJSON chunks of ExportClinicResources.
  size_t chunk_bytes = 1 << 20;
};

// glutecare.v1.ClinicService: clinics and their therapists.
std::unique_ptr<grpc::Service> NewClinicService(Store& store,
                                                CallRunner& calls);

// glutecare.v1.PatientService: a clinic's patients.
std::unique_ptr<grpc::Service> NewPatientService(Store& store,
                                                 CallRunner& calls,
                                                 PatientMonitor& monitor);

// glutecare.v1.ExerciseService: the read-only exercise catalog.
std::unique_ptr<grpc::Service> NewExerciseService(
    const ExerciseCatalog& catalog, CallRunner& calls);

// glutecare.v1.ProgramService: revisioned home exercise programs.
std::unique_ptr<grpc::Service> NewProgramService(Store& store,
                                                 CallRunner& calls,
                                                 const ExerciseCatalog& catalog,
                                                 PatientMonitor& monitor);

// glutecare.v1.SessionService: sessions and pain check-ins from home.
std::unique_ptr<grpc::Service> NewSessionService(Store& store,
                                                 CallRunner& calls,
                                                 const ExerciseCatalog& catalog,
                                                 PatientMonitor& monitor);

// glutecare.v1.SuggestionService: progression suggestions to accept or
// dismiss.
std::unique_ptr<grpc::Service> NewSuggestionService(
    Store& store, CallRunner& calls, const ExerciseCatalog& catalog,
    PatientMonitor& monitor);

// glutecare.v1.DashboardService: a clinic's patients by attention score.
std::unique_ptr<grpc::Service> NewDashboardService(Store& store,
                                                   CallRunner& calls,
                                                   PatientMonitor& monitor);

// glutecare.v1.ReportService: adherence and pain trend reports.
std::unique_ptr<grpc::Service> NewReportService(Store& store,
                                                CallRunner& calls);

// glutecare.v1.RtmService: management time and RTM billing reports.
std::unique_ptr<grpc::Service> NewRtmService(Store& store, CallRunner& calls);

// glutecare.v1.OutcomeService: outcome measures, assigned and scored.
std::unique_ptr<grpc::Service> NewOutcomeService(Store& store,
                                                 CallRunner& calls,
                                                 PatientMonitor& monitor);

// glutecare.v1.PatientImportService: FHIR Patient records in, by MRN.
std::unique_ptr<grpc::Service> NewPatientImportService(Store& store,
                                                       CallRunner& calls,
                                                       PatientMonitor& monitor);

// glutecare.v1.CsvExportService: sessions and pain reports as CSV.
std::unique_ptr<grpc::Service> NewCsvExportService(Store& store,
                                                   CallRunner& calls);

// glutecare.v1.FhirExportService: FHIR R4 Bundles and NDJSON exports.
std::unique_ptr<grpc::Service> NewFhirExportService(
    Store& store, CallRunner& calls, const ExerciseCatalog& catalog,
    const FhirExportOptions& options);

// glutecare.v1.AccessService: a clinic's access tokens, and the caller's own.
std::unique_ptr<grpc::Service> NewAccessService(Store& store,
                                                CallRunner& calls);

// glutecare.v1.AuditService: a clinic's audit trail.
std::unique_ptr<grpc::Service> NewAuditService(Store& store, CallRunner& calls,
                                               AuditLog& audit);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_SERVICES_H_
