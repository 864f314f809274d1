// A transaction on one connection: BEGIN with an isolation level, then
// COMMIT, or ROLLBACK when the Transaction is destroyed uncommitted (an
// early return, an error).
//
//   GLUTECARE_ASSIGN_OR_RETURN(Transaction tx,
//       Transaction::Begin(*db, Isolation::kSerializable));
//   GLUTECARE_ASSIGN_OR_RETURN(Result rows, tx.connection().Run(kRead, ...));
//   GLUTECARE_RETURN_IF_ERROR(tx.connection().Run(kWrite, ...).status());
//   absl::Status committed = tx.Commit();
//   if (IsRetryable(committed)) { ... run it all again from Begin ... }
#ifndef GLUTECARE_SERVER_STORAGE_POSTGRES_TRANSACTION_H_
#define GLUTECARE_SERVER_STORAGE_POSTGRES_TRANSACTION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/storage/postgres/connection.h"

namespace glutecare::postgres {

// PostgreSQL's isolation levels (READ UNCOMMITTED is READ COMMITTED there).
enum class Isolation {
  // Each statement sees what was committed before it started.
  kReadCommitted,
  // Every statement sees one snapshot, taken at the first; a write to a row
  // changed since fails 40001 (ABORTED, retryable).
  kRepeatableRead,
  // As if the transactions ran one after another; one that could break that
  // fails 40001 (ABORTED, retryable), at any statement or at COMMIT.
  kSerializable,
};

// Move-only. Not thread-safe, like its connection.
class Transaction final {
 public:
  // Sends BEGIN ISOLATION LEVEL `isolation` (READ ONLY when `read_only`) on
  // `connection`. REQUIRES: no transaction is open on `connection`, and it
  // outlives the Transaction.
  static absl::StatusOr<Transaction> Begin(Connection& connection,
                                           Isolation isolation,
                                           bool read_only = false);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  // Rolls back unless Commit ran. A ROLLBACK that fails (the connection is
  // lost) leaves the connection not reusable() and is otherwise ignored:
  // the server rolls back what it had when the connection ends.
  ~Transaction();

  // Sends COMMIT; whatever it returns, the transaction is over. OK only when
  // the server committed: an error of the transaction that COMMIT
  // reports (a serialization failure: ABORTED, retryable), or ABORTED when a
  // statement had failed before and the server rolled it back instead.
  // UNAVAILABLE when the connection broke: then whether it committed is
  // unknown, and a retry must be safe to repeat (request ids).
  absl::Status Commit();

  // The transaction's connection, to run its statements on.
  Connection& connection() const { return *connection_; }

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}

  Connection* connection_;
  bool open_ = true;  // false once committed, rolled back or moved from
};

}  // namespace glutecare::postgres

#endif  // GLUTECARE_SERVER_STORAGE_POSTGRES_TRANSACTION_H_
