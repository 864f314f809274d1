#include "server/app/access_tokens.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/references.h"
#include "server/common/status.h"
#include "server/common/token_secret.h"
#include "server/domain/validation.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

}  // namespace

absl::StatusOr<MintedToken> MintAccessToken(Store& store,
                                            const ClinicName& clinic,
                                            const v1::AccessToken& token,
                                            absl::string_view creator,
                                            absl::Time now) {
  Violations violations;
  CheckNewAccessToken(token, clinic, now, "access_token", violations);
  GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
  if (token.role() == v1::ROLE_THERAPIST) {
    GLUTECARE_RETURN_IF_ERROR(
        CheckTherapistExists(store, token.subject(), "access_token.subject"));
  } else if (token.role() == v1::ROLE_PATIENT) {
    GLUTECARE_ASSIGN_OR_RETURN(
        PatientName patient,
        PatientName::Parse(token.subject(), "access_token.subject"));
    absl::Status exists = store.GetPatient(patient).status();
    if (absl::IsNotFound(exists)) {
      return InvalidFieldError("access_token.subject",
                               absl::StrCat("no patient ", token.subject()));
    }
    GLUTECARE_RETURN_IF_ERROR(exists);
  }

  MintedToken minted{.token = token, .secret = GenerateTokenSecret()};
  v1::AccessToken& stored = minted.token;
  stored.set_name(
      AccessTokenName{clinic.clinic, GenerateResourceId()}.ToString());
  *stored.mutable_create_time() = ToTimestamp(now);
  if (!stored.has_expire_time()) {
    *stored.mutable_expire_time() = ToTimestamp(now + kDefaultTokenLifetime);
  }
  stored.clear_revoke_time();
  stored.set_creator(std::string(creator));
  GLUTECARE_ASSIGN_OR_RETURN(
      stored, store.CreateAccessToken(stored, HashTokenSecret(minted.secret)));
  return minted;
}

absl::StatusOr<BootstrapResult> BootstrapClinic(Store& store,
                                                const BootstrapRequest& request,
                                                absl::Time now) {
  Violations violations;
  if (!IsValidResourceId(request.clinic_id)) {
    violations.Add("clinic_id",
                   "must be 1-63 characters of a-z, 0-9 and '-', starting "
                   "with a letter");
  }
  v1::Clinic clinic;
  clinic.set_display_name(request.display_name);
  clinic.set_identifier_system(request.identifier_system);
  CheckClinic(clinic, "", violations);
  GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

  BootstrapResult result;
  const ClinicName name{request.clinic_id};
  absl::StatusOr<v1::Clinic> existing = store.GetClinic(name);
  if (existing.ok()) {
    result.clinic = *std::move(existing);
  } else if (absl::IsNotFound(existing.status())) {
    clinic.set_name(name.ToString());
    *clinic.mutable_create_time() = ToTimestamp(now);
    GLUTECARE_ASSIGN_OR_RETURN(result.clinic, store.CreateClinic(clinic));
    result.clinic_created = true;
  } else {
    return existing.status();
  }

  v1::AccessToken admin;
  admin.set_role(v1::ROLE_ADMIN);
  admin.set_display_name(request.admin_display_name);
  GLUTECARE_ASSIGN_OR_RETURN(
      result.admin, MintAccessToken(store, name, admin, "bootstrap", now));
  return result;
}

}  // namespace glutecare
