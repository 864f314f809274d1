// Realistic benchmark data, bulk-loaded through the Store: one clinic, one
// therapist per 50 patients, and for each patient a three-exercise program
// and `days` days of history (sessions three times a week, a pain check-in
// every other day).
#ifndef GLUTECARE_BENCH_DATASET_H_
#define GLUTECARE_BENCH_DATASET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/store.h"

namespace glutecare::bench {

struct DatasetOptions {
  int patients = 1000;
  int days = 365;
  // Fixed, so that runs are comparable.
  uint64_t seed = 42;
};

struct Dataset {
  std::string clinic;                 // clinics/bench
  std::vector<std::string> patients;  // resource names
  int64_t sessions = 0;
  int64_t pain_reports = 0;
  // The bearer secret of a token of therapist t0, who (like every
  // therapist) may read every patient of the clinic.
  std::string therapist_token;
};

// Loads the dataset into `store`, with history ending on the day before
// `now` (UTC). REQUIRES: an empty store.
absl::StatusOr<Dataset> LoadDataset(Store& store, const DatasetOptions& options,
                                    absl::Time now);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_DATASET_H_
