#include "bench/reads.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace glutecare::bench {
namespace {

struct Timing {
  std::string name;
  std::vector<double> ms;  // one per call

  double Percentile(double p) const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const size_t index = std::min(
        sorted.size() - 1, static_cast<size_t>(p / 100.0 * sorted.size()));
    return sorted[index];
  }
};

// Runs `call` `n` times, one after the other, and records each duration. A
// failed call aborts the benchmark: figures of failed calls mean nothing.
absl::StatusOr<Timing> Time(const std::string& name, int n,
                            const std::function<grpc::Status()>& call) {
  Timing timing{name, {}};
  timing.ms.reserve(n);
  for (int i = 0; i < n; ++i) {
    const auto start = std::chrono::steady_clock::now();
    grpc::Status status = call();
    const auto end = std::chrono::steady_clock::now();
    if (!status.ok()) {
      return absl::InternalError(
          absl::StrCat(name, " failed: ", status.error_message()));
    }
    timing.ms.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  return timing;
}

// Set once the dataset is loaded: every call is the bench therapist's.
std::string bearer_token;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(60));
  if (!bearer_token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", bearer_token));
  }
  return context;
}

}  // namespace

int RunReads(const ReadsOptions& options) {
  const int patients = options.dataset.patients;
  const int days = options.dataset.days;
  const int iterations = options.iterations;
  if (patients < 1 || days < 1 || iterations < 1) {
    std::fprintf(stderr, "--patients, --days and --iterations must be >= 1\n");
    return 2;
  }
  std::string workdir = options.workdir;
  const bool own_workdir = workdir.empty();
  if (own_workdir) {
    absl::StatusOr<std::string> made = MakeTempDir();
    if (!made.ok()) {
      std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
      return 1;
    }
    workdir = *made;
  }
  const std::string db = workdir + "/bench.db";
  std::filesystem::remove(db);

  // 1. The dataset, bulk-loaded without syncing each commit.
  const absl::Time load_start = absl::Now();
  absl::StatusOr<Dataset> dataset = LoadDatabase(db, options.dataset);
  if (!dataset.ok()) {
    std::fprintf(stderr, "loading: %s\n", dataset.status().ToString().c_str());
    return 1;
  }
  const double load_s = absl::ToDoubleSeconds(absl::Now() - load_start);
  bearer_token = dataset->therapist_tokens[0];

  // 2. A server on it, and every patient's status.
  absl::StatusOr<std::unique_ptr<GlutecareServer>> server =
      GlutecareServer::Start(
          {.listen_address = "127.0.0.1:0",
           .alert_sweep_interval = absl::ZeroDuration()},
          [&] {
            return OpenSqliteStore({.path = db, .read_connections = 16});
          });
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  const absl::Time sweep_start = absl::Now();
  if (absl::Status swept = (*server)->SweepAlerts(); !swept.ok()) {
    std::fprintf(stderr, "sweep: %s\n", swept.ToString().c_str());
    return 1;
  }
  const double sweep_s = absl::ToDoubleSeconds(absl::Now() - sweep_start);

  // 3. The timed calls.
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  auto reports = v1::ReportService::NewStub(channel);
  auto dashboard = v1::DashboardService::NewStub(channel);
  absl::BitGen random(std::seed_seq{7});
  auto random_patient = [&] {
    return dataset
        ->patients[absl::Uniform<size_t>(random, 0, dataset->patients.size())]
        .name;
  };

  // A call of the report `method` for a random patient.
  auto report_call = [&]<typename Request, typename Report>(
                         grpc::Status (v1::ReportService::Stub::*method)(
                             grpc::ClientContext*, const Request&, Report*)) {
    return [&, method] {
      Request request;
      request.set_patient(random_patient());
      Report response;
      return ((*reports).*method)(Context().get(), request, &response);
    };
  };

  std::vector<Timing> timings;
  auto add = [&](absl::StatusOr<Timing> timing) {
    if (!timing.ok()) {
      std::fprintf(stderr, "%s\n", timing.status().ToString().c_str());
      return false;
    }
    timings.push_back(*std::move(timing));
    return true;
  };
  const bool ok =
      add(Time("health.Check", iterations,
               [&] {
                 grpc::health::v1::HealthCheckRequest request;
                 grpc::health::v1::HealthCheckResponse response;
                 return health->Check(Context().get(), request, &response);
               })) &&
      add(Time("GetAdherenceReport", iterations,
               report_call(&v1::ReportService::Stub::GetAdherenceReport))) &&
      add(Time("GetPainTrendReport", iterations,
               report_call(&v1::ReportService::Stub::GetPainTrendReport))) &&
      add(Time("ListPatientStatuses", std::max(1, iterations / 10), [&] {
        v1::ListPatientStatusesRequest request;
        request.set_parent(dataset->clinic);
        request.set_page_size(std::min(patients, 1000));
        v1::ListPatientStatusesResponse response;
        grpc::Status status =
            dashboard->ListPatientStatuses(Context().get(), request, &response);
        if (status.ok() &&
            response.statuses_size() != std::min(patients, 1000)) {
          return grpc::Status(grpc::StatusCode::INTERNAL,
                              "the dashboard lacks patients");
        }
        return status;
      }));
  (*server)->Shutdown(absl::Seconds(5));
  if (own_workdir) std::filesystem::remove_all(workdir);
  if (!ok) return 1;

  std::printf(
      "glutecare-bench: %d patients x %d days (%lld sessions, %lld "
      "check-ins) loaded in %.1f s; statuses computed in %.2f s\n",
      patients, days, static_cast<long long>(dataset->sessions),
      static_cast<long long>(dataset->pain_reports), load_s, sweep_s);
  std::printf("%-22s %6s %9s %9s %9s\n", "call", "n", "p50 ms", "p99 ms",
              "p50/health");
  const double base = timings[0].Percentile(50);
  for (const Timing& t : timings) {
    std::printf("%-22s %6zu %9.3f %9.3f %9.1f\n", t.name.c_str(), t.ms.size(),
                t.Percentile(50), t.Percentile(99), t.Percentile(50) / base);
  }
  std::printf(
      "BENCH patients=%d days=%d health_p50_ms=%.3f report_p50_ms=%.3f "
      "report_p99_ms=%.3f report_ratio=%.1f pain_report_p50_ms=%.3f "
      "dashboard_p50_ms=%.3f dashboard_ratio=%.1f status_sweep_s=%.2f\n",
      patients, days, base, timings[1].Percentile(50),
      timings[1].Percentile(99), timings[1].Percentile(50) / base,
      timings[2].Percentile(50), timings[3].Percentile(50),
      timings[3].Percentile(50) / base, sweep_s);
  return 0;
}

}  // namespace glutecare::bench
