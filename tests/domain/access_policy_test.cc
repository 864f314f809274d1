#include "server/domain/access_policy.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Principal Of(v1::Role role, const std::string& subject = "") {
  return {.token = {"a", "tok"}, .role = role, .subject = subject};
}

Target TargetOf(const std::string& resource) {
  absl::StatusOr<Target> target = ParseTarget(resource, "name");
  EXPECT_TRUE(target.ok()) << target.status();
  return target.value_or(Target{});
}

const MethodPolicy& Policy(const std::string& method) {
  const MethodPolicy* policy =
      FindMethodPolicy(absl::StrCat("/glutecare.v1.", method));
  EXPECT_NE(policy, nullptr) << method;
  static const MethodPolicy kNone{};
  return policy != nullptr ? *policy : kNone;
}

TEST(ParseTarget, ReadsTheClinicAndPatient) {
  Target patient = TargetOf("clinics/a/patients/p1/sessions/s1");
  EXPECT_EQ(patient.clinic.clinic, "a");
  ASSERT_TRUE(patient.patient.has_value());
  EXPECT_EQ(patient.patient->ToString(), "clinics/a/patients/p1");

  Target clinic = TargetOf("clinics/a/therapists/t1");
  EXPECT_EQ(clinic.clinic.clinic, "a");
  EXPECT_FALSE(clinic.patient.has_value());

  // The wildcard is the whole clinic, not a patient.
  EXPECT_FALSE(TargetOf("clinics/a/patients/-").patient.has_value());
  EXPECT_EQ(TargetOf("clinics/a").resource, "clinics/a");
}

TEST(ParseTarget, RejectsNamesOutsideAClinicNamingTheField) {
  for (const char* bad : {"", "clinics", "clinics/", "clinics/A", "patients/p1",
                          "exercises/glute-bridge", "clinics/a/patients/P1"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<Target> target = ParseTarget(bad, "parent");
    ASSERT_FALSE(target.ok());
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
    std::vector<std::string> fields;
    for (const auto& v : FieldViolationsOf(target.status())) {
      fields.push_back(v.field);
    }
    EXPECT_THAT(fields, ElementsAre("parent"));
  }
}

TEST(Authorize, TheWrongRoleIsPermissionDeniedWhateverTheTarget) {
  const Target other_clinic = TargetOf("clinics/b/patients/p1");
  absl::Status status =
      Authorize(Of(v1::ROLE_PATIENT, "clinics/a/patients/p1"),
                Policy("PatientService/ListPatients"), &other_clinic);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("patient may not call"));
  EXPECT_EQ(Authorize(Of(v1::ROLE_THERAPIST),
                      Policy("AccessService/"
                             "CreateAccessToken"),
                      &other_clinic)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(Of(v1::ROLE_UNSPECIFIED),
                      Policy("ExerciseService/ListExercises"), nullptr)
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(Authorize, AnotherClinicIsNotFound) {
  const Target other = TargetOf("clinics/b/patients/p1");
  for (v1::Role role : {v1::ROLE_THERAPIST, v1::ROLE_INTEGRATION}) {
    EXPECT_EQ(
        Authorize(Of(role), Policy("PatientService/GetPatient"), &other).code(),
        absl::StatusCode::kNotFound);
  }
  const Target own = TargetOf("clinics/a/patients/p1");
  EXPECT_TRUE(Authorize(Of(v1::ROLE_THERAPIST),
                        Policy("PatientService/GetPatient"), &own)
                  .ok());
}

TEST(Authorize, PatientsReachOnlyTheirOwnRecords) {
  const Principal pat = Of(v1::ROLE_PATIENT, "clinics/a/patients/p1");
  const MethodPolicy& list = Policy("SessionService/ListSessions");
  const Target own = TargetOf("clinics/a/patients/p1");
  const Target neighbour = TargetOf("clinics/a/patients/p2");
  const Target everyone = TargetOf("clinics/a/patients/-");
  EXPECT_TRUE(Authorize(pat, list, &own).ok());
  EXPECT_EQ(Authorize(pat, list, &neighbour).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Authorize(pat, list, &everyone).code(),
            absl::StatusCode::kPermissionDenied);
  // The not-found message names only what the caller sent.
  EXPECT_THAT(Authorize(pat, list, &neighbour).message(),
              HasSubstr("clinics/a/patients/p2"));
}

TEST(Authorize, PatientsReadTheirOwnProgressButNobodyElses) {
  const Principal pat = Of(v1::ROLE_PATIENT, "clinics/a/patients/p1");
  for (const char* method :
       {"PatientService/GetPatient", "ReportService/GetAdherenceReport",
        "ReportService/GetPainTrendReport",
        "SuggestionService/ListSuggestions"}) {
    SCOPED_TRACE(method);
    const Target own = TargetOf("clinics/a/patients/p1/programs/g1");
    const Target neighbour = TargetOf("clinics/a/patients/p2/programs/g1");
    EXPECT_TRUE(Authorize(pat, Policy(method), &own).ok());
    EXPECT_EQ(Authorize(pat, Policy(method), &neighbour).code(),
              absl::StatusCode::kNotFound);
  }
  // Read-only: the therapist decides on suggestions.
  const Target suggestion =
      TargetOf("clinics/a/patients/p1/programs/g1/suggestions/s1");
  EXPECT_EQ(
      Authorize(pat, Policy("SuggestionService/AcceptSuggestion"), &suggestion)
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(Authorize, AWholeClinicsClinicalExportIsTheIntegrationRolesAlone) {
  const Target patient = TargetOf("clinics/a/patients/p1");
  const Target clinic = TargetOf("clinics/a");
  struct Case {
    const char* method;
    v1::Role role;
    const Target* target;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"CsvExportService/ExportCsv", v1::ROLE_INTEGRATION, &clinic,
       absl::StatusCode::kOk},
      {"CsvExportService/ExportCsv", v1::ROLE_INTEGRATION, &patient,
       absl::StatusCode::kOk},
      {"CsvExportService/ExportCsv", v1::ROLE_THERAPIST, &patient,
       absl::StatusCode::kOk},
      {"CsvExportService/ExportCsv", v1::ROLE_THERAPIST, &clinic,
       absl::StatusCode::kPermissionDenied},
      {"CsvExportService/ExportCsv", v1::ROLE_ADMIN, &patient,
       absl::StatusCode::kPermissionDenied},
      {"FhirExportService/ExportClinicResources", v1::ROLE_INTEGRATION,
       &clinic, absl::StatusCode::kOk},
      {"FhirExportService/ExportClinicResources", v1::ROLE_ADMIN, &clinic,
       absl::StatusCode::kPermissionDenied},
      {"FhirExportService/ExportClinicResources", v1::ROLE_THERAPIST, &clinic,
       absl::StatusCode::kPermissionDenied},
      {"FhirExportService/ExportPatientBundle", v1::ROLE_THERAPIST, &patient,
       absl::StatusCode::kOk},
      {"FhirExportService/ExportPatientBundle", v1::ROLE_INTEGRATION, &patient,
       absl::StatusCode::kOk},
      {"FhirExportService/ExportPatientBundle", v1::ROLE_ADMIN, &patient,
       absl::StatusCode::kPermissionDenied},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.method, " as ", RoleLabel(c.role), " on ",
                              c.target->resource));
    const absl::Status status = Authorize(Of(c.role), Policy(c.method), c.target);
    EXPECT_EQ(status.code(), c.code) << status;
  }
  EXPECT_THAT(Authorize(Of(v1::ROLE_THERAPIST),
                        Policy("CsvExportService/ExportCsv"), &clinic)
                  .message(),
              HasSubstr("one patient at a time"));
}

TEST(CheckRole, TheRefusalNamesTheRoleWithItsArticle) {
  const MethodPolicy& sessions = Policy("SessionService/ListSessions");
  EXPECT_EQ(CheckRole(Of(v1::ROLE_ADMIN), sessions).message(),
            "an admin may not call /glutecare.v1.SessionService/ListSessions");
  EXPECT_THAT(
      CheckRole(Of(v1::ROLE_INTEGRATION), Policy("SessionService/CreateSession"))
          .message(),
      HasSubstr("an integration may not call"));
  EXPECT_THAT(CheckRole(Of(v1::ROLE_THERAPIST),
                        Policy("SessionService/CreateSession"))
                  .message(),
              HasSubstr("a therapist may not call"));
  EXPECT_THAT(CheckRole(Of(v1::ROLE_UNSPECIFIED), sessions).message(),
              HasSubstr("a principal without a role may not call"));
}

TEST(Authorize, TheCatalogNeedsOnlyARole) {
  for (v1::Role role : {v1::ROLE_ADMIN, v1::ROLE_THERAPIST, v1::ROLE_PATIENT,
                        v1::ROLE_INTEGRATION}) {
    EXPECT_TRUE(
        Authorize(Of(role), Policy("ExerciseService/GetExercise"), nullptr)
            .ok());
  }
}

TEST(MethodPolicies, NameEachMethodOnceWithATargetWhereScoped) {
  std::set<std::string> methods;
  for (const MethodPolicy& policy : MethodPolicies()) {
    EXPECT_TRUE(methods.insert(std::string(policy.method)).second)
        << policy.method;
    EXPECT_FALSE(policy.roles.empty()) << policy.method;
    EXPECT_EQ(policy.scope == Scope::kClinic, !policy.target_field.empty())
        << policy.method;
  }
  EXPECT_EQ(FindMethodPolicy("/glutecare.v1.ClinicService/CreateClinic"),
            nullptr);
}

}  // namespace
}  // namespace glutecare
