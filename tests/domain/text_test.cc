#include "server/domain/text.h"

#include <string>

#include "gtest/gtest.h"

namespace glutecare {
namespace {

TEST(Utf8Length, CountsCodePointsOfValidText) {
  struct Case {
    std::string text;
    size_t length;
  };
  const Case cases[] = {
      {"", 0},       {"glute bridge", 12},    {"Müller", 6},
      {"日本語", 3}, {"\xF0\x9F\x92\xAA", 1},  // U+1F4AA, four bytes
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Utf8Length(c.text), c.length);
  }
}

TEST(Utf8Length, RejectsInvalidSequences) {
  const std::string cases[] = {
      "\x80",              // lone continuation byte
      "\xC3",              // truncated two-byte sequence
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong three-byte
      "\xED\xA0\x80",      // UTF-16 surrogate U+D800
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF0\x9F\x92",      // truncated four-byte sequence
      "ok\xFF",
  };
  for (const std::string& text : cases) {
    SCOPED_TRACE(QuoteForMessage(text));
    EXPECT_FALSE(Utf8Length(text).has_value());
  }
}

TEST(HasControlCharacters, AllowsNewlinesOnlyInMultiLineText) {
  EXPECT_FALSE(HasControlCharacters("plain", false));
  EXPECT_TRUE(HasControlCharacters("a\nb", false));
  EXPECT_FALSE(HasControlCharacters("a\nb\tc", true));
  EXPECT_TRUE(HasControlCharacters(std::string("a\0b", 3), true));
  EXPECT_TRUE(HasControlCharacters("bell\a", true));
  EXPECT_TRUE(HasControlCharacters("del\x7F", true));
  EXPECT_TRUE(HasControlCharacters("c1\xC2\x85", true));  // U+0085 NEL
  EXPECT_FALSE(HasControlCharacters("\xC2\xA0nbsp", false));
}

TEST(QuoteForMessage, EscapesAndTruncates) {
  EXPECT_EQ(QuoteForMessage("abc"), "\"abc\"");
  EXPECT_EQ(QuoteForMessage("a\"b"), "\"a\\x22b\"");
  EXPECT_EQ(QuoteForMessage("\xFF"), "\"\\xff\"");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x'), 4), "\"xxxx\"...");
}

}  // namespace
}  // namespace glutecare
