#include "server/domain/fhir/ids.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::fhir {
namespace {

using ::testing::StartsWith;

TEST(FhirIdTest, IsTheIdsOfTheNameBelowTheClinicJoinedWithDots) {
  struct Case {
    std::string name;
    std::string id;
  };
  const Case cases[] = {
      {"clinics/demo/therapists/tess", "tess"},
      {"clinics/demo/patients/ana", "ana"},
      {"clinics/demo/patients/ana/programs/knee-1", "ana.knee-1"},
      {"clinics/demo/patients/ana/programs/knee-1@3", "ana.knee-1"},
      {"clinics/demo/patients/ana/sessions/s1", "ana.s1"},
      {"clinics/demo/patients/ana/painReports/r1", "ana.r1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(FhirId(c.name), c.id);
    EXPECT_TRUE(IsValidFhirId(FhirId(c.name)));
  }
}

TEST(FhirIdTest, ExtraSegmentsFollowTheName) {
  EXPECT_EQ(FhirId("clinics/demo/patients/ana/sessions/s1", {"pain-before"}),
            "ana.s1.pain-before");
}

TEST(FhirIdTest, DoesNotDependOnTheClinic) {
  EXPECT_EQ(FhirId("clinics/a/patients/ana/sessions/s1"),
            FhirId("clinics/b/patients/ana/sessions/s1"));
}

TEST(FhirIdTest, SixtyFourCharactersStayReadableAndSixtyFiveAreHashed) {
  const std::string patient(30, 'p');
  const std::string fits(64 - 31, 'g');  // "ppp...p." + 33 = 64
  const std::string id =
      FhirId(absl::StrCat("clinics/c/patients/", patient, "/programs/", fits));
  EXPECT_EQ(id, absl::StrCat(patient, ".", fits));
  EXPECT_EQ(id.size(), 64u);

  const std::string hashed = FhirId(
      absl::StrCat("clinics/c/patients/", patient, "/programs/", fits, "x"));
  EXPECT_THAT(hashed, StartsWith("sha256-"));
  EXPECT_EQ(hashed.size(), 47u);
  EXPECT_TRUE(IsValidFhirId(hashed));
  EXPECT_FALSE(absl::StrContains(hashed, '.'));
}

TEST(FhirIdTest, HashedIdsAreStableAndTellNamesApart) {
  const std::string patient(63, 'a');
  const std::string program_a = absl::StrCat(
      "clinics/c/patients/", patient, "/programs/", std::string(63, 'b'));
  const std::string program_b = absl::StrCat(
      "clinics/c/patients/", patient, "/programs/", std::string(63, 'c'));
  EXPECT_EQ(FhirId(program_a), FhirId(program_a));
  EXPECT_NE(FhirId(program_a), FhirId(program_b));
  EXPECT_EQ(FhirId(program_a), FhirId(absl::StrCat(program_a, "@7")));
  // The longest glutecare ids still make a valid id, pain suffix and all.
  const std::string session = absl::StrCat(
      "clinics/c/patients/", patient, "/sessions/", std::string(63, 'd'));
  EXPECT_TRUE(IsValidFhirId(FhirId(session, {"pain-after"})));
  EXPECT_NE(FhirId(session, {"pain-after"}), FhirId(session, {"pain-before"}));
}

TEST(FhirReferenceTest, IsTypeSlashId) {
  EXPECT_EQ(FhirReference("Patient", "clinics/demo/patients/ana"),
            "Patient/ana");
  EXPECT_EQ(FhirReference("CarePlan", "clinics/demo/patients/ana/programs/g@2"),
            "CarePlan/ana.g");
}

TEST(IsValidFhirIdTest, FollowsTheR4IdType) {
  EXPECT_TRUE(IsValidFhirId("a"));
  EXPECT_TRUE(IsValidFhirId("A-b.9"));
  EXPECT_TRUE(IsValidFhirId(std::string(64, 'x')));
  EXPECT_FALSE(IsValidFhirId(""));
  EXPECT_FALSE(IsValidFhirId(std::string(65, 'x')));
  EXPECT_FALSE(IsValidFhirId("a/b"));
  EXPECT_FALSE(IsValidFhirId("a_b"));
  EXPECT_FALSE(IsValidFhirId("a b"));
}

}  // namespace
}  // namespace glutecare::fhir
