#include "bench/dataset.h"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/secret_file.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/access_tokens.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/resource_names.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/testing/builders.h"

namespace glutecare::bench {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kPatientsPerTherapist = 50;
constexpr const char* kExercises[] = {"glute-bridge", "clamshell",
                                      "bodyweight-squat"};

v1::Program MakeProgram(const std::string& name, const std::string& therapist,
                        absl::CivilDay start, absl::Time created) {
  std::vector<v1::Prescription> prescriptions;
  for (const char* exercise : kExercises) {
    prescriptions.push_back(testing::Prescription(exercise));
  }
  v1::Program program = testing::Program(FormatDate(start), prescriptions);
  program.set_name(name);
  program.set_display_name("Glute strength");
  program.set_therapist(therapist);
  *program.mutable_create_time() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(created));
  *program.mutable_revision_create_time() = program.create_time();
  return program;
}

// Mints a token of `role` for `subject` and returns its secret.
absl::StatusOr<std::string> MintToken(Store& store, const ClinicName& clinic,
                                      v1::Role role, const std::string& subject,
                                      absl::Time now) {
  v1::AccessToken token;
  token.set_role(role);
  token.set_subject(subject);
  token.set_display_name("glutecare-bench");
  GLUTECARE_ASSIGN_OR_RETURN(
      MintedToken minted, MintAccessToken(store, clinic, token, "bench", now));
  return std::move(minted.secret);
}

}  // namespace

void FillSubmission(const BenchPatient& patient, const std::string& request_id,
                    absl::BitGen& random, v1::CreateSessionRequest& request) {
  request.set_parent(patient.name);
  request.set_request_id(request_id);
  v1::Session& session = *request.mutable_session();
  *session.mutable_perform_time() = TimeUtil::GetCurrentTime();
  session.set_program_revision(patient.program_revision);
  for (const char* exercise : kExercises) {
    v1::PerformedExercise& e = *session.add_exercises();
    e.set_exercise(absl::StrCat("exercises/", exercise));
    e.set_sets(3);
    e.set_reps(absl::Uniform(random, 8, 13));
    e.mutable_load()->set_type(v1::LOAD_TYPE_BODYWEIGHT);
  }
  const int before = absl::Uniform(random, 2, 7);
  session.set_pain_before(before);
  session.set_pain_after(
      std::clamp(before + absl::Uniform(random, -2, 2), 0, 10));
  session.set_pain_area(v1::PAIN_AREA_LOWER_BACK);
  session.set_difficulty(absl::Bernoulli(random, 0.8)
                             ? v1::DIFFICULTY_ABOUT_RIGHT
                             : v1::DIFFICULTY_TOO_HARD);
}

absl::StatusOr<Dataset> LoadDataset(Store& store, const DatasetOptions& options,
                                    absl::Time now) {
  absl::BitGen random(std::seed_seq{options.seed});
  Dataset dataset;
  const ClinicName clinic{"bench"};
  dataset.clinic = clinic.ToString();
  v1::Clinic clinic_message;
  clinic_message.set_name(clinic.ToString());
  clinic_message.set_display_name("Benchmark clinic");
  GLUTECARE_RETURN_IF_ERROR(store.CreateClinic(clinic_message).status());

  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  const absl::CivilDay first_day = today - options.days;
  const absl::Time program_created =
      absl::FromCivil(first_day, absl::UTCTimeZone());
  for (int i = 0; i < options.patients; ++i) {
    const TherapistName therapist{"bench",
                                  absl::StrCat("t", i / kPatientsPerTherapist)};
    if (i % kPatientsPerTherapist == 0) {
      v1::Therapist t;
      t.set_name(therapist.ToString());
      t.set_display_name(therapist.therapist);
      GLUTECARE_RETURN_IF_ERROR(store.CreateTherapist(t).status());
      GLUTECARE_ASSIGN_OR_RETURN(std::string secret,
                                 MintToken(store, clinic, v1::ROLE_THERAPIST,
                                           therapist.ToString(), now));
      dataset.therapist_tokens.push_back(std::move(secret));
    }
    const PatientName patient{"bench", absl::StrCat("p", i)};
    v1::Patient p;
    p.set_name(patient.ToString());
    p.set_display_name(absl::StrCat("Patient ", i));
    p.set_mrn(absl::StrCat("MRN-", i));
    p.set_time_zone("UTC");
    p.add_pain_areas(v1::PAIN_AREA_LOWER_BACK);
    p.set_therapist(therapist.ToString());
    p.set_baseline_pain(absl::Uniform(random, 3, 8));
    GLUTECARE_RETURN_IF_ERROR(store.CreatePatient(p).status());

    const ProgramName program{"bench", patient.patient, "main"};
    GLUTECARE_RETURN_IF_ERROR(
        store
            .CreateProgram(MakeProgram(program.ToString(), therapist.ToString(),
                                       first_day, program_created))
            .status());
    const std::string revision = absl::StrCat(program.ToString(), "@1");
    GLUTECARE_ASSIGN_OR_RETURN(
        std::string secret,
        MintToken(store, clinic, v1::ROLE_PATIENT, patient.ToString(), now));
    dataset.patients.push_back({.name = patient.ToString(),
                                .program_revision = revision,
                                .token = std::move(secret)});

    // Most patients keep to their program; some drift off. The history is
    // stored in one transaction per patient.
    ImportedHistory history;
    const double adherence = absl::Uniform(random, 0.3, 1.0);
    int pain = p.baseline_pain();
    for (absl::CivilDay day = first_day; day < today; ++day) {
      pain = std::clamp(pain + absl::Uniform(random, -1, 2), 0, 10);
      const int weekday = static_cast<int>(absl::GetWeekday(day));
      if (weekday % 2 == 0 && absl::Bernoulli(random, adherence)) {
        v1::Session s;
        s.set_name(SessionName{"bench", patient.patient, GenerateResourceId()}
                       .ToString());
        *s.mutable_perform_time() = TimeUtil::SecondsToTimestamp(
            absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())) +
            18 * 3600);
        s.set_local_date(FormatDate(day));
        s.set_program_revision(revision);
        for (const char* exercise : kExercises) {
          *s.add_exercises() =
              testing::Performed(exercise, 3, absl::Uniform(random, 8, 13));
        }
        s.set_pain_before(pain);
        s.set_pain_after(
            std::clamp(pain + absl::Uniform(random, -1, 2), 0, 10));
        s.set_pain_area(v1::PAIN_AREA_LOWER_BACK);
        s.set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
        *s.mutable_create_time() = s.perform_time();
        history.sessions.push_back(std::move(s));
      }
      if ((day - first_day) % 2 == 0) {
        v1::PainReport r;
        r.set_name(
            PainReportName{"bench", patient.patient, GenerateResourceId()}
                .ToString());
        r.set_local_date(FormatDate(day));
        r.set_area(v1::PAIN_AREA_LOWER_BACK);
        r.set_score(pain);
        history.pain_reports.push_back(std::move(r));
      }
    }
    GLUTECARE_RETURN_IF_ERROR(store.ImportHistory(patient, history));
    dataset.sessions += static_cast<int64_t>(history.sessions.size());
    dataset.pain_reports += static_cast<int64_t>(history.pain_reports.size());
  }
  return dataset;
}

absl::StatusOr<Dataset> LoadDatabase(const std::string& db_path,
                                     const DatasetOptions& options) {
  GLUTECARE_ASSIGN_OR_RETURN(
      std::unique_ptr<Store> store,
      OpenSqliteStore({.path = db_path, .durable = false}));
  return LoadDataset(*store, options, absl::Now());
}

absl::StatusOr<std::string> MakeTempDir() {
  std::string pattern = "/tmp/glutecare-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  return pattern;
}

absl::Status WriteManifest(const Dataset& dataset, const std::string& path) {
  GLUTECARE_ASSIGN_OR_RETURN(SecretFile file, SecretFile::Create(path));
  std::string text = absl::StrCat(
      "# glutecare-bench dataset; holds bearer secrets: keep it private\n",
      "clinic ", dataset.clinic, "\n", "sessions ", dataset.sessions, "\n",
      "pain_reports ", dataset.pain_reports, "\n");
  for (const std::string& token : dataset.therapist_tokens) {
    absl::StrAppend(&text, "therapist ", token, "\n");
  }
  for (const BenchPatient& p : dataset.patients) {
    absl::StrAppend(&text, "patient ", p.name, " ", p.program_revision, " ",
                    p.token, "\n");
  }
  text.pop_back();  // Write() adds the last newline
  return file.Write(text);
}

absl::StatusOr<Dataset> ReadManifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  Dataset dataset;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> words = absl::StrSplit(line, ' ');
    const std::string& key = words[0];
    bool ok = false;
    if (key == "clinic" && words.size() == 2) {
      dataset.clinic = words[1];
      ok = true;
    } else if (key == "sessions" && words.size() == 2) {
      ok = absl::SimpleAtoi(words[1], &dataset.sessions);
    } else if (key == "pain_reports" && words.size() == 2) {
      ok = absl::SimpleAtoi(words[1], &dataset.pain_reports);
    } else if (key == "therapist" && words.size() == 2) {
      dataset.therapist_tokens.push_back(words[1]);
      ok = true;
    } else if (key == "patient" && words.size() == 4) {
      dataset.patients.push_back(
          {.name = words[1], .program_revision = words[2], .token = words[3]});
      ok = true;
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": not a dataset record"));
    }
  }
  if (dataset.clinic.empty() || dataset.patients.empty() ||
      dataset.therapist_tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no clinic, patients or therapist tokens"));
  }
  return dataset;
}

}  // namespace glutecare::bench
