#include "client/command.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/access_token.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/outbox.h"
#include "common/status_macros.h"

namespace glutecare::client {
namespace {

absl::Status MissingIdentity(absl::string_view what, absl::string_view flag,
                             absl::string_view environment_variable) {
  return UsageError(absl::StrCat("no ", what, " given: pass ", flag, " or set ",
                                 environment_variable));
}

}  // namespace

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  constexpr absl::string_view kGroup =
      "Global options (before or after the command)";
  app.add_option("--server", options.server, "Server address, host:port")
      ->envname("GLUTECARE_SERVER")
      ->capture_default_str()
      ->group(std::string(kGroup));
  app.add_flag("--json", options.json, "Print the response as protobuf JSON")
      ->group(std::string(kGroup));
  app.add_option("--timeout", options.timeout_seconds,
                 "Deadline of each call, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(std::string(kGroup));
  app.add_option("--retries", options.retries,
                 "How often a failed call that is safe to repeat is repeated")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(std::string(kGroup));
  // Its value is a path; the token itself is never an option, so that
  // neither --help nor the command line shows it.
  app.add_option("--token-file", options.token_file,
                 "File holding your access token (default: the token in "
                 "GLUTECARE_TOKEN)")
      ->envname(std::string(kTokenFileVariable))
      ->group(std::string(kGroup));
  app.add_option("--clinic", options.clinic,
                 "Your clinic: clinics/ID or the ID")
      ->envname("GLUTECARE_CLINIC")
      ->group(std::string(kGroup));
  app.add_option("--therapist", options.therapist,
                 "You, the therapist: full name or the ID in the clinic")
      ->envname("GLUTECARE_THERAPIST")
      ->group(std::string(kGroup));
  app.add_option("--patient", options.patient,
                 "The patient: full name or the ID in the clinic")
      ->envname("GLUTECARE_PATIENT")
      ->group(std::string(kGroup));
  app.add_option("--tls-ca", options.tls_ca,
                 "PEM CA of the server's certificate: connect with TLS")
      ->envname("GLUTECARE_TLS_CA")
      ->group(std::string(kGroup));
  app.add_option("--tls-cert", options.tls_cert,
                 "PEM client certificate, for servers that require mTLS")
      ->envname("GLUTECARE_TLS_CERT")
      ->group(std::string(kGroup));
  app.add_option("--tls-key", options.tls_key, "PEM key of --tls-cert")
      ->envname("GLUTECARE_TLS_KEY")
      ->group(std::string(kGroup));
  app.add_option("--outbox", options.outbox,
                 "The outbox file of submissions kept while the server is "
                 "unreachable (default: "
                 "$XDG_DATA_HOME/glutecare/outbox.db or "
                 "~/.local/share/glutecare/outbox.db)")
      ->envname(std::string(kOutboxVariable))
      ->group(std::string(kGroup));
}

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  if (in.is_open()) contents << in.rdbuf();
  if (!in.is_open() || contents.str().empty()) {
    return UsageError(absl::StrCat(flag, ": cannot read ", path));
  }
  return contents.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const GlobalOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return UsageError("--tls-cert and --tls-key go together");
  }
  if (options.tls_ca.empty() && options.tls_cert.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca.empty()) {
    GLUTECARE_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                               ReadPem(options.tls_ca, "--tls-ca"));
  }
  if (!options.tls_cert.empty()) {
    GLUTECARE_ASSIGN_OR_RETURN(ssl.pem_cert_chain,
                               ReadPem(options.tls_cert, "--tls-cert"));
    GLUTECARE_ASSIGN_OR_RETURN(ssl.pem_private_key,
                               ReadPem(options.tls_key, "--tls-key"));
  }
  return grpc::SslCredentials(ssl);
}

absl::StatusOr<std::string> AccessTokenFor(const GlobalOptions& options) {
  return ChooseAccessToken(options.token_file,
                           std::getenv(std::string(kTokenVariable).c_str()));
}

absl::StatusOr<std::string> CommandContext::Clinic() const {
  if (!options_.clinic.empty()) {
    return ResolveTopLevelName(options_.clinic, "clinics", "--clinic");
  }
  if (IsFullName(options_.patient))
    return std::string(ClinicOf(options_.patient));
  return MissingIdentity("clinic", "--clinic", "GLUTECARE_CLINIC");
}

absl::StatusOr<std::string> CommandContext::OutboxPath() const {
  return DefaultOutboxPath(options_.outbox.c_str(),
                           std::getenv("XDG_DATA_HOME"), std::getenv("HOME"));
}

absl::StatusOr<std::string> CommandContext::Therapist() const {
  if (options_.therapist.empty()) {
    return MissingIdentity("therapist", "--therapist", "GLUTECARE_THERAPIST");
  }
  return NameInClinic("therapists", options_.therapist, "--therapist");
}

absl::StatusOr<std::string> CommandContext::Patient() const {
  if (options_.patient.empty()) {
    return MissingIdentity("patient", "--patient", "GLUTECARE_PATIENT");
  }
  return NameInClinic("patients", options_.patient, "--patient");
}

absl::StatusOr<std::string> CommandContext::NameInClinic(
    absl::string_view collection, absl::string_view text,
    absl::string_view flag) const {
  return ResolveName(text, collection, flag, [this] { return Clinic(); });
}

absl::StatusOr<std::string> CommandContext::NameInPatient(
    absl::string_view collection, absl::string_view text,
    absl::string_view flag) const {
  return ResolveName(text, collection, flag, [this] { return Patient(); });
}

void ChosenAction::Bind(CLI::App& command, Action action) {
  command.callback([this, action = std::move(action)] { chosen_ = action; });
}

absl::Status ChosenAction::Run(const CommandContext& context) const {
  if (!chosen_) return UsageError("no command given; see glutecare --help");
  return chosen_(context);
}

CLI::Option* AddExerciseSpecOption(CLI::App& command,
                                   std::vector<std::string>& specs,
                                   absl::string_view what) {
  return command
      .add_option("--exercise", specs,
                  absl::StrCat(what,
                               ": EXERCISE:SETSxREPS[@LOAD] or "
                               "EXERCISE:SETSxSECONDSs[@LOAD], such as "
                               "glute-bridge:3x12, clamshell:3x15@band-light, "
                               "glute-bridge:3x30s, goblet-squat:3x10@8kg "
                               "(repeat for more)"))
      ->allow_extra_args(false);
}

void AddRequestIdOption(CLI::App& command,
                        std::optional<std::string>& request_id) {
  command.add_option("--request-id", request_id,
                     "Idempotency key: a retry with the same key returns the "
                     "first result (default: a new UUID)");
}

void AddGlobalOptionsFooter(CLI::App& root) {
  for (CLI::App* command :
       root.get_subcommands([](CLI::App*) { return true; })) {
    command->footer(
        "Global options go before or after the command: --server, --json, "
        "--timeout, --retries, --token-file, --clinic, --therapist, "
        "--patient (see glutecare --help). The access token comes from "
        "--token-file or GLUTECARE_TOKEN.");
    AddGlobalOptionsFooter(*command);
  }
}

ResourceArgument ArgumentNaming(Under under, absl::string_view collection,
                                std::string placeholder, std::string help) {
  std::string flag = placeholder;
  return {std::move(placeholder), std::move(help),
          [under, collection, flag = std::move(flag)](
              const CommandContext& context,
              const std::string& text) -> absl::StatusOr<std::string> {
            switch (under) {
              case Under::kClinic:
                return context.NameInClinic(collection, text, flag);
              case Under::kPatient:
                return context.NameInPatient(collection, text, flag);
              case Under::kTopLevel:
                break;
            }
            return ResolveTopLevelName(text, collection, flag);
          }};
}

CLI::App& AddCommandGroup(CLI::App& root, std::string name,
                          std::string description) {
  CLI::App& group =
      *root.add_subcommand(std::move(name), std::move(description));
  group.require_subcommand(1);
  return group;
}

}  // namespace glutecare::client
