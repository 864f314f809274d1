#include "server/storage/postgres/transaction.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace glutecare::postgres {
namespace {

absl::string_view BeginSql(Isolation isolation, bool read_only) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return read_only ? "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY"
                       : "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::kRepeatableRead:
      return read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                       : "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::kSerializable:
      return read_only ? "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"
                       : "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

}  // namespace

absl::StatusOr<Transaction> Transaction::Begin(Connection& connection,
                                               Isolation isolation,
                                               bool read_only) {
  absl::StatusOr<Result> begun = connection.Exec(BeginSql(isolation, read_only));
  if (!begun.ok()) return begun.status();
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(other.connection_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  if (!open_ || PQstatus(connection_->raw()) != CONNECTION_OK) return;
  // Its error leaves the connection in the transaction: not reusable().
  (void)connection_->Exec("ROLLBACK");
}

absl::Status Transaction::Commit() {
  open_ = false;
  absl::StatusOr<Result> result = connection_->Exec("COMMIT");
  if (!result.ok()) {
    if (result.status().code() != absl::StatusCode::kUnavailable) {
      return result.status();
    }
    absl::Status unknown = absl::UnavailableError(
        absl::StrCat("whether the transaction committed is unknown: ",
                     result.status().message()));
    result.status().ForEachPayload(
        [&](absl::string_view type_url, const absl::Cord& payload) {
          unknown.SetPayload(type_url, payload);
        });
    return unknown;
  }
  // COMMIT of a transaction in which a statement failed rolls back.
  if (absl::string_view(PQcmdStatus(const_cast<PGresult*>(result->raw()))) !=
      "COMMIT") {
    return absl::AbortedError(
        "PostgreSQL: the transaction was rolled back: a statement in it "
        "failed");
  }
  return absl::OkStatus();
}

}  // namespace glutecare::postgres
