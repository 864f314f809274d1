// `glutecare dashboard`: the clinic's patients, those who need attention most
// first, with why.
#include "client/views/dashboard.h"

#include <optional>
#include <string>

#include "client/command.h"
#include "client/commands/commands.h"
#include "client/paging.h"
#include "common/status_macros.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct DashboardFlags {
  std::optional<std::string> therapist;  // default: you, if you are known
  bool all_therapists = false;
  PageFlags paging;
};

// The therapist whose patients to show: --therapist after the command, else
// you (--therapist before it, or GLUTECARE_THERAPIST); "" for every
// therapist's.
absl::StatusOr<std::string> TherapistShown(const CommandContext& context,
                                           const DashboardFlags& flags) {
  if (flags.all_therapists) return "";
  if (flags.therapist.has_value()) {
    return context.NameInClinic("therapists", *flags.therapist, "--therapist");
  }
  if (context.HasTherapist()) return context.Therapist();
  return "";
}

absl::Status ShowDashboard(const CommandContext& context,
                           const DashboardFlags& flags) {
  v1::ListPatientStatusesRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_therapist(),
                             TherapistShown(context, flags));
  return ListAndPrint(context, &v1::DashboardService::Stub::ListPatientStatuses,
                      std::move(request), flags.paging,
                      &v1::ListPatientStatusesResponse::statuses,
                      PatientStatusColumns());
}

}  // namespace

void AddDashboardCommand(CLI::App& root, ChosenAction& chosen) {
  auto [dashboard, flags] = AddLeafCommand(
      root, chosen, "dashboard",
      "The clinic's patients, who needs attention most first, and why",
      ShowDashboard);
  dashboard.add_option("--therapist", flags.therapist,
                       "Only this therapist's patients: ID or full name "
                       "(default: yours, when --therapist or "
                       "GLUTECARE_THERAPIST names you)");
  dashboard.add_flag("--all-therapists", flags.all_therapists,
                     "Every patient of the clinic, even when you are known");
  AddPageFlags(dashboard, flags.paging);
}

}  // namespace glutecare::client
