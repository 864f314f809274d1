// What every list command shares (AIP-158 paging): the --page-size,
// --page-token and --all flags, fetching pages, and printing the items as a
// table whose last line names the next page token (or, under --json, the
// response with its next_page_token).
//
//   ListAndPrint(context, &v1::SessionService::Stub::ListSessions, request,
//                flags.paging, &v1::ListSessionsResponse::sessions,
//                SessionColumns());
#ifndef GLUTECARE_CLIENT_PAGING_H_
#define GLUTECARE_CLIENT_PAGING_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "client/command.h"
#include "client/connection.h"
#include "client/output.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace glutecare::client {

struct PageFlags {
  // --page-size: most items per page; 0 leaves it to the server.
  int page_size = 0;
  // --page-token: the next page token of an earlier list.
  std::string page_token;
  // --all: follow the next page tokens to the last page.
  bool all = false;
};

void AddPageFlags(CLI::App& command, PageFlags& flags);

// Prints "next page: --page-token TOKEN" when `token` is not empty.
void PrintNextPageHint(const std::string& token, std::ostream& out);

// Calls the List method `method` for the page `flags` asks for and, under
// --all, each following page, merged into one response (items appended) whose
// next_page_token is that of the last page fetched. `request` has everything
// set but the paging fields.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> FetchPages(
    Connection& connection,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    Request request, const PageFlags& flags) {
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  Response merged;
  while (true) {
    absl::StatusOr<Response> page =
        connection.Call(method, request, Idempotency::kIdempotent);
    if (!page.ok()) return page.status();
    merged.MergeFrom(*page);
    // MergeFrom keeps the old token when the new one is empty (the last page).
    merged.set_next_page_token(page->next_page_token());
    const bool more = flags.all && !page->next_page_token().empty() &&
                      page->next_page_token() != request.page_token();
    if (!more) return merged;
    request.set_page_token(page->next_page_token());
  }
}

// FetchPages with every page: the whole collection.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> FetchAll(
    Connection& connection,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    Request request) {
  PageFlags every_page;
  every_page.all = true;
  return FetchPages(connection, method, std::move(request), every_page);
}

// FetchPages, then prints the response: as JSON under --json, otherwise its
// `items` as a table and the next page hint.
template <typename Stub, typename Request, typename Response, typename Item>
absl::Status ListAndPrint(
    const CommandContext& context,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    Request request, const PageFlags& flags,
    const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
    const Columns<Item>& columns) {
  absl::StatusOr<Response> response =
      FetchPages(context.connection(), method, std::move(request), flags);
  if (!response.ok()) return response.status();
  context.output().Print(*response, [&](std::ostream& out) {
    Table table(columns.headers);
    for (const Item& item : ((*response).*items)())
      table.AddRow(columns.cells(item));
    table.Print(out);
    PrintNextPageHint(response->next_page_token(), out);
  });
  return absl::OkStatus();
}

// Sets the state filter of the List `request` from the --state flag when it
// was given: a friendly name of the state enum (ParseFriendlyName).
template <typename Request>
absl::Status SetStateFilter(const std::optional<std::string>& flag,
                            Request& request) {
  if (!flag.has_value()) return absl::OkStatus();
  using State = decltype(request.state());
  GLUTECARE_ASSIGN_OR_RETURN(const State state,
                             ParseFriendlyName<State>(*flag, "--state"));
  request.set_state(state);
  return absl::OkStatus();
}

// Adds the leaf command `name` to `group` that lists, with the paging flags,
// the children of the resource `parent` names (such as
// &CommandContext::Patient): the List of a collection that takes no filter.
// A failure to resolve the parent is returned as it is.
//
//   AddListCommand(group, chosen, "list", "Lists the patient's sessions",
//                  &CommandContext::Patient,
//                  &v1::SessionService::Stub::ListSessions,
//                  &v1::ListSessionsResponse::sessions, SessionColumns());
template <typename Stub, typename Request, typename Response, typename Item>
void AddListCommand(
    CLI::App& group, ChosenAction& chosen, std::string name,
    std::string description,
    absl::StatusOr<std::string> (CommandContext::*parent)() const,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
    Columns<Item> columns) {
  auto flags = std::make_shared<PageFlags>();
  CLI::App& command =
      *group.add_subcommand(std::move(name), std::move(description));
  AddPageFlags(command, *flags);
  chosen.Bind(command,
              [flags, parent, method, items, columns = std::move(columns)](
                  const CommandContext& context) -> absl::Status {
                Request request;
                GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(),
                                           (context.*parent)());
                return ListAndPrint(context, method, std::move(request), *flags,
                                    items, columns);
              });
}

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_PAGING_H_
