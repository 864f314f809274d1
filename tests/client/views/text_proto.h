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

}  // namespace glutecare::client

#endif  // GLUTECARE_TESTS_CLIENT_VIEWS_TEXT_PROTO_H_
