// A message from protobuf text format, for the tests of the views: the
// inputs read like the messages the server sends.
//
//   const auto alert = ParseTextProto<v1::Alert>(R"pb(sequence: 12)pb");
#ifndef GLUTECARE_TESTS_CLIENT_VIEWS_TEXT_PROTO_H_
#define GLUTECARE_TESTS_CLIENT_VIEWS_TEXT_PROTO_H_

#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace glutecare::client {

// `text` parsed as a Message; a parse failure fails the test.
template <typename Message>
Message ParseTextProto(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message))
      << text;
  return message;
}

// An outcome score summary in text format: ODI 22% (moderate) on
// 2026-11-12, 12 points better than the intake's 34% on 2026-10-01, an
// important change; in brief "ODI 22% -12 better".
inline constexpr char kOdiImprovement[] = R"pb(
  measure: OUTCOME_MEASURE_ODI
  local_date: "2026-11-12"
  score: 22
  band: "moderate"
  intake_score: 34
  intake_date: "2026-10-01"
  change_since_intake: -12
  improvement: 12
  important_change: true
)pb";

}  // namespace glutecare::client

#endif  // GLUTECARE_TESTS_CLIENT_VIEWS_TEXT_PROTO_H_
