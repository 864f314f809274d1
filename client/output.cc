#include "client/output.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"

namespace glutecare::client {
namespace {

constexpr absl::string_view kEmptyCell = "-";
constexpr absl::string_view kColumnGap = "  ";

// How many columns `text` takes on a terminal: its UTF-8 code points.
size_t DisplayWidth(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

absl::string_view CellText(const std::string& cell) {
  return cell.empty() ? kEmptyCell : absl::string_view(cell);
}

// Writes `text` padded with spaces to `width` columns.
void WritePadded(std::ostream& out, absl::string_view text, size_t width) {
  out << text << std::string(width - std::min(width, DisplayWidth(text)), ' ');
}

// `message` as protobuf JSON, pretty-printed (ending in a newline) or on one
// line (without one).
std::string JsonOf(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  std::string json;
  // Printing a well-formed message cannot fail; an empty document would.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return pretty ? "{}\n" : "{}";
  }
  return json;
}

}  // namespace

Table::Table(std::vector<std::string> headers) {
  rows_.push_back(std::move(headers));
}

void Table::AddRow(std::vector<std::string> cells) {
  assert(cells.size() == rows_.front().size());
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  const size_t column_count = rows_.front().size();
  std::vector<size_t> widths(column_count, 0);
  for (const std::vector<std::string>& row : rows_) {
    for (size_t column = 0; column < column_count; ++column) {
      widths[column] =
          std::max(widths[column], DisplayWidth(CellText(row[column])));
    }
  }
  for (const std::vector<std::string>& row : rows_) {
    for (size_t column = 0; column + 1 < column_count; ++column) {
      WritePadded(out, CellText(row[column]), widths[column]);
      out << kColumnGap;
    }
    out << CellText(row.back()) << "\n";
  }
}

Fields& Fields::Add(std::string key, std::string value) {
  fields_.emplace_back(std::move(key) + ":", std::move(value));
  return *this;
}

void Fields::Print(std::ostream& out) const {
  size_t key_width = 0;
  for (const auto& [key, value] : fields_) {
    key_width = std::max(key_width, DisplayWidth(key));
  }
  for (const auto& [key, value] : fields_) {
    WritePadded(out, key, key_width);
    out << kColumnGap << CellText(value) << "\n";
  }
}

std::string ToJson(const google::protobuf::Message& message) {
  return JsonOf(message, /*pretty=*/true);
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  return JsonOf(message, /*pretty=*/false) + "\n";
}

void Output::Print(const google::protobuf::Message& message,
                   absl::FunctionRef<void(std::ostream&)> print_text) const {
  if (json_) {
    out_ << ToJson(message);
  } else {
    print_text(out_);
  }
  out_.flush();
}

void Output::PrintLine(const google::protobuf::Message& message,
                       absl::string_view text_line) const {
  if (json_) {
    out_ << ToJsonLine(message);
  } else {
    out_ << text_line << "\n";
  }
  out_.flush();
}

}  // namespace glutecare::client
