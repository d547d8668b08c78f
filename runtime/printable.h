#pragma once
// Text from the user's files (a CSV field, a character of a .nn file, a
// command-line word) is echoed back in messages. Raw control bytes would
// reach the terminal as they are: a NUL, an escape sequence, a carriage
// return that overwrites the message. So every byte that does not print is
// shown escaped, as C writes it: \x00, \x1b, \t. Valid UTF-8 stays as it is.
// Shared by the compiler's diagnostics and the runtime's errors.

#include <cstddef>
#include <string>
#include <string_view>

namespace nnc {

// The length of the valid UTF-8 sequence of two to four bytes that starts at
// s[i], or 0 when none does (a stray continuation byte, a cut sequence).
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  const size_t n = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  return n;
}

// The character at s[i] as it is shown, and how many bytes of s it covers.
inline std::string printable_at(std::string_view s, size_t i, size_t* used) {
  const auto c = static_cast<unsigned char>(s[i]);
  *used = 1;
  if (c >= 0x20 && c < 0x7f) return std::string(1, char(c));
  if (c == '\t') return "\\t";
  if (c >= 0x80) {
    if (const size_t n = utf8_sequence_length(s, i)) {
      *used = n;
      return std::string(s.substr(i, n));
    }
  }
  static const char kHex[] = "0123456789abcdef";
  return std::string{'\\', 'x', kHex[c >> 4], kHex[c & 15]};
}

// S with every byte that does not print escaped; cut after MAX_SHOWN
// characters with "..." so a binary file's line cannot flood the terminal.
inline std::string printable(std::string_view s, size_t max_shown = 40) {
  std::string out;
  size_t shown = 0;
  for (size_t i = 0, used = 0; i < s.size(); i += used) {
    if (shown++ == max_shown) return out + "...";
    out += printable_at(s, i, &used);
  }
  return out;
}

}  // namespace nnc
