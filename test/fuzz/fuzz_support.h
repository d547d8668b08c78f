// What every harness shares: a scratch directory for the files the readers
// open, and the rule every failure must keep (the project's "bad input never
// crashes"): a DataError whose message is one printable line. Anything else
// that escapes, an exception of another type, a message with a raw control
// byte or a line break, aborts, and libFuzzer reports it with the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include "runtime/dataset.h"  // DataError

namespace nnc::fuzz {

// A directory of this process's own, on tmpfs where there is one: the
// harnesses write each input to a file, since that is what the readers take.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string templ = base + "/nnc-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) std::abort();
    return templ;
  }();
  return dir;
}

// Writes BYTES to NAME in the scratch directory and returns its path.
inline std::string write_input(const std::string& name, std::string_view bytes) {
  const std::string path = scratch_dir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) std::abort();
  return path;
}

[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "nnc-fuzz: %s\n", what.c_str());
  std::abort();
}

// True when TEXT holds no byte that would reach the terminal raw: control
// bytes other than those ALLOWED (the front end's output keeps \n and \t).
inline bool printable_text(std::string_view text, std::string_view allowed = "") {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 || b == 0x7f) && allowed.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Runs F; a DataError with a one-line printable message is the clean
// failure, anything else is a bug.
template <class F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const rt::DataError& e) {
    const std::string message = e.what();
    if (message.empty()) bug("a DataError without a message");
    if (!printable_text(message)) bug("a message with raw control bytes: " + message);
  } catch (const std::exception& e) {
    bug(std::string("an exception that is not a DataError escaped: ") + e.what());
  }
}

}  // namespace nnc::fuzz
