// How results reach stdout: aligned tables and "key: value" views for people,
// protobuf JSON for scripts (--json). Every command prints one document, but
// a stream (alerts watch), which prints a line per item.
//
//   Table table({"ID", "AREA", "SCORE"});
//   table.AddRow({"r1", "lower-back", "5"});
//   table.Print(std::cout);
//     // ID  AREA        SCORE
//     // r1  lower-back  5
//
//   Fields().Add("name", "clinics/c1").Add("display name",
//   "Demo").Print(std::cout);
//     // name:          clinics/c1
//     // display name:  Demo
//
// An empty cell or value prints as "-". Widths count UTF-8 code points.
#ifndef GLUTECARE_CLIENT_OUTPUT_H_
#define GLUTECARE_CLIENT_OUTPUT_H_

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace glutecare::client {

// Rows under a header, each column as wide as its widest cell, two spaces
// apart. Not thread-safe.
class Table final {
 public:
  explicit Table(std::vector<std::string> headers);

  // REQUIRES: cells.size() equals the number of headers.
  void AddRow(std::vector<std::string> cells);

  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // the header first
};

// How a list shows one Item per table row: the headers, and the cells of an
// item in the same order.
template <typename Item>
struct Columns {
  std::vector<std::string> headers;
  std::function<std::vector<std::string>(const Item&)> cells;
};

// A single resource as one "key: value" line per field, values aligned.
// Not thread-safe.
class Fields final {
 public:
  Fields& Add(std::string key, std::string value);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// `message` as protobuf JSON (lowerCamelCase field names), pretty-printed.
std::string ToJson(const google::protobuf::Message& message);

// `message` as protobuf JSON on one line, newline-terminated: one record of
// JSON Lines.
std::string ToJsonLine(const google::protobuf::Message& message);

// Where a command prints its result, in the format the user chose.
class Output final {
 public:
  // `out` must outlive this object.
  Output(std::ostream& out, bool json) : out_(out), json_(json) {}

  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Prints `message` as JSON under --json; otherwise calls `print_text`
  // with the stream.
  void Print(const google::protobuf::Message& message,
             absl::FunctionRef<void(std::ostream&)> print_text) const;

  // Prints one item of a stream on a line of its own: ToJsonLine() under
  // --json, otherwise `text_line` and a newline. Flushes, so that a reader at
  // the other end of a pipe sees each item as it comes.
  void PrintLine(const google::protobuf::Message& message,
                 absl::string_view text_line) const;

 private:
  std::ostream& out_;
  const bool json_;
};

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_OUTPUT_H_
