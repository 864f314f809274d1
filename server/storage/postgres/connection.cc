#include "server/storage/postgres/connection.h"

#include <cassert>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/storage/postgres/errors.h"

namespace glutecare::postgres {
namespace {

// Type OIDs (the server's catalog/pg_type.h, stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

// Owns a PGresult until released.
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using OwnedResult = std::unique_ptr<PGresult, ResultDeleter>;

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return result != nullptr &&
         (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

}  // namespace

Params& Params::AddInt64(int64_t value) {
  values_.push_back({.bytes = absl::StrCat(value)});
  return *this;
}

Params& Params::AddBool(bool value) {
  values_.push_back({.bytes = value ? "true" : "false"});
  return *this;
}

Params& Params::AddText(absl::string_view text) {
  values_.push_back({.bytes = std::string(text)});
  return *this;
}

Params& Params::AddBytes(absl::string_view bytes) {
  values_.push_back({.bytes = std::string(bytes), .is_binary = true});
  return *this;
}

Params& Params::AddNull() {
  values_.push_back({.is_null = true});
  return *this;
}

Params::Arrays Params::ToArrays() const {
  Arrays arrays;
  for (const Value& value : values_) {
    arrays.values.push_back(value.is_null ? nullptr : value.bytes.c_str());
    arrays.lengths.push_back(static_cast<int>(value.bytes.size()));
    arrays.formats.push_back(value.is_binary ? 1 : 0);
  }
  return arrays;
}

Result::Result(Result&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Result::~Result() { PQclear(result_); }

int64_t Result::affected_rows() const {
  int64_t count = 0;
  return absl::SimpleAtoi(PQcmdTuples(result_), &count) ? count : 0;
}

bool Result::IsNull(int row, int column) const {
  assert(row >= 0 && row < rows() && column >= 0 && column < columns());
  return PQgetisnull(result_, row, column) == 1;
}

int64_t Result::GetInt64(int row, int column) const {
  assert(!IsNull(row, column));
  [[maybe_unused]] const Oid type = PQftype(result_, column);
  assert(type == kInt8Oid || type == kInt4Oid || type == kInt2Oid);
  int64_t value = 0;
  [[maybe_unused]] const bool parsed = absl::SimpleAtoi(GetText(row, column), &value);
  assert(parsed);
  return value;
}

bool Result::GetBool(int row, int column) const {
  assert(!IsNull(row, column));
  assert(PQftype(result_, column) == kBoolOid);
  return GetText(row, column) == "t";
}

absl::string_view Result::GetText(int row, int column) const {
  assert(row >= 0 && row < rows() && column >= 0 && column < columns());
  return absl::string_view(PQgetvalue(result_, row, column),
                           PQgetlength(result_, row, column));
}

std::string Result::GetBytes(int row, int column) const {
  assert(!IsNull(row, column));
  assert(PQftype(result_, column) == kByteaOid);
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column)),
      &length);
  if (bytes == nullptr) return std::string();  // out of memory
  std::string value(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return value;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    absl::string_view uri) {
  // The URI is expanded in place of "dbname": its own settings override the
  // defaults before it.
  const std::string uri_string(uri);
  const char* const keywords[] = {"connect_timeout", "application_name",
                                  "dbname", nullptr};
  const char* const values[] = {"10", "glutecare-server", uri_string.c_str(),
                                nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    absl::Status status = ConnectionError(conn);
    PQfinish(conn);
    return status;
  }
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

absl::StatusOr<Result> Connection::Exec(absl::string_view sql) {
  OwnedResult result(PQexec(conn_, std::string(sql).c_str()));
  if (!Succeeded(result.get())) {
    return ResultError(result.get(), conn_, sql.substr(0, 60));
  }
  return Result(result.release());
}

absl::StatusOr<bool> Connection::IsPrepared(const Statement& statement) const {
  auto it = prepared_.find(statement.name);
  if (it == prepared_.end()) return false;
  if (it->second != statement.sql) {
    return absl::InternalError(
        absl::StrCat("two statements are named ", statement.name));
  }
  return true;
}

void Connection::NotePrepared(const Statement& statement) {
  prepared_.emplace(statement.name, statement.sql);
}

absl::StatusOr<Result> Connection::Run(const Statement& statement,
                                       const Params& params) {
  absl::StatusOr<bool> prepared = IsPrepared(statement);
  if (!prepared.ok()) return prepared.status();
  if (!*prepared) {
    OwnedResult result(PQprepare(conn_, statement.name, statement.sql,
                                 /*nParams=*/0, /*paramTypes=*/nullptr));
    if (!Succeeded(result.get())) {
      return ResultError(result.get(), conn_,
                         absl::StrCat("preparing ", statement.name));
    }
    NotePrepared(statement);
  }
  const Params::Arrays arrays = params.ToArrays();
  OwnedResult result(PQexecPrepared(
      conn_, statement.name, params.size(), arrays.values.data(),
      arrays.lengths.data(), arrays.formats.data(), /*resultFormat=*/0));
  if (!Succeeded(result.get())) {
    return ResultError(result.get(), conn_, statement.name);
  }
  return Result(result.release());
}

bool Connection::reusable() const {
  return PQstatus(conn_) == CONNECTION_OK &&
         PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

}  // namespace glutecare::postgres
