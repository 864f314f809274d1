// What every glutecare command shares: the global options, the context a
// command runs in (connection, output, the caller's identity), and how a leaf
// command's work is picked while CLI11 parses and run once it has finished.
//
//   ChosenAction chosen;
//   CLI::App& group = AddCommandGroup(root, "patient", "Patients");
//   auto [show, flags] = AddLeafCommand(group, chosen, "show",
//                                       "Shows a patient", ShowPatient);
//   show.add_option("ID", flags.patient, "The patient");
//   ...parse...
//   absl::Status status = chosen.Run(context);
#ifndef GLUTECARE_CLIENT_COMMAND_H_
#define GLUTECARE_CLIENT_COMMAND_H_

#include <grpcpp/security/credentials.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/connection.h"
#include "client/output.h"
#include "google/protobuf/message.h"

namespace glutecare::client {

// The options every command accepts, before or after its name.
struct GlobalOptions {
  // --server / GLUTECARE_SERVER: `host:port` of the glutecare server.
  std::string server = "127.0.0.1:50051";
  // --json: print the response as protobuf JSON instead of a table.
  bool json = false;
  // --timeout: the deadline of each call, in seconds.
  double timeout_seconds = 10;
  // --retries: how often a failed call that is safe to repeat is repeated.
  int retries = 4;
  // --token-file / GLUTECARE_TOKEN_FILE: a file holding the caller's access
  // token; unset, the token is the value of GLUTECARE_TOKEN. There is no
  // flag for the token itself: a command line is visible to every user of
  // the machine (ps).
  std::string token_file;
  // Whom and what the commands are about. The access token decides what the
  // caller may do; these name the resources.
  // --clinic / GLUTECARE_CLINIC: `clinics/{clinic}` or the id.
  std::string clinic;
  // --therapist / GLUTECARE_THERAPIST: full name or the id within the clinic.
  std::string therapist;
  // --patient / GLUTECARE_PATIENT: full name or the id within the clinic.
  std::string patient;
  // TLS (PEM files). --tls-ca / GLUTECARE_TLS_CA: the CA that signed the
  // server's certificate; setting it (or a client certificate) switches the
  // connection to TLS.
  std::string tls_ca;
  // --tls-cert and --tls-key (GLUTECARE_TLS_CERT, GLUTECARE_TLS_KEY): this
  // client's certificate and key, for servers that require mTLS.
  std::string tls_cert;
  std::string tls_key;
  // --outbox / GLUTECARE_OUTBOX: the outbox file (client/outbox.h); unset,
  // $XDG_DATA_HOME/glutecare/outbox.db or
  // $HOME/.local/share/glutecare/outbox.db.
  std::string outbox;
};

// The channel credentials `options` ask for: plaintext, or TLS with the given
// CA and client certificate. INVALID_ARGUMENT naming the flag when a file
// cannot be read or only one of certificate and key is given.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const GlobalOptions& options);

// The access token `options` and the environment give (see
// ChooseAccessToken in client/access_token.h): a usage error when there is
// none.
absl::StatusOr<std::string> AccessTokenFor(const GlobalOptions& options);

// Adds the global options to the root command `app`.
void AddGlobalOptions(CLI::App& app, GlobalOptions& options);

// Everything a command needs once the command line is parsed. Resolving an
// identity that was not given is a usage error saying which flag or
// environment variable to set.
class CommandContext final {
 public:
  // `options`, `connection` and `output` must outlive this object.
  CommandContext(const GlobalOptions& options, Connection& connection,
                 const Output& output)
      : options_(options), connection_(connection), output_(output) {}

  CommandContext(const CommandContext&) = delete;
  CommandContext& operator=(const CommandContext&) = delete;

  Connection& connection() const { return connection_; }
  // The server address, `host:port` (--server).
  const std::string& server() const { return options_.server; }
  const Output& output() const { return output_; }

  // `clinics/{clinic}` from --clinic, or else the clinic of a full --patient
  // name.
  absl::StatusOr<std::string> Clinic() const;
  // The full therapist name from --therapist.
  absl::StatusOr<std::string> Therapist() const;
  // The full patient name from --patient.
  absl::StatusOr<std::string> Patient() const;

  // The path of the outbox file (DefaultOutboxPath in client/outbox.h).
  absl::StatusOr<std::string> OutboxPath() const;

  // Whether --patient (or GLUTECARE_PATIENT) was given.
  bool HasPatient() const { return !options_.patient.empty(); }
  // Whether --therapist (or GLUTECARE_THERAPIST) was given.
  bool HasTherapist() const { return !options_.therapist.empty(); }

  // The full name of `text` (an id or full name, given with `flag`) in
  // `collection` under the clinic, such as ("therapists", "t1").
  absl::StatusOr<std::string> NameInClinic(absl::string_view collection,
                                           absl::string_view text,
                                           absl::string_view flag) const;
  // The same under the patient, such as ("programs", "p1@2").
  absl::StatusOr<std::string> NameInPatient(absl::string_view collection,
                                            absl::string_view text,
                                            absl::string_view flag) const;

  // Prints `message` (the result of a command) as JSON under --json, or else
  // as `print_text` writes it.
  template <typename Message>
  void Print(const Message& message,
             void (*print_text)(const Message&, std::ostream&)) const {
    output_.Print(message,
                  [&](std::ostream& out) { print_text(message, out); });
  }

  // Prints the result of a call that returns one resource; a failed call is
  // returned as it is.
  template <typename Message>
  absl::Status PrintResult(const absl::StatusOr<Message>& result,
                           void (*print_text)(const Message&,
                                              std::ostream&)) const {
    if (!result.ok()) return result.status();
    Print(*result, print_text);
    return absl::OkStatus();
  }

  // Calls `method` (see Connection::Call) and prints the resource it returns.
  template <typename Stub, typename Request, typename Response>
  absl::Status CallAndPrint(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                         const Request&,
                                                         Response*),
                            const Request& request, Idempotency idempotency,
                            void (*print_text)(const Response&,
                                               std::ostream&)) const {
    return PrintResult(connection_.Call(method, request, idempotency),
                       print_text);
  }

  // Calls `method` (see Connection::Call) with a request that holds only
  // `name`, of one resource: its Get, Revoke, Resolve...
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> CallOnName(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& name, Idempotency idempotency) const {
    Request request;
    request.set_name(name);
    return connection_.Call(method, request, idempotency);
  }

  // CallOnName with the `name` of a resource named on the command line (a
  // failure to find it is returned as it is), and prints what it returns.
  template <typename Stub, typename Request, typename Response>
  absl::Status CallOnNameAndPrint(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const absl::StatusOr<std::string>& name, Idempotency idempotency,
      void (*print_text)(const Response&, std::ostream&)) const {
    if (!name.ok()) return name.status();
    return PrintResult(CallOnName(method, *name, idempotency), print_text);
  }

 private:
  const GlobalOptions& options_;
  Connection& connection_;
  const Output& output_;
};

// The work of one leaf command, such as `patient show`.
using Action = std::function<absl::Status(const CommandContext&)>;

// The action of the leaf command on the command line. Not thread-safe.
class ChosenAction final {
 public:
  ChosenAction() = default;
  ChosenAction(const ChosenAction&) = delete;
  ChosenAction& operator=(const ChosenAction&) = delete;

  // Makes `action` the one to run when `command` is parsed. `command` must
  // not outlive this object.
  void Bind(CLI::App& command, Action action);

  // Runs the chosen action. REQUIRES: a leaf command was parsed.
  absl::Status Run(const CommandContext& context) const;

 private:
  Action chosen_;
};

// Adds the repeatable `--exercise SPEC` option (the grammar of
// client/specs.h), described as `what` followed by the grammar.
CLI::Option* AddExerciseSpecOption(CLI::App& command,
                                   std::vector<std::string>& specs,
                                   absl::string_view what);

// Adds `--request-id`, the idempotency key of a create that is safe to
// retry; unset means a new random UUID (NewRequestId()).
void AddRequestIdOption(CLI::App& command,
                        std::optional<std::string>& request_id);

// Adds the option `name`: a pain score on the 0-10 Numeric Rating Scale,
// described as `what` followed by the scale. The server checks the range.
template <typename Score>
CLI::Option* AddPainScoreOption(CLI::App& command, std::string name,
                                Score& score, absl::string_view what) {
  return command.add_option(std::move(name), score,
                            absl::StrCat(what, ", 0-10 NRS"));
}

// Names the global options in the help of every command below `root` (CLI11
// lists them in the root's help only). Call once all commands are added.
void AddGlobalOptionsFooter(CLI::App& root);

// Adds the command group `name` (such as "patient") to `root`; a group needs
// one of its subcommands.
CLI::App& AddCommandGroup(CLI::App& root, std::string name,
                          std::string description);

// A leaf command and the flags its action reads.
template <typename Flags>
struct LeafCommand {
  CLI::App& app;
  Flags& flags;
};

// Adds the leaf command `name` to `group`: when it is chosen, `run` runs with
// its flags, which live as long as the action. The caller declares the flags:
//
//   auto [create, flags] = AddLeafCommand(group, chosen, "create",
//                                         "Creates a therapist",
//                                         CreateTherapist);
//   create.add_option("--name", flags.display_name, "Name")->required();
template <typename Flags>
LeafCommand<Flags> AddLeafCommand(CLI::App& group, ChosenAction& chosen,
                                  std::string name, std::string description,
                                  absl::Status (*run)(const CommandContext&,
                                                      const Flags&)) {
  auto flags = std::make_shared<Flags>();
  CLI::App& command =
      *group.add_subcommand(std::move(name), std::move(description));
  chosen.Bind(command, [flags, run](const CommandContext& context) {
    return run(context, *flags);
  });
  return {command, *flags};
}

// The positional argument of a leaf command that names one resource.
struct ResourceArgument {
  // The full name of the resource `text` (given for the argument) names; a
  // usage error naming `placeholder` when it names none.
  using Resolve = std::function<absl::StatusOr<std::string>(
      const CommandContext& context, const std::string& text)>;

  std::string placeholder;  // in help and errors, such as "SESSION"
  std::string help;         // such as "The session: ID or full name"
  Resolve resolve;
};

// Where the collection of a ResourceArgument lives.
enum class Under {
  kTopLevel,  // such as exercises: ResolveTopLevelName in client/names.h
  kClinic,    // such as therapists: CommandContext::NameInClinic
  kPatient,   // such as sessions: CommandContext::NameInPatient
};

// The argument `placeholder` that takes the id or full name of a resource in
// `collection` (a constant, such as "sessions"), which lives `under`.
ResourceArgument ArgumentNaming(Under under, absl::string_view collection,
                                std::string placeholder, std::string help);

// Adds the leaf command `name` to `group` that takes the required `argument`,
// calls `method` on the resource it names and prints what that returns
// (CommandContext::CallOnNameAndPrint): `show`, `revoke`, `ack`...
//
//   AddCallOnNameCommand(
//       group, chosen, "show", "Shows a session",
//       ArgumentNaming(Under::kPatient, "sessions", "SESSION",
//                      "The session: ID or full name"),
//       &v1::SessionService::Stub::GetSession, Idempotency::kIdempotent,
//       PrintSession);
template <typename Stub, typename Request, typename Response>
void AddCallOnNameCommand(CLI::App& group, ChosenAction& chosen,
                          std::string name, std::string description,
                          ResourceArgument argument,
                          grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                       const Request&,
                                                       Response*),
                          Idempotency idempotency,
                          void (*print_text)(const Response&, std::ostream&)) {
  auto text = std::make_shared<std::string>();
  CLI::App& command =
      *group.add_subcommand(std::move(name), std::move(description));
  command.add_option(argument.placeholder, *text, argument.help)->required();
  chosen.Bind(command,
              [text, resolve = std::move(argument.resolve), method, idempotency,
               print_text](const CommandContext& context) {
                return context.CallOnNameAndPrint(
                    method, resolve(context, *text), idempotency, print_text);
              });
}

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_COMMAND_H_
