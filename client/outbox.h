// The CLI's local outbox: the sessions and pain reports that could not reach
// the server, kept in a small SQLite file until they are delivered, so that a
// patient at home loses nothing while the clinic's server is down.
//
//   absl::StatusOr<std::string> path = DefaultOutboxPath(
//       std::getenv("GLUTECARE_OUTBOX"), std::getenv("XDG_DATA_HOME"),
//       std::getenv("HOME"));
//   absl::StatusOr<std::unique_ptr<Outbox>> outbox = Outbox::Open(*path);
//   absl::StatusOr<int64_t> id = (*outbox)->Add({
//       .server = "127.0.0.1:50051",
//       .parent = "clinics/c1/patients/p1",
//       .kind = OutboxKind::kSession,
//       .request_id = request.request_id(),
//       .request = request.SerializeAsString()});
//
// An entry holds the serialized request with its request_id, never the
// caller's access token: delivery uses the token of the invocation that
// delivers (client/delivery.h), and the server's idempotency by request_id
// makes a repeated delivery harmless.
//
// Every write commits with synchronous=FULL: once Add() returns, the entry
// survives a crash of the CLI or the machine.
#ifndef GLUTECARE_CLIENT_OUTBOX_H_
#define GLUTECARE_CLIENT_OUTBOX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct sqlite3;

namespace glutecare::client {

// The environment variable naming the outbox file, which wins over the
// XDG default.
inline constexpr absl::string_view kOutboxVariable = "GLUTECARE_OUTBOX";

// What an entry would create on the server.
enum class OutboxKind {
  kSession,     // a v1::CreateSessionRequest
  kPainReport,  // a v1::CreatePainReportRequest
};

// "session" or "pain_report", as stored and shown.
absl::string_view OutboxKindName(OutboxKind kind);

// Whether an entry is still to be delivered.
enum class OutboxState {
  // Not yet acknowledged by the server; tried again by the next command.
  kWaiting,
  // The server refused it for good (such as INVALID_ARGUMENT); kept, with
  // the error, until the user drops it. Never delivered again by itself.
  kFailed,
};

// "waiting" or "failed".
absl::string_view OutboxStateName(OutboxState state);

struct OutboxEntry {
  // Assigned by Add(); ignored when adding.
  int64_t id = 0;
  // The server the request was meant for, `host:port`.
  std::string server;
  // The request's parent: the patient, `clinics/{clinic}/patients/{patient}`.
  std::string parent;
  OutboxKind kind = OutboxKind::kSession;
  // The request's idempotency key. Required.
  std::string request_id;
  // The serialized request (protobuf wire format).
  std::string request;
  // When it was added; set by Add().
  absl::Time create_time;
  // How many deliveries were tried after the first submission failed.
  int attempts = 0;
  // The error of the last failed try (the submission's own at first).
  std::string last_error;
  OutboxState state = OutboxState::kWaiting;
};

// Where the outbox lives: `override_path` (GLUTECARE_OUTBOX) when non-empty,
// else `$XDG_DATA_HOME/glutecare/outbox.db`, else
// `$HOME/.local/share/glutecare/outbox.db`. Each argument may be null (the
// variable is unset). FAILED_PRECONDITION when none of them is set. An
// XDG_DATA_HOME that is not an absolute path is ignored, as the XDG Base
// Directory specification says.
absl::StatusOr<std::string> DefaultOutboxPath(const char* override_path,
                                              const char* xdg_data_home,
                                              const char* home);

// The outbox file. Thread-compatible: one thread uses an Outbox at a time;
// several processes may share the file (SQLite locks it, and each write is
// one transaction).
class Outbox final {
 public:
  // Opens the outbox at `path`, creating it (mode 0600) and its missing
  // parent folders (mode 0700) when `create` is true. NOT_FOUND when the
  // file does not exist and `create` is false; another non-OK status when
  // it cannot be opened or set up.
  static absl::StatusOr<std::unique_ptr<Outbox>> Open(const std::string& path,
                                                      bool create);

  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  ~Outbox();

  // Stores `entry` (id and create_time are assigned) durably; returns its id.
  // An entry with the same server, kind and request_id as one already kept
  // is not added twice: the id of the one kept is returned.
  absl::StatusOr<int64_t> Add(const OutboxEntry& entry);

  // Every entry, oldest first.
  absl::StatusOr<std::vector<OutboxEntry>> List() const;

  // The waiting entries for `server`, oldest first.
  absl::StatusOr<std::vector<OutboxEntry>> Waiting(
      absl::string_view server) const;

  // How many entries are waiting, for any server.
  absl::StatusOr<int> CountWaiting() const;

  // Deletes entry `id`; NOT_FOUND when there is none.
  absl::Status Remove(int64_t id);

  // Counts a delivery that did not get through, with its `error`; the entry
  // keeps waiting.
  absl::Status NoteAttempt(int64_t id, absl::string_view error);

  // Counts a delivery the server refused for good, with its `error`; the
  // entry becomes kFailed.
  absl::Status MarkFailed(int64_t id, absl::string_view error);

 private:
  explicit Outbox(sqlite3* db) : db_(db) {}

  absl::Status Execute(absl::string_view sql) const;
  absl::StatusOr<std::vector<OutboxEntry>> Select(
      absl::string_view where, absl::string_view server) const;
  absl::Status UpdateAfterAttempt(int64_t id, absl::string_view error,
                                  OutboxState state);

  sqlite3* const db_;
};

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_OUTBOX_H_
