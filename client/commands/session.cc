// `glutecare session submit|list|show`: the exercise sessions a patient did at
// home, each following a program revision.
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/delivery.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/session_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct SessionSubmitFlags {
  std::optional<std::string> program;  // default: the server picks the
                                       // patient's only active one
  std::vector<std::string> exercises;
  int pain_before = 0;
  int pain_after = 0;
  std::optional<std::string> area;  // default: the server uses the patient's
                                    // first pain area
  std::string difficulty;
  std::string notes;
  std::optional<std::string> perform_time;  // default: now
  std::optional<std::string> request_id;    // default: a new UUID
};

void PrintSession(const v1::Session& session, std::ostream& out) {
  Fields()
      .Add("name", session.name())
      .Add("local date", session.local_date())
      .Add("performed", FormatTimestamp(session.perform_time()))
      .Add("program", session.program_revision())
      .Add("exercises", FormatExerciseSpecs(session.exercises()))
      .Add("pain area", FriendlyName(session.pain_area()))
      .Add("pain before",
           FormatPainScore(session.has_pain_before(), session.pain_before()))
      .Add("pain after",
           FormatPainScore(session.has_pain_after(), session.pain_after()))
      .Add("difficulty", FriendlyName(session.difficulty()))
      .Add("notes", session.notes())
      .Add("created", FormatTimestamp(session.create_time()))
      .Print(out);
}

// Where a new session goes and the program it names.
struct SessionTarget {
  std::string parent;            // `clinics/{clinic}/patients/{patient}`
  std::string program_revision;  // as Session.program_revision is sent
};

// The target of a new session, built without asking the server, so that a
// submission made offline can wait in the outbox: with --program, that
// program as given (its id or full name, with or without @REVISION) under its
// patient; without, the patient of --patient and no program. The server
// records the revision in force at the session's perform_time, of the
// patient's only program active then when none is named.
absl::StatusOr<SessionTarget> TargetOf(
    const CommandContext& context, const std::optional<std::string>& program) {
  if (!program.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(std::string patient, context.Patient());
    return SessionTarget{.parent = std::move(patient)};
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      std::string name,
      context.NameInPatient("programs", *program, "--program"));
  // A program of another patient goes to that patient, where the server's
  // access gate answers NOT_FOUND unless the token is theirs.
  std::string parent(ParentOf(name));
  return SessionTarget{.parent = std::move(parent),
                       .program_revision = std::move(name)};
}

absl::Status SubmitSession(const CommandContext& context,
                           const SessionSubmitFlags& flags) {
  v1::CreateSessionRequest request;
  v1::Session& session = *request.mutable_session();
  for (const std::string& spec : flags.exercises) {
    GLUTECARE_ASSIGN_OR_RETURN(*session.add_exercises(),
                               ParseExerciseSpec<v1::PerformedExercise>(spec));
  }
  GLUTECARE_ASSIGN_OR_RETURN(const v1::Difficulty difficulty,
                             ParseDifficulty(flags.difficulty, "--difficulty"));
  absl::Time perform_time = absl::Now();
  if (flags.perform_time.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(perform_time,
                               ParseInstant(*flags.perform_time, "--at"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::PainArea pain_area,
      ParseOptionalFriendlyName(flags.area, "--area",
                                v1::PAIN_AREA_UNSPECIFIED));
  GLUTECARE_ASSIGN_OR_RETURN(SessionTarget target,
                             TargetOf(context, flags.program));
  request.set_parent(std::move(target.parent));
  session.set_program_revision(std::move(target.program_revision));
  *session.mutable_perform_time() = ToTimestamp(perform_time);
  session.set_pain_before(flags.pain_before);
  session.set_pain_after(flags.pain_after);
  session.set_pain_area(pain_area);
  session.set_difficulty(difficulty);
  session.set_notes(flags.notes);
  request.set_request_id(flags.request_id.value_or(NewRequestId()));
  return SubmitOrKeep(context, &v1::SessionService::Stub::CreateSession,
                      request, OutboxKind::kSession, PrintSession);
}

Columns<v1::Session> SessionColumns() {
  return {
      {"ID", "LOCAL DATE", "PROGRAM", "EXERCISES", "AREA", "PAIN BEFORE",
       "PAIN AFTER", "DIFFICULTY"},
      [](const v1::Session& session) -> std::vector<std::string> {
        return {
            std::string(LastSegment(session.name())),
            session.local_date(),
            std::string(LastSegment(session.program_revision())),
            FormatExerciseSpecs(session.exercises()),
            FriendlyName(session.pain_area()),
            FormatPainScore(session.has_pain_before(), session.pain_before()),
            FormatPainScore(session.has_pain_after(), session.pain_after()),
            FriendlyName(session.difficulty())};
      }};
}

}  // namespace

void AddSessionCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "session", "Exercise sessions of the patient (--patient)");

  auto [submit, submit_flags] =
      AddLeafCommand(group, chosen, "submit",
                     "Records a session the patient did", SubmitSession);
  submit.add_option(
      "--program", submit_flags.program,
      "The program followed: ID, full name, or either with @REVISION "
      "(default: the patient's only program active at --at); without "
      "@REVISION, the server records the revision in force at --at");
  AddExerciseSpecOption(submit, submit_flags.exercises,
                        "An exercise done and how much of it")
      ->required();
  AddPainScoreOption(submit, "--pain-before", submit_flags.pain_before,
                     "Pain just before")
      ->required();
  AddPainScoreOption(submit, "--pain-after", submit_flags.pain_after,
                     "Pain just after")
      ->required();
  submit.add_option("--area", submit_flags.area,
                    "Where the pain was: lower-back, hip or knee (default: "
                    "the patient's first pain area)");
  submit
      .add_option("--difficulty", submit_flags.difficulty,
                  "How it felt: easy, right or hard")
      ->required();
  submit.add_option("--notes", submit_flags.notes, "Free-text notes");
  submit.add_option("--at", submit_flags.perform_time,
                    "When it started, RFC 3339 (default: now)");
  AddRequestIdOption(submit, submit_flags.request_id);

  AddListCommand(
      group, chosen, "list", "Lists the patient's sessions, newest first",
      &CommandContext::Patient, &v1::SessionService::Stub::ListSessions,
      &v1::ListSessionsResponse::sessions, SessionColumns());

  AddCallOnNameCommand(group, chosen, "show", "Shows a session",
                       ArgumentNaming(Under::kPatient, "sessions", "SESSION",
                                      "The session: ID or full name"),
                       &v1::SessionService::Stub::GetSession,
                       Idempotency::kIdempotent, PrintSession);
}

}  // namespace glutecare::client
