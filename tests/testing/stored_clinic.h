// A fixture for tests of code that sits on a Store without a server: a fresh
// SqliteStore in a temporary folder, holding clinic `demo` ("Demo") and its
// therapist `t1` ("Tess").
//
//   class CsvChunksTest : public testing::StoredClinicTest {
//    protected:
//     void SetUp() override {
//       StoredClinicTest::SetUp();
//       ...add patients to store_...
//     }
//   };
#ifndef GLUTECARE_TESTS_TESTING_STORED_CLINIC_H_
#define GLUTECARE_TESTS_TESTING_STORED_CLINIC_H_

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "server/storage/store.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::testing {

class StoredClinicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenSqliteStore({.path = dir_.File("glutecare.db")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    v1::Clinic clinic;
    clinic.set_name("clinics/demo");
    clinic.set_display_name("Demo");
    ASSERT_TRUE(store_->CreateClinic(clinic).ok());
    v1::Therapist therapist;
    therapist.set_name("clinics/demo/therapists/t1");
    therapist.set_display_name("Tess");
    ASSERT_TRUE(store_->CreateTherapist(therapist).ok());
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_STORED_CLINIC_H_
