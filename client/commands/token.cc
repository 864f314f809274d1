// `glutecare token create|list|revoke`: the access tokens of the clinic given
// by --clinic, for its admins. A token's secret is shown once, when it is
// made: printed, or written to a file readable by its owner only (--out).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "client/access_token.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/access_service.grpc.pb.h"

namespace glutecare::client {
namespace {

constexpr absl::string_view kAccessTokens = "accessTokens";

struct TokenCreateFlags {
  std::string role;
  std::optional<std::string> therapist;  // the subject of a therapist token
  std::optional<std::string> patient;    // the subject of a patient token
  std::string display_name;
  std::optional<int> expires_in_days;  // default: the server's (90 days)
  std::optional<std::string> out;      // where the secret goes
};

void AddTokenFields(const v1::AccessToken& token, Fields& fields) {
  fields.Add("name", token.name())
      .Add("role", FriendlyName(token.role()))
      .Add("subject", token.subject())
      .Add("display name", token.display_name())
      .Add("created", FormatTimestamp(token.create_time()))
      .Add("expires", FormatTimestamp(token.expire_time()))
      .Add("revoked", FormatTimestamp(token.revoke_time()))
      .Add("creator", token.creator());
}

void PrintToken(const v1::AccessToken& token, std::ostream& out) {
  Fields fields;
  AddTokenFields(token, fields);
  fields.Print(out);
}

// The subject of a new token of `role`: the therapist or patient the flags
// name, in the clinic. A usage error when the role needs one that is missing,
// or when one is given that the role does not take.
absl::StatusOr<std::string> SubjectFor(const CommandContext& context,
                                       v1::Role role,
                                       const TokenCreateFlags& flags) {
  const bool therapist_role = role == v1::ROLE_THERAPIST;
  const bool patient_role = role == v1::ROLE_PATIENT;
  if (flags.therapist.has_value() && !therapist_role) {
    return UsageError("--therapist goes with --role therapist only");
  }
  if (flags.patient.has_value() && !patient_role) {
    return UsageError("--patient goes with --role patient only");
  }
  if (therapist_role && !flags.therapist.has_value()) {
    return UsageError("--role therapist needs --therapist ID: who holds it");
  }
  if (patient_role && !flags.patient.has_value()) {
    return UsageError("--role patient needs --patient ID: who holds it");
  }
  if (therapist_role) {
    return context.NameInClinic("therapists", *flags.therapist, "--therapist");
  }
  if (patient_role) {
    return context.NameInClinic("patients", *flags.patient, "--patient");
  }
  return std::string();
}

absl::Status CreateToken(const CommandContext& context,
                         const TokenCreateFlags& flags) {
  v1::CreateAccessTokenRequest request;
  v1::AccessToken& token = *request.mutable_access_token();
  GLUTECARE_ASSIGN_OR_RETURN(const v1::Role role,
                             ParseFriendlyName<v1::Role>(flags.role, "--role"));
  GLUTECARE_ASSIGN_OR_RETURN(*token.mutable_subject(),
                             SubjectFor(context, role, flags));
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  token.set_role(role);
  token.set_display_name(flags.display_name);
  if (flags.expires_in_days.has_value()) {
    *token.mutable_expire_time() =
        ToTimestamp(absl::Now() + absl::Hours(24) * *flags.expires_in_days);
  }
  // Opened before the call: a path that cannot be written fails before a
  // token exists whose secret would be lost.
  std::optional<SecretFile> secret_file;
  if (flags.out.has_value()) {
    absl::StatusOr<SecretFile> opened = CreateSecretFile(*flags.out, "--out");
    if (!opened.ok()) return opened.status();
    secret_file.emplace(*std::move(opened));
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::CreateAccessTokenResponse response,
      context.connection().Call(&v1::AccessService::Stub::CreateAccessToken,
                                request, Idempotency::kNotIdempotent));
  if (secret_file.has_value()) {
    if (absl::Status written = secret_file->Write(response.secret());
        !written.ok()) {
      return absl::Status(
          written.code(),
          absl::StrCat(written.message(), "; the token ",
                       response.access_token().name(),
                       " was made but its secret is lost: revoke it with "
                       "`glutecare token revoke ",
                       LastSegment(response.access_token().name()), "`"));
    }
    response.clear_secret();
  }
  context.output().Print(response, [&](std::ostream& out) {
    Fields fields;
    AddTokenFields(response.access_token(), fields);
    if (secret_file.has_value()) {
      fields.Add("secret", absl::StrCat("written to ", secret_file->path(),
                                        " (mode 0600)"));
    }
    fields.Print(out);
    if (!secret_file.has_value()) {
      // Alone on the last line, for copying (or `tail -n 1`).
      out << "secret (shown only now; store it like a password):\n"
          << response.secret() << "\n";
    }
  });
  return absl::OkStatus();
}

Columns<v1::AccessToken> TokenColumns() {
  return {{"ID", "ROLE", "SUBJECT", "DISPLAY NAME", "EXPIRES", "REVOKED"},
          [](const v1::AccessToken& token) -> std::vector<std::string> {
            return {std::string(LastSegment(token.name())),
                    FriendlyName(token.role()),
                    std::string(LastSegment(token.subject())),
                    token.display_name(),
                    FormatTimestamp(token.expire_time()),
                    FormatTimestamp(token.revoke_time())};
          }};
}

}  // namespace

void AddTokenCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "token", "Access tokens of the clinic (--clinic), for its admins");

  auto [create, create_flags] = AddLeafCommand(
      group, chosen, "create",
      "Makes an access token and shows its secret, once", CreateToken);
  create
      .add_option("--role", create_flags.role,
                  "What it may do: admin, therapist, patient or integration")
      ->required();
  create.add_option("--therapist", create_flags.therapist,
                    "With --role therapist: the therapist who holds it (ID "
                    "or full name)");
  create.add_option("--patient", create_flags.patient,
                    "With --role patient: the patient who holds it (ID or "
                    "full name)");
  create
      .add_option("--name", create_flags.display_name,
                  "Who or what holds it, such as \"Tess's laptop\"")
      ->required();
  create
      .add_option("--expires-in-days", create_flags.expires_in_days,
                  "Days until it stops working, at most 400 (default: 90)")
      ->check(CLI::Range(1, 400));
  create.add_option("--out", create_flags.out,
                    "Write the secret to this file (mode 0600) instead of "
                    "printing it");

  AddListCommand(group, chosen, "list",
                 "Lists the clinic's tokens, newest first, without their "
                 "secrets",
                 &CommandContext::Clinic,
                 &v1::AccessService::Stub::ListAccessTokens,
                 &v1::ListAccessTokensResponse::access_tokens, TokenColumns());

  // Revoking a revoked token returns it unchanged: safe to repeat.
  AddCallOnNameCommand(
      group, chosen, "revoke",
      "Revokes a token: calls with it fail from now on",
      ArgumentNaming(Under::kClinic, kAccessTokens, "TOKEN",
                     "The token: ID or clinics/CLINIC/accessTokens/ID"),
      &v1::AccessService::Stub::RevokeAccessToken, Idempotency::kIdempotent,
      PrintToken);
}

}  // namespace glutecare::client
