// Realistic benchmark data, bulk-loaded through the Store: one clinic, one
// therapist per 50 patients, and for each patient a three-exercise program
// and `days` days of history (sessions on four days a week at a per-patient
// adherence of 30-100%, about 2.3 a week on average, and a pain check-in
// every other day), plus the access tokens the load needs: one per patient
// and one per therapist.
//
//   GLUTECARE_ASSIGN_OR_RETURN(Dataset dataset,
//       LoadDataset(*store, {.patients = 100, .days = 28}, absl::Now()));
//   GLUTECARE_RETURN_IF_ERROR(WriteManifest(dataset, "dir/dataset.txt"));
//   ... later, in another process ...
//   GLUTECARE_ASSIGN_OR_RETURN(Dataset same, ReadManifest("dir/dataset.txt"));
#ifndef GLUTECARE_BENCH_DATASET_H_
#define GLUTECARE_BENCH_DATASET_H_

#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "glutecare/v1/session_service.pb.h"
#include "server/storage/store.h"

namespace glutecare::bench {

struct DatasetOptions {
  int patients = 1000;
  // Days of history before today; 0 makes patients without any.
  int days = 365;
  // Fixed, so that runs are comparable.
  uint64_t seed = 42;
};

// A patient of the dataset and what a submission on their behalf needs.
struct BenchPatient {
  std::string name;              // clinics/bench/patients/p{i}
  std::string program_revision;  // {name}/programs/main@1
  std::string token;             // bearer secret of the patient's own token
};

struct Dataset {
  std::string clinic;  // clinics/bench
  std::vector<BenchPatient> patients;
  // Bearer secrets, one per therapist (t0, t1, ...). Every therapist may
  // read every patient of the clinic; spreading calls over them keeps each
  // token under the server's per-token limit of calls in flight.
  std::vector<std::string> therapist_tokens;
  // Stored by the load (a benchmark run adds more).
  int64_t sessions = 0;
  int64_t pain_reports = 0;
};

// A realistic session of `patient` done now, as its patient submits it: the
// program's three exercises, 8-12 reps of the prescribed 12, pain 2-6 before
// and within a point or two after; `request_id` as given.
void FillSubmission(const BenchPatient& patient, const std::string& request_id,
                    absl::BitGen& random, v1::CreateSessionRequest& request);

// Loads the dataset into `store`, with history ending on the day before
// `now` (UTC), and mints its tokens (valid for 90 days from `now`).
// REQUIRES: an empty store.
absl::StatusOr<Dataset> LoadDataset(Store& store, const DatasetOptions& options,
                                    absl::Time now);

// Creates a database at `db_path` (REQUIRES: none there yet), loads the
// dataset into it without syncing each commit (synchronous=OFF: a crash
// may lose it, which is fine for a benchmark), and closes it.
absl::StatusOr<Dataset> LoadDatabase(const std::string& db_path,
                                     const DatasetOptions& options);

// A new empty folder under /tmp for a benchmark's database.
absl::StatusOr<std::string> MakeTempDir();

// Writes `dataset`, secrets included, to `path` (mode 0600), one record a
// line, for a benchmark run against a server that serves it (`--server`).
absl::Status WriteManifest(const Dataset& dataset, const std::string& path);

// Reads a file written by WriteManifest. NOT_FOUND when it does not exist,
// INVALID_ARGUMENT naming the line when it is malformed.
absl::StatusOr<Dataset> ReadManifest(const std::string& path);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_DATASET_H_
