// The reads of the FHIR export against a real SqliteStore (no gRPC): a
// patient's Bundle, and a clinic's NDJSON pulled chunk by chunk: what it
// holds, that its references resolve, how `since` and the type filter cut
// it, and that its memory does not grow with the clinic.
#include "server/app/fhir_export.h"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/builders.h"
#include "tests/testing/temp_dir.h"

namespace glutecare {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Le;

using Json = nlohmann::json;

Timestamp At(int64_t seconds) {
  return TimeUtil::SecondsToTimestamp(seconds);
}

constexpr int64_t kDay = 86400;
// 2026-03-01T00:00:00Z
constexpr int64_t kStart = 1772323200;

// References `{"reference": "..."}` anywhere inside `value`.
void CollectReferences(const Json& value, std::vector<std::string>& out) {
  if (value.is_array()) {
    for (const Json& item : value) CollectReferences(item, out);
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it.key() == "reference" && it.value().is_string()) {
        out.push_back(it.value().get<std::string>());
      } else {
        CollectReferences(it.value(), out);
      }
    }
  }
}

// What an export sent, parsed.
struct Exported {
  // Type -> resources, in the order sent.
  std::map<std::string, std::vector<Json>> resources;
  int chunks = 0;
  size_t largest_chunk = 0;
  // Every chunk's type matched its lines and every line ended in '\n'.
  bool well_formed = true;
  Timestamp transaction_time;

  int Count(const std::string& type) const {
    auto found = resources.find(type);
    return found == resources.end() ? 0
                                    : static_cast<int>(found->second.size());
  }
  std::set<std::string> Ids(const std::string& type) const {
    std::set<std::string> ids;
    auto found = resources.find(type);
    if (found == resources.end()) return ids;
    for (const Json& resource : found->second) ids.insert(resource["id"]);
    return ids;
  }
  // References that name no exported resource.
  std::vector<std::string> Dangling() const {
    std::set<std::string> known;
    for (const auto& [type, list] : resources) {
      for (const Json& resource : list) {
        known.insert(absl::StrCat(type, "/", resource["id"].get<std::string>()));
      }
    }
    std::vector<std::string> dangling;
    for (const auto& [type, list] : resources) {
      for (const Json& resource : list) {
        std::vector<std::string> references;
        CollectReferences(resource, references);
        for (const std::string& reference : references) {
          if (!known.contains(reference)) dangling.push_back(reference);
        }
      }
    }
    return dangling;
  }
};

class FhirExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(
        {.path = dir_.File("fhir.db"), .read_connections = 1, .durable = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    v1::Clinic clinic;
    clinic.set_name("clinics/demo");
    clinic.set_display_name("Demo");
    clinic.set_identifier_system("urn:oid:1.2.3");
    *clinic.mutable_create_time() = At(kStart);
    ASSERT_TRUE(store_->CreateClinic(clinic).ok());
    AddTherapist("tess", kStart);
  }

  void AddTherapist(const std::string& id, int64_t created) {
    v1::Therapist therapist = testing::Therapist("demo", id);
    *therapist.mutable_create_time() = At(created);
    ASSERT_TRUE(store_->CreateTherapist(therapist).ok());
  }

  // Patient `id` with a program `g1` (two exercises) created at `created`,
  // `sessions` sessions and as many pain reports on the days after it.
  void AddPatient(const std::string& id, int sessions, int64_t created,
                  const std::string& therapist = "tess") {
    const std::string name = "clinics/demo/patients/" + id;
    v1::Patient patient = testing::Patient("demo", id, "MRN-" + id, therapist);
    *patient.mutable_create_time() = At(created);
    *patient.mutable_update_time() = At(created);
    ASSERT_TRUE(store_->CreatePatient(patient).ok());

    v1::Program program =
        testing::Program("2026-03-01", {testing::Prescription("glute-bridge"),
                                        testing::Prescription("clamshell")});
    program.set_name(name + "/programs/g1");
    program.set_display_name("Hip, phase 1");
    program.set_therapist("clinics/demo/therapists/" + therapist);
    *program.mutable_create_time() = At(created);
    *program.mutable_revision_create_time() = At(created);
    ASSERT_TRUE(store_->CreateProgram(program).ok());

    for (int day = 1; day <= sessions; ++day) {
      AddSession(id, absl::StrCat("s", day), created + day * kDay);
      v1::PainReport report;
      report.set_name(absl::StrCat(name, "/painReports/r", day));
      report.set_local_date(absl::StrCat("2026-04-", day < 10 ? "0" : "", day));
      report.set_area(v1::PAIN_AREA_HIP);
      report.set_score(day % 11);
      *report.mutable_create_time() = At(created + day * kDay + 60);
      ASSERT_TRUE(store_->CreatePainReport(report, "").ok());
    }
  }

  void AddSession(const std::string& patient, const std::string& id,
                  int64_t created) {
    const std::string name = "clinics/demo/patients/" + patient;
    v1::Session session = testing::Session(name + "/programs/g1@1");
    session.set_name(absl::StrCat(name, "/sessions/", id));
    *session.mutable_perform_time() = At(created - 600);
    session.set_local_date("2026-04-01");
    session.set_pain_before(4);
    session.set_pain_after(3);
    session.set_pain_area(v1::PAIN_AREA_HIP);
    session.set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
    *session.mutable_create_time() = At(created);
    ASSERT_TRUE(store_->CreateSession(session, "").ok());
  }

  // An ODI assignment of `patient` with an intake at `created` and a
  // follow-up a day later (responses q1 and q2).
  void AddOutcomes(const std::string& patient, int64_t created) {
    const std::string name = "clinics/demo/patients/" + patient;
    v1::OutcomeAssignment assignment;
    assignment.set_name(name + "/outcomeAssignments/odi");
    assignment.set_measure(v1::OUTCOME_MEASURE_ODI);
    assignment.set_every_weeks(4);
    ASSERT_TRUE(store_->CreateOutcomeAssignment(assignment).ok());
    for (int i : {1, 2}) {
      v1::OutcomeResponse response;
      response.set_name(absl::StrCat(name, "/outcomeResponses/q", i));
      response.set_assignment(assignment.name());
      response.set_measure(v1::OUTCOME_MEASURE_ODI);
      response.set_local_date(absl::StrCat("2026-04-0", i));
      v1::OutcomeAnswer* answer = response.add_answers();
      answer->set_link_id("odi-1");
      answer->set_score(i == 1 ? 4 : 2);
      response.set_score(i == 1 ? 80 : 40);
      response.set_intake(i == 1);
      *response.mutable_create_time() = At(created + (i - 1) * kDay);
      const std::string intake =
          i == 1 ? "" : absl::StrCat(name, "/outcomeResponses/q1");
      response.set_intake_response(intake);
      ASSERT_TRUE(store_
                      ->CreateOutcomeResponse(response, absl::StrCat("q", i),
                                              intake)
                      .ok());
    }
  }

  // Runs a clinic export to the end.
  absl::StatusOr<Exported> Export(ClinicExportOptions options,
                                  ClinicExport* reuse = nullptr) {
    if (options.types.empty()) {
      options.types.assign(std::begin(fhir::kResourceTypes),
                           std::end(fhir::kResourceTypes));
    }
    options.transaction_time = At(kStart + 1000 * kDay);
    ClinicExport owned(*store_, ExerciseCatalog::Default(),
                       ClinicName{"demo"}, options);
    ClinicExport& export_ = reuse != nullptr ? *reuse : owned;
    Exported exported;
    for (int guard = 0; guard < 1'000'000; ++guard) {
      absl::StatusOr<std::optional<v1::FhirNdjsonChunk>> chunk = export_.Next();
      if (!chunk.ok()) return chunk.status();
      if (!chunk->has_value()) return exported;
      const v1::FhirNdjsonChunk& c = **chunk;
      ++exported.chunks;
      exported.largest_chunk = std::max(exported.largest_chunk, c.ndjson().size());
      exported.transaction_time = c.transaction_time();
      if (c.ndjson().empty()) continue;
      if (c.ndjson().back() != '\n') exported.well_formed = false;
      for (absl::string_view line :
           absl::StrSplit(c.ndjson(), '\n', absl::SkipEmpty())) {
        Json resource = Json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (resource.is_discarded() ||
            resource["resourceType"] != c.resource_type()) {
          exported.well_formed = false;
          continue;
        }
        exported.resources[c.resource_type()].push_back(std::move(resource));
      }
    }
    return absl::InternalError("the export never ended");
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(FhirExportTest, ACompleteExportHoldsEveryRecordOnceAndItsReferencesResolve) {
  AddTherapist("theo", kStart);
  AddPatient("ana", 3, kStart);
  AddPatient("ben", 2, kStart, "theo");
  AddPatient("cleo", 0, kStart);
  AddOutcomes("ana", kStart + kDay);

  absl::StatusOr<Exported> exported = Export({});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_TRUE(exported->well_formed);
  EXPECT_EQ(exported->Count("Patient"), 3);
  EXPECT_EQ(exported->Count("Practitioner"), 2);
  EXPECT_EQ(exported->Count("CarePlan"), 3);
  EXPECT_EQ(exported->Count("Procedure"), 5);
  // Two pain scores per session and one per check-in.
  EXPECT_EQ(exported->Count("Observation"), 5 * 2 + 5);
  // The follow-up refers to its intake.
  EXPECT_EQ(exported->Ids("QuestionnaireResponse"),
            (std::set<std::string>{"ana.q1", "ana.q2"}));
  EXPECT_EQ(exported->Ids("Patient"),
            (std::set<std::string>{"ana", "ben", "cleo"}));
  EXPECT_EQ(exported->Ids("CarePlan").size(), 3u);
  EXPECT_THAT(exported->Dangling(), ::testing::IsEmpty());
  EXPECT_EQ(exported->transaction_time, At(kStart + 1000 * kDay));
  // The CarePlan lists the sessions done under it.
  for (const Json& plan : exported->resources["CarePlan"]) {
    if (plan["id"] != "ana.g1") continue;
    EXPECT_EQ(plan["activity"][0]["outcomeReference"].size(), 3u);
  }
}

TEST_F(FhirExportTest, IdsAreTheSameInEveryExport) {
  AddPatient("ana", 2, kStart);
  absl::StatusOr<Exported> first = Export({});
  absl::StatusOr<Exported> second = Export({});
  ASSERT_TRUE(first.ok() && second.ok());
  for (const char* type :
       {"Patient", "Practitioner", "CarePlan", "Procedure", "Observation"}) {
    EXPECT_EQ(first->Ids(type), second->Ids(type)) << type;
  }
}

TEST_F(FhirExportTest, ChunksHoldWholeLinesOfOneTypeWithinTheLimit) {
  for (int i = 0; i < 30; ++i) AddPatient(absl::StrCat("p", i), 3, kStart);
  absl::StatusOr<Exported> exported = Export({.chunk_bytes = 4096});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_TRUE(exported->well_formed);
  EXPECT_GT(exported->chunks, 10);
  EXPECT_LE(exported->largest_chunk, 4096u);
  EXPECT_EQ(exported->Count("Patient"), 30);
  EXPECT_EQ(exported->Count("Procedure"), 90);
  EXPECT_THAT(exported->Dangling(), ::testing::IsEmpty());
}

TEST_F(FhirExportTest, ALineLongerThanAChunkGoesAlone) {
  AddPatient("ana", 20, kStart);
  // The CarePlan lists 20 sessions: longer than 600 bytes.
  absl::StatusOr<Exported> exported = Export({.chunk_bytes = 600});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_TRUE(exported->well_formed);
  EXPECT_EQ(exported->Count("CarePlan"), 1);
  EXPECT_GT(exported->largest_chunk, 600u);
}

TEST_F(FhirExportTest, ResourceTypesLimitTheExport) {
  AddPatient("ana", 2, kStart);
  absl::StatusOr<Exported> exported =
      Export({.types = {fhir::ResourceType::kPatient,
                        fhir::ResourceType::kPractitioner}});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->Count("Patient"), 1);
  EXPECT_EQ(exported->Count("Practitioner"), 1);
  EXPECT_EQ(exported->Count("CarePlan"), 0);
  EXPECT_EQ(exported->Count("Observation"), 0);
  EXPECT_THAT(exported->Dangling(), ::testing::IsEmpty());
}

TEST_F(FhirExportTest, SinceSendsOnlyWhatChangedAtOrAfterIt) {
  AddPatient("ana", 2, kStart);
  AddPatient("ben", 1, kStart);
  const int64_t since = kStart + 100 * kDay;
  // After `since`: a new therapist and patient, ana changed, a session of
  // ben's (which changes ben's CarePlan too).
  AddTherapist("theo", since);
  AddPatient("cleo", 0, since + 5, "theo");
  absl::StatusOr<v1::Patient> ana =
      store_->GetPatient(PatientName{"demo", "ana"});
  ASSERT_TRUE(ana.ok());
  ana->set_display_name("Ana Silva");
  *ana->mutable_update_time() = At(since + 10);
  ASSERT_TRUE(store_->UpdatePatient(*ana, ana->etag()).ok());
  AddSession("ben", "late", since + 20);
  // ana's intake before `since`, the follow-up a day after it.
  AddOutcomes("ana", since - kDay + 30);

  absl::StatusOr<Exported> exported = Export({.since = At(since)});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->Ids("Patient"), (std::set<std::string>{"ana", "cleo"}));
  EXPECT_EQ(exported->Ids("Practitioner"), (std::set<std::string>{"theo"}));
  EXPECT_EQ(exported->Ids("CarePlan"),
            (std::set<std::string>{"ben.g1", "cleo.g1"}));
  EXPECT_EQ(exported->Ids("Procedure"), (std::set<std::string>{"ben.late"}));
  EXPECT_EQ(exported->Ids("Observation"),
            (std::set<std::string>{"ben.late.pain-before",
                                   "ben.late.pain-after"}));
  EXPECT_EQ(exported->Ids("QuestionnaireResponse"),
            (std::set<std::string>{"ana.q2"}));
}

TEST_F(FhirExportTest, AnExportThatFindsNothingSendsOneEmptyChunk) {
  absl::StatusOr<Exported> exported =
      Export({.since = At(kStart + 1000 * kDay)});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->chunks, 1);
  EXPECT_TRUE(exported->resources.empty());
  EXPECT_EQ(exported->transaction_time, At(kStart + 1000 * kDay));
}

TEST_F(FhirExportTest, AnExportThatSkipsManyPatientsSendsKeepAlives) {
  // Nothing changed since: 25 patients read, 10 at a time, none sent. Each
  // step ends in an empty chunk, so no call of Next() reads the clinic
  // whole and the stream sees a cancelled call between steps.
  for (int i = 0; i < 25; ++i) AddPatient(absl::StrCat("k", i), 0, kStart);
  absl::StatusOr<Exported> exported = Export(
      {.since = At(kStart + 1000 * kDay), .patients_per_step = 10});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->chunks, 2);
  EXPECT_TRUE(exported->resources.empty());
  EXPECT_EQ(exported->largest_chunk, 0u);
  EXPECT_EQ(exported->transaction_time, At(kStart + 1000 * kDay));
}

TEST_F(FhirExportTest, AMissingClinicIsNotFound) {
  ClinicExport export_(*store_, ExerciseCatalog::Default(),
                       ClinicName{"nowhere"},
                       {.types = {fhir::ResourceType::kPatient}});
  EXPECT_EQ(export_.Next().status().code(), absl::StatusCode::kNotFound);
}

// The memory of a clinic export does not grow with the clinic: ten times
// the patients, the same most bytes buffered, about one chunk and one
// patient's resources.
TEST_F(FhirExportTest, MemoryStaysFlatWhateverTheClinicSize) {
  constexpr size_t kChunk = 16 << 10;
  size_t per_patient = 0;  // NDJSON bytes of one patient's resources
  auto buffered_for = [&](int patients) -> size_t {
    for (int i = 0; i < patients; ++i) {
      AddPatient(absl::StrCat("m", patients, "-", i), 2, kStart);
    }
    ClinicExportOptions options{
        .types = {std::begin(fhir::kResourceTypes),
                  std::end(fhir::kResourceTypes)},
        .chunk_bytes = kChunk};
    ClinicExport export_(*store_, ExerciseCatalog::Default(),
                         ClinicName{"demo"}, options);
    absl::StatusOr<Exported> exported = Export(options, &export_);
    EXPECT_TRUE(exported.ok()) << exported.status();
    size_t bytes = 0;
    for (const auto& [type, resources] : exported->resources) {
      for (const Json& resource : resources) bytes += resource.dump().size();
    }
    per_patient = bytes / static_cast<size_t>(exported->Count("Patient"));
    return export_.max_buffered_bytes();
  };
  const size_t small = buffered_for(40);   // 40 patients
  const size_t large = buffered_for(360);  // then 400 in all
  EXPECT_LE(small, kChunk + 2 * per_patient);
  EXPECT_LE(large, kChunk + 2 * per_patient);
  EXPECT_LE(large, small + per_patient);
}

TEST_F(FhirExportTest, ABundleHoldsThePatientsRecordAndResolvesItsReferences) {
  AddTherapist("theo", kStart);
  AddPatient("ana", 2, kStart);
  AddOutcomes("ana", kStart + kDay);
  // A program by another therapist: its author is in the Bundle too.
  v1::Program program = testing::Program(
      "2026-03-05",
      {testing::Prescription("clamshell", 2, 10, v1::LOAD_TYPE_BAND_LIGHT, 2)});
  program.set_name("clinics/demo/patients/ana/programs/g2");
  program.set_display_name("Back");
  program.set_status(v1::PROGRAM_STATUS_PAUSED);
  program.set_therapist("clinics/demo/therapists/theo");
  ASSERT_TRUE(store_->CreateProgram(program).ok());

  absl::StatusOr<std::string> json =
      ExportPatientBundle(*store_, ExerciseCatalog::Default(),
                          PatientName{"demo", "ana"}, At(kStart), 1 << 20);
  ASSERT_TRUE(json.ok()) << json.status();
  const Json bundle = Json::parse(*json);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "collection");
  Exported exported;
  std::set<std::string> full_urls;
  for (const Json& entry : bundle["entry"]) {
    exported.resources[entry["resource"]["resourceType"]].push_back(
        entry["resource"]);
    full_urls.insert(entry["fullUrl"]);
  }
  EXPECT_EQ(full_urls.size(), bundle["entry"].size());
  EXPECT_THAT(full_urls,
              Contains("https://glutecare.dev/fhir/clinics/demo/Patient/ana"));
  EXPECT_EQ(exported.Count("Patient"), 1);
  EXPECT_EQ(exported.Ids("Practitioner"),
            (std::set<std::string>{"tess", "theo"}));
  EXPECT_EQ(exported.Count("CarePlan"), 2);
  EXPECT_EQ(exported.Count("Procedure"), 2);
  EXPECT_EQ(exported.Count("Observation"), 2 * 2 + 2);
  EXPECT_EQ(exported.Count("QuestionnaireResponse"), 2);
  EXPECT_THAT(exported.Dangling(), ::testing::IsEmpty());
}

TEST_F(FhirExportTest, ABundleTooLargeForOneReplyIsRefused) {
  AddPatient("ana", 5, kStart);
  absl::StatusOr<std::string> json =
      ExportPatientBundle(*store_, ExerciseCatalog::Default(),
                          PatientName{"demo", "ana"}, At(kStart), 2048);
  EXPECT_EQ(json.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(json.status().message(), HasSubstr("ExportClinicResources"));
}

TEST_F(FhirExportTest, ABundleOfAMissingPatientIsNotFound) {
  absl::StatusOr<std::string> json =
      ExportPatientBundle(*store_, ExerciseCatalog::Default(),
                          PatientName{"demo", "nobody"}, At(kStart), 1 << 20);
  EXPECT_EQ(json.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace glutecare
