// The Store contract, method by method, then the concurrency cases: written
// against server/storage/store.h only, so every backend runs the same tests
// (see store_contract.h for how a backend instantiates them). Nothing here
// may depend on one backend: etags are compared with etags the store
// returned, never with literals, and ids are the ones the tests chose.
#include "tests/storage/store_contract.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <latch>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "tests/testing/builders.h"

namespace glutecare {
namespace {

// ---- Helpers ----------------------------------------------------------------

absl::Status StatusOf(const absl::Status& status) { return status; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}
template <typename T>
absl::StatusCode CodeOf(const T& result) {
  return StatusOf(result).code();
}

// Fails the test (and returns from the calling function) unless `expr` is OK.
#define ASSERT_OK(...)                                         \
  do {                                                         \
    const absl::Status status_of_expr = StatusOf(__VA_ARGS__); \
    ASSERT_TRUE(status_of_expr.ok()) << status_of_expr;        \
  } while (false)

// Enough for every list the tests read, small enough to end a runaway loop.
constexpr int kMaxPages = 100;

// Every item of a list, read `page_size` at a time by `list` (a callable
// taking a PageRequest and returning StatusOr<Page<T>>). Fails the test on an
// error, a page larger than asked, or a list that does not end.
template <typename List>
auto ReadAll(List list, int32_t page_size = 1000) {
  using PageOf =
      typename std::invoke_result_t<List, const PageRequest&>::value_type;
  decltype(PageOf::items) all;
  PageRequest request{.page_size = page_size};
  for (int pages = 0; pages < kMaxPages; ++pages) {
    auto page = list(request);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return all;
    EXPECT_LE(page->items.size(), static_cast<size_t>(page_size));
    for (auto& item : page->items) all.push_back(std::move(item));
    if (page->next_page_token.empty()) return all;
    request.page_token = page->next_page_token;
  }
  ADD_FAILURE() << "the list did not end within " << kMaxPages << " pages";
  return all;
}

template <typename T>
std::vector<std::string> Names(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const T& item : items) names.push_back(item.name());
  return names;
}

// Expects `read` to be OK and to hold exactly `expected`.
template <typename T>
void ExpectRead(const absl::StatusOr<T>& read, const T& expected) {
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->ShortDebugString(), expected.ShortDebugString());
}

std::vector<std::string> Sorted(std::vector<std::string> strings) {
  std::sort(strings.begin(), strings.end());
  return strings;
}

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  return time;
}

// ---- Builders ---------------------------------------------------------------

const PatientName kP1{"demo", "p1"};
const ProgramName kG1{"demo", "p1", "g1"};
constexpr char kBridge[] = "exercises/glute-bridge";

using testing::Clinic;
using testing::Therapist;

v1::Patient Patient(const std::string& id, const std::string& mrn,
                    const std::string& therapist = "t1",
                    const std::string& clinic = "demo") {
  return testing::Patient(clinic, id, mrn, therapist);
}

// `exercise` (a name, exercises/{id}) in `sets` sets of 10.
v1::Prescription Prescription(const std::string& exercise, int sets) {
  v1::Prescription prescription = testing::Prescription("", sets, 10);
  prescription.set_exercise(exercise);
  return prescription;
}

// A program of patient `patient` (of clinic demo) prescribing the glute
// bridge in `sets` sets of 10.
v1::Program Program(const std::string& patient, const std::string& id, int sets,
                    const std::string& start_date = "2026-11-01") {
  v1::Program program =
      testing::Program(start_date, {Prescription(kBridge, sets)});
  program.set_name("clinics/demo/patients/" + patient + "/programs/" + id);
  return program;
}

// A session of `patient` following revision 1 of its program g1.
v1::Session Session(const std::string& patient, const std::string& id,
                    int64_t perform_seconds,
                    const std::string& local_date = "2026-11-20") {
  const std::string parent = "clinics/demo/patients/" + patient;
  v1::Session session;
  session.set_name(parent + "/sessions/" + id);
  session.mutable_perform_time()->set_seconds(perform_seconds);
  session.set_local_date(local_date);
  session.set_program_revision(parent + "/programs/g1@1");
  session.set_pain_before(3);
  session.set_pain_after(2);
  return session;
}

v1::PainReport PainReport(const std::string& patient, const std::string& id,
                          const std::string& local_date, int score = 4) {
  v1::PainReport report;
  report.set_name("clinics/demo/patients/" + patient + "/painReports/" + id);
  report.set_local_date(local_date);
  report.set_area(v1::PAIN_AREA_HIP);
  report.set_score(score);
  return report;
}

v1::ManagementTimeEntry TimeEntry(const PatientName& patient,
                                  const std::string& id,
                                  const std::string& date, int minutes = 10) {
  v1::ManagementTimeEntry entry;
  entry.set_name(patient.ToString() + "/managementTimeEntries/" + id);
  entry.set_therapist("clinics/demo/therapists/t1");
  entry.set_date(date);
  entry.set_minutes(minutes);
  return entry;
}

v1::OutcomeAssignment Assignment(const std::string& patient,
                                 const std::string& id,
                                 v1::OutcomeMeasure measure) {
  v1::OutcomeAssignment assignment;
  assignment.set_name("clinics/demo/patients/" + patient +
                      "/outcomeAssignments/" + id);
  assignment.set_measure(measure);
  assignment.set_every_weeks(4);
  return assignment;
}

// A response of `patient` to its ODI assignment `odi`.
v1::OutcomeResponse Response(const std::string& patient, const std::string& id,
                             const std::string& local_date, double score) {
  const std::string parent = "clinics/demo/patients/" + patient;
  v1::OutcomeResponse response;
  response.set_name(parent + "/outcomeResponses/" + id);
  response.set_assignment(parent + "/outcomeAssignments/odi");
  response.set_measure(v1::OUTCOME_MEASURE_ODI);
  response.set_local_date(local_date);
  response.set_score(score);
  return response;
}

// Stores `response` as the service does: scored against the current intake.
absl::StatusOr<v1::OutcomeResponse> RespondToCurrentIntake(
    Store& store, const v1::OutcomeResponse& response,
    const std::string& request_id) {
  absl::StatusOr<OutcomeAssignmentName> assignment =
      OutcomeAssignmentName::Parse(response.assignment(), "assignment");
  if (!assignment.ok()) return assignment.status();
  absl::StatusOr<std::optional<v1::OutcomeResponse>> intake =
      store.GetOutcomeIntake(*assignment);
  if (!intake.ok()) return intake.status();
  return store.CreateOutcomeResponse(
      response, request_id, intake->has_value() ? (*intake)->name() : "");
}

v1::AccessToken Token(const std::string& clinic, const std::string& id,
                      int64_t create_seconds = 1'800'000'000) {
  v1::AccessToken token;
  token.set_name("clinics/" + clinic + "/accessTokens/" + id);
  token.set_role(v1::ROLE_THERAPIST);
  token.set_subject("clinics/" + clinic + "/therapists/t1");
  token.set_display_name("Token " + id);
  *token.mutable_create_time() = At(create_seconds);
  *token.mutable_expire_time() = At(4'102'444'800);  // 2100-01-01
  return token;
}

AuditRecord Event(const std::string& patient, int64_t seconds,
                  const std::string& clinic = "demo") {
  AuditRecord record{.clinic = {clinic}};
  *record.event.mutable_time() = At(seconds);
  record.event.set_principal("clinics/" + clinic + "/accessTokens/k1");
  record.event.set_method("/glutecare.v1.PatientService/GetPatient");
  record.event.set_resource(patient.empty() ? "clinics/" + clinic : patient);
  record.event.set_patient(patient);
  record.event.set_outcome("OK");
  return record;
}

v1::PatientStatus Dashboard(const PatientName& patient, double attention) {
  v1::PatientStatus status;
  status.set_patient(patient.ToString());
  status.set_display_name("Patient " + patient.patient);
  status.set_attention_score(attention);
  return status;
}

// What the progression rules would find about `exercise`: `sets` sets now,
// one more (progress) or one fewer (regress) proposed.
SuggestionCandidate Candidate(v1::SuggestionKind kind,
                              const std::string& exercise = kBridge,
                              int sets = 3) {
  SuggestionCandidate candidate;
  candidate.kind = kind;
  candidate.current = Prescription(exercise, sets);
  candidate.proposed = Prescription(
      exercise, kind == v1::SUGGESTION_KIND_PROGRESS ? sets + 1 : sets - 1);
  candidate.reasons = {"three sessions at RPE 5 or less"};
  return candidate;
}

std::vector<v1::Suggestion> SuggestionsOf(Store& store,
                                          const SuggestionFilter& filter) {
  return ReadAll([&](const PageRequest& page) {
    return store.ListSuggestions(filter, page);
  });
}

}  // namespace

void StoreContractTest::SetUp() {
  ASSERT_FALSE(dir_.path().empty());
  absl::StatusOr<std::unique_ptr<Store>> store = GetParam().open(dir_.path());
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
  ASSERT_OK(store_->CreateClinic(Clinic("demo")));
  ASSERT_OK(store_->CreateTherapist(Therapist("demo", "t1")));
  ASSERT_OK(store_->CreateTherapist(Therapist("demo", "t2")));
  ASSERT_OK(store_->CreatePatient(Patient("p1", "MRN-1")));
  ASSERT_OK(store_->CreateProgram(Program("p1", "g1", 3)));
}

namespace {

// ---- Clinics and therapists -------------------------------------------------

TEST_P(StoreContractTest, ClinicsAreStoredOnceAndReadBack) {
  v1::Clinic clinic = Clinic("north");
  clinic.set_identifier_system("urn:oid:1.2.3");
  ExpectRead(store_->CreateClinic(clinic), clinic);
  ExpectRead(store_->GetClinic({"north"}), clinic);

  clinic.set_display_name("Another");
  EXPECT_EQ(CodeOf(store_->CreateClinic(clinic)),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetClinic({"north"})->display_name(), "Clinic north");
  EXPECT_EQ(CodeOf(store_->GetClinic({"nowhere"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Names(ReadAll([&](const PageRequest& page) {
              return store_->ListClinics(page);
            })).size(),
            2u);
}

TEST_P(StoreContractTest, TherapistsBelongToAnExistingClinic) {
  absl::StatusOr<v1::Therapist> created =
      store_->CreateTherapist(Therapist("demo", "t3"));
  ASSERT_TRUE(created.ok()) << created.status();
  ExpectRead(store_->GetTherapist({"demo", "t3"}), *created);

  EXPECT_EQ(CodeOf(store_->CreateTherapist(Therapist("demo", "t3"))),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreateTherapist(Therapist("nowhere", "t9"))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetTherapist({"nowhere", "t9"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetTherapist({"demo", "t9"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->ListTherapists({"nowhere"}, {})),
            absl::StatusCode::kNotFound);

  // A therapist id is unique within its clinic only.
  ASSERT_OK(store_->CreateClinic(Clinic("north")));
  EXPECT_TRUE(store_->CreateTherapist(Therapist("north", "t3")).ok());
  EXPECT_EQ(Names(ReadAll([&](const PageRequest& page) {
              return store_->ListTherapists({"demo"}, page);
            })).size(),
            3u);
}

// ---- Patients ---------------------------------------------------------------

TEST_P(StoreContractTest,
       CreatePatientReturnsItsEtagAndRefusesTakenIdsAndMrns) {
  absl::StatusOr<v1::Patient> created =
      store_->CreatePatient(Patient("p2", "MRN-2"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->etag().empty());
  ExpectRead(store_->GetPatient({"demo", "p2"}), *created);

  EXPECT_EQ(CodeOf(store_->CreatePatient(Patient("p1", "MRN-9"))),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreatePatient(Patient("p3", "MRN-1"))),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreatePatient(Patient("p4", "MRN-4", "ghost"))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetPatient({"demo", "p3"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetPatient({"demo", "p4"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->FindPatientByMrn({"demo"}, "MRN-9")),
            absl::StatusCode::kNotFound);

  // An MRN is unique within its clinic only.
  ASSERT_OK(store_->CreateClinic(Clinic("north")));
  ASSERT_OK(store_->CreateTherapist(Therapist("north", "t1")));
  EXPECT_TRUE(
      store_->CreatePatient(Patient("p1", "MRN-1", "t1", "north")).ok());
  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListPatients({"demo"}, std::nullopt, page);
            }).size(),
            2u);
}

TEST_P(StoreContractTest, FindsAPatientByMrnWithinItsClinicWithItsEtag) {
  ASSERT_OK(store_->CreateClinic(Clinic("north")));
  absl::StatusOr<v1::Patient> found =
      store_->FindPatientByMrn({"demo"}, "MRN-1");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->name(), "clinics/demo/patients/p1");
  EXPECT_EQ(found->etag(), store_->GetPatient(kP1)->etag());

  v1::Patient renamed = *found;
  renamed.set_display_name("Renamed");
  absl::StatusOr<v1::Patient> updated =
      store_->UpdatePatient(renamed, found->etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  found = store_->FindPatientByMrn({"demo"}, "MRN-1");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->display_name(), "Renamed");
  EXPECT_EQ(found->etag(), updated->etag());

  EXPECT_EQ(CodeOf(store_->FindPatientByMrn({"demo"}, "mrn-1")),
            absl::StatusCode::kNotFound);  // MRNs are case-sensitive
  EXPECT_EQ(CodeOf(store_->FindPatientByMrn({"north"}, "MRN-1")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->FindPatientByMrn({"nowhere"}, "MRN-1")),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ListPatientsFiltersByTherapist) {
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2", "t2")));
  ASSERT_OK(store_->CreatePatient(Patient("p3", "MRN-3", "t2")));
  auto list = [&](std::optional<TherapistName> therapist) {
    return Sorted(Names(ReadAll([&](const PageRequest& page) {
      return store_->ListPatients({"demo"}, therapist, page);
    })));
  };
  EXPECT_EQ(list(std::nullopt),
            (std::vector<std::string>{"clinics/demo/patients/p1",
                                      "clinics/demo/patients/p2",
                                      "clinics/demo/patients/p3"}));
  EXPECT_EQ(list(TherapistName{"demo", "t2"}),
            (std::vector<std::string>{"clinics/demo/patients/p2",
                                      "clinics/demo/patients/p3"}));
  // A therapist who does not exist has no patients.
  EXPECT_TRUE(list(TherapistName{"demo", "ghost"}).empty());
  EXPECT_EQ(CodeOf(store_->ListPatients({"nowhere"}, std::nullopt, {})),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, UpdatePatientChecksTheEtagAndTheMrn) {
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2")));
  const v1::Patient before = *store_->GetPatient(kP1);
  v1::Patient patient = before;
  patient.set_display_name("Renamed");
  patient.set_therapist("clinics/demo/therapists/t2");
  absl::StatusOr<v1::Patient> updated =
      store_->UpdatePatient(patient, before.etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag(), before.etag());
  EXPECT_EQ(updated->display_name(), "Renamed");
  EXPECT_EQ(store_->GetPatient(kP1)->etag(), updated->etag());
  // The therapist filter follows the new therapist.
  EXPECT_EQ(Sorted(Names(ReadAll([&](const PageRequest& page) {
              return store_->ListPatients({"demo"}, TherapistName{"demo", "t2"},
                                          page);
            }))),
            (std::vector<std::string>{"clinics/demo/patients/p1"}));

  // A lost update: written against the etag that is no longer current.
  patient.set_display_name("Lost update");
  const absl::Status lost =
      store_->UpdatePatient(patient, before.etag()).status();
  EXPECT_EQ(lost.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(lost), reason::kEtagMismatch);
  EXPECT_EQ(store_->GetPatient(kP1)->display_name(), "Renamed");

  // Another patient's MRN is taken; keeping one's own is fine.
  patient.set_mrn("MRN-2");
  EXPECT_EQ(CodeOf(store_->UpdatePatient(patient, updated->etag())),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetPatient(kP1)->mrn(), "MRN-1");
  patient.set_mrn("MRN-1");
  EXPECT_TRUE(store_->UpdatePatient(patient, updated->etag()).ok());

  v1::Patient ghost = Patient("ghost", "MRN-9");
  EXPECT_EQ(CodeOf(store_->UpdatePatient(ghost, before.etag())),
            absl::StatusCode::kNotFound);
}

// ---- Programs ---------------------------------------------------------------

TEST_P(StoreContractTest, ProgramsKeepEveryRevisionBehindAnEtag) {
  absl::StatusOr<v1::Program> first = store_->GetProgram(kG1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->revision_id(), 1);
  EXPECT_FALSE(first->etag().empty());

  absl::StatusOr<v1::Program> second =
      store_->AddProgramRevision(Program("p1", "g1", 4), first->etag());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision_id(), 2);
  EXPECT_NE(second->etag(), first->etag());

  // Revision 0 is the latest; each revision stays readable.
  EXPECT_EQ(store_->GetProgram(kG1)->prescriptions(0).sets(), 4);
  EXPECT_EQ(store_->GetProgram(kG1)->etag(), second->etag());
  EXPECT_EQ(
      store_->GetProgram({"demo", "p1", "g1", 1})->prescriptions(0).sets(), 3);
  EXPECT_EQ(CodeOf(store_->GetProgram({"demo", "p1", "g1", 3})),
            absl::StatusCode::kNotFound);

  // A revision written against the first etag would lose the second.
  EXPECT_EQ(
      CodeOf(store_->AddProgramRevision(Program("p1", "g1", 5), first->etag())),
      absl::StatusCode::kAborted);
  EXPECT_EQ(CodeOf(store_->AddProgramRevision(Program("p1", "nope", 5),
                                              first->etag())),
            absl::StatusCode::kNotFound);

  std::vector<v1::Program> revisions = ReadAll([&](const PageRequest& page) {
    return store_->ListProgramRevisions(kG1, page);
  });
  ASSERT_EQ(revisions.size(), 2u);  // newest first
  EXPECT_EQ(revisions[0].revision_id(), 2);
  EXPECT_EQ(revisions[1].revision_id(), 1);
  EXPECT_EQ(CodeOf(store_->ListProgramRevisions({"demo", "p1", "nope"}, {})),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, CreateProgramNeedsThePatientAndAFreeId) {
  absl::StatusOr<v1::Program> created =
      store_->CreateProgram(Program("p1", "g2", 2));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->revision_id(), 1);
  EXPECT_EQ(CodeOf(store_->CreateProgram(Program("p1", "g1", 2))),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetProgram(kG1)->prescriptions(0).sets(), 3);
  EXPECT_EQ(CodeOf(store_->CreateProgram(Program("nobody", "g1", 2))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetProgram({"demo", "nobody", "g1"})),
            absl::StatusCode::kNotFound);

  // ListPrograms: the latest revision of each program.
  ASSERT_OK(
      store_->AddProgramRevision(Program("p1", "g2", 5), created->etag()));
  std::vector<v1::Program> programs = ReadAll(
      [&](const PageRequest& page) { return store_->ListPrograms(kP1, page); });
  ASSERT_EQ(programs.size(), 2u);
  for (const v1::Program& program : programs) {
    SCOPED_TRACE(program.name());
    const bool g2 = program.name() == "clinics/demo/patients/p1/programs/g2";
    EXPECT_EQ(program.revision_id(), g2 ? 2 : 1);
    EXPECT_EQ(program.prescriptions(0).sets(), g2 ? 5 : 3);
  }
  EXPECT_EQ(CodeOf(store_->ListPrograms({"demo", "nobody"}, {})),
            absl::StatusCode::kNotFound);
}

// ---- Sessions, pain check-ins, management time ------------------------------

TEST_P(StoreContractTest, SessionsNeedThePatientAndAnExistingRevision) {
  const v1::Session session = Session("p1", "s1", 1'763'600'000);
  ExpectRead(store_->CreateSession(session, "r1"), session);
  ExpectRead(store_->GetSession({"demo", "p1", "s1"}), session);
  EXPECT_EQ(CodeOf(store_->GetSession({"demo", "p1", "s9"})),
            absl::StatusCode::kNotFound);

  v1::Session later_revision = Session("p1", "s2", 1'763'600'000);
  later_revision.set_program_revision("clinics/demo/patients/p1/programs/g1@2");
  v1::Session other_program = Session("p1", "s3", 1'763'600'000);
  other_program.set_program_revision(
      "clinics/demo/patients/p1/programs/nope@1");
  EXPECT_EQ(CodeOf(store_->CreateSession(later_revision, "r2")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->CreateSession(other_program, "r3")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->CreateSession(Session("nobody", "s4", 0), "r4")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListSessions(kP1, page);
            }).size(),
            1u);
  EXPECT_EQ(CodeOf(store_->ListSessions({"demo", "nobody"}, {})),
            absl::StatusCode::kNotFound);
}

// (Their order, and every other list's, is checked by
// EveryListPagesWithoutGapsOrRepeatsInItsOrder below.)
TEST_P(StoreContractTest, RecordsOfAMissingPatientAreNotFound) {
  const PatientName nobody{"demo", "nobody"};
  EXPECT_EQ(CodeOf(store_->ListPainReports(nobody, {})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->ListOutcomeResponses(nobody, {})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->ListManagementTimeEntries(nobody, {})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->CreatePainReport(
                PainReport("nobody", "x", "2026-11-01"), "")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->CreateManagementTimeEntry(
                nobody, TimeEntry(nobody, "x", "2026-11-01"), "")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->CreateOutcomeResponse(
                Response("nobody", "x", "2026-11-01", 40), "", "")),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, AnImportedHistoryIsStoredWholeOrNotAtAll) {
  ImportedHistory history;
  for (int i = 0; i < 30; ++i) {
    history.sessions.push_back(Session("p1", absl::StrCat("h", i),
                                       1'763'000'000 + 86'400 * i,
                                       absl::StrFormat("2026-10-%02d", i + 1)));
    if (i % 2 == 0) {
      history.pain_reports.push_back(PainReport(
          "p1", absl::StrCat("h", i), absl::StrFormat("2026-10-%02d", i + 1)));
    }
  }
  ASSERT_OK(store_->ImportHistory(kP1, history));
  std::vector<v1::Session> sessions = ReadAll(
      [&](const PageRequest& page) { return store_->ListSessions(kP1, page); });
  ASSERT_EQ(sessions.size(), 30u);
  EXPECT_EQ(sessions.back().name(), history.sessions[0].name());
  ExpectRead(store_->GetSession({"demo", "p1", "h7"}), history.sessions[7]);
  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListPainReports(kP1, page);
            }).size(),
            15u);

  // Each of these fails the whole import: nothing of it is stored.
  auto rejected = [&](ImportedHistory bad) {
    bad.sessions.insert(bad.sessions.begin(),
                        Session("p1", "fresh", 1'764'000'000, "2026-11-30"));
    const absl::Status status = store_->ImportHistory(kP1, bad);
    EXPECT_EQ(CodeOf(store_->GetSession({"demo", "p1", "fresh"})),
              absl::StatusCode::kNotFound);
    return status.code();
  };
  ImportedHistory taken;
  taken.sessions.push_back(history.sessions[3]);
  EXPECT_EQ(rejected(taken), absl::StatusCode::kAlreadyExists);
  ImportedHistory no_revision;
  no_revision.sessions.push_back(Session("p1", "r9", 1'764'000'000));
  no_revision.sessions.back().set_program_revision(
      "clinics/demo/patients/p1/programs/g1@9");
  EXPECT_EQ(rejected(no_revision), absl::StatusCode::kNotFound);
  ImportedHistory elsewhere;
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2")));
  elsewhere.pain_reports.push_back(PainReport("p2", "x", "2026-11-01"));
  EXPECT_EQ(rejected(elsewhere), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->ImportHistory({"demo", "nobody"}, {})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListSessions(kP1, page);
            }).size(),
            30u);
}

// One create method that is idempotent by request_id, driven the same way.
struct IdempotentCreate {
  const char* method;
  // Stores a record with id `id` for `patient`; returns the name of the
  // record the store answered with.
  std::function<absl::StatusOr<std::string>(Store&, const std::string& patient,
                                            const std::string& id,
                                            const std::string& request_id)>
      create;
  // How many records `patient` has.
  std::function<size_t(Store&, const PatientName&)> count;
};

template <typename T>
absl::StatusOr<std::string> NameOf(const absl::StatusOr<T>& created) {
  if (!created.ok()) return created.status();
  return created->name();
}

// Counts a patient's records with `list`, one of Store's lists of a patient.
template <typename T>
std::function<size_t(Store&, const PatientName&)> Counter(
    absl::StatusOr<Page<T>> (Store::*list)(const PatientName&,
                                           const PageRequest&)) {
  return [list](Store& store, const PatientName& patient) {
    return ReadAll([&](const PageRequest& page) {
             return (store.*list)(patient, page);
           })
        .size();
  };
}

std::vector<IdempotentCreate> IdempotentCreates() {
  return {
      {"CreateSession",
       [](Store& store, const std::string& patient, const std::string& id,
          const std::string& request_id) {
         return NameOf(store.CreateSession(Session(patient, id, 1'763'600'000),
                                           request_id));
       },
       Counter(&Store::ListSessions)},
      {"CreatePainReport",
       [](Store& store, const std::string& patient, const std::string& id,
          const std::string& request_id) {
         return NameOf(store.CreatePainReport(
             PainReport(patient, id, "2026-11-20"), request_id));
       },
       Counter(&Store::ListPainReports)},
      {"CreateManagementTimeEntry",
       [](Store& store, const std::string& patient, const std::string& id,
          const std::string& request_id) {
         const PatientName parent{"demo", patient};
         return NameOf(store.CreateManagementTimeEntry(
             parent, TimeEntry(parent, id, "2026-11-20"), request_id));
       },
       Counter(&Store::ListManagementTimeEntries)},
      {"CreateOutcomeResponse",
       [](Store& store, const std::string& patient, const std::string& id,
          const std::string& request_id) {
         return NameOf(RespondToCurrentIntake(
             store, Response(patient, id, "2026-11-20", 40), request_id));
       },
       Counter(&Store::ListOutcomeResponses)},
  };
}

TEST_P(StoreContractTest, ARetriedCreateStoresOnceForARequestIdOfOnePatient) {
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2")));
  ASSERT_OK(store_->CreateProgram(Program("p2", "g1", 3)));
  for (const std::string patient : {"p1", "p2"}) {
    ASSERT_OK(store_->CreateOutcomeAssignment(
        Assignment(patient, "odi", v1::OUTCOME_MEASURE_ODI)));
  }
  const PatientName p2{"demo", "p2"};
  for (const IdempotentCreate& method : IdempotentCreates()) {
    SCOPED_TRACE(method.method);
    absl::StatusOr<std::string> first =
        method.create(*store_, "p1", "a", "req-1");
    ASSERT_TRUE(first.ok()) << first.status();
    // The retry carries another id (the caller made a new one): the first
    // record is returned and nothing is written.
    absl::StatusOr<std::string> retry =
        method.create(*store_, "p1", "b", "req-1");
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_EQ(*retry, *first);
    EXPECT_EQ(method.count(*store_, kP1), 1u);

    // No request id: every call stores.
    EXPECT_TRUE(method.create(*store_, "p1", "c", "").ok());
    EXPECT_TRUE(method.create(*store_, "p1", "d", "").ok());
    EXPECT_EQ(method.count(*store_, kP1), 3u);

    // A request id is one patient's: another patient's is another request.
    absl::StatusOr<std::string> other =
        method.create(*store_, "p2", "a", "req-1");
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_NE(*other, *first);
    EXPECT_EQ(method.count(*store_, p2), 1u);
    EXPECT_EQ(method.count(*store_, kP1), 3u);
  }
}

TEST_P(StoreContractTest, RtmActivityReadsDistinctDataDaysAndTheMonthsTime) {
  ASSERT_OK(store_->CreateSession(Session("p1", "s1", 1'763'600'000), ""));
  // The session's day (one data day), and a day before the window.
  ASSERT_OK(store_->CreatePainReport(PainReport("p1", "r1", "2026-11-20"), ""));
  ASSERT_OK(store_->CreatePainReport(PainReport("p1", "r2", "2026-11-18"), ""));
  ASSERT_OK(store_->CreateManagementTimeEntry(
      kP1, TimeEntry(kP1, "m1", "2026-10-31", 10), "a"));
  ASSERT_OK(store_->CreateManagementTimeEntry(
      kP1, TimeEntry(kP1, "m2", "2026-11-01", 12), "b"));
  ASSERT_OK(store_->CreateProgram(Program("p1", "g2", 3, "2026-10-15")));

  absl::StatusOr<RtmActivity> activity =
      store_->GetRtmActivity(kP1, {.data_from = "2026-11-19",
                                   .data_to = "2026-11-30",
                                   .time_from = "2026-11-01",
                                   .time_to = "2026-11-30"});
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(activity->data_dates, std::vector<std::string>{"2026-11-20"});
  EXPECT_EQ(activity->first_data_date, "2026-11-18");
  EXPECT_EQ(activity->first_program_start_date, "2026-10-15");
  ASSERT_EQ(activity->management_time.size(), 1u);
  EXPECT_EQ(activity->management_time[0].minutes(), 12);
  EXPECT_EQ(CodeOf(store_->GetRtmActivity({"demo", "nobody"}, {})),
            absl::StatusCode::kNotFound);

  // A patient with nothing yet.
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2")));
  activity = store_->GetRtmActivity({"demo", "p2"}, {.data_from = "2026-11-01",
                                                     .data_to = "2026-11-30",
                                                     .time_from = "2026-11-01",
                                                     .time_to = "2026-11-30"});
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_TRUE(activity->data_dates.empty());
  EXPECT_EQ(activity->first_data_date, "");
  EXPECT_EQ(activity->first_program_start_date, "");
  EXPECT_TRUE(activity->management_time.empty());
}

TEST_P(StoreContractTest, PatientActivityReadsOneWindowOfEverything) {
  ASSERT_OK(store_->AddProgramRevision(Program("p1", "g1", 4),
                                       store_->GetProgram(kG1)->etag()));
  ASSERT_OK(store_->CreateProgram(Program("p1", "g2", 2)));
  // Sessions before, in and after the window [11-01, 11-21], stored out of
  // order.
  ASSERT_OK(store_->CreateSession(
      Session("p1", "in2", 1'763'600'000, "2026-11-20"), ""));
  ASSERT_OK(store_->CreateSession(
      Session("p1", "before", 1'760'900'000, "2026-10-20"), ""));
  ASSERT_OK(store_->CreateSession(
      Session("p1", "after", 1'764'000'000, "2026-11-25"), ""));
  ASSERT_OK(store_->CreateSession(
      Session("p1", "in1", 1'762'300'000, "2026-11-05"), ""));
  ASSERT_OK(store_->CreatePainReport(PainReport("p1", "r2", "2026-11-10"), ""));
  ASSERT_OK(store_->CreatePainReport(PainReport("p1", "r1", "2026-11-02"), ""));
  ASSERT_OK(store_->CreatePainReport(PainReport("p1", "r0", "2026-10-30"), ""));
  ASSERT_OK(store_->CreateOutcomeAssignment(
      Assignment("p1", "odi", v1::OUTCOME_MEASURE_ODI)));
  for (const auto& [id, date] :
       std::vector<std::pair<std::string, std::string>>{
           {"o1", "2026-10-01"}, {"o3", "2026-12-01"}, {"o2", "2026-11-01"}}) {
    ASSERT_OK(
        RespondToCurrentIntake(*store_, Response("p1", id, date, 50), ""));
  }

  absl::StatusOr<PatientActivity> activity = store_->GetPatientActivity(
      kP1, {.from = "2026-11-01", .to = "2026-11-21"});
  ASSERT_TRUE(activity.ok()) << activity.status();
  ASSERT_EQ(activity->programs.size(), 2u);
  for (const std::vector<v1::Program>& revisions : activity->programs) {
    ASSERT_FALSE(revisions.empty());
    SCOPED_TRACE(revisions[0].name());
    std::vector<int64_t> ids;
    for (const v1::Program& revision : revisions) {
      ids.push_back(revision.revision_id());
    }
    EXPECT_EQ(
        ids, (revisions[0].name() == kG1.ToString() ? std::vector<int64_t>{1, 2}
                                                    : std::vector<int64_t>{1}));
  }
  EXPECT_EQ(
      Names(activity->sessions),
      (std::vector<std::string>{"clinics/demo/patients/p1/sessions/in1",
                                "clinics/demo/patients/p1/sessions/in2"}));
  EXPECT_TRUE(activity->session_dates.empty());  // no history asked for
  EXPECT_EQ(
      Names(activity->pain_reports),
      (std::vector<std::string>{"clinics/demo/patients/p1/painReports/r1",
                                "clinics/demo/patients/p1/painReports/r2"}));
  EXPECT_EQ(activity->last_session_date, "2026-11-20");
  EXPECT_TRUE(activity->outcome_responses.empty());

  activity = store_->GetPatientActivity(kP1, {.from = "2026-11-01",
                                              .to = "2026-11-21",
                                              .history_from = "2026-10-01",
                                              .outcome_responses = true});
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(
      activity->session_dates,
      (std::vector<std::string>{"2026-10-20", "2026-11-05", "2026-11-20"}));
  // Outside [from, to] too, oldest local_date first.
  std::vector<std::string> dates;
  for (const v1::OutcomeResponse& response : activity->outcome_responses) {
    dates.push_back(response.local_date());
  }
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-10-01", "2026-11-01",
                                             "2026-12-01"}));

  // Before any session.
  activity = store_->GetPatientActivity(
      kP1, {.from = "2026-09-01", .to = "2026-09-30"});
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(activity->last_session_date, "");
  EXPECT_TRUE(activity->sessions.empty());
  EXPECT_EQ(CodeOf(store_->GetPatientActivity({"demo", "nobody"}, {})),
            absl::StatusCode::kNotFound);
}

// ---- Outcome measures -------------------------------------------------------

TEST_P(StoreContractTest, OutcomeAssignmentsAreOnePerIdListedById) {
  for (const auto& [id, measure] :
       std::vector<std::pair<std::string, v1::OutcomeMeasure>>{
           {"odi", v1::OUTCOME_MEASURE_ODI},
           {"lefs", v1::OUTCOME_MEASURE_LEFS}}) {
    ASSERT_OK(store_->CreateOutcomeAssignment(Assignment("p1", id, measure)));
  }
  EXPECT_EQ(CodeOf(store_->CreateOutcomeAssignment(
                Assignment("p1", "odi", v1::OUTCOME_MEASURE_ODI))),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreateOutcomeAssignment(
                Assignment("nobody", "odi", v1::OUTCOME_MEASURE_ODI))),
            absl::StatusCode::kNotFound);

  ExpectRead(store_->GetOutcomeAssignment({"demo", "p1", "odi"}),
             Assignment("p1", "odi", v1::OUTCOME_MEASURE_ODI));
  EXPECT_EQ(CodeOf(store_->GetOutcomeAssignment({"demo", "p1", "koos"})),
            absl::StatusCode::kNotFound);

  absl::StatusOr<std::vector<v1::OutcomeAssignment>> listed =
      store_->ListOutcomeAssignments(kP1);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(Names(*listed),
            (std::vector<std::string>{
                "clinics/demo/patients/p1/outcomeAssignments/lefs",
                "clinics/demo/patients/p1/outcomeAssignments/odi"}));
  EXPECT_EQ(CodeOf(store_->ListOutcomeAssignments({"demo", "nobody"})),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest,
       OutcomeResponsesKeepTheIntakeAndCountOnTheAssignment) {
  ASSERT_OK(store_->CreateOutcomeAssignment(
      Assignment("p1", "odi", v1::OUTCOME_MEASURE_ODI)));
  const OutcomeAssignmentName odi{"demo", "p1", "odi"};
  const std::string r1 = "clinics/demo/patients/p1/outcomeResponses/r1";
  absl::StatusOr<std::optional<v1::OutcomeResponse>> intake =
      store_->GetOutcomeIntake(odi);
  ASSERT_TRUE(intake.ok()) << intake.status();
  EXPECT_FALSE(intake->has_value());
  EXPECT_EQ(CodeOf(store_->GetOutcomeIntake({"demo", "p1", "lefs"})),
            absl::StatusCode::kNotFound);

  // No response to a missing assignment.
  v1::OutcomeResponse lefs = Response("p1", "x", "2026-11-01", 40);
  lefs.set_assignment("clinics/demo/patients/p1/outcomeAssignments/lefs");
  EXPECT_EQ(CodeOf(store_->CreateOutcomeResponse(lefs, "", "")),
            absl::StatusCode::kNotFound);

  ASSERT_OK(store_->CreateOutcomeResponse(
      Response("p1", "r1", "2026-11-01", 60), "a", ""));
  // Scored against no intake, though r1 is the intake now; or against
  // another response than the intake.
  const absl::Status unscored =
      store_
          ->CreateOutcomeResponse(Response("p1", "r2", "2026-11-29", 40), "b",
                                  "")
          .status();
  EXPECT_EQ(unscored.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(unscored), reason::kIntakeChanged);
  EXPECT_EQ(CodeOf(store_->CreateOutcomeResponse(
                Response("p1", "r2", "2026-11-29", 40), "b",
                "clinics/demo/patients/p1/outcomeResponses/r9")),
            absl::StatusCode::kAborted);
  ASSERT_OK(store_->CreateOutcomeResponse(
      Response("p1", "r2", "2026-11-29", 40), "b", r1));
  // A retry returns the first, whatever intake it names.
  absl::StatusOr<v1::OutcomeResponse> again = store_->CreateOutcomeResponse(
      Response("p1", "r3", "2026-11-29", 10), "b", "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), "clinics/demo/patients/p1/outcomeResponses/r2");
  EXPECT_EQ(again->score(), 40);
  // A late response for an earlier day.
  ASSERT_OK(store_->CreateOutcomeResponse(
      Response("p1", "r4", "2026-11-15", 50), "c", r1));

  intake = store_->GetOutcomeIntake(odi);
  ASSERT_TRUE(intake.ok()) << intake.status();
  ASSERT_TRUE(intake->has_value());
  EXPECT_EQ((*intake)->name(), r1);
  absl::StatusOr<v1::OutcomeAssignment> counted =
      store_->GetOutcomeAssignment(odi);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(counted->intake_date(), "2026-11-01");
  EXPECT_EQ(counted->last_response_date(), "2026-11-29");
  EXPECT_EQ(counted->response_count(), 3);

  absl::StatusOr<v1::OutcomeResponse> got =
      store_->GetOutcomeResponse({"demo", "p1", "r1"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->score(), 60);
  EXPECT_EQ(CodeOf(store_->GetOutcomeResponse({"demo", "p1", "r3"})),
            absl::StatusCode::kNotFound);
}

// ---- Suggestions ------------------------------------------------------------

// What RecordSuggestions made of `candidates` for revision `revision` of
// `program` at `seconds`; nothing, and a test failure, on an error.
std::vector<v1::Suggestion> Record(
    Store& store, const ProgramName& program, int64_t revision,
    const std::vector<SuggestionCandidate>& candidates, int64_t seconds) {
  absl::StatusOr<std::vector<v1::Suggestion>> made =
      store.RecordSuggestions(program, revision, candidates, At(seconds));
  EXPECT_TRUE(made.ok()) << made.status();
  return made.ok() ? *std::move(made) : std::vector<v1::Suggestion>();
}

SuggestionName NameOfSuggestion(const v1::Suggestion& suggestion) {
  return SuggestionName::Parse(suggestion.name(), "name")
      .value_or(SuggestionName{});
}

TEST_P(StoreContractTest, RecordSuggestionsOpensOneForEachNewFinding) {
  const std::vector<SuggestionCandidate> candidates = {
      Candidate(v1::SUGGESTION_KIND_PROGRESS),
      Candidate(v1::SUGGESTION_KIND_REGRESS, "exercises/clamshell")};
  const std::vector<v1::Suggestion> made =
      Record(*store_, kG1, 1, candidates, 1'800'000'000);
  ASSERT_EQ(made.size(), 2u);
  for (size_t i = 0; i < made.size(); ++i) {
    const v1::Suggestion& suggestion = made[i];
    SCOPED_TRACE(suggestion.name());
    EXPECT_TRUE(
        absl::StartsWith(suggestion.name(), kG1.ToString() + "/suggestions/"));
    EXPECT_EQ(suggestion.exercise(), candidates[i].current.exercise());
    EXPECT_EQ(suggestion.kind(), candidates[i].kind);
    EXPECT_EQ(suggestion.proposed().sets(), candidates[i].proposed.sets());
    EXPECT_EQ(suggestion.state(), v1::SUGGESTION_STATE_OPEN);
    EXPECT_EQ(suggestion.based_on_revision(), 1);
    EXPECT_EQ(suggestion.create_time().seconds(), 1'800'000'000);
    ExpectRead(store_->GetSuggestion(NameOfSuggestion(suggestion)), suggestion);
  }
  EXPECT_NE(made[0].name(), made[1].name());
  EXPECT_EQ(CodeOf(store_->GetSuggestion({"demo", "p1", "g1", "nope"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->RecordSuggestions({"demo", "p1", "nope"}, 1,
                                             candidates, At(1'800'000'000))),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, AFindingSuggestedBeforeForTheRevisionIsSkipped) {
  const std::vector<SuggestionCandidate> progress = {
      Candidate(v1::SUGGESTION_KIND_PROGRESS)};
  ASSERT_EQ(Record(*store_, kG1, 1, progress, 1'800'000'000).size(), 1u);
  // The evaluation runs again: nothing new, the open one stays as it was.
  EXPECT_TRUE(Record(*store_, kG1, 1, progress, 1'800'000'100).empty());
  std::vector<v1::Suggestion> stored = SuggestionsOf(*store_, {.patient = kP1});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state(), v1::SUGGESTION_STATE_OPEN);
  EXPECT_EQ(stored[0].update_time().seconds(), 1'800'000'000);

  // Dismissed by the therapist: still not made again for this revision.
  ASSERT_OK(store_->DismissSuggestion(NameOfSuggestion(stored[0]),
                                      At(1'800'000'200)));
  EXPECT_TRUE(Record(*store_, kG1, 1, progress, 1'800'000'300).empty());
  EXPECT_EQ(SuggestionsOf(*store_, {.patient = kP1}).size(), 1u);
}

TEST_P(StoreContractTest, ANewSuggestionSupersedesTheOpenOneForItsExercise) {
  const std::vector<v1::Suggestion> progress =
      Record(*store_, kG1, 1, {Candidate(v1::SUGGESTION_KIND_PROGRESS)},
             1'800'000'000);
  ASSERT_EQ(progress.size(), 1u);
  const std::vector<v1::Suggestion> regress = Record(
      *store_, kG1, 1, {Candidate(v1::SUGGESTION_KIND_REGRESS)}, 1'800'000'100);
  ASSERT_EQ(regress.size(), 1u);
  EXPECT_EQ(regress[0].state(), v1::SUGGESTION_STATE_OPEN);

  absl::StatusOr<v1::Suggestion> superseded =
      store_->GetSuggestion(NameOfSuggestion(progress[0]));
  ASSERT_TRUE(superseded.ok()) << superseded.status();
  EXPECT_EQ(superseded->state(), v1::SUGGESTION_STATE_DISMISSED);
  EXPECT_EQ(superseded->update_time().seconds(), 1'800'000'100);
  EXPECT_GT(superseded->reasons_size(), progress[0].reasons_size());

  // Both kinds in one call: the later one wins, and the program has one open
  // suggestion per exercise throughout.
  ASSERT_OK(store_->CreateProgram(Program("p1", "g2", 3)));
  const ProgramName g2{"demo", "p1", "g2"};
  EXPECT_EQ(Record(*store_, g2, 1,
                   {Candidate(v1::SUGGESTION_KIND_PROGRESS),
                    Candidate(v1::SUGGESTION_KIND_REGRESS)},
                   1'800'000'200)
                .size(),
            2u);
  std::vector<v1::Suggestion> open = SuggestionsOf(
      *store_,
      {.patient = kP1, .program = g2, .state = v1::SUGGESTION_STATE_OPEN});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind(), v1::SUGGESTION_KIND_REGRESS);
  EXPECT_EQ(SuggestionsOf(*store_, {.patient = kP1, .program = g2}).size(), 2u);
}

TEST_P(StoreContractTest, FindingsAboutAnOlderRevisionAreDropped) {
  ASSERT_OK(store_->AddProgramRevision(Program("p1", "g1", 4),
                                       store_->GetProgram(kG1)->etag()));
  EXPECT_TRUE(Record(*store_, kG1, 1, {Candidate(v1::SUGGESTION_KIND_PROGRESS)},
                     1'800'000'000)
                  .empty());
  EXPECT_TRUE(SuggestionsOf(*store_, {.patient = kP1}).empty());
}

// Two open suggestions for revision 1 of g1 (glute bridge, clamshell).
std::vector<v1::Suggestion> RecordTwo(Store& store) {
  return Record(
      store, kG1, 1,
      {Candidate(v1::SUGGESTION_KIND_PROGRESS),
       Candidate(v1::SUGGESTION_KIND_PROGRESS, "exercises/clamshell")},
      1'800'000'000);
}

TEST_P(StoreContractTest, ANewRevisionDismissesTheOpenSuggestions) {
  const std::vector<v1::Suggestion> made = RecordTwo(*store_);
  ASSERT_EQ(made.size(), 2u);
  v1::Program update = Program("p1", "g1", 5);
  *update.mutable_revision_create_time() = At(1'800'000'500);
  ASSERT_OK(
      store_->AddProgramRevision(update, store_->GetProgram(kG1)->etag()));

  for (const v1::Suggestion& before : made) {
    const SuggestionName name = NameOfSuggestion(before);
    absl::StatusOr<v1::Suggestion> after = store_->GetSuggestion(name);
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->state(), v1::SUGGESTION_STATE_DISMISSED);
    EXPECT_EQ(after->update_time().seconds(), 1'800'000'500);
    EXPECT_GT(after->reasons_size(), before.reasons_size());
    EXPECT_EQ(CodeOf(store_->AcceptSuggestion(name, Program("p1", "g1", 4),
                                              At(1'800'000'600))),
              absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(store_->GetProgram(kG1)->revision_id(), 2);
}

TEST_P(StoreContractTest, AcceptingStoresTheNextRevisionAndClosesTheRest) {
  const std::vector<v1::Suggestion> made = RecordTwo(*store_);
  ASSERT_EQ(made.size(), 2u);
  const SuggestionName accepted = NameOfSuggestion(made[0]);

  absl::StatusOr<v1::Program> revision = store_->AcceptSuggestion(
      accepted, Program("p1", "g1", 4), At(1'800'000'100));
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(revision->revision_id(), 2);
  EXPECT_EQ(revision->prescriptions(0).sets(), 4);
  EXPECT_EQ(store_->GetProgram(kG1)->revision_id(), 2);
  EXPECT_EQ(store_->GetProgram(kG1)->etag(), revision->etag());

  absl::StatusOr<v1::Suggestion> got = store_->GetSuggestion(accepted);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), v1::SUGGESTION_STATE_ACCEPTED);
  EXPECT_EQ(got->accepted_revision(), 2);
  EXPECT_EQ(got->update_time().seconds(), 1'800'000'100);
  // The other one was about revision 1, which is no longer the latest.
  EXPECT_EQ(store_->GetSuggestion(NameOfSuggestion(made[1]))->state(),
            v1::SUGGESTION_STATE_DISMISSED);

  EXPECT_EQ(CodeOf(store_->AcceptSuggestion(accepted, Program("p1", "g1", 6),
                                            At(1'800'000'200))),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(store_->AcceptSuggestion({"demo", "p1", "g1", "nope"},
                                            Program("p1", "g1", 6),
                                            At(1'800'000'200))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListProgramRevisions(kG1, page);
            }).size(),
            2u);
}

TEST_P(StoreContractTest, OnlyAnOpenSuggestionCanBeDismissed) {
  const std::vector<v1::Suggestion> made =
      Record(*store_, kG1, 1, {Candidate(v1::SUGGESTION_KIND_PROGRESS)},
             1'800'000'000);
  ASSERT_EQ(made.size(), 1u);
  const SuggestionName name = NameOfSuggestion(made[0]);
  absl::StatusOr<v1::Suggestion> dismissed =
      store_->DismissSuggestion(name, At(1'800'000'100));
  ASSERT_TRUE(dismissed.ok()) << dismissed.status();
  EXPECT_EQ(dismissed->state(), v1::SUGGESTION_STATE_DISMISSED);
  EXPECT_EQ(dismissed->update_time().seconds(), 1'800'000'100);
  EXPECT_EQ(store_->GetSuggestion(name)->state(),
            v1::SUGGESTION_STATE_DISMISSED);

  EXPECT_EQ(CodeOf(store_->DismissSuggestion(name, At(1'800'000'200))),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(store_->AcceptSuggestion(name, Program("p1", "g1", 4),
                                            At(1'800'000'200))),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetProgram(kG1)->revision_id(), 1);
  EXPECT_EQ(CodeOf(store_->DismissSuggestion({"demo", "p1", "g1", "nope"},
                                             At(1'800'000'200))),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ListSuggestionsFiltersByProgramAndStateNewestFirst) {
  ASSERT_OK(store_->CreateProgram(Program("p1", "g2", 3)));
  const ProgramName g2{"demo", "p1", "g2"};
  std::vector<std::string> made;
  for (const auto& [program, exercise] :
       std::vector<std::pair<ProgramName, std::string>>{
           {kG1, kBridge}, {g2, kBridge}, {kG1, "exercises/clamshell"}}) {
    const std::vector<v1::Suggestion> one =
        Record(*store_, program, 1,
               {Candidate(v1::SUGGESTION_KIND_PROGRESS, exercise)},
               1'800'000'000 + 10 * static_cast<int64_t>(made.size()));
    ASSERT_EQ(one.size(), 1u);
    made.push_back(one[0].name());
  }
  ASSERT_OK(store_->DismissSuggestion(*SuggestionName::Parse(made[0], "name"),
                                      At(1'800'000'100)));

  EXPECT_EQ(Names(SuggestionsOf(*store_, {.patient = kP1})),
            (std::vector<std::string>{made[2], made[1], made[0]}));
  EXPECT_EQ(Names(SuggestionsOf(*store_, {.patient = kP1, .program = kG1})),
            (std::vector<std::string>{made[2], made[0]}));
  EXPECT_EQ(Names(SuggestionsOf(
                *store_, {.patient = kP1, .state = v1::SUGGESTION_STATE_OPEN})),
            (std::vector<std::string>{made[2], made[1]}));
  EXPECT_EQ(
      Names(SuggestionsOf(*store_, {.patient = kP1,
                                    .program = kG1,
                                    .state = v1::SUGGESTION_STATE_DISMISSED})),
      (std::vector<std::string>{made[0]}));
  EXPECT_EQ(
      CodeOf(store_->ListSuggestions({.patient = {"demo", "nobody"}}, {})),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(
      CodeOf(store_->ListSuggestions(
          {.patient = kP1, .program = ProgramName{"demo", "p1", "nope"}}, {})),
      absl::StatusCode::kNotFound);
}

// ---- Alerts -----------------------------------------------------------------

// An event of `rule` about patient p1's day `date`, keyed `key`.
AlertCandidate AlertEvent(v1::AlertRule rule, const std::string& key,
                          const std::string& date = "2026-11-03") {
  return {
      .rule = rule,
      .trigger_key = key,
      .local_date = date,
      .summary = absl::StrCat("event ", key),
      .evidence = {absl::StrCat("clinics/demo/patients/p1/sessions/", key)}};
}

constexpr v1::AlertRule kPainRule = v1::ALERT_RULE_POST_EXERCISE_PAIN;

// What RecordAlerts made of `candidates` for `patient` at `seconds`; nothing,
// and a test failure, on an error.
std::vector<v1::Alert> Raise(Store& store, const PatientName& patient,
                             const std::vector<AlertCandidate>& candidates,
                             int64_t seconds = 1'800'000'000) {
  absl::StatusOr<std::vector<v1::Alert>> made =
      store.RecordAlerts(patient, candidates, At(seconds));
  EXPECT_TRUE(made.ok()) << made.status();
  return made.ok() ? *std::move(made) : std::vector<v1::Alert>{};
}

AlertName NameOfAlert(const v1::Alert& alert) {
  absl::StatusOr<AlertName> name = AlertName::Parse(alert.name(), "alert");
  EXPECT_TRUE(name.ok()) << name.status();
  return name.ok() ? *name : AlertName{};
}

TEST_P(StoreContractTest, AnEventOpensAnAlertForThePatientsTherapist) {
  const std::vector<v1::Alert> made =
      Raise(*store_, kP1, {AlertEvent(kPainRule, "s1")}, 1'800'000'000);
  ASSERT_EQ(made.size(), 1u);
  const v1::Alert& alert = made[0];
  EXPECT_TRUE(
      absl::StartsWith(alert.name(), "clinics/demo/patients/p1/alerts/"))
      << alert.name();
  EXPECT_EQ(alert.rule(), kPainRule);
  EXPECT_EQ(alert.state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(alert.therapist(), "clinics/demo/therapists/t1");
  EXPECT_EQ(alert.summary(), "event s1");
  EXPECT_EQ(alert.local_date(), "2026-11-03");
  EXPECT_EQ(alert.create_time().seconds(), 1'800'000'000);
  EXPECT_GT(alert.sequence(), 0);
  ExpectRead(store_->GetAlert(NameOfAlert(alert)), alert);
  EXPECT_EQ(*store_->CountUnresolvedAlerts(kP1), 1);

  EXPECT_EQ(CodeOf(store_->RecordAlerts({"demo", "nobody"},
                                        {AlertEvent(kPainRule, "s1")},
                                        At(1'800'000'000))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetAlert({"demo", "p1", "nope"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->CountUnresolvedAlerts({"demo", "nobody"})),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->ListUnresolvedAlerts({"demo", "nobody"})),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, LaterEventsOfARuleJoinItsUnresolvedAlert) {
  const std::vector<v1::Alert> made =
      Raise(*store_, kP1,
            {AlertEvent(kPainRule, "s1", "2026-11-03"),
             AlertEvent(v1::ALERT_RULE_FLARE, "d1", "2026-11-03"),
             AlertEvent(kPainRule, "s2", "2026-11-04")});
  // One alert per rule; the second pain event joined the first alert in the
  // same call, and the returned alert shows it.
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0].rule(), kPainRule);
  EXPECT_EQ(made[0].summary(), "event s2");
  EXPECT_EQ(made[0].local_date(), "2026-11-04");
  EXPECT_EQ(made[0].evidence_size(), 2);
  EXPECT_EQ(made[1].rule(), v1::ALERT_RULE_FLARE);

  // A new event, later: joins the open alert, which keeps its create_time
  // and update_time and takes the event's summary and day.
  EXPECT_TRUE(Raise(*store_, kP1, {AlertEvent(kPainRule, "s3", "2026-11-05")},
                    1'800'000'500)
                  .empty());
  absl::StatusOr<v1::Alert> joined = store_->GetAlert(NameOfAlert(made[0]));
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->summary(), "event s3");
  EXPECT_EQ(joined->local_date(), "2026-11-05");
  EXPECT_EQ(joined->evidence_size(), 3);
  EXPECT_EQ(joined->create_time().seconds(), 1'800'000'000);
  EXPECT_EQ(joined->update_time().seconds(), made[0].update_time().seconds());
  EXPECT_EQ(joined->sequence(), made[0].sequence());

  // Events recorded before raise nothing new; the last one given is the
  // rule's latest event, whose numbers may have moved (a longer gap), so the
  // still unresolved alert takes its summary and day again.
  EXPECT_TRUE(Raise(*store_, kP1,
                    {AlertEvent(kPainRule, "s1"),
                     AlertEvent(kPainRule, "s2", "2026-11-06")})
                  .empty());
  joined = store_->GetAlert(NameOfAlert(made[0]));
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->summary(), "event s2");
  EXPECT_EQ(joined->local_date(), "2026-11-06");
  EXPECT_EQ(joined->evidence_size(), 3);

  absl::StatusOr<std::vector<UnresolvedAlert>> unresolved =
      store_->ListUnresolvedAlerts(kP1);
  ASSERT_TRUE(unresolved.ok()) << unresolved.status();
  ASSERT_EQ(unresolved->size(), 2u);
  EXPECT_EQ((*unresolved)[0].alert.name(), made[0].name());
  std::vector<std::string> keys = (*unresolved)[0].trigger_keys;
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"s1", "s2", "s3"}));
  EXPECT_EQ((*unresolved)[1].trigger_keys, (std::vector<std::string>{"d1"}));
  EXPECT_EQ(*store_->CountUnresolvedAlerts(kP1), 2);
}

TEST_P(StoreContractTest, ARecordedEventNeverRaisesAgainOnceResolved) {
  const std::vector<v1::Alert> made =
      Raise(*store_, kP1, {AlertEvent(kPainRule, "s1")});
  ASSERT_EQ(made.size(), 1u);
  ASSERT_OK(store_->SetAlertState(NameOfAlert(made[0]),
                                  v1::ALERT_STATE_RESOLVED, At(1'800'000'100)));
  EXPECT_EQ(*store_->CountUnresolvedAlerts(kP1), 0);
  // The late-delivered copy of the same event: nothing new.
  EXPECT_TRUE(Raise(*store_, kP1, {AlertEvent(kPainRule, "s1")}).empty());
  // A new event of the rule opens a new alert, later in the stream.
  const std::vector<v1::Alert> again =
      Raise(*store_, kP1, {AlertEvent(kPainRule, "s4")}, 1'800'000'200);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].name(), made[0].name());
  EXPECT_GT(again[0].sequence(), made[0].sequence());
}

TEST_P(StoreContractTest, ATherapistAcknowledgesAndResolvesAnAlert) {
  const std::vector<v1::Alert> made =
      Raise(*store_, kP1, {AlertEvent(kPainRule, "s1")});
  ASSERT_EQ(made.size(), 1u);
  const AlertName name = NameOfAlert(made[0]);
  absl::StatusOr<v1::Alert> acknowledged = store_->SetAlertState(
      name, v1::ALERT_STATE_ACKNOWLEDGED, At(1'800'000'100));
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.status();
  EXPECT_EQ(acknowledged->state(), v1::ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(acknowledged->update_time().seconds(), 1'800'000'100);
  EXPECT_EQ(*store_->CountUnresolvedAlerts(kP1), 1);

  absl::StatusOr<v1::Alert> resolved =
      store_->SetAlertState(name, v1::ALERT_STATE_RESOLVED, At(1'800'000'200));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(resolved->resolution(), v1::ALERT_RESOLUTION_THERAPIST);
  ExpectRead(store_->GetAlert(name), *resolved);
  // Resolving again changes nothing; acknowledging a resolved alert fails.
  ExpectRead(
      store_->SetAlertState(name, v1::ALERT_STATE_RESOLVED, At(1'800'000'300)),
      *resolved);
  EXPECT_EQ(CodeOf(store_->SetAlertState(name, v1::ALERT_STATE_ACKNOWLEDGED,
                                         At(1'800'000'300))),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CodeOf(store_->SetAlertState(
          {"demo", "p1", "nope"}, v1::ALERT_STATE_RESOLVED, At(1'800'000'300))),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(*store_->CountUnresolvedAlerts(kP1), 0);
}

TEST_P(StoreContractTest, AClearedConditionResolvesOnlyWhatItSaw) {
  const std::vector<v1::Alert> made = Raise(
      *store_, kP1,
      {AlertEvent(kPainRule, "s1"), AlertEvent(v1::ALERT_RULE_FLARE, "d1"),
       AlertEvent(v1::ALERT_RULE_MISSED_SESSIONS, "w1")});
  ASSERT_EQ(made.size(), 3u);
  // The pain alert gains an event the clearance below did not see; the
  // therapist resolves the flare meanwhile.
  EXPECT_TRUE(Raise(*store_, kP1, {AlertEvent(kPainRule, "s2")}).empty());
  ASSERT_OK(store_->SetAlertState(NameOfAlert(made[1]),
                                  v1::ALERT_STATE_RESOLVED, At(1'800'000'050)));

  std::vector<AlertClearance> clearances;
  for (const v1::Alert& alert : made) {
    clearances.push_back({.alert = alert.name(),
                          .summary = "cleared",
                          .evidence = {"clinics/demo/patients/p1/sessions/s9"},
                          .trigger_keys_seen = 1});
  }
  absl::StatusOr<std::vector<v1::Alert>> resolved =
      store_->ResolveClearedAlerts(kP1, clearances, At(1'800'000'100));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_EQ(resolved->size(), 1u);
  const v1::Alert& cleared = (*resolved)[0];
  EXPECT_EQ(cleared.name(), made[2].name());
  EXPECT_EQ(cleared.state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(cleared.resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_EQ(cleared.resolution_summary(), "cleared");
  EXPECT_EQ(cleared.update_time().seconds(), 1'800'000'100);
  ExpectRead(store_->GetAlert(NameOfAlert(made[2])), cleared);
  EXPECT_EQ(store_->GetAlert(NameOfAlert(made[0]))->state(),
            v1::ALERT_STATE_OPEN);
  EXPECT_EQ(store_->GetAlert(NameOfAlert(made[1]))->resolution(),
            v1::ALERT_RESOLUTION_THERAPIST);
}

TEST_P(StoreContractTest, ListAlertsFiltersByPatientTherapistAndState) {
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2", "t2")));
  const PatientName p2{"demo", "p2"};
  const std::vector<v1::Alert> of_p1 = Raise(
      *store_, kP1,
      {AlertEvent(kPainRule, "s1"), AlertEvent(v1::ALERT_RULE_FLARE, "d1")});
  const std::vector<v1::Alert> of_p2 =
      Raise(*store_, p2, {AlertEvent(kPainRule, "s2")});
  ASSERT_EQ(of_p1.size(), 2u);
  ASSERT_EQ(of_p2.size(), 1u);
  ASSERT_OK(store_->SetAlertState(NameOfAlert(of_p1[0]),
                                  v1::ALERT_STATE_RESOLVED, At(1'800'000'100)));

  auto listed = [&](AlertFilter filter) {
    return Names(ReadAll([&](const PageRequest& page) {
      return store_->ListAlerts(filter, page);
    }));
  };
  // Newest first.
  EXPECT_EQ(listed({.clinic = {"demo"}}),
            (std::vector<std::string>{of_p2[0].name(), of_p1[1].name(),
                                      of_p1[0].name()}));
  EXPECT_EQ(listed({.clinic = {"demo"}, .patient = kP1}),
            (std::vector<std::string>{of_p1[1].name(), of_p1[0].name()}));
  EXPECT_EQ(
      listed({.clinic = {"demo"}, .therapist = TherapistName{"demo", "t2"}}),
      (std::vector<std::string>{of_p2[0].name()}));
  EXPECT_EQ(listed({.clinic = {"demo"}, .state = v1::ALERT_STATE_OPEN}),
            (std::vector<std::string>{of_p2[0].name(), of_p1[1].name()}));
  EXPECT_EQ(CodeOf(store_->ListAlerts({.clinic = {"nowhere"}}, {})),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, AlertsAfterASequenceComeInStreamOrderPerClinic) {
  ASSERT_OK(store_->CreateClinic(Clinic("north")));
  ASSERT_OK(store_->CreateTherapist(Therapist("north", "t1")));
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2", "t2")));
  ASSERT_OK(store_->CreatePatient(Patient("q1", "MRN-Q1", "t1", "north")));
  const PatientName p2{"demo", "p2"};
  std::vector<std::string> raised;
  for (int i = 0; i < 3; ++i) {
    for (const PatientName& patient : {kP1, p2, PatientName{"north", "q1"}}) {
      for (const v1::Alert& alert :
           Raise(*store_, patient,
                 {AlertEvent(static_cast<v1::AlertRule>(i + 1),
                             absl::StrCat("e", i))})) {
        if (alert.name().starts_with("clinics/demo/")) {
          raised.push_back(alert.name());
        }
      }
    }
  }
  ASSERT_EQ(raised.size(), 6u);

  auto after = [&](int64_t sequence, int limit,
                   std::optional<TherapistName> therapist = std::nullopt) {
    absl::StatusOr<std::vector<v1::Alert>> alerts =
        store_->ListAlertsAfter({"demo"}, therapist, sequence, limit);
    EXPECT_TRUE(alerts.ok()) << alerts.status();
    return alerts.ok() ? *alerts : std::vector<v1::Alert>{};
  };
  const std::vector<v1::Alert> all = after(0, 100);
  EXPECT_EQ(Names(all), raised);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].sequence(), all[i].sequence());
  }
  // Resuming after any alert gives exactly the ones after it.
  for (size_t i = 0; i < all.size(); ++i) {
    const std::vector<v1::Alert> rest = after(all[i].sequence(), 100);
    EXPECT_EQ(Names(rest),
              std::vector<std::string>(raised.begin() + i + 1, raised.end()));
  }
  EXPECT_EQ(Names(after(0, 2)),
            std::vector<std::string>(raised.begin(), raised.begin() + 2));
  const std::vector<v1::Alert> of_t2 =
      after(0, 100, TherapistName{"demo", "t2"});
  ASSERT_EQ(of_t2.size(), 3u);
  for (const v1::Alert& alert : of_t2) {
    EXPECT_TRUE(alert.name().starts_with("clinics/demo/patients/p2/"));
  }
  EXPECT_EQ(CodeOf(store_->ListAlertsAfter({"nowhere"}, std::nullopt, 0, 10)),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, AnEvaluationIsWrittenWholeInOneTransaction) {
  const std::vector<v1::Alert> before =
      Raise(*store_, kP1,
            {AlertEvent(v1::ALERT_RULE_MISSED_SESSIONS, "w1"),
             AlertEvent(v1::ALERT_RULE_FLARE, "d1")});
  ASSERT_EQ(before.size(), 2u);
  std::vector<int32_t> counts;
  auto status = [&](int32_t unresolved) {
    counts.push_back(unresolved);
    return Dashboard(kP1, 10.0 * unresolved);
  };

  // A session cleared the missed-sessions alert, a pain event fires, and
  // the progression rules found a progression.
  Evaluation evaluation{.clearances = {{.alert = before[0].name(),
                                        .summary = "cleared",
                                        .trigger_keys_seen = 1}},
                        .alerts = {AlertEvent(kPainRule, "s1")},
                        .suggestions = {{.program = kG1,
                                         .based_on_revision = 1,
                                         .candidates = {Candidate(
                                             v1::SUGGESTION_KIND_PROGRESS)}}},
                        .status = status};
  absl::StatusOr<std::vector<v1::Alert>> raised =
      store_->RecordEvaluation(kP1, evaluation, At(1'800'000'100));
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->size(), 1u);
  EXPECT_EQ((*raised)[0].rule(), kPainRule);
  EXPECT_EQ(store_->GetAlert(NameOfAlert(before[0]))->resolution(),
            v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_EQ(SuggestionsOf(*store_, {.patient = kP1}).size(), 1u);
  // The status saw the alerts as written: the flare and the pain alert.
  ASSERT_FALSE(counts.empty());
  EXPECT_EQ(counts.back(), 2);
  std::vector<v1::PatientStatus> statuses =
      ReadAll([&](const PageRequest& page) {
        return store_->ListPatientStatuses({"demo"}, std::nullopt, page);
      });
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].attention_score(), 20);

  // A part that fails fails the whole: nothing of it is written.
  Evaluation failing{
      .alerts = {AlertEvent(v1::ALERT_RULE_LOW_ADHERENCE, "wk1")},
      .suggestions = {{.program = ProgramName{"demo", "p1", "nope"},
                       .based_on_revision = 1,
                       .candidates = {Candidate(
                           v1::SUGGESTION_KIND_PROGRESS)}}},
      .status = status};
  EXPECT_EQ(CodeOf(store_->RecordEvaluation(kP1, failing, At(1'800'000'200))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*store_->CountUnresolvedAlerts(kP1), 2);
  EXPECT_EQ(CodeOf(store_->RecordEvaluation(kP1, {}, At(1'800'000'200))),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->RecordEvaluation(
                {"demo", "nobody"}, {.status = status}, At(1'800'000'200))),
            absl::StatusCode::kNotFound);
}

// ---- Access tokens ----------------------------------------------------------

TEST_P(StoreContractTest, TokensAreFoundByTheirSecretsHashAndRevokedOnce) {
  ASSERT_OK(store_->CreateAccessToken(Token("demo", "k1"), "hash-1"));
  ASSERT_OK(store_->CreateAccessToken(Token("demo", "k2"), "hash-2"));
  EXPECT_EQ(CodeOf(store_->CreateAccessToken(Token("demo", "k3"), "hash-1")),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreateAccessToken(Token("demo", "k1"), "hash-5")),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreateAccessToken(Token("nowhere", "k4"), "hash-4")),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->FindAccessToken("hash-5")),
            absl::StatusCode::kNotFound);

  ExpectRead(store_->FindAccessToken("hash-2"), Token("demo", "k2"));
  EXPECT_EQ(CodeOf(store_->FindAccessToken("hash-9")),
            absl::StatusCode::kNotFound);

  absl::StatusOr<v1::AccessToken> revoked =
      store_->RevokeAccessToken({"demo", "k1"}, At(1'800'000'100));
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoke_time().seconds(), 1'800'000'100);
  // Revoking again keeps the first revocation; a revoked token is found.
  revoked = store_->RevokeAccessToken({"demo", "k1"}, At(1'900'000'000));
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoke_time().seconds(), 1'800'000'100);
  ExpectRead(store_->FindAccessToken("hash-1"), *revoked);
  EXPECT_FALSE(store_->FindAccessToken("hash-2")->has_revoke_time());
  EXPECT_EQ(
      CodeOf(store_->RevokeAccessToken({"demo", "nope"}, At(1'800'000'100))),
      absl::StatusCode::kNotFound);

  EXPECT_EQ(Names(ReadAll([&](const PageRequest& page) {
              return store_->ListAccessTokens({"demo"}, page);
            })),
            (std::vector<std::string>{"clinics/demo/accessTokens/k2",
                                      "clinics/demo/accessTokens/k1"}));
  EXPECT_EQ(CodeOf(store_->ListAccessTokens({"nowhere"}, {})),
            absl::StatusCode::kNotFound);
}

// ---- Audit trail ------------------------------------------------------------

TEST_P(StoreContractTest, TheAuditTrailListsNewestFirstByPatientAndTime) {
  ASSERT_OK(store_->AppendAuditEvents(
      {Event("clinics/demo/patients/p1", 100), Event("", 200),
       Event("clinics/demo/patients/p1", 300)}));
  std::vector<v1::AuditEvent> all = ReadAll([&](const PageRequest& page) {
    return store_->ListAuditEvents({.clinic = {"demo"}}, page);
  });
  ASSERT_EQ(all.size(), 3u);
  std::vector<int64_t> times;
  for (const v1::AuditEvent& event : all) {
    times.push_back(event.time().seconds());
    EXPECT_EQ(event.name(),
              absl::StrCat("clinics/demo/auditEvents/", event.sequence()));
  }
  EXPECT_EQ(times, (std::vector<int64_t>{300, 200, 100}));
  EXPECT_GT(all[0].sequence(), all[1].sequence());
  EXPECT_GT(all[1].sequence(), all[2].sequence());

  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListAuditEvents(
                  {.clinic = {"demo"}, .patient = kP1}, page);
            }).size(),
            2u);
  std::vector<v1::AuditEvent> window = ReadAll([&](const PageRequest& page) {
    return store_->ListAuditEvents({.clinic = {"demo"},
                                    .start = absl::FromUnixSeconds(200),
                                    .end = absl::FromUnixSeconds(300)},
                                   page);
  });
  ASSERT_EQ(window.size(), 1u);  // start <= time < end
  EXPECT_EQ(window[0].time().seconds(), 200);
  EXPECT_EQ(CodeOf(store_->ListAuditEvents({.clinic = {"nowhere"}}, {})),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, AnAuditBatchWithAnUnknownClinicWritesNothing) {
  EXPECT_EQ(CodeOf(store_->AppendAuditEvents(
                {Event("", 400), Event("", 400, "nowhere")})),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(ReadAll([&](const PageRequest& page) {
                return store_->ListAuditEvents({.clinic = {"demo"}}, page);
              }).empty());
}

// ---- Dashboard --------------------------------------------------------------

TEST_P(StoreContractTest, PatientStatusesAreReplacedAndListedByAttention) {
  ASSERT_OK(store_->CreatePatient(Patient("p2", "MRN-2", "t2")));
  ASSERT_OK(store_->CreatePatient(Patient("p3", "MRN-3", "t2")));
  const PatientName p2{"demo", "p2"};
  const PatientName p3{"demo", "p3"};
  ASSERT_OK(store_->PutPatientStatus(kP1, Dashboard(kP1, 0.2)));
  ASSERT_OK(store_->PutPatientStatus(p2, Dashboard(p2, 0.5)));
  ASSERT_OK(store_->PutPatientStatus(p3, Dashboard(p3, 0.1)));
  ASSERT_OK(store_->PutPatientStatus(kP1, Dashboard(kP1, 0.9)));  // replaces

  auto list = [&](std::optional<TherapistName> therapist) {
    std::vector<std::string> listed;
    for (const v1::PatientStatus& status :
         ReadAll([&](const PageRequest& page) {
           return store_->ListPatientStatuses({"demo"}, therapist, page);
         })) {
      listed.push_back(
          absl::StrCat(status.patient(), " ", status.attention_score()));
    }
    return listed;
  };
  EXPECT_EQ(list(std::nullopt),
            (std::vector<std::string>{"clinics/demo/patients/p1 0.9",
                                      "clinics/demo/patients/p2 0.5",
                                      "clinics/demo/patients/p3 0.1"}));
  EXPECT_EQ(list(TherapistName{"demo", "t2"}),
            (std::vector<std::string>{"clinics/demo/patients/p2 0.5",
                                      "clinics/demo/patients/p3 0.1"}));
  EXPECT_EQ(CodeOf(store_->PutPatientStatus({"demo", "nobody"},
                                            Dashboard({"demo", "nobody"}, 1))),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->ListPatientStatuses({"nowhere"}, std::nullopt, {})),
            absl::StatusCode::kNotFound);
}

// ---- Paging, every list -----------------------------------------------------

// One listed item as the paging test sees it.
struct Listed {
  // What the contract sorts the list by, as a string that sorts the same way;
  // empty where it states no order.
  std::string sort_key;
  // Unique within the list.
  std::string name;
  friend bool operator==(const Listed&, const Listed&) = default;
  friend void PrintTo(const Listed& listed, std::ostream* out) {
    *out << listed.sort_key << " " << listed.name;
  }
};

using ListFn =
    std::function<absl::StatusOr<Page<Listed>>(Store&, const PageRequest&)>;

struct ListMethod {
  const char* method;
  // Newest (or highest) first by sort_key, when true.
  bool descending;
  ListFn list;
  // The same method with another parent or filter; null when it has none.
  ListFn other;
};

template <typename T, typename ToListed>
absl::StatusOr<Page<Listed>> AsListed(absl::StatusOr<Page<T>> page,
                                      ToListed to_listed) {
  if (!page.ok()) return page.status();
  Page<Listed> listed;
  for (const T& item : page->items) listed.items.push_back(to_listed(item));
  listed.next_page_token = page->next_page_token;
  return listed;
}

std::string Padded(int64_t number) { return absl::StrFormat("%020d", number); }

template <typename T>
Listed ByName(const T& item) {
  return {"", item.name()};
}

Listed ByPerformTime(const v1::Session& session) {
  return {Padded(session.perform_time().seconds()), session.name()};
}

template <typename T>
Listed ByLocalDate(const T& item) {
  return {item.local_date(), item.name()};
}

template <typename T>
Listed ByCreateTime(const T& item) {
  return {Padded(item.create_time().seconds()), item.name()};
}

std::vector<ListMethod> ListMethods() {
  const ClinicName demo{"demo"};
  const ClinicName north{"north"};
  const PatientName p2{"demo", "p2"};
  const TherapistName t2{"demo", "t2"};
  auto patients = [](ClinicName clinic, std::optional<TherapistName> of) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(store.ListPatients(clinic, of, page),
                      ByName<v1::Patient>);
    };
  };
  auto statuses = [](std::optional<TherapistName> of) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(store.ListPatientStatuses({"demo"}, of, page),
                      [](const v1::PatientStatus& status) -> Listed {
                        return {
                            absl::StrFormat("%.3f", status.attention_score()),
                            status.patient()};
                      });
    };
  };
  auto revisions = [](ProgramName program) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(
          store.ListProgramRevisions(program, page),
          [](const v1::Program& revision) -> Listed {
            return {Padded(revision.revision_id()),
                    absl::StrCat(revision.name(), "@", revision.revision_id())};
          });
    };
  };
  auto of_patient = [](auto list, auto to_listed) {
    return [=](PatientName patient) {
      return [=](Store& store, const PageRequest& page) {
        return AsListed((store.*list)(patient, page), to_listed);
      };
    };
  };
  auto programs = of_patient(&Store::ListPrograms, ByName<v1::Program>);
  auto sessions = of_patient(&Store::ListSessions, ByPerformTime);
  auto pain = of_patient(&Store::ListPainReports, ByLocalDate<v1::PainReport>);
  auto responses = of_patient(&Store::ListOutcomeResponses,
                              ByLocalDate<v1::OutcomeResponse>);
  auto time = of_patient(&Store::ListManagementTimeEntries,
                         [](const v1::ManagementTimeEntry& entry) -> Listed {
                           return {entry.date(), entry.name()};
                         });
  auto suggestions = [](SuggestionFilter filter) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(store.ListSuggestions(filter, page),
                      ByCreateTime<v1::Suggestion>);
    };
  };
  auto tokens = [](ClinicName clinic) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(store.ListAccessTokens(clinic, page),
                      ByCreateTime<v1::AccessToken>);
    };
  };
  auto audit = [](AuditFilter filter) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(store.ListAuditEvents(filter, page),
                      [](const v1::AuditEvent& event) -> Listed {
                        return {Padded(event.sequence()), event.name()};
                      });
    };
  };
  auto alerts = [](AlertFilter filter) {
    return [=](Store& store, const PageRequest& page) {
      return AsListed(store.ListAlerts(filter, page),
                      [](const v1::Alert& alert) -> Listed {
                        return {Padded(alert.sequence()), alert.name()};
                      });
    };
  };
  return {
      {"ListClinics", false,
       [](Store& store, const PageRequest& page) {
         return AsListed(store.ListClinics(page), ByName<v1::Clinic>);
       },
       nullptr},
      {"ListTherapists", false,
       [](Store& store, const PageRequest& page) {
         return AsListed(store.ListTherapists({"demo"}, page),
                         ByName<v1::Therapist>);
       },
       [](Store& store, const PageRequest& page) {
         return AsListed(store.ListTherapists({"north"}, page),
                         ByName<v1::Therapist>);
       }},
      {"ListPatients", false, patients(demo, std::nullopt), patients(demo, t2)},
      {"ListPatients of a therapist", false, patients(demo, t2),
       patients(north, std::nullopt)},
      {"ListPrograms", false, programs(kP1), programs(p2)},
      {"ListProgramRevisions", true, revisions(kG1),
       revisions({"demo", "p1", "g2"})},
      {"ListSessions", true, sessions(kP1), sessions(p2)},
      {"ListPainReports", true, pain(kP1), pain(p2)},
      {"ListOutcomeResponses", true, responses(kP1), responses(p2)},
      {"ListManagementTimeEntries", true, time(kP1), time(p2)},
      {"ListSuggestions", true, suggestions({.patient = kP1}),
       suggestions({.patient = kP1, .state = v1::SUGGESTION_STATE_OPEN})},
      {"ListAccessTokens", true, tokens(demo), tokens(north)},
      {"ListAuditEvents", true, audit({.clinic = demo}),
       audit({.clinic = demo, .patient = kP1})},
      {"ListPatientStatuses", true, statuses(std::nullopt), statuses(t2)},
      {"ListAlerts", true, alerts({.clinic = demo}),
       alerts({.clinic = demo, .patient = kP1})},
  };
}

// Five items (or four, for t2's patients) in every list of ListMethods(),
// with ties in the sort keys where a list can have them.
void FillEveryList(Store& store) {
  for (const std::string clinic : {"north", "south", "east", "west"}) {
    ASSERT_OK(store.CreateClinic(Clinic(clinic)));
  }
  ASSERT_OK(store.CreateTherapist(Therapist("north", "t1")));
  for (const std::string therapist : {"t3", "t4", "t5"}) {
    ASSERT_OK(store.CreateTherapist(Therapist("demo", therapist)));
  }
  for (int i = 2; i <= 5; ++i) {
    const std::string patient = absl::StrCat("p", i);
    ASSERT_OK(store.CreatePatient(Patient(patient, "MRN-" + patient, "t2")));
    ASSERT_OK(store.CreateProgram(Program("p1", absl::StrCat("g", i), 3)));
  }
  for (int sets = 4; sets <= 7; ++sets) {
    absl::StatusOr<v1::Program> latest = store.GetProgram(kG1);
    ASSERT_TRUE(latest.ok()) << latest.status();
    ASSERT_OK(
        store.AddProgramRevision(Program("p1", "g1", sets), latest->etag()));
  }
  ASSERT_OK(store.CreateOutcomeAssignment(
      Assignment("p1", "odi", v1::OUTCOME_MEASURE_ODI)));
  const int64_t ties[] = {100, 500, 300, 300, 700};
  const std::string dates[] = {"2026-11-01", "2026-11-05", "2026-11-03",
                               "2026-11-03", "2026-11-07"};
  const std::string exercises[] = {kBridge, "exercises/clamshell",
                                   "exercises/side-plank", "exercises/squat",
                                   "exercises/hip-hinge"};
  // Suggestions and tokens are made in time order, two at one time.
  const int64_t created[] = {0, 10, 10, 20, 30};
  const double attention[] = {0.9, 0.5, 0.5, 0.5, 0.1};
  for (int i = 0; i < 5; ++i) {
    const std::string id = absl::StrCat("x", i);
    ASSERT_OK(
        store.CreateSession(Session("p1", id, 1'763'000'000 + ties[i]), ""));
    ASSERT_OK(store.CreatePainReport(PainReport("p1", id, dates[i]), ""));
    ASSERT_OK(
        RespondToCurrentIntake(store, Response("p1", id, dates[i], 50), ""));
    ASSERT_OK(
        store.CreateManagementTimeEntry(kP1, TimeEntry(kP1, id, dates[i]), ""));
    ASSERT_OK(store.RecordSuggestions(
        kG1, 5, {Candidate(v1::SUGGESTION_KIND_PROGRESS, exercises[i])},
        At(1'800'000'000 + created[i])));
    ASSERT_OK(store.CreateAccessToken(
        Token("demo", absl::StrCat("k", i), 1'800'000'000 + created[i]),
        absl::StrCat("hash-", i)));
    ASSERT_OK(store.AppendAuditEvents({Event("", 100 + i)}));
    const PatientName patient{"demo", absl::StrCat("p", i + 1)};
    ASSERT_OK(
        store.PutPatientStatus(patient, Dashboard(patient, attention[i])));
    ASSERT_OK(store.RecordAlerts(patient, {AlertEvent(kPainRule, id)},
                                 At(1'800'000'000 + created[i])));
  }
}

TEST_P(StoreContractTest, EveryListPagesWithoutGapsOrRepeatsInItsOrder) {
  ASSERT_NO_FATAL_FAILURE(FillEveryList(*store_));
  for (const ListMethod& method : ListMethods()) {
    SCOPED_TRACE(method.method);
    auto list = [&](const PageRequest& page) {
      return method.list(*store_, page);
    };
    const std::vector<Listed> whole = ReadAll(list);
    ASSERT_GE(whole.size(), 4u);
    std::set<std::string> names;
    for (const Listed& item : whole) names.insert(item.name);
    EXPECT_EQ(names.size(), whole.size());
    for (size_t i = 1; method.descending && i < whole.size(); ++i) {
      EXPECT_GE(whole[i - 1].sort_key, whole[i].sort_key) << i;
    }
    for (const int32_t page_size : {1, 2, 3}) {
      SCOPED_TRACE(absl::StrCat("page_size ", page_size));
      EXPECT_EQ(ReadAll(list, page_size), whole);
    }

    EXPECT_EQ(CodeOf(list({.page_size = 2, .page_token = "not-a-token"})),
              absl::StatusCode::kInvalidArgument);
    if (method.other == nullptr) continue;
    // A token belongs to its query: another parent or filter refuses it.
    absl::StatusOr<Page<Listed>> first = list({.page_size = 1});
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_FALSE(first->next_page_token.empty());
    EXPECT_EQ(
        CodeOf(method.other(
            *store_, {.page_size = 1, .page_token = first->next_page_token})),
        absl::StatusCode::kInvalidArgument);
  }
}

// ---- Concurrency ------------------------------------------------------------
//
// Each case starts its writers together (a latch, no sleeps) so that their
// transactions overlap as much as the backend lets them, and repeats a few
// rounds. They pass on a backend that serialises every write, and must pass
// on one that does not.

constexpr int kThreads = 8;
constexpr int kRounds = 8;

// Runs each of `work` on its own thread, all released at once, and returns
// when all have returned.
void RunTogether(const std::vector<std::function<void()>>& work) {
  std::latch ready(static_cast<std::ptrdiff_t>(work.size()));
  std::vector<std::jthread> threads;
  threads.reserve(work.size());
  for (const std::function<void()>& one : work) {
    threads.emplace_back([&ready, &one] {
      ready.arrive_and_wait();
      one();
    });
  }
}

TEST_P(StoreContractTest, ConcurrentImportsOfOneMrnMakeOnePatient) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string mrn = absl::StrCat("MRN-RACE-", round);
    std::vector<absl::Status> results(kThreads, absl::UnknownError("not run"));
    std::vector<std::function<void()>> work;
    for (int i = 0; i < kThreads; ++i) {
      work.push_back([&, i] {
        results[i] =
            store_
                ->CreatePatient(Patient(absl::StrCat("r", round, "-", i), mrn))
                .status();
      });
    }
    RunTogether(work);

    int created = 0;
    for (const absl::Status& status : results) {
      if (status.ok()) {
        ++created;
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
      }
    }
    EXPECT_EQ(created, 1);
    int holders = 0;
    for (const v1::Patient& patient : ReadAll([&](const PageRequest& page) {
           return store_->ListPatients({"demo"}, std::nullopt, page);
         })) {
      if (patient.mrn() == mrn) ++holders;
    }
    EXPECT_EQ(holders, 1);
    EXPECT_TRUE(store_->FindPatientByMrn({"demo"}, mrn).ok());
  }
}

TEST_P(StoreContractTest, AcceptingASuggestionRacesAProgramUpdateAndOneWins) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string id = absl::StrCat("race", round);
    const ProgramName program{"demo", "p1", id};
    ASSERT_OK(store_->CreateProgram(Program("p1", id, 3)));
    const std::vector<v1::Suggestion> made =
        Record(*store_, program, 1, {Candidate(v1::SUGGESTION_KIND_PROGRESS)},
               1'800'000'000);
    ASSERT_EQ(made.size(), 1u);
    const SuggestionName suggestion = NameOfSuggestion(made[0]);
    // The therapist accepting and the one editing both read this revision.
    absl::StatusOr<v1::Program> read = store_->GetProgram(program);
    ASSERT_TRUE(read.ok()) << read.status();

    absl::Status accepted;
    absl::Status updated;
    RunTogether(
        {[&] {
           accepted = store_
                          ->AcceptSuggestion(suggestion, Program("p1", id, 4),
                                             At(1'800'000'100))
                          .status();
         },
         [&] {
           updated =
               store_->AddProgramRevision(Program("p1", id, 7), read->etag())
                   .status();
         }});

    ASSERT_NE(accepted.ok(), updated.ok())
        << "accept: " << accepted << "; update: " << updated;
    const absl::Status& lost = accepted.ok() ? updated : accepted;
    EXPECT_TRUE(lost.code() == absl::StatusCode::kFailedPrecondition ||
                lost.code() == absl::StatusCode::kAborted)
        << lost;
    // What is stored is the winner's change alone.
    std::vector<v1::Program> revisions = ReadAll([&](const PageRequest& page) {
      return store_->ListProgramRevisions(program, page);
    });
    ASSERT_EQ(revisions.size(), 2u);
    EXPECT_EQ(revisions[0].prescriptions(0).sets(), accepted.ok() ? 4 : 7);
    absl::StatusOr<v1::Suggestion> after = store_->GetSuggestion(suggestion);
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->state(), accepted.ok() ? v1::SUGGESTION_STATE_ACCEPTED
                                            : v1::SUGGESTION_STATE_DISMISSED);
    EXPECT_EQ(after->accepted_revision(), accepted.ok() ? 2 : 0);
  }
}

TEST_P(StoreContractTest, ConcurrentRetriesOfOneSessionStoreItOnce) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string request_id = absl::StrCat("retry-", round);
    std::vector<absl::StatusOr<v1::Session>> results(
        kThreads, absl::UnknownError("not run"));
    std::vector<std::function<void()>> work;
    for (int i = 0; i < kThreads; ++i) {
      // Each retry carries a new session id, as a client that lost the
      // answer sends the request again.
      work.push_back([&, i] {
        results[i] = store_->CreateSession(
            Session("p1", absl::StrCat("s", round, "-", i),
                    1'763'600'000 + round),
            request_id);
      });
    }
    RunTogether(work);

    for (const absl::StatusOr<v1::Session>& result : results) {
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_EQ(result->name(), results[0]->name());
    }
  }
  EXPECT_EQ(ReadAll([&](const PageRequest& page) {
              return store_->ListSessions(kP1, page);
            }).size(),
            static_cast<size_t>(kRounds));
}

TEST_P(StoreContractTest, ConcurrentEventsOfOneRuleMakeOneUnresolvedAlert) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    std::vector<absl::StatusOr<std::vector<v1::Alert>>> results(
        kThreads, absl::UnknownError("not run"));
    std::vector<std::function<void()>> work;
    for (int i = 0; i < kThreads; ++i) {
      work.push_back([&, i] {
        results[i] = store_->RecordAlerts(
            kP1, {AlertEvent(kPainRule, absl::StrCat("r", round, "-", i))},
            At(1'800'000'000 + round));
      });
    }
    RunTogether(work);

    int opened = 0;
    for (const absl::StatusOr<std::vector<v1::Alert>>& result : results) {
      ASSERT_TRUE(result.ok()) << result.status();
      opened += static_cast<int>(result->size());
    }
    EXPECT_EQ(opened, 1);
    absl::StatusOr<std::vector<UnresolvedAlert>> unresolved =
        store_->ListUnresolvedAlerts(kP1);
    ASSERT_TRUE(unresolved.ok()) << unresolved.status();
    ASSERT_EQ(unresolved->size(), 1u);
    // Every writer's event is on that one alert.
    EXPECT_EQ((*unresolved)[0].trigger_keys.size(),
              static_cast<size_t>(kThreads));
    EXPECT_EQ((*unresolved)[0].alert.evidence_size(), kThreads);
    ASSERT_OK(store_->SetAlertState(NameOfAlert((*unresolved)[0].alert),
                                    v1::ALERT_STATE_RESOLVED,
                                    At(1'800'000'000 + round)));
  }
}

TEST_P(StoreContractTest, AWatcherResumingAfterItsLastSequenceMissesNothing) {
  std::vector<PatientName> patients;
  for (int i = 0; i < kThreads; ++i) {
    const std::string id = absl::StrCat("w", i);
    ASSERT_OK(store_->CreatePatient(Patient(id, "MRN-" + id)));
    patients.push_back({"demo", id});
  }
  constexpr int kAlertsPerWriter = 4 * kRounds;
  // Each writer raises an alert and resolves it, so that its next event
  // raises another one.
  std::vector<std::vector<std::string>> raised(kThreads);
  std::atomic<int> writing{kThreads};
  std::vector<std::function<void()>> work;
  for (int i = 0; i < kThreads; ++i) {
    work.push_back([&, i] {
      for (int n = 0; n < kAlertsPerWriter; ++n) {
        absl::StatusOr<std::vector<v1::Alert>> made = store_->RecordAlerts(
            patients[i], {AlertEvent(kPainRule, absl::StrCat("e", n))},
            At(1'800'000'000 + n));
        if (!made.ok() || made->size() != 1) {
          ADD_FAILURE() << "writer " << i << ": " << made.status();
          break;
        }
        raised[i].push_back((*made)[0].name());
        if (!store_
                 ->SetAlertState(NameOfAlert((*made)[0]),
                                 v1::ALERT_STATE_RESOLVED,
                                 At(1'800'000'000 + n))
                 .ok()) {
          ADD_FAILURE() << "writer " << i << " could not resolve";
          break;
        }
      }
      writing.fetch_sub(1);
    });
  }
  // The watcher reads what follows its last sequence, a few at a time, as
  // WatchAlerts does after a reconnect, until the writers are done and
  // nothing follows.
  std::vector<std::string> seen;
  int64_t last = 0;
  work.push_back([&] {
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    while (absl::Now() < deadline) {
      const bool writers_done = writing.load() == 0;
      absl::StatusOr<std::vector<v1::Alert>> next =
          store_->ListAlertsAfter({"demo"}, std::nullopt, last, 3);
      if (!next.ok()) {
        ADD_FAILURE() << next.status();
        return;
      }
      if (next->empty() && writers_done) return;
      for (const v1::Alert& alert : *next) {
        EXPECT_GT(alert.sequence(), last);
        last = alert.sequence();
        seen.push_back(alert.name());
      }
    }
    ADD_FAILURE() << "the watcher did not finish in time";
  });
  RunTogether(work);

  std::vector<std::string> expected;
  for (const std::vector<std::string>& one : raised) {
    expected.insert(expected.end(), one.begin(), one.end());
  }
  ASSERT_EQ(expected.size(), static_cast<size_t>(kThreads * kAlertsPerWriter));
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> seen_sorted = seen;
  std::sort(seen_sorted.begin(), seen_sorted.end());
  EXPECT_EQ(seen_sorted, expected) << "missed or repeated alerts";
}

}  // namespace
}  // namespace glutecare
