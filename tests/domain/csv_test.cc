#include "server/domain/csv.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace glutecare {
namespace {

TEST(AppendCsvField, QuotesOnlyWhatRfc4180Requires) {
  struct Case {
    std::string field;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"plain", "plain"},
      {"with space", "with space"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"\"", "\"\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\rhere", "\"cr\rhere\""},
      {"crlf\r\n", "\"crlf\r\n\""},
      {"Jos\xC3\xA9 M\xC3\xBCller, \xE6\x97\xA5\xE6\x9C\xAC",  // non-ASCII
       "\"Jos\xC3\xA9 M\xC3\xBCller, \xE6\x97\xA5\xE6\x9C\xAC\""},
      {"\xF0\x9F\x92\xAA strong", "\xF0\x9F\x92\xAA strong"},
      {"semi;colon\ttab", "semi;colon\ttab"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    std::string out = "x";
    AppendCsvField(c.field, out);
    EXPECT_EQ(out, "x" + c.written);
  }
}

TEST(AppendCsvRecord, JoinsWithCommasAndEndsWithCrlf) {
  std::string csv;
  AppendCsvRecord({"patient", "notes"}, csv);
  AppendCsvRecord({"ana", "hurt, \"a bit\"\nthen less"}, csv);
  AppendCsvRecord({"", ""}, csv);
  AppendCsvRecord({}, csv);
  EXPECT_EQ(csv,
            "patient,notes\r\n"
            "ana,\"hurt, \"\"a bit\"\"\nthen less\"\r\n"
            ",\r\n"
            "\r\n");
}

TEST(SpreadsheetText, DefusesWhatASpreadsheetWouldRunAsAFormula) {
  EXPECT_EQ(SpreadsheetText("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(SpreadsheetText("+1"), "'+1");
  EXPECT_EQ(SpreadsheetText("-2 reps"), "'-2 reps");
  EXPECT_EQ(SpreadsheetText("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(SpreadsheetText("\tx"), "'\tx");
  EXPECT_EQ(SpreadsheetText("felt fine = good"), "felt fine = good");
  EXPECT_EQ(SpreadsheetText(""), "");
  EXPECT_EQ(SpreadsheetText("'quoted"), "'quoted");
}

}  // namespace
}  // namespace glutecare
