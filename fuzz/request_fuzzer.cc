// libFuzzer target: arbitrary bytes as a request of any unary glutecare.v1
// method, through the real path a client's bytes take: gRPC's parsing, the
// gate (token, policy), validation and the handlers, against a real
// GlutecareServer on a temporary database with a seeded clinic.
//
// Input: byte 0 picks the method, byte 1 the caller (admin, therapist,
// patient, integration, or no token at all), the rest is the request as
// sent on the wire. A crash, a sanitizer report or a call that hangs past
// its deadline is a finding; any status is fine.
//
//   build-asan/fuzz/glutecare_request_fuzzer -max_total_time=60
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "server/app/access_tokens.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/builders.h"
#include "tests/testing/generic_call.h"

namespace glutecare {
namespace {

struct Harness {
  std::unique_ptr<GlutecareServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  // Full method paths of every unary method served.
  std::vector<std::string> methods;
  // Bearer secrets; the last entry is empty (no token).
  std::vector<std::string> tokens;
};

void Die(const absl::Status& status) {
  std::fprintf(stderr, "fuzzer set-up failed: %s\n", status.ToString().c_str());
  std::abort();
}

// A clinic `demo` with therapist t1, patient p1 and program g1, and a token
// of every role, written to `db` before the server opens it.
std::vector<std::string> Seed(const std::string& db) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore({.path = db});
  if (!store.ok()) Die(store.status());
  const absl::Time now = absl::Now();
  absl::StatusOr<BootstrapResult> clinic = BootstrapClinic(
      **store, {.clinic_id = "demo", .display_name = "Demo"}, now);
  if (!clinic.ok()) Die(clinic.status());
  const v1::Therapist therapist = testing::Therapist("demo", "t1");
  if (auto s = (*store)->CreateTherapist(therapist); !s.ok()) Die(s.status());
  const v1::Patient patient = testing::Patient("demo", "p1", "MRN-1");
  if (auto s = (*store)->CreatePatient(patient); !s.ok()) Die(s.status());
  v1::Program program = testing::Program("2026-11-01");
  program.set_name("clinics/demo/patients/p1/programs/g1");
  program.set_therapist(therapist.name());
  if (auto s = (*store)->CreateProgram(program); !s.ok()) Die(s.status());

  std::vector<std::string> tokens = {clinic->admin.secret};
  for (auto [role, subject] : std::vector<std::pair<v1::Role, std::string>>{
           {v1::ROLE_THERAPIST, therapist.name()},
           {v1::ROLE_PATIENT, patient.name()},
           {v1::ROLE_INTEGRATION, ""}}) {
    v1::AccessToken token;
    token.set_role(role);
    token.set_subject(subject);
    token.set_display_name("Fuzzer");
    absl::StatusOr<MintedToken> minted =
        MintAccessToken(**store, {"demo"}, token, "fuzzer", now);
    if (!minted.ok()) Die(minted.status());
    tokens.push_back(minted->secret);
  }
  tokens.push_back("");
  return tokens;
}

Harness& GetHarness() {
  static Harness* harness = [] {
    auto* h = new Harness();
    std::string dir = "/tmp/glutecare-fuzz-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) std::abort();
    const std::string db = dir + "/glutecare.db";
    h->tokens = Seed(db);
    absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
        GlutecareServer::Start(
            {.listen_address = "127.0.0.1:0",
             .worker_threads = 4,
             .max_calls_per_principal = 1000,
             .alert_sweep_interval = absl::ZeroDuration()},
            [&] {
              return OpenSqliteStore({.path = db, .read_connections = 4});
            });
    if (!server.ok()) Die(server.status());
    h->server = *std::move(server);
    h->channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", h->server->port()),
                            grpc::InsecureChannelCredentials());
    h->stub = std::make_unique<grpc::GenericStub>(h->channel);
    for (const std::string& name : h->server->service_names()) {
      const auto* service =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              name);
      for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
        const auto* method = service->method(i);
        if (method->client_streaming() || method->server_streaming()) continue;
        h->methods.push_back(
            absl::StrCat("/", service->full_name(), "/", method->name()));
      }
    }
    return h;
  }();
  return *harness;
}

}  // namespace
}  // namespace glutecare

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using glutecare::GetHarness;
  if (size < 2) return 0;
  glutecare::Harness& h = GetHarness();
  const std::string& method = h.methods[data[0] % h.methods.size()];
  const std::string& token = h.tokens[data[1] % h.tokens.size()];

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  if (!token.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  grpc::Slice slice(data + 2, size - 2);
  const grpc::Status status = glutecare::testing::CallUnaryGeneric(
      *h.stub, context, method, grpc::ByteBuffer(&slice, 1));
  // A call that ran past its deadline means a handler hung.
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) std::abort();
  return 0;
}
