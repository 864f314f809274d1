// `glutecare`: the command-line client of the glutecare server, for physical
// therapists and their patients. Builds the command tree, parses the command
// line, and runs the chosen command; see `glutecare --help`.
//
// Every call carries the caller's access token, from --token-file or
// GLUTECARE_TOKEN; only --help works without one.
//
// Before a command that talks to the server runs, the sessions and pain
// reports kept in the outbox for that server are sent (client/delivery.h).
//
// Exit codes: 0 success, 1 the server answered with an error (or could not be
// reached), 2 a usage error (a missing token too), 3 the server could not be
// reached and the submission is kept in the outbox (or `sync` left entries
// waiting). Errors are one line on stderr.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/delivery.h"
#include "client/errors.h"
#include "client/outbox.h"
#include "client/output.h"

namespace glutecare::client {
namespace {

int Report(const absl::Status& status) {
  if (!status.ok()) std::cerr << ErrorLine(status) << std::endl;
  return ExitCodeFor(status);
}

// "glutecare patient create --help": how to get help on the deepest command
// that was parsed.
std::string HelpCommandFor(const CLI::App& app) {
  std::string command = app.get_name();
  for (const CLI::App* parsed = &app; !parsed->get_subcommands().empty();) {
    parsed = parsed->get_subcommands().front();
    absl::StrAppend(&command, " ", parsed->get_name());
  }
  return absl::StrCat(command, " --help");
}

// How long the quiet delivery before a command waits for the server, at
// most: a server that is down should not hold the command up.
constexpr absl::Duration kQuietDeliveryTimeout = absl::Seconds(2);

// Sends what the outbox of `context` keeps for its server, quietly: one try
// per entry with a short deadline, stopping at the first unreachable. Says
// on stderr (never stdout, which may be JSON) what it delivered or what the
// server refused.
void DeliverKeptSubmissions(const CommandContext& context,
                            const ConnectionOptions& options) {
  absl::StatusOr<std::string> path = context.OutboxPath();
  if (!path.ok()) return;
  absl::StatusOr<std::unique_ptr<Outbox>> outbox =
      Outbox::Open(*path, /*create=*/false);
  if (!outbox.ok()) return;
  absl::StatusOr<std::vector<OutboxEntry>> waiting =
      (*outbox)->Waiting(context.server());
  if (!waiting.ok() || waiting->empty()) return;
  ConnectionOptions quiet = options;
  quiet.max_retries = 0;
  quiet.call_timeout = std::min(options.call_timeout, kQuietDeliveryTimeout);
  Connection connection(quiet);
  const absl::StatusOr<DeliveryReport> report =
      DeliverOutbox(**outbox, connection, context.server());
  if (!report.ok()) return;
  if (report->delivered > 0) {
    std::cerr << "glutecare: sent " << report->delivered
              << " kept submission(s) from the outbox" << std::endl;
  }
  if (report->failed > 0) {
    std::cerr << "glutecare: the server refused " << report->failed
              << " kept submission(s); see 'glutecare outbox list'"
              << std::endl;
  }
}

int RunCli(int argc, char** argv) {
  CLI::App app(
      "glutecare: glute-strengthening home programs, from the "
      "therapist's clinic to the patient's home.",
      "glutecare");
  app.fallthrough();  // global options are accepted after the command too
  app.require_subcommand(1);
  GlobalOptions options;
  AddGlobalOptions(app, options);
  ChosenAction chosen;
  AddClinicCommands(app, chosen);
  AddTherapistCommands(app, chosen);
  AddPatientCommands(app, chosen);
  AddExerciseCommands(app, chosen);
  AddProgramCommands(app, chosen);
  AddSessionCommands(app, chosen);
  AddPainCommands(app, chosen);
  AddOutcomeCommands(app, chosen);
  AddReportCommands(app, chosen);
  AddRtmCommands(app, chosen);
  AddAlertCommands(app, chosen);
  AddSuggestionCommands(app, chosen);
  AddDashboardCommand(app, chosen);
  AddTokenCommands(app, chosen);
  AddAuditCommands(app, chosen);
  AddOutboxCommands(app, chosen);
  AddImportCommands(app, chosen);
  AddExportCommands(app, chosen);
  AddGlobalOptionsFooter(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help) {  // --help
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    return Report(UsageError(
        absl::StrCat(error.what(), " (see '", HelpCommandFor(app), "')")));
  }

  // `outbox list|drop` only read the local file: they need no token.
  const bool local_only = app.got_subcommand("outbox");
  absl::StatusOr<std::string> access_token = AccessTokenFor(options);
  if (!access_token.ok() && local_only) access_token = "";
  if (!access_token.ok()) return Report(access_token.status());
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFor(options);
  if (!credentials.ok()) return Report(credentials.status());
  const ConnectionOptions connection_options = {
      .target = options.server,
      .credentials = *std::move(credentials),
      .access_token = *std::move(access_token),
      .call_timeout = absl::Seconds(options.timeout_seconds),
      .max_retries = options.retries,
  };
  Connection connection(connection_options);
  const Output output(std::cout, options.json);
  const CommandContext context(options, connection, output);
  if (!local_only && !app.got_subcommand("sync")) {
    DeliverKeptSubmissions(context, connection_options);
  }
  return Report(chosen.Run(context));
}

}  // namespace
}  // namespace glutecare::client

int main(int argc, char** argv) {
  try {
    return glutecare::client::RunCli(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "glutecare: INTERNAL: " << error.what() << std::endl;
  } catch (...) {
    std::cerr << "glutecare: INTERNAL: unknown error" << std::endl;
  }
  return glutecare::client::kExitRpcError;
}
