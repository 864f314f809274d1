// Builders of the records most tests need: a clinic, its therapists and
// patients, a program and the sessions done under it. Each returns a valid
// message with the values most tests use; a test sets what it is about on
// top, so that what it checks stands in the test.
//
//   v1::Program program = Program("2026-11-01", {Prescription("clamshell")});
//   program.set_display_name("Hip, phase 2");
//   stub->CreateProgram(context, ProgramRequest(patient, "g1", program), ...);
//
//   v1::Session session = Session(patient + "/programs/g1@1");
//   session.set_pain_after(8);  // hurts: raises an alert
//   stub->CreateSession(context, SessionRequest(patient, "s1", session), ...);
//
// Header only: it needs nothing but the generated messages, so any test,
// fuzz target or tool may use it.
#ifndef GLUTECARE_TESTS_TESTING_BUILDERS_H_
#define GLUTECARE_TESTS_TESTING_BUILDERS_H_

#include <string>
#include <vector>

#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/patient_service.pb.h"
#include "glutecare/v1/program_service.pb.h"
#include "glutecare/v1/session_service.pb.h"
#include "server/common/clock.h"

namespace glutecare::testing {

// ---- Clinics, therapists, patients ----------------------------------------

// Clinic `clinics/{id}`, "Clinic {id}", with no MRN system.
inline v1::Clinic Clinic(const std::string& id) {
  v1::Clinic clinic;
  clinic.set_name("clinics/" + id);
  clinic.set_display_name("Clinic " + id);
  return clinic;
}

// Therapist `id` of `clinic` (an id), "Therapist {id}".
inline v1::Therapist Therapist(const std::string& clinic,
                               const std::string& id) {
  v1::Therapist therapist;
  therapist.set_name("clinics/" + clinic + "/therapists/" + id);
  therapist.set_display_name("Therapist " + id);
  return therapist;
}

// Patient `id` of `clinic` (an id), "Patient {id}", with MRN `mrn`, of
// therapist `therapist` (an id): living in Berlin, with hip pain at 5/10 at
// intake. Its name is set, as a store takes it.
inline v1::Patient Patient(const std::string& clinic, const std::string& id,
                           const std::string& mrn,
                           const std::string& therapist = "t1") {
  v1::Patient patient;
  patient.set_name("clinics/" + clinic + "/patients/" + id);
  patient.set_display_name("Patient " + id);
  patient.set_mrn(mrn);
  patient.set_time_zone("Europe/Berlin");
  patient.add_pain_areas(v1::PAIN_AREA_HIP);
  patient.set_therapist("clinics/" + clinic + "/therapists/" + therapist);
  patient.set_baseline_pain(5);
  return patient;
}

// CreatePatient of `patient` (from Patient, or a message like it) as patient
// `id` of `clinic` (an id): the name moves to parent and patient_id.
inline v1::CreatePatientRequest PatientRequest(const std::string& clinic,
                                               const std::string& id,
                                               v1::Patient patient) {
  v1::CreatePatientRequest request;
  request.set_parent("clinics/" + clinic);
  request.set_patient_id(id);
  patient.clear_name();
  *request.mutable_patient() = std::move(patient);
  return request;
}

// ---- Programs ------------------------------------------------------------

// A prescription of `exercise` (a catalog id, such as "glute-bridge"):
// `sets` x `reps` at `load`, `sessions_per_week` sessions a week.
inline v1::Prescription Prescription(
    const std::string& exercise, int sets = 3, int reps = 12,
    v1::LoadType load = v1::LOAD_TYPE_BODYWEIGHT, int sessions_per_week = 3) {
  v1::Prescription prescription;
  prescription.set_exercise("exercises/" + exercise);
  prescription.set_sets(sets);
  prescription.set_reps(reps);
  prescription.mutable_load()->set_type(load);
  prescription.set_sessions_per_week(sessions_per_week);
  return prescription;
}

// An ACTIVE program "Phase 1" from `start_date` (YYYY-MM-DD) of
// `prescriptions`: by default the glute bridge, 3 x 12 at body weight, three
// sessions a week. No name, therapist or times: the test or the server sets
// them.
inline v1::Program Program(const std::string& start_date = "2026-11-01",
                           const std::vector<v1::Prescription>& prescriptions =
                               {Prescription("glute-bridge")}) {
  v1::Program program;
  program.set_display_name("Phase 1");
  program.set_status(v1::PROGRAM_STATUS_ACTIVE);
  program.set_start_date(start_date);
  for (const v1::Prescription& prescription : prescriptions) {
    *program.add_prescriptions() = prescription;
  }
  return program;
}

// CreateProgram of `program` as program `id` of `patient` (a patient's
// name).
inline v1::CreateProgramRequest ProgramRequest(const std::string& patient,
                                               const std::string& id,
                                               v1::Program program) {
  v1::CreateProgramRequest request;
  request.set_parent(patient);
  request.set_program_id(id);
  program.clear_name();
  *request.mutable_program() = std::move(program);
  return request;
}

// ---- Sessions ------------------------------------------------------------

// What a patient did of `exercise` (a catalog id): `sets` x `reps` at
// `load`.
inline v1::PerformedExercise Performed(
    const std::string& exercise, int sets = 3, int reps = 12,
    v1::LoadType load = v1::LOAD_TYPE_BODYWEIGHT) {
  v1::PerformedExercise performed;
  performed.set_exercise("exercises/" + exercise);
  performed.set_sets(sets);
  performed.set_reps(reps);
  performed.mutable_load()->set_type(load);
  return performed;
}

// A session done now under `program_revision` (`{program}@{revision}`, a
// program's name, or empty: the server finds it) of `exercises`: by default
// the glute bridge, 3 x 12 at body weight, with pain 3/10 before and 2/10
// after, and about right. No name, date or pain area: the server derives
// them.
inline v1::Session Session(const std::string& program_revision,
                           const std::vector<v1::PerformedExercise>& exercises =
                               {Performed("glute-bridge")}) {
  v1::Session session;
  *session.mutable_perform_time() = NowTimestamp();
  session.set_program_revision(program_revision);
  for (const v1::PerformedExercise& exercise : exercises) {
    *session.add_exercises() = exercise;
  }
  session.set_pain_before(3);
  session.set_pain_after(2);
  session.set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
  return session;
}

// CreateSession of `session` by `patient` (a patient's name), retried
// safely under `request_id`.
inline v1::CreateSessionRequest SessionRequest(const std::string& patient,
                                               const std::string& request_id,
                                               v1::Session session) {
  v1::CreateSessionRequest request;
  request.set_parent(patient);
  request.set_request_id(request_id);
  *request.mutable_session() = std::move(session);
  return request;
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_BUILDERS_H_
