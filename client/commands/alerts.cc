// `glutecare alerts list|ack|resolve|watch`: what the alert rules found about
// the clinic's patients, and seeing to it. An alert is open, then
// acknowledged (a therapist is on it), then resolved.
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/alert_watch.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "client/stop.h"
#include "client/views/alert.h"
#include "common/status_macros.h"
#include "glutecare/v1/alert_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct AlertsListFlags {
  bool all_patients = false;
  std::optional<std::string> state;
  std::optional<std::string> therapist;
  PageFlags paging;
};

struct AlertsWatchFlags {
  std::optional<std::string> therapist;
  std::optional<int64_t> after_sequence;  // default: the latest alert's
  int count = 0;                          // 0: no limit
};

// The full name of ALERT: a full name, PATIENT/ALERT_ID, or ALERT_ID under
// --patient.
absl::StatusOr<std::string> AlertName(const CommandContext& context,
                                      const std::string& alert) {
  return ResolveChildName(
      alert, "alerts", "ALERT",
      [&](absl::string_view patient) {
        return context.NameInClinic("patients", patient, "ALERT");
      },
      [&] { return context.Patient(); });
}

// `clinics/{clinic}/therapists/{therapist}` of a --therapist filter, or ""
// without one.
absl::StatusOr<std::string> TherapistFilter(
    const CommandContext& context, const std::optional<std::string>& flag) {
  if (!flag.has_value()) return "";
  return context.NameInClinic(kTherapists, *flag, "--therapist");
}

absl::Status ListAlerts(const CommandContext& context,
                        const AlertsListFlags& flags) {
  v1::ListAlertsRequest request;
  GLUTECARE_RETURN_IF_ERROR(SetStateFilter(flags.state, request));
  if (context.HasPatient() && !flags.all_patients) {
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(const std::string clinic, context.Clinic());
    request.set_parent(JoinName(clinic, "patients", "-"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_therapist(),
                             TherapistFilter(context, flags.therapist));
  return ListAndPrint(context, &v1::AlertService::Stub::ListAlerts,
                      std::move(request), flags.paging,
                      &v1::ListAlertsResponse::alerts, AlertColumns());
}

// The sequence of the clinic's latest alert; 0 when it has none.
absl::StatusOr<int64_t> LatestAlertSequence(const CommandContext& context,
                                            const std::string& clinic) {
  v1::ListAlertsRequest request;
  request.set_parent(JoinName(clinic, "patients", "-"));
  request.set_page_size(1);  // newest first
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::ListAlertsResponse newest,
      context.connection().Call(&v1::AlertService::Stub::ListAlerts, request,
                                Idempotency::kIdempotent));
  return newest.alerts().empty() ? 0 : newest.alerts(0).sequence();
}

// Alerts to stdout, a line each; the state of the stream to stderr.
class PrintingListener final : public AlertWatchListener {
 public:
  PrintingListener(const Output& output, std::string clinic)
      : output_(output), clinic_(std::move(clinic)) {}

  void OnConnected(int64_t after_sequence) override {
    std::cerr << "glutecare: watching " << clinic_ << " after sequence "
              << after_sequence << std::endl;
  }

  void OnAlert(const v1::Alert& alert) override {
    output_.PrintLine(alert, FormatAlertLine(alert));
  }

  void OnReconnecting(const absl::Status& status,
                      absl::Duration backoff) override {
    std::cerr << ErrorLine(status) << "; reconnecting in "
              << absl::FormatDuration(backoff) << std::endl;
  }

 private:
  const Output& output_;
  const std::string clinic_;
};

absl::Status WatchClinicAlerts(const CommandContext& context,
                               const AlertsWatchFlags& flags) {
  v1::WatchAlertsRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_therapist(),
                             TherapistFilter(context, flags.therapist));
  GLUTECARE_ASSIGN_OR_RETURN(
      const int64_t after_sequence,
      flags.after_sequence.has_value()
          ? absl::StatusOr<int64_t>(*flags.after_sequence)
          : LatestAlertSequence(context, request.parent()));
  request.set_after_sequence(after_sequence);

  Stopper stopper;
  GLUTECARE_ASSIGN_OR_RETURN(const std::unique_ptr<SignalStop> signals,
                             SignalStop::Install(stopper));
  PrintingListener listener(context.output(), request.parent());
  AlertWatchOptions options;
  options.access_token = context.connection().access_token();
  options.max_alerts = flags.count;
  return WatchAlerts(context.connection().stub<v1::AlertService::Stub>(),
                     std::move(request), options, stopper, listener);
}

void AddTherapistFilter(CLI::App& command, std::optional<std::string>& flag) {
  command.add_option("--therapist", flag,
                     "Only the patients of this therapist: ID or full name");
}

// ALERT of `alerts ack` and `alerts resolve`.
ResourceArgument AlertArgument() {
  return {"ALERT", "The alert: PATIENT/ID, ID with --patient, or the full name",
          AlertName};
}

}  // namespace

void AddAlertCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group =
      AddCommandGroup(root, "alerts", "Alerts about the clinic's patients");

  auto [list, list_flags] = AddLeafCommand(
      group, chosen, "list",
      "Lists the alerts of the patient (--patient), or of the clinic's "
      "patients, newest first",
      ListAlerts);
  list.add_flag("--all-patients", list_flags.all_patients,
                "Every patient of the clinic, even when a patient is given "
                "(the default without one)");
  list.add_option("--state", list_flags.state,
                  "Only alerts in this state: open, acknowledged or resolved");
  AddTherapistFilter(list, list_flags.therapist);
  AddPageFlags(list, list_flags.paging);

  // Setting a state twice does no harm, so both are retried.
  AddCallOnNameCommand(
      group, chosen, "ack", "Acknowledges an open alert: you are on it",
      AlertArgument(), &v1::AlertService::Stub::AcknowledgeAlert,
      Idempotency::kIdempotent, PrintAlert);
  AddCallOnNameCommand(
      group, chosen, "resolve",
      "Resolves an alert: dealt with (its rule may fire again)",
      AlertArgument(), &v1::AlertService::Stub::ResolveAlert,
      Idempotency::kIdempotent, PrintAlert);

  auto [watch, watch_flags] = AddLeafCommand(
      group, chosen, "watch",
      "Prints the clinic's alerts as they are raised, one line each (JSON "
      "Lines with --json), reconnecting when the server goes away; stops on "
      "Ctrl-C",
      WatchClinicAlerts);
  AddTherapistFilter(watch, watch_flags.therapist);
  watch
      .add_option("--after", watch_flags.after_sequence,
                  "Start after this alert sequence; 0 replays every alert "
                  "(default: the latest alert, so only new ones print)")
      ->check(CLI::NonNegativeNumber);
  watch
      .add_option("--count", watch_flags.count,
                  "Exit after this many alerts (default: never)")
      ->check(CLI::PositiveNumber);
}

}  // namespace glutecare::client
