// `glutecare sync` and `glutecare outbox list|drop`: the submissions kept
// while the server was unreachable (client/outbox.h, client/delivery.h).
#include "client/outbox.h"

#include <cstdint>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/delivery.h"
#include "client/errors.h"
#include "client/names.h"
#include "google/protobuf/struct.pb.h"

namespace glutecare::client {
namespace {

struct OutboxSyncFlags {};

struct OutboxListFlags {};

struct OutboxDropFlags {
  int64_t id = 0;
};

std::string FormatLocalTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", time, absl::LocalTimeZone());
}

void SetNumber(google::protobuf::Struct& object, const std::string& key,
               double value) {
  (*object.mutable_fields())[key].set_number_value(value);
}

void SetString(google::protobuf::Struct& object, const std::string& key,
               const std::string& value) {
  (*object.mutable_fields())[key].set_string_value(value);
}

// The outbox, or null when there is no outbox file yet (nothing was kept).
absl::StatusOr<std::unique_ptr<Outbox>> OpenExistingOutbox(
    const CommandContext& context) {
  absl::StatusOr<std::unique_ptr<Outbox>> outbox =
      OpenOutbox(context, /*create=*/false);
  if (absl::IsNotFound(outbox.status())) return nullptr;
  return outbox;
}

absl::Status Sync(const CommandContext& context, const OutboxSyncFlags&) {
  absl::StatusOr<std::unique_ptr<Outbox>> outbox = OpenExistingOutbox(context);
  if (!outbox.ok()) return outbox.status();
  DeliveryReport report;
  if (*outbox != nullptr) {
    absl::StatusOr<DeliveryReport> delivered =
        DeliverOutbox(**outbox, context.connection(), context.server());
    if (!delivered.ok()) return delivered.status();
    report = *std::move(delivered);
  }
  google::protobuf::Struct summary;
  SetNumber(summary, "delivered", report.delivered);
  SetNumber(summary, "failed", report.failed);
  SetNumber(summary, "waiting", report.waiting);
  context.Print(
      summary, +[](const google::protobuf::Struct& summary, std::ostream& out) {
        const auto& fields = summary.fields();
        out << "delivered " << fields.at("delivered").number_value()
            << ", failed " << fields.at("failed").number_value() << ", waiting "
            << fields.at("waiting").number_value() << "\n";
      });
  if (report.failed > 0) {
    std::cerr << "glutecare: " << report.failed
              << " refused by the server; see 'glutecare outbox list'"
              << std::endl;
  }
  if (report.waiting == 0) return absl::OkStatus();
  return KeptInOutbox(
      absl::StrCat(report.waiting, " still waiting in the outbox: ",
                   report.stopped_by.ok() ? "see 'glutecare outbox list'"
                                          : report.stopped_by.ToString()));
}

absl::Status ListOutbox(const CommandContext& context, const OutboxListFlags&) {
  absl::StatusOr<std::unique_ptr<Outbox>> outbox = OpenExistingOutbox(context);
  if (!outbox.ok()) return outbox.status();
  std::vector<OutboxEntry> entries;
  if (*outbox != nullptr) {
    absl::StatusOr<std::vector<OutboxEntry>> listed = (*outbox)->List();
    if (!listed.ok()) return listed.status();
    entries = *std::move(listed);
  }
  google::protobuf::Struct list;
  google::protobuf::ListValue& rows =
      *(*list.mutable_fields())["entries"].mutable_list_value();
  for (const OutboxEntry& entry : entries) {
    google::protobuf::Struct& row = *rows.add_values()->mutable_struct_value();
    SetNumber(row, "id", static_cast<double>(entry.id));
    SetString(row, "kind", std::string(OutboxKindName(entry.kind)));
    SetString(row, "server", entry.server);
    SetString(row, "patient", entry.parent);
    SetString(row, "requestId", entry.request_id);
    SetString(row, "createTime",
              absl::FormatTime(absl::RFC3339_sec, entry.create_time,
                               absl::UTCTimeZone()));
    SetNumber(row, "attempts", entry.attempts);
    SetString(row, "state", std::string(OutboxStateName(entry.state)));
    SetString(row, "lastError", entry.last_error);
  }
  context.output().Print(list, [&](std::ostream& out) {
    Table table({"ID", "KIND", "PATIENT", "REQUEST ID", "CREATED", "ATTEMPTS",
                 "STATE", "LAST ERROR"});
    for (const OutboxEntry& entry : entries) {
      table.AddRow(
          {absl::StrCat(entry.id), std::string(OutboxKindName(entry.kind)),
           std::string(LastSegment(entry.parent)), entry.request_id,
           FormatLocalTime(entry.create_time), absl::StrCat(entry.attempts),
           std::string(OutboxStateName(entry.state)), entry.last_error});
    }
    table.Print(out);
  });
  return absl::OkStatus();
}

absl::Status DropFromOutbox(const CommandContext& context,
                            const OutboxDropFlags& flags) {
  absl::StatusOr<std::unique_ptr<Outbox>> outbox = OpenExistingOutbox(context);
  if (!outbox.ok()) return outbox.status();
  if (*outbox == nullptr) {
    return UsageError(absl::StrCat("the outbox has no entry ", flags.id));
  }
  absl::StatusOr<std::vector<OutboxEntry>> entries = (*outbox)->List();
  if (!entries.ok()) return entries.status();
  for (const OutboxEntry& entry : *entries) {
    if (entry.id != flags.id) continue;
    if (entry.state != OutboxState::kFailed) {
      return UsageError(absl::StrCat(
          "entry ", flags.id,
          " is still waiting to be sent; only failed entries can be dropped"));
    }
    return (*outbox)->Remove(flags.id);
  }
  return UsageError(absl::StrCat("the outbox has no entry ", flags.id));
}

}  // namespace

void AddOutboxCommands(CLI::App& root, ChosenAction& chosen) {
  AddLeafCommand(root, chosen, "sync",
                 "Sends the sessions and pain reports kept in the outbox "
                 "while the server was unreachable",
                 Sync);
  CLI::App& group = AddCommandGroup(
      root, "outbox",
      "Submissions kept while the server was unreachable (no token needed)");
  AddLeafCommand(group, chosen, "list",
                 "Lists the kept submissions, waiting or failed", ListOutbox);
  auto [drop, drop_flags] = AddLeafCommand(
      group, chosen, "drop", "Deletes a failed submission from the outbox",
      DropFromOutbox);
  drop.add_option("ID", drop_flags.id, "The entry, as 'outbox list' shows it")
      ->required();
}

}  // namespace glutecare::client
