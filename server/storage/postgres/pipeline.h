// Several statements sent in one round trip, with libpq's pipeline mode:
// every statement (and the preparation of those not yet prepared on the
// connection) is sent, then one sync, and then the results are read in the
// order the statements were added.
//
//   Pipeline pipeline(*db);
//   pipeline.Add(kInsertSession, Params().AddText(id).AddBytes(body));
//   pipeline.Add(kUpdateStatus, Params().AddText(patient));
//   pipeline.Add(kReadStatus, Params().AddText(patient));
//   GLUTECARE_ASSIGN_OR_RETURN(std::vector<Result> results, pipeline.Run());
//   // results[2] holds kReadStatus's rows
//
// Atomicity: outside a Transaction the statements of one Run are one
// implicit transaction, so they commit together or not at all. Inside one
// they are part of it, and an error aborts it (it rolls back at COMMIT or
// destruction).
#ifndef GLUTECARE_SERVER_STORAGE_POSTGRES_PIPELINE_H_
#define GLUTECARE_SERVER_STORAGE_POSTGRES_PIPELINE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/postgres/connection.h"

namespace glutecare::postgres {

// Not thread-safe, like its connection. REQUIRES: the connection outlives
// the Pipeline, and runs nothing else between the Pipeline's construction
// and the end of its Run.
class Pipeline final {
 public:
  explicit Pipeline(Connection& connection) : connection_(&connection) {}
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Adds `statement` with `params` to what Run sends. Sends nothing yet.
  // REQUIRES: the statement's strings outlive the Run (they are literals).
  Pipeline& Add(const Statement& statement, Params params);

  // Sends every statement added, in order, in one round trip, and returns
  // their results in that order. When one fails, the server skips those
  // after it: the error of the first that failed (as Connection::Run
  // reports it). UNAVAILABLE when the connection broke (then it is not
  // reusable()). Runs once: a second call is FAILED_PRECONDITION.
  absl::StatusOr<std::vector<Result>> Run();

 private:
  struct Entry {
    Statement statement;
    Params params;
    // Not prepared on the connection nor by an entry before it: Run
    // prepares it first.
    bool prepare = false;
  };
  // Sends the entries and the sync, and reads every result. REQUIRES: the
  // connection is in pipeline mode.
  absl::StatusOr<std::vector<Result>> SendAndRead();

  Connection* connection_;
  std::vector<Entry> entries_;
  bool ran_ = false;
};

}  // namespace glutecare::postgres

#endif  // GLUTECARE_SERVER_STORAGE_POSTGRES_PIPELINE_H_
