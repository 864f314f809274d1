// A thin RAII wrapper over one libpq connection: statements prepared by name
// once per connection, their parameters, and the results they return.
// Errors are absl::Status (errors.h). Transactions are in transaction.h,
// several statements in one round trip in pipeline.h, and a pool of
// connections in connection_pool.h.
//
//   constexpr Statement kGetClinic = {
//       .name = "clinics.get",
//       .sql = "SELECT body FROM clinics WHERE clinic_id = $1"};
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
//       Connection::Open("postgresql:///glutecare?host=/run/postgresql"));
//   GLUTECARE_ASSIGN_OR_RETURN(Result rows,
//       db->Run(kGetClinic, Params().AddText(clinic_id)));
//   if (rows.rows() == 1) body = rows.GetBytes(0, 0);
//
// Parameters go to the server as text (bytea as binary); results come back
// as text and the getters convert them. SQL lives in server/storage/postgres/
// only.
#ifndef GLUTECARE_SERVER_STORAGE_POSTGRES_CONNECTION_H_
#define GLUTECARE_SERVER_STORAGE_POSTGRES_CONNECTION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare::postgres {

// A statement the program runs, by a name unique in the program. It is
// prepared on a connection the first time it runs there and stays prepared
// for the connection's life. Parameters are $1, $2, ...; the server infers
// their types from the SQL (cast them, as `$1::bigint`, where it cannot).
struct Statement {
  const char* name;
  const char* sql;
};

// The parameters of one statement, in order ($1 first). Values are copied.
class Params final {
 public:
  Params& AddInt64(int64_t value);
  Params& AddBool(bool value);
  Params& AddText(absl::string_view text);
  // Raw bytes for a bytea parameter, sent in binary: no escaping.
  Params& AddBytes(absl::string_view bytes);
  Params& AddNull();

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Connection;
  friend class Pipeline;
  // The arrays PQexecPrepared and PQsendQueryPrepared take; valid while
  // this object lives unchanged.
  struct Arrays {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  Arrays ToArrays() const;

  struct Value {
    std::string bytes;
    bool is_null = false;
    bool is_binary = false;
  };
  std::vector<Value> values_;
};

// What one statement returned: its rows, or the count of rows it changed.
// Owns the PGresult. Move-only.
//
// The getters take a 0-based row and column.
// REQUIRES (checked by assert): the cell is in range and not NULL, and the
// column's type is the getter's: GetInt64 for smallint, integer and bigint,
// GetBool for boolean, GetBytes for bytea; GetText for any type, as the
// server prints it.
class Result final {
 public:
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  ~Result();

  int rows() const { return PQntuples(result_); }
  int columns() const { return PQnfields(result_); }
  // The rows that an INSERT, UPDATE or DELETE changed (or a SELECT
  // returned); 0 for other statements.
  int64_t affected_rows() const;

  bool IsNull(int row, int column) const;
  int64_t GetInt64(int row, int column) const;
  bool GetBool(int row, int column) const;
  // Valid while this Result lives.
  absl::string_view GetText(int row, int column) const;
  std::string GetBytes(int row, int column) const;

  const PGresult* raw() const { return result_; }

 private:
  friend class Connection;
  friend class Pipeline;
  // REQUIRES: `result` succeeded (PGRES_COMMAND_OK or PGRES_TUPLES_OK).
  explicit Result(PGresult* result) : result_(result) {}

  PGresult* result_;  // null once moved from
};

// One connection to a PostgreSQL server. Not thread-safe: one thread uses it
// at a time (ConnectionPool lends each to one thread).
class Connection final {
 public:
  // Connects with a libpq connection URI (`postgresql://` or
  // `postgres://`, such as postgresql:///glutecare?host=/run/pg&port=5432)
  // or a key=value string. Credentials come from the URI, the password file
  // (~/.pgpass, PGPASSFILE) or the PG* environment variables, as libpq
  // reads them. Waits at most 10 s for the server unless the URI sets
  // connect_timeout. Errors: ConnectionError (PERMISSION_DENIED for refused
  // credentials, else UNAVAILABLE), never holding the password.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      absl::string_view uri);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs `sql`, which may be several statements separated by semicolons and
  // has no parameters, and returns the last statement's result. For
  // schema changes, SET and SHOW; statements with values go through Run.
  absl::StatusOr<Result> Exec(absl::string_view sql);

  // Runs `statement` with `params`, preparing it on this connection first if
  // it has not run here yet. INTERNAL if another statement of the same name
  // was prepared here.
  absl::StatusOr<Result> Run(const Statement& statement,
                             const Params& params = Params());

  // Whether the connection may be used by the next thread: it is open, no
  // transaction is open on it and it is not in pipeline mode. A connection
  // that is not is closed instead (ConnectionPool does).
  bool reusable() const;

  PGconn* raw() const { return conn_; }

 private:
  friend class Pipeline;
  explicit Connection(PGconn* conn) : conn_(conn) {}
  // INTERNAL if `statement`'s name was prepared here with other SQL; whether
  // it was prepared here already.
  absl::StatusOr<bool> IsPrepared(const Statement& statement) const;
  // Records that `statement` is prepared on this connection.
  void NotePrepared(const Statement& statement);

  PGconn* conn_;
  // The statements prepared on this connection: name -> SQL.
  absl::flat_hash_map<std::string, std::string> prepared_;
};

}  // namespace glutecare::postgres

#endif  // GLUTECARE_SERVER_STORAGE_POSTGRES_CONNECTION_H_
