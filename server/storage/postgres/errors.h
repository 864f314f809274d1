// How PostgreSQL's errors become absl::Status: by SQLSTATE, the five-character
// code the server sends with every error (Appendix A of the PostgreSQL
// manual). Every error of this folder goes through here, so the codes the
// layers above see are the same whichever statement failed.
//
//   absl::Status status = StatusFromSqlState("23505", "duplicate key ...");
//   status.code();                  // ALREADY_EXISTS
//   SqlStateOf(status);             // "23505"
//   IsRetryable(status);            // false: only 40001 and 40P01 are
#ifndef GLUTECARE_SERVER_STORAGE_POSTGRES_ERRORS_H_
#define GLUTECARE_SERVER_STORAGE_POSTGRES_ERRORS_H_

#include <libpq-fe.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace glutecare::postgres {

// The status of an error the server reported with `sqlstate`; its message is
// "PostgreSQL: `message` (SQLSTATE `sqlstate`)", and it carries the SQLSTATE
// (SqlStateOf). By code, first match wins:
//   23505 unique_violation                 ALREADY_EXISTS
//   other 23 integrity constraint          FAILED_PRECONDITION
//   40001 serialization_failure,
//   40P01 deadlock_detected                ABORTED, retryable (IsRetryable)
//   other 40 transaction rollback          ABORTED
//   57014 query_canceled (a cancel request
//         or statement_timeout)            CANCELLED
//   08 connection exception, 53 insufficient resources (disk full, out of
//   memory, too many connections), 57P01-57P03 (the server shuts down or
//   starts), 55P03 lock_not_available, 25006 read_only_sql_transaction (a
//   standby, as during a failover), 58 system error (I/O)
//                                          UNAVAILABLE: may succeed later
//   28 invalid authorization, 42501 insufficient_privilege
//                                          PERMISSION_DENIED
//   22 data exception                      INVALID_ARGUMENT
//   XX001 data_corrupted, XX002 index_corrupted
//                                          DATA_LOSS
//   anything else (syntax errors, undefined tables: a bug here)
//                                          INTERNAL
absl::Status StatusFromSqlState(absl::string_view sqlstate,
                                absl::string_view message);

// The status of a statement that failed with `result` on `connection`:
// StatusFromSqlState with the server's primary message. Never its DETAIL,
// which may quote row values. An error without a SQLSTATE (libpq's own, as
// when the connection broke) is UNAVAILABLE when the connection is gone and
// INTERNAL otherwise. `what` names the statement for the message.
// REQUIRES: `result` is null (libpq ran out of memory or lost the
// connection) or holds an error.
absl::Status ResultError(const PGresult* result, const PGconn* connection,
                         absl::string_view what);

// The status of a connection attempt that failed: PERMISSION_DENIED when the
// server refused the credentials (a wrong password, no password given, no
// pg_hba.conf entry; recognised in the server's English messages), else
// UNAVAILABLE (the server is unreachable, starting, or has no such
// database). The message is libpq's, on one line, and never holds the
// password, even if the server quoted it.
absl::Status ConnectionError(const PGconn* connection);

// The SQLSTATE that `status` carries; empty when it carries none (it did not
// come from the server).
std::string SqlStateOf(const absl::Status& status);

// Whether the transaction that failed with `status` may succeed when run
// again from its BEGIN, on the same or another connection: a serialization
// failure (40001) or a deadlock (40P01). The server rolled it back, so
// nothing of it was committed.
bool IsRetryable(const absl::Status& status);

// The payload type URL under which a status carries its SQLSTATE.
inline constexpr absl::string_view kSqlStateTypeUrl =
    "type.glutecare/postgres.SqlState";

}  // namespace glutecare::postgres

#endif  // GLUTECARE_SERVER_STORAGE_POSTGRES_ERRORS_H_
