// glutecare's server on a disk whose syncs start failing, as a process of
// its own, for the test that kills it after a failed sync
// (resource_fault_test.cc):
//
//   glutecare_faulty_disk_server DB MARKER
//
// Serves DB on a free loopback port through a FaultInjectingVfs, prints
// "listening on PORT", and fails every sync from the first write whose bytes
// contain MARKER (a request_id) on (FaultInjectingVfs::FailSyncsFrom). Runs
// until SIGTERM, or a SIGKILL, which is the point.
#include <signal.h>

#include <cstdio>
#include <memory>

#include "absl/status/statusor.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/fault_injecting_vfs.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: glutecare_faulty_disk_server DB MARKER\n");
    return 2;
  }
  // Taken with sigwait below; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  glutecare::testing::FaultInjectingVfs disk("glutecare-faulty-disk");
  absl::StatusOr<std::unique_ptr<glutecare::Store>> store =
      glutecare::OpenSqliteStore(
          {.path = argv[1], .read_connections = 2, .vfs = disk.name()});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<glutecare::GlutecareServer>> server =
      glutecare::GlutecareServer::Start(
          {.listen_address = "127.0.0.1:0",
           .worker_threads = 2,
           .alert_sweep_interval = absl::ZeroDuration()},
          *std::move(store));
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  disk.FailSyncsFrom(argv[2]);
  std::printf("listening on %d\n", (*server)->port());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*server)->Shutdown(absl::ZeroDuration());
  return 0;
}
