// printable(): what a message shows of the user's bytes.
#include <gtest/gtest.h>

#include "runtime/printable.h"

namespace {

using nnc::printable;

TEST(Printable, PrintingTextStaysAsItIs) {
  EXPECT_EQ(printable("abc, 1.5 #"), "abc, 1.5 #");
  EXPECT_EQ(printable(""), "");
}

TEST(Printable, ControlBytesAreEscapedAsInC) {
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(printable("\r\n\x7f"), "\\x0d\\x0a\\x7f");
  EXPECT_EQ(printable("a\tb"), "a\\tb");
}

TEST(Printable, ValidUtf8StaysInvalidBytesAreEscaped) {
  EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("\xc3"), "\\xc3");          // a sequence cut by the end
  EXPECT_EQ(printable("\xc3" "A"), "\\xc3A");     // not followed by a continuation byte
  EXPECT_EQ(printable("\x80"), "\\x80");          // a continuation byte alone
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");  // an overlong '/'
}

TEST(Printable, LongTextIsCutAfterMaxCharacters) {
  EXPECT_EQ(printable(std::string(41, 'x')), std::string(40, 'x') + "...");
  EXPECT_EQ(printable(std::string(40, 'x')), std::string(40, 'x'));
  // Characters are counted, not bytes: four escapes and a UTF-8 letter.
  EXPECT_EQ(printable(std::string(4, '\0') + "\xc3\xa9" "x", 5), "\\x00\\x00\\x00\\x00\xc3\xa9...");
}

}  // namespace
