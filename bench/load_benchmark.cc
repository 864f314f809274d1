#include "bench/load_benchmark.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/alert_lag.h"
#include "bench/server_process.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/common/status.h"

namespace glutecare::bench {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kDatabaseFile[] = "bench.db";
constexpr char kManifestFile[] = "dataset.txt";
constexpr absl::Duration kServerStopGrace = absl::Seconds(20);

// The share of reports in the mixed phase, in tenths.
constexpr int kMixedReportWeight = 1;
constexpr int kMixedSubmitWeight = 9;

// The calls of the phases, spread over `channels`. Thread-safe.
class Workload final {
 public:
  Workload(const Dataset& dataset,
           const std::vector<std::shared_ptr<grpc::Channel>>& channels)
      : dataset_(dataset) {
    for (const auto& channel : channels) {
      health_.push_back(grpc::health::v1::Health::NewStub(channel));
      sessions_.push_back(v1::SessionService::NewStub(channel));
      reports_.push_back(v1::ReportService::NewStub(channel));
    }
    // Request ids are unique per patient; a fresh prefix per run keeps a
    // rerun on the same dataset from replaying (not storing) its sessions.
    absl::BitGen random;
    run_id_ = absl::StrFormat("%016x", absl::Uniform<uint64_t>(random));
  }

  // (a) The baseline: a call without a token that does nothing.
  CallKind Health() {
    return {.name = "health",
            .start = [this](grpc::ClientContext* context, absl::BitGen& random,
                            CallDone done) {
              auto call = std::make_shared<
                  std::pair<grpc::health::v1::HealthCheckRequest,
                            grpc::health::v1::HealthCheckResponse>>();
              Pick(health_, random)
                  ->async()
                  ->Check(context, &call->first, &call->second,
                          [call, done = std::move(done)](grpc::Status status) {
                            done(status);
                          });
            }};
  }

  // (b) One realistic session of a random patient, with the patient's own
  // token.
  CallKind Submit(int weight = 1) {
    return {
        .name = "submit",
        .weight = weight,
        .start = [this](grpc::ClientContext* context, absl::BitGen& random,
                        CallDone done) {
          auto call = std::make_shared<
              std::pair<v1::CreateSessionRequest, v1::Session>>();
          const BenchPatient& patient = Pick(dataset_.patients, random);
          FillSubmission(patient, absl::StrCat(run_id_, "-", next_request_++),
                         random, call->first);
          context->AddMetadata("authorization",
                               absl::StrCat("Bearer ", patient.token));
          Pick(sessions_, random)
              ->async()
              ->CreateSession(
                  context, &call->first, &call->second,
                  [this, call, done = std::move(done)](grpc::Status status) {
                    if (status.ok()) ++submitted_;
                    done(status);
                  });
        }};
  }

  // (c) The 28-day adherence report of a random patient, by a therapist.
  CallKind Report(int weight = 1) {
    return {
        .name = "report",
        .weight = weight,
        .start = [this](grpc::ClientContext* context, absl::BitGen& random,
                        CallDone done) {
          auto call = std::make_shared<
              std::pair<v1::GetAdherenceReportRequest, v1::AdherenceReport>>();
          call->first.set_patient(Pick(dataset_.patients, random).name);
          context->AddMetadata(
              "authorization",
              absl::StrCat("Bearer ", Pick(dataset_.therapist_tokens, random)));
          Pick(reports_, random)
              ->async()
              ->GetAdherenceReport(context, &call->first, &call->second,
                                   [call, done = std::move(done)](
                                       grpc::Status status) { done(status); });
        }};
  }

  // Sessions stored by Submit() calls so far.
  int64_t submitted() const { return submitted_.load(); }

 private:
  template <typename T>
  static const T& Pick(const std::vector<T>& items, absl::BitGen& random) {
    return items[absl::Uniform<size_t>(random, 0, items.size())];
  }

  const Dataset& dataset_;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health_;
  std::vector<std::unique_ptr<v1::SessionService::Stub>> sessions_;
  std::vector<std::unique_ptr<v1::ReportService::Stub>> reports_;
  std::string run_id_;
  std::atomic<int64_t> next_request_ = 0;
  std::atomic<int64_t> submitted_ = 0;
};

// CPU cores a process used on average over a span of wall time.
class CpuMeter final {
 public:
  explicit CpuMeter(pid_t pid) : pid_(pid) { Reset(); }
  void Reset() {
    wall_ = absl::Now();
    cpu_ = ReadProcessCpuSeconds(pid_).value_or(0);
  }
  double Cores() const {
    const double wall = absl::ToDoubleSeconds(absl::Now() - wall_);
    return (ReadProcessCpuSeconds(pid_).value_or(0) - cpu_) / wall;
  }

 private:
  pid_t pid_;
  absl::Time wall_;
  double cpu_ = 0;
};

struct PhaseRow {
  PhaseResult result;
  double client_cores = 0;
  double server_cores = -1;  // unknown without a server pid
};

void PrintHeader() {
  std::printf("%-14s %9s %9s %8s %8s %8s %10s %10s %7s %7s\n", "phase", "calls",
              "QPS", "p50 ms", "p99 ms", "p99.9 ms", "QPS/health", "p50/health",
              "client", "server");
}

void PrintRow(const std::string& name, const std::vector<double>& ms,
              double qps, const PhaseRow& row, const PhaseRow& health) {
  const double health_p50 = Percentile(health.result.kinds[0].ms, 50);
  std::printf("%-14s %9zu %9.0f %8.3f %8.3f %8.3f %10.2f %10.2f", name.c_str(),
              ms.size(), qps, Percentile(ms, 50), Percentile(ms, 99),
              Percentile(ms, 99.9), qps / health.result.qps(),
              Percentile(ms, 50) / health_p50);
  if (row.server_cores >= 0) {
    std::printf(" %7.2f %7.2f\n", row.client_cores, row.server_cores);
  } else {
    std::printf(" %7.2f %7s\n", row.client_cores, "-");
  }
  std::fflush(stdout);
}

double BytesPerSession(const DatabaseSize& size) {
  return size.sessions > 0 ? static_cast<double>(size.bytes) / size.sessions
                           : 0.0;
}

// The dataset of the run: read from, or loaded into, `dir`.
absl::StatusOr<Dataset> OpenDataset(const std::string& dir,
                                    const DatasetOptions& options,
                                    bool may_load) {
  const std::string manifest = absl::StrCat(dir, "/", kManifestFile);
  absl::StatusOr<Dataset> dataset = ReadManifest(manifest);
  if (dataset.ok() || !absl::IsNotFound(dataset.status()) || !may_load) {
    return dataset;
  }
  return LoadDatasetDir(dir, options);
}

}  // namespace

absl::StatusOr<Dataset> LoadDatasetDir(const std::string& dir,
                                       const DatasetOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  const std::string db = absl::StrCat(dir, "/", kDatabaseFile);
  if (std::filesystem::exists(db)) {
    return absl::AlreadyExistsError(
        absl::StrCat(db, " exists: use it, or remove it first"));
  }
  const absl::Time start = absl::Now();
  GLUTECARE_ASSIGN_OR_RETURN(Dataset dataset, LoadDatabase(db, options));
  GLUTECARE_RETURN_IF_ERROR(
      WriteManifest(dataset, absl::StrCat(dir, "/", kManifestFile)));
  std::printf(
      "glutecare-bench: loaded %d patients x %d days (%lld sessions, %lld "
      "check-ins) into %s in %.1f s\n",
      options.patients, options.days, static_cast<long long>(dataset.sessions),
      static_cast<long long>(dataset.pain_reports), db.c_str(),
      absl::ToDoubleSeconds(absl::Now() - start));
  std::fflush(stdout);
  return dataset;
}

int RunLoadBenchmark(const LoadBenchmarkOptions& options) {
  if (options.spawn_binary.empty() == options.server_address.empty()) {
    std::fprintf(stderr, "give exactly one of --spawn and --server\n");
    return 2;
  }
  if (!options.server_address.empty() && options.dataset_dir.empty()) {
    std::fprintf(stderr,
                 "--server needs --dataset-dir (written by glutecare-bench "
                 "load): the dataset's tokens\n");
    return 2;
  }
  if (options.load.inflight < 1 || options.channels < 1 ||
      options.load.duration <= absl::ZeroDuration() ||
      options.load.warmup < absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "--inflight and --channels must be >= 1, --seconds > 0, "
                 "--warmup >= 0\n");
    return 2;
  }

  // 1. The dataset.
  std::string dir = options.dataset_dir;
  const bool own_dir = dir.empty();
  if (own_dir) {
    absl::StatusOr<std::string> made = MakeTempDir();
    if (!made.ok()) {
      std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
      return 1;
    }
    dir = *made;
  }
  const std::string db = absl::StrCat(dir, "/", kDatabaseFile);
  absl::StatusOr<Dataset> dataset =
      OpenDataset(dir, options.dataset, !options.spawn_binary.empty());
  if (!dataset.ok()) {
    std::fprintf(stderr, "dataset: %s\n", dataset.status().ToString().c_str());
    if (own_dir) std::filesystem::remove_all(dir);
    return 1;
  }
  std::optional<DatabaseSize> db_before;
  if (absl::StatusOr<DatabaseSize> size = MeasureDatabase(db); size.ok()) {
    db_before = *size;
  }

  // 2. The server.
  std::optional<ServerProcess> spawned;
  std::string address = options.server_address;
  pid_t server_pid = options.server_pid;
  if (!options.spawn_binary.empty()) {
    absl::StatusOr<ServerProcess> server = ServerProcess::Start(
        {.binary = options.spawn_binary,
         .db_path = db,
         .max_calls_per_principal = std::max(32, 2 * options.load.inflight)});
    if (!server.ok()) {
      std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
      if (own_dir) std::filesystem::remove_all(dir);
      return 1;
    }
    spawned.emplace(*std::move(server));
    address = spawned->address();
    server_pid = spawned->pid();
  }

  // 3. The phases, on `channels` connections.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < options.channels; ++i) {
    grpc::ChannelArguments args;
    // A distinct argument per channel: a connection of its own.
    args.SetInt("glutecare.bench.channel", i);
    channels.push_back(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args));
  }
  int exit_code = 0;
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(10))) {
      std::fprintf(stderr, "cannot connect to %s\n", address.c_str());
      exit_code = 1;
    }
  }
  std::printf(
      "glutecare-bench: %zu patients (%lld sessions stored), server %s, %d "
      "in flight on %d connections, %.1f s warm-up + %.1f s per phase\n",
      dataset->patients.size(),
      static_cast<long long>(db_before ? db_before->sessions
                                       : dataset->sessions),
      address.c_str(), options.load.inflight, options.channels,
      absl::ToDoubleSeconds(options.load.warmup),
      absl::ToDoubleSeconds(options.load.duration));
  Workload workload(*dataset, channels);
  const std::vector<std::pair<std::string, std::vector<CallKind>>> phases = {
      {"health", {workload.Health()}},
      {"submit", {workload.Submit()}},
      {"report", {workload.Report()}},
      {"mixed",
       {workload.Submit(kMixedSubmitWeight),
        workload.Report(kMixedReportWeight)}},
  };
  std::vector<PhaseRow> rows;
  if (exit_code == 0) PrintHeader();
  for (const auto& [name, kinds] : phases) {
    if (exit_code != 0) break;
    CpuMeter client(getpid());
    std::optional<CpuMeter> server;
    if (server_pid > 0) server.emplace(server_pid);
    PhaseRow row{.result = RunPhase(name, kinds, options.load)};
    row.client_cores = client.Cores();
    if (server) row.server_cores = server->Cores();
    rows.push_back(std::move(row));
    const PhaseRow& done = rows.back();
    PrintRow(name, done.result.AllMs(), done.result.qps(), done, rows[0]);
    if (done.result.kinds.size() > 1) {
      for (const KindResult& kind : done.result.kinds) {
        PrintRow(absl::StrCat("  ", kind.name), kind.ms, kind.qps, done,
                 rows[0]);
      }
    }
  }

  // The alert lag, at the rate the submit phase reached.
  std::optional<AlertLag> lag;
  if (exit_code == 0 && rows.size() == phases.size()) {
    absl::StatusOr<AlertLag> measured =
        MeasureAlertLag(channels[0], *dataset,
                        {.rate = std::max(1.0, rows[1].result.kinds[0].qps)});
    if (!measured.ok()) {
      std::fprintf(stderr, "alert lag: %s\n",
                   measured.status().ToString().c_str());
      exit_code = 1;
    } else {
      lag = *std::move(measured);
      std::printf(
          "alert lag: %lld high-pain sessions at %.0f/s, OK to alert on "
          "WatchAlerts p50 %.1f ms, p99 %.1f ms, max %.1f ms; %lld alerts "
          "missing, %lld submissions failed\n",
          static_cast<long long>(lag->result.succeeded), lag->result.qps,
          lag->result.Percentile(50), lag->result.Percentile(99),
          lag->result.Percentile(100), static_cast<long long>(lag->missing),
          static_cast<long long>(lag->result.failed));
      if (lag->result.failed > 0) {
        std::fprintf(stderr, "alert lag: first failure: %s\n",
                     lag->result.first_error.c_str());
      }
      std::fflush(stdout);
    }
  }

  // 4. What the server holds and uses after the load.
  std::optional<ProcessMemory> memory;
  if (server_pid > 0) {
    if (absl::StatusOr<ProcessMemory> m = ReadProcessMemory(server_pid);
        m.ok()) {
      memory = *m;
    }
  }
  std::optional<DatabaseSize> db_after;
  if (absl::StatusOr<DatabaseSize> size = MeasureDatabase(db); size.ok()) {
    db_after = *size;
  }
  // Stopped, the server checkpoints its WAL into the main file: the size
  // at rest.
  std::optional<DatabaseSize> db_closed;
  if (spawned) {
    absl::StatusOr<int> stopped = spawned->Stop(kServerStopGrace);
    if (!stopped.ok() || *stopped != 0) {
      std::fprintf(stderr, "the server did not stop cleanly: %s\n",
                   stopped.ok() ? absl::StrCat("exit ", *stopped).c_str()
                                : stopped.status().ToString().c_str());
      exit_code = 1;
    }
    if (absl::StatusOr<DatabaseSize> size = MeasureDatabase(db); size.ok()) {
      db_closed = *size;
    }
  }
  if (own_dir) std::filesystem::remove_all(dir);

  // 5. Failures, then the figures.
  int64_t failures = 0;
  for (const PhaseRow& row : rows) {
    for (const KindResult& kind : row.result.kinds) {
      if (kind.failed == 0) continue;
      failures += kind.failed;
      std::fprintf(stderr, "%s/%s: %lld of %lld calls failed, first: %s\n",
                   row.result.name.c_str(), kind.name.c_str(),
                   static_cast<long long>(kind.failed),
                   static_cast<long long>(kind.failed + kind.succeeded),
                   kind.first_error.c_str());
    }
  }
  if (rows.size() != phases.size()) return 1;
  const KindResult& health = rows[0].result.kinds[0];
  const KindResult& submit = rows[1].result.kinds[0];
  const KindResult& report = rows[2].result.kinds[0];
  const PhaseResult& mixed = rows[3].result;
  std::string line = absl::StrFormat(
      "BENCH health_qps=%.0f submit_qps=%.0f submit_ratio=%.2f "
      "submit_p99_ms=%.3f report_p50_ms=%.3f mixed_qps=%.0f inflight=%d "
      "seconds=%.1f patients=%zu health_p50_ms=%.3f submit_p50_ms=%.3f "
      "submit_p999_ms=%.3f report_qps=%.0f report_p99_ms=%.3f "
      "mixed_ratio=%.2f mixed_submit_p99_ms=%.3f mixed_report_p50_ms=%.3f "
      "sessions_submitted=%lld failures=%lld",
      health.qps, submit.qps, submit.qps / health.qps, submit.Percentile(99),
      report.Percentile(50), mixed.qps(), options.load.inflight,
      absl::ToDoubleSeconds(options.load.duration), dataset->patients.size(),
      health.Percentile(50), submit.Percentile(50), submit.Percentile(99.9),
      report.qps, report.Percentile(99), mixed.qps() / health.qps,
      mixed.kinds[0].Percentile(99), mixed.kinds[1].Percentile(50),
      static_cast<long long>(workload.submitted()),
      static_cast<long long>(failures));
  if (db_after) {
    absl::StrAppendFormat(
        &line, " sessions_stored=%lld db_mb=%.1f db_bytes_per_session=%.0f",
        static_cast<long long>(db_after->sessions), db_after->bytes / 1e6,
        BytesPerSession(*db_after));
  }
  if (db_closed) {
    absl::StrAppendFormat(&line, " db_closed_bytes_per_session=%.0f",
                          BytesPerSession(*db_closed));
  }
  if (lag) {
    absl::StrAppendFormat(&line,
                          " alert_lag_p50_ms=%.1f alert_lag_p99_ms=%.1f "
                          "alert_lag_rate=%.0f alerts_missing=%lld",
                          lag->result.Percentile(50),
                          lag->result.Percentile(99), lag->result.qps,
                          static_cast<long long>(lag->missing));
    failures += lag->result.failed + lag->missing;
  }
  if (memory) {
    absl::StrAppendFormat(&line, " rss_mb=%.1f rss_peak_mb=%.1f",
                          memory->rss_mb, memory->peak_rss_mb);
  }
  if (db_after) {
    std::printf(
        "database after the load: %lld sessions stored, %.1f MB with its WAL, "
        "%.0f bytes per session",
        static_cast<long long>(db_after->sessions), db_after->bytes / 1e6,
        BytesPerSession(*db_after));
    if (db_closed) {
      std::printf("; %.1f MB, %.0f bytes per session once the server stopped",
                  db_closed->bytes / 1e6, BytesPerSession(*db_closed));
    }
    std::printf("\n");
  }
  if (memory) {
    std::printf(
        "server memory after the load: VmRSS %.1f MiB, VmHWM (peak) "
        "%.1f MiB\n",
        memory->rss_mb, memory->peak_rss_mb);
  }
  std::printf("%s\n", line.c_str());
  if (failures > 0) {
    std::fprintf(stderr, "glutecare-bench: %lld calls failed\n",
                 static_cast<long long>(failures));
    return 1;
  }
  return exit_code;
}

}  // namespace glutecare::bench
