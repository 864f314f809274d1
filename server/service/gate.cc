#include "server/service/gate.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/log.h"
#include "server/common/status.h"
#include "server/common/token_secret.h"
#include "server/domain/text.h"

namespace glutecare {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::util::TimeUtil;

// The longest resource the audit trail keeps of a request, in bytes: a valid
// name is far shorter; a garbage one is cut.
constexpr size_t kMaxAuditedResourceBytes = 300;

// "/glutecare.v1.SessionService/CreateSession" -> its descriptor.
const MethodDescriptor* FindMethod(absl::string_view method) {
  absl::string_view name = method;
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrReplaceAll(name, {{"/", "."}}));
}

// The fields of a dotted path such as "patient.name" in `type`; empty when
// the path does not lead to a singular string field.
std::vector<const FieldDescriptor*> ResolvePath(const Descriptor* type,
                                                absl::string_view path) {
  std::vector<const FieldDescriptor*> fields;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (type == nullptr) return {};
    const FieldDescriptor* field = type->FindFieldByName(std::string(part));
    if (field == nullptr || field->is_repeated()) return {};
    fields.push_back(field);
    type = field->message_type();
  }
  if (fields.empty() || fields.back()->type() != FieldDescriptor::TYPE_STRING) {
    return {};
  }
  return fields;
}

// The string at `path` in `message` (empty when a message on the way is
// unset).
std::string ReadPath(const Message& message,
                     const std::vector<const FieldDescriptor*>& path) {
  const Message* current = &message;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const auto* reflection = current->GetReflection();
    if (!reflection->HasField(*current, path[i])) return "";
    current = &reflection->GetMessage(*current, path[i]);
  }
  return current->GetReflection()->GetString(*current, path.back());
}

// At most kMaxAuditedResourceBytes of `text`, cut at a UTF-8 boundary.
std::string TruncateUtf8(const std::string& text) {
  if (text.size() <= kMaxAuditedResourceBytes) return text;
  size_t end = kMaxAuditedResourceBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

Gate::CallInFlight::CallInFlight(CallInFlight&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)) {}

Gate::CallInFlight::~CallInFlight() {
  if (gate_ != nullptr) gate_->EndCall();
}

Gate::Ticket::Ticket(Gate* gate, std::string secret_sha256, std::string peer)
    : gate_(gate),
      secret_sha256_(std::move(secret_sha256)),
      peer_(std::move(peer)),
      arrival_(absl::Now()),
      call_(gate) {}

Gate::Ticket::Ticket(Ticket&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)),
      secret_sha256_(std::move(other.secret_sha256_)),
      peer_(std::move(other.peer_)),
      arrival_(other.arrival_),
      call_(std::move(other.call_)) {}

Gate::Ticket::~Ticket() {
  if (gate_ != nullptr) gate_->Release(secret_sha256_);
}

Gate::Gate(Store& store, AuditLog& audit, const Options& options)
    : store_(store), audit_(audit), options_(options) {
  for (const MethodPolicy& policy : MethodPolicies()) {
    const MethodDescriptor* method = FindMethod(policy.method);
    // CheckPolicyCovers reports entries that name no method.
    if (method == nullptr) continue;
    Route route{.policy = &policy};
    if (policy.scope == Scope::kClinic) {
      route.target_path =
          ResolvePath(method->input_type(), policy.target_field);
    }
    routes_.emplace(method->input_type(), std::move(route));
  }
}

absl::Status Gate::CheckPolicyCovers(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  for (const MethodPolicy& policy : MethodPolicies()) {
    const MethodDescriptor* method = FindMethod(policy.method);
    if (method == nullptr) {
      return absl::InternalError(absl::StrCat(
          "the access policy names ", policy.method, ", which is no method"));
    }
    if (policy.scope == Scope::kClinic &&
        ResolvePath(method->input_type(), policy.target_field).empty()) {
      return absl::InternalError(absl::StrCat(
          "the access policy of ", policy.method, " names target field `",
          policy.target_field, "`, which is not a string field of ",
          method->input_type()->full_name()));
    }
  }
  absl::flat_hash_map<const Descriptor*, std::string> method_of_request;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      const std::string name =
          absl::StrCat("/", service->full_name(), "/", method->name());
      if (FindMethodPolicy(name) == nullptr) {
        return absl::InternalError(
            absl::StrCat(name,
                         " has no entry in the access policy (MethodPolicies): "
                         "every method must say which roles may call it"));
      }
      auto [it, inserted] =
          method_of_request.emplace(method->input_type(), name);
      if (!inserted) {
        return absl::InternalError(
            absl::StrCat(name, " and ", it->second, " share the request type ",
                         method->input_type()->full_name()));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Gate::Ticket> Gate::Arrive(
    const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto [first, last] = metadata.equal_range("authorization");
  if (first != last && std::next(first) != last) {
    return absl::UnauthenticatedError(
        "send one authorization header, not several");
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      std::string secret,
      ParseBearerHeader(
          first == last
              ? absl::string_view()
              : absl::string_view(first->second.data(), first->second.size())));
  std::string hash = HashTokenSecret(secret);
  {
    absl::MutexLock lock(&mu_);
    last_call_activity_ = absl::Now();
    if (draining_) {
      return absl::UnavailableError(
          "the server is shutting down: retry in a moment");
    }
    int& calls = in_flight_[hash];
    if (calls >= options_.max_calls_per_principal) {
      if (calls == 0) in_flight_.erase(hash);
      return WithReason(
          absl::ResourceExhaustedError(absl::StrCat(
              "this token already has ", options_.max_calls_per_principal,
              " calls in flight: wait for them before sending more")),
          reason::kTooManyCallsInFlight);
    }
    ++calls;
    ++calls_in_flight_;
  }
  return Ticket(this, std::move(hash), context.peer());
}

void Gate::BeginDraining() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool Gate::AwaitNoCallsInFlight(absl::Duration quiet, absl::Time deadline) {
  struct Seen {
    Gate* gate;
    absl::Time activity;
  };
  absl::MutexLock lock(&mu_);
  while (true) {
    const absl::Time now = absl::Now();
    const absl::Time quiet_until = last_call_activity_ + quiet;
    if (calls_in_flight_ == 0 && now >= quiet_until) return true;
    if (now >= deadline) return false;
    // Until a call arrives or ends, or the quiet period has passed.
    Seen seen{this, last_call_activity_};
    mu_.AwaitWithDeadline(
        absl::Condition(
            +[](Seen* seen) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return seen->gate->last_call_activity_ != seen->activity;
            },
            &seen),
        calls_in_flight_ == 0 ? std::min(quiet_until, deadline) : deadline);
  }
}

void Gate::Release(const std::string& secret_sha256) {
  absl::MutexLock lock(&mu_);
  auto it = in_flight_.find(secret_sha256);
  if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
}

void Gate::EndCall() {
  absl::MutexLock lock(&mu_);
  --calls_in_flight_;
  last_call_activity_ = absl::Now();
}

absl::StatusOr<Principal> Gate::Authenticate(const Ticket& ticket) {
  absl::StatusOr<v1::AccessToken> token =
      store_.FindAccessToken(ticket.secret_sha256_);
  if (absl::IsNotFound(token.status())) {
    return absl::UnauthenticatedError("the access token is not valid");
  }
  if (!token.ok()) return token.status();
  if (token->has_revoke_time()) {
    return absl::UnauthenticatedError(
        absl::StrCat("the access token was revoked at ",
                     TimeUtil::ToString(token->revoke_time()),
                     ": ask the clinic's admin for a new one"));
  }
  if (TimeUtil::TimestampToNanoseconds(token->expire_time()) <=
      absl::ToUnixNanos(ticket.arrival_)) {
    return absl::UnauthenticatedError(
        absl::StrCat("the access token expired at ",
                     TimeUtil::ToString(token->expire_time()),
                     ": ask the clinic's admin for a new one"));
  }
  absl::StatusOr<AccessTokenName> name =
      AccessTokenName::Parse(token->name(), "name");
  if (!name.ok()) return absl::DataLossError("a stored token has a bad name");
  return Principal{.token = *std::move(name),
                   .role = token->role(),
                   .subject = token->subject(),
                   .access_token = *std::move(token)};
}

Gate::Admission Gate::Admit(const Ticket& ticket, const Message& request) {
  Admission admission;
  auto route = routes_.find(request.GetDescriptor());
  if (route == routes_.end()) {
    admission.status = absl::InternalError(
        absl::StrCat("no access policy for ", request.GetTypeName()));
    return admission;
  }
  admission.policy = route->second.policy;
  absl::StatusOr<Principal> principal = Authenticate(ticket);
  if (!principal.ok()) {
    admission.status = principal.status();
    return admission;
  }
  admission.principal = *std::move(principal);
  if (admission.policy->scope == Scope::kNone) {
    admission.status =
        Authorize(*admission.principal, *admission.policy, nullptr);
    return admission;
  }
  const std::string resource = ReadPath(request, route->second.target_path);
  admission.resource = TruncateUtf8(resource);
  absl::StatusOr<Target> target =
      ParseTarget(resource, admission.policy->target_field);
  // The role first: a caller who may not call the method at all learns
  // nothing about the resource it named (the target above is read for the
  // audit trail only).
  admission.status = CheckRole(*admission.principal, *admission.policy);
  if (admission.status.ok()) {
    admission.status =
        target.ok()
            ? Authorize(*admission.principal, *admission.policy, &*target)
            : target.status();
  }
  if (!target.ok()) return admission;
  if (target->clinic == admission.principal->clinic()) {
    if (target->patient.has_value()) {
      admission.patient = target->patient->ToString();
    }
  } else if (!admission.status.ok()) {
    // Another clinic's trail is written only if that clinic exists: a name
    // is no trail, and the answer above is the same either way.
    absl::StatusOr<v1::Clinic> clinic = store_.GetClinic(target->clinic);
    if (clinic.ok()) {
      admission.other_clinic_target = *std::move(target);
    } else if (!absl::IsNotFound(clinic.status())) {
      Log(LogSeverity::kWarning,
          absl::StrCat("audit trail: cannot tell whether ",
                       target->clinic.ToString(), " exists, so ",
                       admission.policy->method, " by ",
                       admission.principal->token.ToString(),
                       " is not recorded in its trail: ",
                       clinic.status().ToString()));
    }
  }
  return admission;
}

void Gate::Audit(const Ticket& ticket, const Admission& admission,
                 grpc::StatusCode outcome) {
  if (!admission.principal.has_value() || admission.policy == nullptr ||
      admission.policy->scope == Scope::kNone) {
    return;
  }
  const Principal& principal = *admission.principal;
  AuditRecord record{.clinic = principal.clinic()};
  v1::AuditEvent& event = record.event;
  *event.mutable_time() =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ticket.arrival_));
  event.set_principal(principal.token.ToString());
  event.set_role(principal.role);
  event.set_method(std::string(admission.policy->method));
  event.set_resource(admission.resource);
  event.set_outcome(
      absl::StatusCodeToString(static_cast<absl::StatusCode>(outcome)));
  event.set_peer(TruncateUtf8(ticket.peer_));
  if (admission.other_clinic_target.has_value()) {
    const Target& target = *admission.other_clinic_target;
    AuditRecord attempt{.clinic = target.clinic, .event = event};
    if (target.patient.has_value()) {
      attempt.event.set_patient(target.patient->ToString());
    }
    audit_.Record(std::move(attempt));
  }
  event.set_subject(principal.subject);
  event.set_patient(admission.patient);
  audit_.Record(std::move(record));
}

}  // namespace glutecare
