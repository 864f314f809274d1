// Who may call what: the one table of method -> allowed roles -> resource
// scope, and the decision it implies for a principal and a request's target.
// Pure rules; the service layer (service/gate.h) applies them to every call
// before any handler runs.
//
//   const MethodPolicy* policy =
//       FindMethodPolicy("/glutecare.v1.SessionService/CreateSession");
//   absl::StatusOr<Target> target = ParseTarget(request.parent(), "parent");
//   absl::Status allowed = Authorize(principal, *policy, &*target);
//
// Decisions, in this order:
//   - a role the method does not allow: PERMISSION_DENIED;
//   - a target in another clinic, or (for a patient) another patient's
//     record: NOT_FOUND, exactly as if it did not exist, because its
//     existence would itself leak;
//   - a patient asking for clinic-wide data, or another role asking a
//     method it may call for one patient at a time (MethodPolicy::
//     one_patient_at_a_time) for a whole clinic: PERMISSION_DENIED.
//
// The roles follow the minimum-necessary principle for clinical data
// (sessions, pain, reports, alerts, suggestions, outcome scores, and every
// export holding them): therapists and the integration role have it; a
// patient has their own, read-only but for what they report; admins, who
// run accounts, have none. Bulk clinical exports (a whole clinic) are the
// integration role's alone.
//
// Therapists act on every patient of their own clinic, not only their
// assigned ones: clinics cover for absent colleagues, the dashboard and alert
// streams are clinic-wide with an optional therapist filter, and every access
// is in the audit trail. See the README's access table.
#ifndef GLUTECARE_SERVER_DOMAIN_ACCESS_POLICY_H_
#define GLUTECARE_SERVER_DOMAIN_ACCESS_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "glutecare/v1/access.pb.h"
#include "server/domain/resource_names.h"

namespace glutecare {

// A set of roles, as a bit mask of (1 << v1::Role).
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<v1::Role> roles) {
    for (v1::Role role : roles) bits_ |= Bit(role);
  }
  constexpr bool Contains(v1::Role role) const { return bits_ & Bit(role); }
  constexpr bool empty() const { return bits_ == 0; }

 private:
  static constexpr uint32_t Bit(v1::Role role) {
    return role > 0 && role < 32 ? uint32_t{1} << role : 0;
  }
  uint32_t bits_ = 0;
};

// The authenticated caller of a call: a valid (unexpired, unrevoked) token.
struct Principal {
  // The token's resource name; this, never the secret, identifies the caller
  // in logs and the audit trail.
  AccessTokenName token;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // The therapist or patient resource name (see AccessToken.subject).
  std::string subject;
  // The token as stored (never the secret): what the caller may learn about
  // their own token (AccessService.GetCallerAccessToken).
  v1::AccessToken access_token;

  ClinicName clinic() const { return token.parent(); }
};

// How a method's target is scoped.
enum class Scope {
  // No clinic data (the exercise catalog, the caller's own token): any
  // authenticated principal that the method allows.
  kNone,
  // The target is a resource name inside a clinic (`clinics/{clinic}/...`).
  kClinic,
};

struct MethodPolicy {
  // The full gRPC method: `/glutecare.v1.SessionService/CreateSession`.
  absl::string_view method;
  RoleSet roles;
  Scope scope = Scope::kClinic;
  // For Scope::kClinic, the request field holding the target resource name;
  // a dotted path for a nested message (`patient.name` of UpdatePatient).
  absl::string_view target_field;
  // Roles of `roles` that may name one patient's records per call but not a
  // whole clinic (`clinics/{c}` or `clinics/{c}/patients/-`): for a method
  // that serves both, when the whole clinic is a bulk export. Patients are
  // held to their own record anyway.
  RoleSet one_patient_at_a_time;
};

// Every method of the glutecare.v1 services. A method missing here cannot be
// called (the server refuses to start with it registered, and the matrix
// test fails).
absl::Span<const MethodPolicy> MethodPolicies();

// The entry for `method`, or nullptr.
const MethodPolicy* FindMethodPolicy(absl::string_view method);

// What a request is about: its clinic and, when the resource is a patient or
// inside one, the patient.
struct Target {
  // The name as the request gave it.
  std::string resource;
  ClinicName clinic;
  // Set for `clinics/{c}/patients/{p}` and anything under it; unset for
  // clinic-level resources and for the `clinics/{c}/patients/-` wildcard.
  std::optional<PatientName> patient;
};

// Reads the clinic and patient from a resource name of the form
// `clinics/{clinic}[/{collection}/{id}...]`, where the id after `patients`
// may be `-` (every patient). The rest of the name is the handler's to
// validate. INVALID_ARGUMENT naming `field` when the name has no valid clinic
// or patient id.
absl::StatusOr<Target> ParseTarget(absl::string_view resource,
                                   absl::string_view field);

// Whether `principal`'s role may call the method of `policy` at all: OK or
// PERMISSION_DENIED.
absl::Status CheckRole(const Principal& principal, const MethodPolicy& policy);

// Whether `principal` may call the method of `policy` on `target` (nullptr
// for Scope::kNone): CheckRole, then the scope. OK, PERMISSION_DENIED or
// NOT_FOUND, as described at the top of this file.
absl::Status Authorize(const Principal& principal, const MethodPolicy& policy,
                       const Target* target);

// "ROLE_THERAPIST" -> "therapist", for messages and the CLI.
absl::string_view RoleLabel(v1::Role role);

// The label with its indefinite article, to open a sentence: "a therapist",
// "an admin", "an integration".
std::string RoleWithArticle(v1::Role role);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_ACCESS_POLICY_H_
