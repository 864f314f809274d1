// Tests of client/output.h: tables, "key: value" views, JSON and JSON Lines.
#include "client/output.h"

#include <sstream>

#include "glutecare/v1/session.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

TEST(Table, AlignsColumnsAndShowsEmptyCellsAsDash) {
  Table table({"ID", "AREA", "SCORE"});
  table.AddRow({"r1", "lower-back", "5"});
  table.AddRow({"report-22", "", "10"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "ID         AREA        SCORE\n"
            "r1         lower-back  5\n"
            "report-22  -           10\n");
}

TEST(Table, CountsUtf8CodePointsForWidth) {
  Table table({"NAME", "MRN"});
  table.AddRow({"Jürgen Groß", "A1"});
  table.AddRow({"Ann", "B2"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME         MRN\n"
            "Jürgen Groß  A1\n"
            "Ann          B2\n");
}

TEST(Fields, AlignsValuesAfterTheKeys) {
  std::ostringstream out;
  Fields()
      .Add("name", "clinics/c1")
      .Add("display name", "Demo")
      .Add("notes", "")
      .Print(out);
  EXPECT_EQ(out.str(),
            "name:          clinics/c1\n"
            "display name:  Demo\n"
            "notes:         -\n");
}

TEST(ToJson, PrintsProtobufJsonThatParsesBack) {
  v1::PainReport report;
  report.set_name("clinics/c1/patients/p1/painReports/r1");
  report.set_local_date("2024-05-01");
  report.set_area(v1::PAIN_AREA_LOWER_BACK);
  report.set_score(0);
  const std::string json = ToJson(report);
  EXPECT_NE(json.find("\"localDate\": \"2024-05-01\""), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"area\": \"PAIN_AREA_LOWER_BACK\""), std::string::npos)
      << json;
  v1::PainReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), report.SerializeAsString());
  EXPECT_TRUE(parsed.has_score()) << "a score of 0 is still a score";
}

TEST(ToJsonLine, PrintsOneLineOfJsonEvenForMultilineText) {
  v1::PainReport report;
  report.set_note("first line\nsecond line");
  report.set_score(3);
  const std::string line = ToJsonLine(report);
  EXPECT_EQ(line, "{\"score\":3,\"note\":\"first line\\nsecond line\"}\n");
}

TEST(Output, PrintsAStreamItemAsAJsonLineOrTheTextLine) {
  v1::PainReport report;
  report.set_note("ok");
  std::ostringstream json_out;
  const Output json(json_out, /*json=*/true);
  json.PrintLine(report, "text");
  json.PrintLine(report, "text");
  EXPECT_EQ(json_out.str(), ToJsonLine(report) + ToJsonLine(report));
  std::ostringstream text_out;
  Output(text_out, /*json=*/false).PrintLine(report, "text");
  EXPECT_EQ(text_out.str(), "text\n");
}

TEST(Output, PrintsJsonOrText) {
  v1::PainReport report;
  report.set_note("ok");
  std::ostringstream json_out;
  Output(json_out, /*json=*/true).Print(report, [](std::ostream& out) {
    out << "text\n";
  });
  EXPECT_EQ(json_out.str(), ToJson(report));
  std::ostringstream text_out;
  Output(text_out, /*json=*/false).Print(report, [](std::ostream& out) {
    out << "text\n";
  });
  EXPECT_EQ(text_out.str(), "text\n");
}

}  // namespace
}  // namespace glutecare::client
