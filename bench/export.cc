#include "bench/export.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/server_process.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "server/app/access_tokens.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace glutecare::bench {
namespace {

// A fresh integration token of the dataset's clinic (a whole clinic's export
// is the integration role's), made by a fresh admin token.
absl::StatusOr<std::string> IntegrationToken(const std::string& db) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenSqliteStore({.path = db, .read_connections = 1});
  if (!store.ok()) return store.status();
  absl::StatusOr<BootstrapResult> admin = BootstrapClinic(
      **store, {.clinic_id = "bench", .display_name = "Bench clinic"},
      absl::Now());
  if (!admin.ok()) return admin.status();
  v1::AccessToken integration;
  integration.set_role(v1::ROLE_INTEGRATION);
  integration.set_display_name("Bench export");
  absl::StatusOr<MintedToken> minted =
      MintAccessToken(**store, ClinicName{"bench"}, integration,
                      admin->admin.token.name(), absl::Now());
  if (!minted.ok()) return minted.status();
  return minted->secret;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "glutecare-bench export: %s\n",
               status.ToString().c_str());
  return 1;
}

}  // namespace

int RunExportBenchmark(const ExportBenchmarkOptions& options) {
  if (options.spawn_binary.empty()) {
    std::fprintf(stderr, "glutecare-bench export needs --spawn SERVER_BINARY\n");
    return 2;
  }
  absl::StatusOr<std::string> dir = MakeTempDir();
  if (!dir.ok()) return Fail(dir.status());
  const std::string db = *dir + "/bench.db";
  const absl::Time load_start = absl::Now();
  absl::StatusOr<Dataset> dataset = LoadDatabase(db, options.dataset);
  absl::StatusOr<std::string> token =
      dataset.ok() ? IntegrationToken(db) : dataset.status();
  if (!token.ok()) {
    std::filesystem::remove_all(*dir);
    return Fail(token.status());
  }
  std::printf("dataset: %d patients, %lld sessions, %lld pain reports "
              "(loaded in %.1f s)\n",
              options.dataset.patients,
              static_cast<long long>(dataset->sessions),
              static_cast<long long>(dataset->pain_reports),
              absl::ToDoubleSeconds(absl::Now() - load_start));

  absl::StatusOr<ServerProcess> server =
      ServerProcess::Start({.binary = options.spawn_binary, .db_path = db});
  if (!server.ok()) {
    std::filesystem::remove_all(*dir);
    return Fail(server.status());
  }
  const absl::StatusOr<ProcessMemory> before = ReadProcessMemory(server->pid());

  auto channel = grpc::CreateChannel(server->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::FhirExportService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  v1::ExportClinicResourcesRequest request;
  request.set_parent(dataset->clinic);
  const absl::Time start = absl::Now();
  auto reader = stub->ExportClinicResources(&context, request);
  v1::FhirNdjsonChunk chunk;
  std::map<std::string, int64_t> lines;
  int64_t chunks = 0;
  int64_t bytes = 0;
  size_t largest_chunk = 0;
  double max_rss_mb = before.ok() ? before->rss_mb : 0;
  while (reader->Read(&chunk)) {
    ++chunks;
    bytes += static_cast<int64_t>(chunk.ndjson().size());
    largest_chunk = std::max(largest_chunk, chunk.ndjson().size());
    if (!chunk.ndjson().empty()) {  // else a keep-alive
      lines[chunk.resource_type()] +=
          std::count(chunk.ndjson().begin(), chunk.ndjson().end(), '\n');
    }
    if (chunks % 16 == 0) {
      if (absl::StatusOr<ProcessMemory> now = ReadProcessMemory(server->pid());
          now.ok()) {
        max_rss_mb = std::max(max_rss_mb, now->rss_mb);
      }
    }
  }
  const grpc::Status status = reader->Finish();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const absl::StatusOr<ProcessMemory> after = ReadProcessMemory(server->pid());
  server->Stop(absl::Seconds(15)).IgnoreError();
  std::filesystem::remove_all(*dir);
  if (!status.ok()) {
    return Fail(absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                             status.error_message()));
  }

  int64_t resources = 0;
  for (const auto& [type, count] : lines) {
    std::printf("  %-13s %10lld\n", type.c_str(), static_cast<long long>(count));
    resources += count;
  }
  std::printf("export: %lld resources, %.1f MiB of NDJSON in %lld chunks "
              "(largest %.2f MiB) in %.1f s (%.0f resources/s)\n",
              static_cast<long long>(resources), bytes / 1048576.0,
              static_cast<long long>(chunks), largest_chunk / 1048576.0,
              seconds, resources / std::max(seconds, 1e-9));
  if (before.ok() && after.ok()) {
    std::printf("server memory: VmRSS %.1f MiB before, at most %.1f MiB "
                "during (sampled), %.1f MiB after; VmHWM (peak since start) "
                "%.1f MiB before, %.1f MiB after\n",
                before->rss_mb, max_rss_mb, after->rss_mb,
                before->peak_rss_mb, after->peak_rss_mb);
  }
  std::printf(
      "%s\n",
      absl::StrFormat(
          "BENCH export patients=%d days=%d resources=%d bytes=%d chunks=%d "
          "seconds=%.2f rss_before_mb=%.1f rss_peak_mb=%.1f",
          options.dataset.patients, options.dataset.days, resources, bytes,
          chunks, seconds, before.ok() ? before->rss_mb : 0.0,
          after.ok() ? after->peak_rss_mb : 0.0)
          .c_str());
  return 0;
}

}  // namespace glutecare::bench
