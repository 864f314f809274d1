#include "server/storage/postgres/errors.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"

namespace glutecare::postgres {
namespace {

absl::StatusCode CodeOfSqlState(absl::string_view state) {
  const absl::string_view error_class = state.substr(0, 2);
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (error_class == "23") return absl::StatusCode::kFailedPrecondition;
  if (error_class == "40") return absl::StatusCode::kAborted;
  if (state == "57014") return absl::StatusCode::kCancelled;
  if (error_class == "08" || error_class == "53" || error_class == "58" ||
      state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "55P03" || state == "25006") {
    return absl::StatusCode::kUnavailable;
  }
  if (error_class == "28" || state == "42501") {
    return absl::StatusCode::kPermissionDenied;
  }
  if (error_class == "22") return absl::StatusCode::kInvalidArgument;
  if (state == "XX001" || state == "XX002") return absl::StatusCode::kDataLoss;
  return absl::StatusCode::kInternal;
}

// libpq's message on one line: its lines joined with "; ", without the
// trailing newline.
std::string OneLine(absl::string_view message) {
  std::string joined;
  for (absl::string_view line :
       absl::StrSplit(message, '\n', absl::SkipWhitespace())) {
    absl::StrAppend(&joined, joined.empty() ? "" : "; ",
                    absl::StripAsciiWhitespace(line));
  }
  return joined;
}

}  // namespace

absl::Status StatusFromSqlState(absl::string_view sqlstate,
                                absl::string_view message) {
  absl::Status status(
      CodeOfSqlState(sqlstate),
      absl::StrCat("PostgreSQL: ", message, " (SQLSTATE ", sqlstate, ")"));
  status.SetPayload(kSqlStateTypeUrl, absl::Cord(sqlstate));
  return status;
}

absl::Status ResultError(const PGresult* result, const PGconn* connection,
                         absl::string_view what) {
  const char* sqlstate =
      result == nullptr ? nullptr
                        : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (sqlstate != nullptr) {
    const char* primary =
        PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return StatusFromSqlState(
        sqlstate, absl::StrCat(what, ": ", primary != nullptr ? primary : ""));
  }
  // libpq's own error, kept on the connection (or on the result).
  std::string message =
      OneLine(result != nullptr ? PQresultErrorMessage(result)
                                : PQerrorMessage(connection));
  if (message.empty()) message = OneLine(PQerrorMessage(connection));
  if (PQstatus(connection) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "PostgreSQL: ", what, ": the connection is lost: ", message));
  }
  return absl::InternalError(absl::StrCat("PostgreSQL: ", what, ": ", message));
}

absl::Status ConnectionError(const PGconn* connection) {
  if (connection == nullptr) {
    return absl::ResourceExhaustedError(
        "PostgreSQL: no memory for a connection");
  }
  std::string message = OneLine(PQerrorMessage(connection));
  // libpq never quotes the password; this makes sure of it.
  const char* password = PQpass(connection);
  if (password != nullptr && *password != '\0') {
    absl::StrReplaceAll({{password, "***"}}, &message);
  }
  const char* database = PQdb(connection);
  const char* user = PQuser(connection);
  message = absl::StrCat("cannot connect to PostgreSQL database \"",
                         database != nullptr ? database : "", "\" as \"",
                         user != nullptr ? user : "", "\": ", message);
  const bool credentials_refused =
      PQconnectionNeedsPassword(connection) ||
      absl::StrContains(message, "authentication failed") ||
      absl::StrContains(message, "no pg_hba.conf entry");
  return credentials_refused ? absl::PermissionDeniedError(message)
                             : absl::UnavailableError(message);
}

std::string SqlStateOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kSqlStateTypeUrl);
  return payload.has_value() ? std::string(*payload) : std::string();
}

bool IsRetryable(const absl::Status& status) {
  const std::string state = SqlStateOf(status);
  return state == "40001" || state == "40P01";
}

}  // namespace glutecare::postgres
