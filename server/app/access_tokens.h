// Making access tokens, for AccessService.CreateAccessToken and for
// `glutecare-server bootstrap` (a clinic and its first admin token).
//
//   GLUTECARE_ASSIGN_OR_RETURN(MintedToken minted,
//       MintAccessToken(store, clinic, request.access_token(),
//                       principal.token.ToString(), absl::Now()));
//   minted.secret   // shown to the caller once, never stored
#ifndef GLUTECARE_SERVER_APP_ACCESS_TOKENS_H_
#define GLUTECARE_SERVER_APP_ACCESS_TOKENS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "glutecare/v1/access.pb.h"
#include "glutecare/v1/clinic.pb.h"
#include "server/domain/resource_names.h"
#include "server/storage/store.h"

namespace glutecare {

struct MintedToken {
  v1::AccessToken token;
  std::string secret;
};

// Validates `token` (field violations under "access_token"), checks that its
// subject exists (INVALID_ARGUMENT on access_token.subject otherwise), and
// stores it with a fresh id and secret, created by `creator` at `now`.
absl::StatusOr<MintedToken> MintAccessToken(Store& store,
                                            const ClinicName& clinic,
                                            const v1::AccessToken& token,
                                            absl::string_view creator,
                                            absl::Time now);

struct BootstrapRequest {
  // The new clinic's id and display name.
  std::string clinic_id;
  std::string display_name;
  // The FHIR identifier system of the clinic's MRNs (see Clinic); optional.
  std::string identifier_system;
  // Who holds the admin token, such as "Clinic admin".
  std::string admin_display_name = "Clinic admin";
};

struct BootstrapResult {
  v1::Clinic clinic;
  // False when the clinic existed already and only a new admin token was
  // made (recovering from a lost admin token).
  bool clinic_created = false;
  MintedToken admin;
};

// Creates the clinic unless it exists, and an admin token for it whose
// creator is `bootstrap`. INVALID_ARGUMENT naming `clinic_id`,
// `display_name` or `identifier_system` for bad input. An existing clinic is
// left as it is.
absl::StatusOr<BootstrapResult> BootstrapClinic(Store& store,
                                                const BootstrapRequest& request,
                                                absl::Time now);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_ACCESS_TOKENS_H_
