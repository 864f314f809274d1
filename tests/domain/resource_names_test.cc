#include "server/domain/resource_names.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

TEST(ResourceId, AcceptsAipIds) {
  const std::string cases[] = {"a", "demo", "clinic-1", "p2x9",
                               std::string(63, 'a')};
  for (const std::string& id : cases) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(IsValidResourceId(id));
  }
}

TEST(ResourceId, RejectsOtherIds) {
  const std::string cases[] = {
      "",    "1abc", "-abc", "abc-", "ABC",
      "a_b", "a/b",  "a.b",  "é",    std::string(64, 'a')};
  for (const std::string& id : cases) {
    SCOPED_TRACE(id);
    EXPECT_FALSE(IsValidResourceId(id));
  }
}

TEST(ResourceId, GeneratedIdsAreValidAndDistinct) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = GenerateResourceId();
    ASSERT_TRUE(IsValidResourceId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(PatientName, RoundTrips) {
  absl::StatusOr<PatientName> name =
      PatientName::Parse("clinics/demo/patients/p1", "parent");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->clinic, "demo");
  EXPECT_EQ(name->patient, "p1");
  EXPECT_EQ(name->ToString(), "clinics/demo/patients/p1");
  EXPECT_EQ(name->parent().ToString(), "clinics/demo");
}

TEST(PatientName, RejectsMalformedNamesNamingTheField) {
  const std::string cases[] = {
      "",
      "clinics/demo",
      "clinics/demo/patients",
      "clinics/demo/patients/p1/",
      "clinics/demo/therapists/p1",
      "clinics//patients/p1",
      "clinics/Demo/patients/p1",
      "clinics/demo/patients/p1/sessions/s1",
      "/clinics/demo/patients/p1",
  };
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    absl::StatusOr<PatientName> name = PatientName::Parse(text, "parent");
    ASSERT_FALSE(name.ok());
    EXPECT_EQ(name.status().code(), absl::StatusCode::kInvalidArgument);
    std::vector<FieldViolation> violations = FieldViolationsOf(name.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "parent");
  }
}

TEST(ProgramName, ParsesRevisions) {
  absl::StatusOr<ProgramName> latest =
      ProgramName::ParseWithRevision("clinics/c/patients/p/programs/g", "name");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->revision_id, 0);

  absl::StatusOr<ProgramName> third = ProgramName::ParseWithRevision(
      "clinics/c/patients/p/programs/g@3", "name");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->revision_id, 3);
  EXPECT_EQ(third->ToString(), "clinics/c/patients/p/programs/g");
  EXPECT_EQ(third->ToRevisionString(), "clinics/c/patients/p/programs/g@3");

  for (const char* bad :
       {"clinics/c/patients/p/programs/g@", "clinics/c/patients/p/programs/g@0",
        "clinics/c/patients/p/programs/g@-1",
        "clinics/c/patients/p/programs/g@+2",
        "clinics/c/patients/p/programs/g@x",
        "clinics/c/patients/p/programs/g@1@2"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ProgramName::ParseWithRevision(bad, "name").ok());
  }
  EXPECT_FALSE(
      ProgramName::Parse("clinics/c/patients/p/programs/g@3", "name").ok());
}

TEST(PainReportName, UsesCamelCaseCollection) {
  absl::StatusOr<PainReportName> name =
      PainReportName::Parse("clinics/c/patients/p/painReports/r1", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->ToString(), "clinics/c/patients/p/painReports/r1");
}

}  // namespace
}  // namespace glutecare
