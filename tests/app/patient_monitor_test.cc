// PatientMonitor over a real SqliteStore: every evaluation of one patient,
// scheduled after a write or made by the sweep, takes the patient's turn.
// The monitor's start hook holds the first evaluation until the test lets it
// go, and counts the evaluations that run at once.
#include "server/app/patient_monitor.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/stored_clinic.h"

namespace glutecare {
namespace {

// How long a test waits for something that must happen before it fails.
constexpr absl::Duration kPatience = absl::Seconds(30);

// Watches the evaluations through the monitor's hooks. Holds the first one
// to start until Release, or kPatience, so that a test can send requests
// while it runs. Thread-safe.
class EvaluationProbe {
 public:
  void Started() {
    absl::MutexLock lock(&mu_);
    ++started_;
    ++running_;
    most_at_once_ = std::max(most_at_once_, running_);
    if (started_ == 1) {
      mu_.AwaitWithTimeout(absl::Condition(&released_), kPatience);
    }
  }
  void Ended() {
    absl::MutexLock lock(&mu_);
    --running_;
  }

  // True once the first evaluation is being held.
  bool WaitUntilHolding() {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(
        absl::Condition(
            +[](int* started) { return *started >= 1; }, &started_),
        kPatience);
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    released_ = true;
  }

  int started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  int most_at_once() {
    absl::MutexLock lock(&mu_);
    return most_at_once_;
  }

 private:
  absl::Mutex mu_;
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  int most_at_once_ ABSL_GUARDED_BY(mu_) = 0;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

class PatientMonitorTest : public testing::StoredClinicTest {
 protected:
  void SetUp() override {
    StoredClinicTest::SetUp();
    if (HasFatalFailure()) return;
    v1::Patient patient;
    patient.set_name(patient_.ToString());
    patient.set_display_name("Pat");
    patient.set_mrn("MRN-1");
    patient.set_time_zone("UTC");
    patient.set_therapist("clinics/demo/therapists/t1");
    const absl::Status created = store_->CreatePatient(patient).status();
    ASSERT_TRUE(created.ok()) << created;
    monitor_ = std::make_unique<PatientMonitor>(
        *store_, hub_, ExerciseCatalog::Default(),
        PatientMonitor::Options{
            .on_evaluation_start =
                [this](const PatientName&) { probe_.Started(); },
            .on_evaluation_end =
                [this](const PatientName&) { probe_.Ended(); }});
  }

  void TearDown() override {
    probe_.Release();  // never leave the monitor's thread held
    monitor_.reset();
  }

  const PatientName patient_{.clinic = "demo", .patient = "p1"};
  AlertHub hub_;
  EvaluationProbe probe_;
  std::unique_ptr<PatientMonitor> monitor_;
};

TEST_F(PatientMonitorTest, TheSweepDoesNotEvaluateAPatientWhileAWriteDoes) {
  monitor_->Schedule(patient_);
  ASSERT_TRUE(probe_.WaitUntilHolding());

  // The sweep comes while the write's evaluation runs, and so do more
  // writes: each asks for the one more run after it, which sees them all.
  ASSERT_TRUE(monitor_->EvaluateAll(absl::Now()).ok());
  monitor_->Schedule(patient_);
  monitor_->Schedule(patient_);

  probe_.Release();
  monitor_->Flush();
  EXPECT_EQ(probe_.most_at_once(), 1);
  EXPECT_EQ(probe_.started(), 2);
}

TEST_F(PatientMonitorTest, AWriteDuringTheSweepsEvaluationRunsOnceAfterIt) {
  std::thread sweep([this] {
    EXPECT_TRUE(monitor_->EvaluateAll(absl::Now()).ok());
  });
  EXPECT_TRUE(probe_.WaitUntilHolding());

  // Writes while the sweep evaluates the patient: one more run, after it.
  monitor_->Schedule(patient_);
  monitor_->Schedule(patient_);

  probe_.Release();
  sweep.join();
  monitor_->Flush();
  EXPECT_EQ(probe_.most_at_once(), 1);
  EXPECT_EQ(probe_.started(), 2);
}

}  // namespace
}  // namespace glutecare
