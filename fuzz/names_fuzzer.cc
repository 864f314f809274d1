// libFuzzer target, in process: resource names and page tokens, the parsers
// every request's `name`, `parent` and `page_token` go through.
//
// Byte 0 picks what the rest of the input is (kChecks below, modulo its
// size):
// - a resource name of one type of server/domain/resource_names.h: a name
//   that parses prints back as the same text, and the CLI (client/names.h)
//   accepts it as a name of that collection and reads the same id, parent
//   and clinic from it; one that does not is INVALID_ARGUMENT naming the
//   field, in printable text;
// - a program name that may carry `@{revision_id}`: one that parses prints
//   back as the same name and revision;
// - a page token a client sent back: it decodes, and its cursor encodes into
//   a token that decodes to the same cursor, or it is INVALID_ARGUMENT
//   naming page_token;
// - a query and cursor (FuzzedDataProvider) for EncodePageToken, without NUL
//   bytes as it requires: the token decodes to that cursor within that
//   query, and within no other.
//
//   build-asan/fuzz/glutecare_names_fuzzer fuzz/corpus/names
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/names.h"
#include "fuzz/fuzz_check.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "server/common/page_token.h"
#include "server/domain/resource_names.h"

namespace glutecare::fuzz {
namespace {

constexpr absl::string_view kField = "name";

// Parses `input` as a Name, whose id is its member `id` and whose last
// collection is `collection`. A name that parses must print back as
// `input`, and the CLI must accept it as a name of `collection` with the same
// id; a name that does not parse is INVALID_ARGUMENT naming the field.
// Returns the name, if it parsed.
template <typename Name>
absl::StatusOr<Name> CheckNameType(absl::string_view input,
                                   absl::string_view collection,
                                   std::string Name::*id) {
  absl::StatusOr<Name> name = Name::Parse(input, kField);
  if (!name.ok()) {
    CheckFieldViolations(name.status(), kField);
    return name;
  }
  GLUTECARE_FUZZ_CHECK(name->ToString() == input, Quoted(input),
                       " parses but prints as ", Quoted(name->ToString()));
  const absl::Status client = client::CheckFullName(input, collection, "--x");
  GLUTECARE_FUZZ_CHECK(client.ok(), "the CLI refuses ", Quoted(input), ": ",
                       client.ToString());
  GLUTECARE_FUZZ_CHECK(client::LastSegment(input) == (*name).*id,
                       "the CLI reads the id of ", Quoted(input), " as ",
                       Quoted(client::LastSegment(input)));
  return name;
}

// CheckNameType for a name under a clinic, whose parent and clinic the CLI
// must read as the server does.
template <typename Name>
void CheckChildName(absl::string_view input, absl::string_view collection,
                    std::string Name::*id) {
  const absl::StatusOr<Name> name = CheckNameType<Name>(input, collection, id);
  if (!name.ok()) return;
  GLUTECARE_FUZZ_CHECK(client::ParentOf(input) == name->parent().ToString(),
                       "the CLI reads the parent of ", Quoted(input), " as ",
                       Quoted(client::ParentOf(input)));
  GLUTECARE_FUZZ_CHECK(
      client::ClinicOf(input) == ClinicName{name->clinic}.ToString(),
      "the CLI reads the clinic of ", Quoted(input), " as ",
      Quoted(client::ClinicOf(input)));
}

// `{program}@{revision_id}`: the revision is a whole number >= 1 written
// without a sign; the name prints back as it came but for leading zeros.
void CheckProgramRevision(absl::string_view input) {
  const absl::StatusOr<ProgramName> revision =
      ProgramName::ParseWithRevision(input, kField);
  if (!revision.ok()) {
    CheckFieldViolations(revision.status(), kField);
  } else if (revision->revision_id == 0) {
    GLUTECARE_FUZZ_CHECK(revision->ToString() == input, Quoted(input));
  } else {
    GLUTECARE_FUZZ_CHECK(revision->revision_id >= 1, Quoted(input));
    const absl::StatusOr<ProgramName> again =
        ProgramName::ParseWithRevision(revision->ToRevisionString(), kField);
    GLUTECARE_FUZZ_CHECK(again.ok() && *again == *revision, Quoted(input),
                         " parses but ", Quoted(revision->ToRevisionString()),
                         " does not parse the same");
  }
}

bool operator==(const PageCursor& a, const PageCursor& b) {
  return a.sort_key == b.sort_key && a.pk == b.pk;
}

std::string Describe(const PageCursor& cursor) {
  if (const auto* number = std::get_if<int64_t>(&cursor.sort_key)) {
    return absl::StrCat("{i", *number, ", ", cursor.pk, "}");
  }
  return absl::StrCat("{s", Quoted(std::get<std::string>(cursor.sort_key)),
                      ", ", cursor.pk, "}");
}

// `input` as a token of a list query the server builds.
void CheckPageTokenFromClient(absl::string_view input) {
  constexpr absl::string_view kQuery = "sessions:clinics/c1/patients/p1";
  const absl::StatusOr<PageCursor> cursor = DecodePageToken(kQuery, input);
  if (!cursor.ok()) {
    CheckFieldViolations(cursor.status(), "page_token");
    return;
  }
  const std::string token = EncodePageToken(kQuery, *cursor);
  const absl::StatusOr<PageCursor> again = DecodePageToken(kQuery, token);
  GLUTECARE_FUZZ_CHECK(again.ok() && *again == *cursor, "token ", Quoted(input),
                       " decodes to ", Describe(*cursor), " whose token ",
                       token, " does not decode the same");
}

// `text` without its NUL bytes: EncodePageToken takes no NUL in a query or
// a sort key (page_token.h).
std::string WithoutNul(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\0'), text.end());
  return text;
}

// A cursor and query made from `input`, through a token and back.
void CheckPageTokenRoundTrip(absl::string_view input) {
  FuzzedDataProvider provider(reinterpret_cast<const uint8_t*>(input.data()),
                              input.size());
  const std::string query = WithoutNul(provider.ConsumeRandomLengthString(128));
  PageCursor cursor;
  if (provider.ConsumeBool()) {
    cursor.sort_key = provider.ConsumeIntegral<int64_t>();
  } else {
    cursor.sort_key = WithoutNul(provider.ConsumeRandomLengthString(128));
  }
  cursor.pk = provider.ConsumeIntegral<int64_t>();
  const std::string other_query =
      WithoutNul(provider.ConsumeRemainingBytesAsString());

  const std::string token = EncodePageToken(query, cursor);
  const absl::StatusOr<PageCursor> decoded = DecodePageToken(query, token);
  GLUTECARE_FUZZ_CHECK(
      decoded.ok() && *decoded == cursor, "cursor ", Describe(cursor),
      " in query ", Quoted(query), " does not survive its token: ",
      decoded.ok() ? Describe(*decoded) : decoded.status().ToString());
  if (other_query != query) {
    const absl::StatusOr<PageCursor> elsewhere =
        DecodePageToken(other_query, token);
    GLUTECARE_FUZZ_CHECK(!elsewhere.ok(), "a token of query ", Quoted(query),
                         " is accepted by query ", Quoted(other_query));
  }
}

// What byte 0 picks, in order; the seeds of fuzz/corpus/names start with
// their index.
constexpr Check kChecks[] = {
    [](absl::string_view in) {
      (void)CheckNameType<ClinicName>(in, "clinics", &ClinicName::clinic);
    },
    [](absl::string_view in) {
      (void)CheckNameType<ExerciseName>(in, "exercises",
                                        &ExerciseName::exercise);
    },
    [](absl::string_view in) {
      CheckChildName<TherapistName>(in, "therapists",
                                    &TherapistName::therapist);
    },
    [](absl::string_view in) {
      CheckChildName<PatientName>(in, "patients", &PatientName::patient);
    },
    [](absl::string_view in) {
      CheckChildName<AccessTokenName>(in, "accessTokens",
                                      &AccessTokenName::access_token);
    },
    [](absl::string_view in) {
      CheckChildName<ProgramName>(in, "programs", &ProgramName::program);
    },
    [](absl::string_view in) {
      CheckChildName<SessionName>(in, "sessions", &SessionName::session);
    },
    [](absl::string_view in) {
      CheckChildName<PainReportName>(in, "painReports",
                                     &PainReportName::pain_report);
    },
    [](absl::string_view in) {
      CheckChildName<OutcomeAssignmentName>(in, "outcomeAssignments",
                                            &OutcomeAssignmentName::assignment);
    },
    [](absl::string_view in) {
      CheckChildName<OutcomeResponseName>(in, "outcomeResponses",
                                          &OutcomeResponseName::response);
    },
    [](absl::string_view in) {
      CheckChildName<AlertName>(in, "alerts", &AlertName::alert);
    },
    [](absl::string_view in) {
      CheckChildName<SuggestionName>(in, "suggestions",
                                     &SuggestionName::suggestion);
    },
    CheckProgramRevision,
    CheckPageTokenFromClient,
    CheckPageTokenRoundTrip,
};

}  // namespace
}  // namespace glutecare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glutecare::fuzz::RunPickedCheck(glutecare::fuzz::kChecks, data, size);
  return 0;
}
