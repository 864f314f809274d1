// The contract suite of the Store interface (server/storage/store.h): what
// every backend must do, written once against the interface and run on each
// backend through a factory, the only backend-specific part. The tests are in
// store_contract_test.cc; a backend's test binary compiles that file with one
// of its own that instantiates the suite, as sqlite_store_contract_test.cc
// does:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//                            ::testing::Values(StoreFactory{...}),
//                            StoreFactoryName);
#ifndef GLUTECARE_TESTS_STORAGE_STORE_CONTRACT_H_
#define GLUTECARE_TESTS_STORAGE_STORE_CONTRACT_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/storage/store.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {

// How the suite gets a backend.
struct StoreFactory {
  // Names the instantiation in test names: letters and digits only.
  std::string name;
  // A fresh, empty Store that keeps whatever files it needs in `dir` (an
  // empty folder that is removed after the test). Called once per test.
  std::function<absl::StatusOr<std::unique_ptr<Store>>(
      const std::filesystem::path& dir)>
      open;
};

inline void PrintTo(const StoreFactory& factory, std::ostream* out) {
  *out << factory.name;
}

// The name generator for INSTANTIATE_TEST_SUITE_P.
inline std::string StoreFactoryName(
    const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

// Each test starts from a store holding clinic `demo`, its therapists `t1`
// and `t2`, patient `p1` (MRN-1, of t1) and revision 1 of p1's program `g1`
// (one prescription: exercises/glute-bridge, 3 x 10).
class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace glutecare

#endif  // GLUTECARE_TESTS_STORAGE_STORE_CONTRACT_H_
