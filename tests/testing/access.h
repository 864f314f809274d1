// Tokens for tests that talk to a real GlutecareServer: the clinic's first
// admin from BootstrapClinic (as `glutecare-server bootstrap` makes it), and
// every other token through AccessService, as an admin would.
//
//   absl::StatusOr<std::string> admin = BootstrapAdmin(db_path, "demo");
//   ... start the server on db_path ...
//   absl::StatusOr<std::string> therapist = CreateToken(
//       channel, *admin, "clinics/demo", v1::ROLE_THERAPIST,
//       "clinics/demo/therapists/t1");
//   grpc::ClientContext context;
//   SetBearer(context, *therapist);
#ifndef GLUTECARE_TESTS_TESTING_ACCESS_H_
#define GLUTECARE_TESTS_TESTING_ACCESS_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glutecare/v1/access_service.grpc.pb.h"
#include "server/app/access_tokens.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace glutecare::testing {

// Creates `clinic_id` (display name "Clinic {id}", MRNs in
// `identifier_system`, none when empty) in the database file and returns the
// secret of a new admin token for it. Run it before the server opens the
// file, or while it serves (SQLite WAL).
inline absl::StatusOr<std::string> BootstrapAdmin(
    const std::string& db_path, const std::string& clinic_id,
    const std::string& identifier_system = "") {
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenSqliteStore({.path = db_path, .read_connections = 1});
  if (!store.ok()) return store.status();
  absl::StatusOr<BootstrapResult> result =
      BootstrapClinic(**store,
                      {.clinic_id = clinic_id,
                       .display_name = absl::StrCat("Clinic ", clinic_id),
                       .identifier_system = identifier_system},
                      absl::Now());
  if (!result.ok()) return result.status();
  return result->admin.secret;
}

// Sends `secret` as the call's bearer token.
inline void SetBearer(grpc::ClientContext& context, const std::string& secret) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", secret));
}

// A fresh token of `parent` (`clinics/{clinic}`), made by the admin whose
// secret is `admin`; returns its secret. `token_name`, when not null,
// receives the token's resource name.
inline absl::StatusOr<std::string> CreateToken(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& admin,
    const std::string& parent, v1::Role role, const std::string& subject,
    std::string* token_name = nullptr) {
  auto stub = v1::AccessService::NewStub(channel);
  v1::CreateAccessTokenRequest request;
  request.set_parent(parent);
  request.mutable_access_token()->set_role(role);
  request.mutable_access_token()->set_subject(subject);
  request.mutable_access_token()->set_display_name("Test token");
  v1::CreateAccessTokenResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  SetBearer(context, admin);
  grpc::Status status = stub->CreateAccessToken(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  if (token_name != nullptr) *token_name = response.access_token().name();
  return response.secret();
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_ACCESS_H_
