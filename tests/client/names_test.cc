// Tests of client/names.h: resource names from ids or full names.
#include "client/names.h"

#include <string>
#include <vector>

#include "client/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

TEST(CheckFullName, AcceptsNamesEndingInTheCollection) {
  struct Case {
    std::string name;
    std::string collection;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"clinics/c1", "clinics", true},
      {"clinics/c1/patients/p1", "patients", true},
      {"clinics/c1/patients/p1/programs/g1@2", "programs", true},
      {"clinics/c1/patients/p1", "therapists", false},
      {"clinics/c1/patients", "patients", false},
      {"clinics//patients/p1", "patients", false},
      {"clinics/c1/patients/", "patients", false},
      {"/patients/p1", "patients", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status status = CheckFullName(c.name, c.collection, "--flag");
    EXPECT_EQ(status.ok(), c.ok) << status;
    if (!c.ok) {
      EXPECT_TRUE(IsUsageError(status));
    }
  }
}

TEST(ResolveName, PlacesAnIdUnderTheParentAndKeepsAFullName) {
  int parent_calls = 0;
  const auto parent = [&]() -> absl::StatusOr<std::string> {
    ++parent_calls;
    return "clinics/c1";
  };
  EXPECT_EQ(*ResolveName("p1", "patients", "--patient", parent),
            "clinics/c1/patients/p1");
  EXPECT_EQ(parent_calls, 1);
  EXPECT_EQ(
      *ResolveName("clinics/c2/patients/p2", "patients", "--patient", parent),
      "clinics/c2/patients/p2");
  EXPECT_EQ(parent_calls, 1) << "a full name needs no parent";
  EXPECT_TRUE(
      IsUsageError(ResolveName("", "patients", "--patient", parent).status()));
  EXPECT_TRUE(IsUsageError(
      ResolveName("clinics/c1", "patients", "--patient", parent).status()));
}

TEST(ResolveName, PassesOnTheParentsError) {
  const absl::Status missing = UsageError("no clinic given");
  const absl::StatusOr<std::string> name =
      ResolveName("p1", "patients", "--patient",
                  [&]() -> absl::StatusOr<std::string> { return missing; });
  EXPECT_EQ(name.status(), missing);
}

TEST(ResolveChildName, TakesParentIdSlashIdAnIdOrAFullName) {
  const auto patient_named =
      [](absl::string_view patient) -> absl::StatusOr<std::string> {
    return JoinName("clinics/c1", "patients", patient);
  };
  const auto default_patient = []() -> absl::StatusOr<std::string> {
    return "clinics/c1/patients/p-default";
  };
  struct Case {
    std::string text;
    std::string name;  // empty: a usage error
  };
  const std::vector<Case> cases = {
      {"p2/a1", "clinics/c1/patients/p2/alerts/a1"},
      {"a1", "clinics/c1/patients/p-default/alerts/a1"},
      {"clinics/c3/patients/p3/alerts/a3", "clinics/c3/patients/p3/alerts/a3"},
      {"p2/", ""},
      {"/a1", ""},
      {"", ""},
      {"clinics/c3/patients/p3/sessions/s3", ""},
      {"x/y/z", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const absl::StatusOr<std::string> name = ResolveChildName(
        c.text, "alerts", "ALERT", patient_named, default_patient);
    if (c.name.empty()) {
      EXPECT_TRUE(IsUsageError(name.status())) << name.status();
      EXPECT_THAT(std::string(name.status().message()),
                  ::testing::HasSubstr("ALERT"));
    } else {
      ASSERT_TRUE(name.ok()) << name.status();
      EXPECT_EQ(*name, c.name);
    }
  }
}

TEST(ResolveChildName, PassesOnTheParentsError) {
  const absl::Status missing = UsageError("no patient given");
  const auto fail = [&]() -> absl::StatusOr<std::string> { return missing; };
  EXPECT_EQ(ResolveChildName(
                "a1", "alerts", "ALERT",
                [&](absl::string_view) -> absl::StatusOr<std::string> {
                  return "clinics/c1/patients/p1";
                },
                fail)
                .status(),
            missing);
  EXPECT_EQ(ResolveChildName(
                "p1/a1", "alerts", "ALERT",
                [&](absl::string_view) -> absl::StatusOr<std::string> {
                  return missing;
                },
                fail)
                .status(),
            missing);
}

TEST(CheckNoRevision, RefusesANameWithARevision) {
  EXPECT_TRUE(
      CheckNoRevision("clinics/c1/patients/p1/programs/g1", "PROGRAM").ok());
  const absl::Status status =
      CheckNoRevision("clinics/c1/patients/p1/programs/g1@2", "--program");
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("--program \"clinics/c1/patients/p1/"
                                   "programs/g1@2\" names a revision"));
}

TEST(ResolveTopLevelName, NeedsNoParent) {
  EXPECT_EQ(*ResolveTopLevelName("c1", "clinics", "--clinic"), "clinics/c1");
  EXPECT_EQ(*ResolveTopLevelName("clinics/c1", "clinics", "--clinic"),
            "clinics/c1");
  EXPECT_EQ(*ResolveTopLevelName("glute-bridge", "exercises", "ID"),
            "exercises/glute-bridge");
}

TEST(NameParts, SplitAsExpected) {
  EXPECT_EQ(JoinName("clinics/c1", "patients", "p1"), "clinics/c1/patients/p1");
  EXPECT_EQ(JoinName("", "clinics", "c1"), "clinics/c1");
  EXPECT_EQ(LastSegment("clinics/c1/patients/p1"), "p1");
  EXPECT_EQ(LastSegment("p1"), "p1");
  EXPECT_EQ(ParentOf("clinics/c1/patients/p1/programs/g1@2"),
            "clinics/c1/patients/p1");
  EXPECT_EQ(ParentOf("clinics/c1/patients/p1"), "clinics/c1");
  EXPECT_EQ(ParentOf("clinics/c1"), "");
  EXPECT_EQ(ParentOf("c1"), "");
  EXPECT_EQ(ClinicOf("clinics/c1/patients/p1"), "clinics/c1");
  EXPECT_EQ(ClinicOf("clinics/c1"), "clinics/c1");
  EXPECT_TRUE(IsFullName("clinics/c1"));
  EXPECT_FALSE(IsFullName("c1"));
}

}  // namespace
}  // namespace glutecare::client
