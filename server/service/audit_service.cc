// glutecare.v1.AuditService: a clinic's audit trail, for its admins.
#include <memory>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/audit_service.grpc.pb.h"
#include "server/app/audit_log.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {

namespace {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  // `store`, `calls` and `audit` must outlive the service.
  AuditServiceImpl(Store& store, CallRunner& calls, AuditLog& audit)
      : store_(store), calls_(calls), audit_(audit) {}

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEventsRequest* request,
      v1::ListAuditEventsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      AuditFilter filter;
      GLUTECARE_ASSIGN_OR_RETURN(
          filter.clinic, ClinicName::Parse(request->parent(), "parent"));
      Violations violations;
      if (!request->patient().empty()) {
        absl::StatusOr<PatientName> patient =
            PatientName::Parse(request->patient(), "patient");
        if (!patient.ok()) {
          violations.AddAll(patient.status());
        } else if (patient->parent() != filter.clinic) {
          violations.Add("patient", absl::StrCat("must be a patient of ",
                                                 filter.clinic.ToString()));
        } else {
          filter.patient = *std::move(patient);
        }
      }
      if (request->has_start_time()) {
        filter.start =
            CheckTimestamp(request->start_time(), "start_time", violations);
      }
      if (request->has_end_time()) {
        filter.end =
            CheckTimestamp(request->end_time(), "end_time", violations);
        if (request->has_start_time() && filter.start != absl::InfinitePast() &&
            filter.end != absl::InfinitePast() && filter.end <= filter.start) {
          violations.Add("end_time", "must be after start_time");
        }
      }
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      // Every call answered before this one is in the trail it reads.
      GLUTECARE_RETURN_IF_ERROR(audit_.Flush());
      return ListInto(
          request->page_size(), request->page_token(),
          [&](const PageRequest& page) {
            return store_.ListAuditEvents(filter, page);
          },
          response->mutable_audit_events(),
          response->mutable_next_page_token());
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
  AuditLog& audit_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewAuditService(Store& store, CallRunner& calls,
                                               AuditLog& audit) {
  return std::make_unique<AuditServiceImpl>(store, calls, audit);
}

}  // namespace glutecare
