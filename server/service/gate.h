// The gate every call passes before its handler runs: authentication
// (bearer token), authorization (the policy table of
// domain/access_policy.h), the per-principal limit on calls in flight, and
// the audit trail. CallRunner (call.h) drives it for unary calls; the
// WatchAlerts stream drives it itself.
//
//   absl::StatusOr<Gate::Ticket> ticket = gate.Arrive(*context);  // gRPC
//   thread
//   ...on the executor:
//   Gate::Admission admission = gate.Admit(*ticket, *request);
//   absl::Status status = admission.status.ok() ? handler() : admission.status;
//   gate.Audit(*ticket, admission, code_of(status));
#ifndef GLUTECARE_SERVER_SERVICE_GATE_H_
#define GLUTECARE_SERVER_SERVICE_GATE_H_

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/app/audit_log.h"
#include "server/domain/access_policy.h"
#include "server/storage/store.h"

namespace glutecare {

// Thread-safe.
class Gate final {
 public:
  struct Options {
    // Calls one principal (one token) may have in flight, queued or running,
    // streams included; the next answers RESOURCE_EXHAUSTED. A therapist's
    // CLI needs a handful; a clinic system's bulk job should pace itself.
    int max_calls_per_principal = 32;
  };

  // Counts one call that Arrive let in as in flight until destroyed (see
  // AwaitNoCallsInFlight). It starts in the call's Ticket; a stream's ends
  // with its ticket, once gRPC is done with the stream, and a unary call's
  // reactor takes it (Ticket::TakeCallInFlight) and holds it until gRPC is
  // done with the call, its status sent. Move-only.
  class CallInFlight {
   public:
    CallInFlight(CallInFlight&& other) noexcept;
    CallInFlight& operator=(CallInFlight&&) = delete;
    CallInFlight(const CallInFlight&) = delete;
    ~CallInFlight();

   private:
    friend class Gate;
    explicit CallInFlight(Gate* gate) : gate_(gate) {}
    Gate* gate_;
  };

  // What a call presented when it arrived. Holds one in-flight slot of its
  // token, and the call's CallInFlight unless taken, until destroyed.
  // Move-only.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket();

    // Moves the call's CallInFlight out, for a reactor that outlives the
    // ticket. REQUIRES: not taken before.
    CallInFlight TakeCallInFlight() { return std::move(call_); }

   private:
    friend class Gate;
    Ticket(Gate* gate, std::string secret_sha256, std::string peer);
    Gate* gate_;
    std::string secret_sha256_;
    std::string peer_;
    absl::Time arrival_;
    CallInFlight call_;
  };

  // The gate's verdict on one call.
  struct Admission {
    // Set once the token is authenticated.
    std::optional<Principal> principal;
    const MethodPolicy* policy = nullptr;
    // What the call is about, for the audit trail: the target as the request
    // named it, and its patient's name when it has one in the caller's
    // clinic.
    std::string resource;
    std::string patient;
    // Set when the call was refused and named a resource of another clinic
    // that exists: that clinic's trail records the attempt too (see Audit).
    std::optional<Target> other_clinic_target;
    // OK when the handler may run; else the status to answer with.
    absl::Status status;
  };

  Gate(Store& store, AuditLog& audit, const Options& options);
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  // OK when every method of `services` has an entry in MethodPolicies()
  // whose target field is a string field of its request type, and no request
  // type serves two methods (Admit finds a call's method by its request
  // type). GlutecareServer refuses to start otherwise.
  static absl::Status CheckPolicyCovers(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // On the gRPC thread, before the call is queued: reads the bearer token
  // and takes an in-flight slot for it. UNAUTHENTICATED without a
  // well-formed token, RESOURCE_EXHAUSTED when its principal already has
  // max_calls_per_principal calls in flight.
  absl::StatusOr<Ticket> Arrive(const grpc::CallbackServerContext& context);

  // From now on every arriving call is answered UNAVAILABLE ("the server is
  // shutting down"), so that clients retry elsewhere or later while the calls
  // already admitted finish. Idempotent.
  void BeginDraining();

  // Waits until no call is in flight (see CallInFlight) and none has
  // arrived or ended for `quiet`, or until `deadline`. True when so. Calls
  // refused by Arrive count as arriving: a client that has just had its
  // reply may send its next call within a round trip.
  bool AwaitNoCallsInFlight(absl::Duration quiet, absl::Time deadline);

  // Authenticates the ticket's token (UNAUTHENTICATED if unknown, expired or
  // revoked) and authorizes `request`, whose type identifies the method.
  // Reads the store: call it on the executor.
  Admission Admit(const Ticket& ticket,
                  const google::protobuf::Message& request);

  // Appends the call to its clinic's audit trail: every authenticated call
  // about a clinic's data, allowed or not, with how it ended. A refused call
  // that named another clinic's resource goes to that clinic's trail as
  // well, so that its admins see the attempt: the caller's token name (its
  // clinic and id, never the secret), role, the method, the resource and
  // patient as the call named them, the outcome and the peer; not the
  // caller's subject, and nothing read from the named clinic's records.
  void Audit(const Ticket& ticket, const Admission& admission,
             grpc::StatusCode outcome);

 private:
  struct Route {
    const MethodPolicy* policy;
    // The target field, outermost first (`patient`, `name`).
    std::vector<const google::protobuf::FieldDescriptor*> target_path;
  };

  void Release(const std::string& secret_sha256);
  void EndCall();
  absl::StatusOr<Principal> Authenticate(const Ticket& ticket);

  Store& store_;
  AuditLog& audit_;
  const Options options_;
  // Request type -> method, built from MethodPolicies().
  absl::flat_hash_map<const google::protobuf::Descriptor*, Route> routes_;

  absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  // Calls in flight by token hash; absent means none.
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
  // Calls in flight in all, by CallInFlight.
  int calls_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  // When a call last arrived (refused or not) or ended.
  absl::Time last_call_activity_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_GATE_H_
