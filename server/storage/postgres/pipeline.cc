#include "server/storage/postgres/pipeline.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/storage/postgres/errors.h"

namespace glutecare::postgres {
namespace {

struct PipelineResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PipelineResult = std::unique_ptr<PGresult, PipelineResultDeleter>;

}  // namespace

Pipeline& Pipeline::Add(const Statement& statement, Params params) {
  entries_.push_back({.statement = statement, .params = std::move(params)});
  return *this;
}

absl::StatusOr<std::vector<Result>> Pipeline::Run() {
  if (ran_) {
    return absl::FailedPreconditionError("the pipeline has run already");
  }
  ran_ = true;
  // Which statements need preparing; a name given two texts is a bug, found
  // before anything is sent.
  absl::flat_hash_map<std::string, std::string> preparing;
  for (Entry& entry : entries_) {
    absl::StatusOr<bool> prepared = connection_->IsPrepared(entry.statement);
    if (!prepared.ok()) return prepared.status();
    if (*prepared) continue;
    auto [it, inserted] =
        preparing.emplace(entry.statement.name, entry.statement.sql);
    if (!inserted && it->second != entry.statement.sql) {
      return absl::InternalError(
          absl::StrCat("two statements are named ", entry.statement.name));
    }
    entry.prepare = inserted;
  }

  PGconn* const conn = connection_->raw();
  if (PQenterPipelineMode(conn) != 1) {
    return ResultError(nullptr, conn, "entering pipeline mode");
  }
  // Nonblocking while sending, as the libpq manual advises for pipelines:
  // libpq then reads results while the server waits for us to take them,
  // rather than both sides waiting for the other.
  PQsetnonblocking(conn, 1);
  absl::StatusOr<std::vector<Result>> results = SendAndRead();
  PQsetnonblocking(conn, 0);
  if (PQexitPipelineMode(conn) != 1 && results.ok()) {
    return ResultError(nullptr, conn, "leaving pipeline mode");
  }
  return results;
}

absl::StatusOr<std::vector<Result>> Pipeline::SendAndRead() {
  PGconn* const conn = connection_->raw();
  // What the server answers, in order: an entry's preparation, if any, then
  // its statement.
  struct Answer {
    const Entry* entry;
    bool is_preparation;
  };
  std::vector<Answer> answers;
  for (const Entry& entry : entries_) {
    if (entry.prepare) {
      if (PQsendPrepare(conn, entry.statement.name, entry.statement.sql,
                        /*nParams=*/0, /*paramTypes=*/nullptr) != 1) {
        return ResultError(nullptr, conn, "sending a pipeline");
      }
      answers.push_back({&entry, true});
    }
    const Params::Arrays arrays = entry.params.ToArrays();
    if (PQsendQueryPrepared(conn, entry.statement.name, entry.params.size(),
                            arrays.values.data(), arrays.lengths.data(),
                            arrays.formats.data(), /*resultFormat=*/0) != 1) {
      return ResultError(nullptr, conn, "sending a pipeline");
    }
    answers.push_back({&entry, false});
  }
  if (PQpipelineSync(conn) != 1) {
    return ResultError(nullptr, conn, "sending a pipeline");
  }

  std::vector<Result> results;
  results.reserve(entries_.size());
  absl::Status first_error;
  for (const Answer& answer : answers) {
    PipelineResult result(PQgetResult(conn));
    if (result == nullptr) {
      return ResultError(nullptr, conn, "reading a pipeline's results");
    }
    switch (PQresultStatus(result.get())) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
        if (answer.is_preparation) {
          connection_->NotePrepared(answer.entry->statement);
        } else {
          results.push_back(Result(result.release()));
        }
        break;
      case PGRES_PIPELINE_ABORTED:  // skipped after an error
        break;
      default:
        if (first_error.ok()) {
          first_error =
              ResultError(result.get(), conn,
                          absl::StrCat(answer.is_preparation ? "preparing " : "",
                                       answer.entry->statement.name));
        }
        break;
    }
    // A null ends each statement's results.
    if (PipelineResult end(PQgetResult(conn)); end != nullptr) {
      return absl::InternalError(absl::StrCat(
          answer.entry->statement.name, " returned more than one result"));
    }
  }
  PipelineResult sync(PQgetResult(conn));
  if (sync == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
    return ResultError(sync.get(), conn, "reading a pipeline's sync");
  }
  if (!first_error.ok()) return first_error;
  return results;
}

}  // namespace glutecare::postgres
