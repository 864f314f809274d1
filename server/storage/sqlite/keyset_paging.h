// Keyset paging of List queries on SQLite: a page is the rows after the
// cursor that the page token carries (sort key, pk), never an OFFSET, so
// paging stays cheap and a write between pages neither skips nor repeats a row.
#ifndef GLUTECARE_SERVER_STORAGE_SQLITE_KEYSET_PAGING_H_
#define GLUTECARE_SERVER_STORAGE_SQLITE_KEYSET_PAGING_H_

#include <sqlite3.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/page_token.h"
#include "server/storage/sqlite/sqlite.h"
#include "server/storage/store.h"

namespace glutecare::sqlite_store_internal {

using sqlite::Statement;

template <typename Message>
absl::StatusOr<Message> ParseBody(absl::string_view body) {
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError(absl::StrCat(
        "a stored ", Message::descriptor()->name(), " does not parse"));
  }
  return message;
}

// Runs a keyset-paginated list query and builds the page.
// REQUIRES: `stmt` selects the sort key as column 0 and the primary key as
// column 1, takes the cursor as ?2 (sort key, NULL for the first page) and ?3
// (pk), and the row limit as ?4; its other parameters are already bound.
template <typename Message>
absl::StatusOr<Page<Message>> RunListQuery(
    Statement& stmt, absl::string_view query, const PageRequest& page,
    absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row) {
  if (page.page_token.empty()) {
    stmt.BindNull(2).BindNull(3);
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(PageCursor cursor,
                               DecodePageToken(query, page.page_token));
    if (const auto* number = std::get_if<int64_t>(&cursor.sort_key)) {
      stmt.BindInt64(2, *number);
    } else {
      stmt.BindText(2, std::get<std::string>(cursor.sort_key));
    }
    stmt.BindInt64(3, cursor.pk);
  }
  // One row more than the page tells whether there is a next page.
  stmt.BindInt64(4, int64_t{page.page_size} + 1);

  Page<Message> result;
  PageCursor last;
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    if (static_cast<int>(result.items.size()) == page.page_size) {
      result.next_page_token = EncodePageToken(query, last);
      break;
    }
    GLUTECARE_ASSIGN_OR_RETURN(Message item, parse_row(stmt));
    result.items.push_back(std::move(item));
    if (stmt.ColumnType(0) == SQLITE_INTEGER) {
      last.sort_key = stmt.ColumnInt64(0);
    } else {
      last.sort_key = std::string(stmt.ColumnText(0));
    }
    last.pk = stmt.ColumnInt64(1);
  }
  return result;
}

// Parses the body in `column` of the current row.
template <typename Message>
auto BodyAt(int column) {
  return [column](const Statement& stmt) -> absl::StatusOr<Message> {
    return ParseBody<Message>(stmt.ColumnBlob(column));
  };
}

// Appends every remaining row, read by `parse_row`, to `out`.
template <typename Message>
absl::Status AppendRows(
    Statement& stmt,
    absl::FunctionRef<absl::StatusOr<Message>(const Statement&)> parse_row,
    std::vector<Message>* out) {
  while (true) {
    GLUTECARE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return absl::OkStatus();
    GLUTECARE_ASSIGN_OR_RETURN(Message message, parse_row(stmt));
    out->push_back(std::move(message));
  }
}

// Appends the parsed body in column 0 of every remaining row to `out`.
template <typename Message>
absl::Status AppendBodies(Statement& stmt, std::vector<Message>* out) {
  return AppendRows<Message>(stmt, BodyAt<Message>(0), out);
}

}  // namespace glutecare::sqlite_store_internal

#endif  // GLUTECARE_SERVER_STORAGE_SQLITE_KEYSET_PAGING_H_
