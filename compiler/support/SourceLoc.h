// A position in a .nn file. Below both the front end (diagnostics point at
// it) and the IR (every node remembers the text that made it), so neither
// has to include the other for it.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace nnc {

struct SourceLoc {
  std::string file;  // as the user named it (or the stdlib path)
  int line = 0;      // 1-based; 0 = no position
  int col = 0;       // 1-based
  bool valid() const { return line > 0; }
  // "file:line:col", or just the file without a position.
  std::string str() const { return valid() ? file + ":" + std::to_string(line) + ":" + std::to_string(col) : file; }
};

// An error at a position found by a pass after the front end (autodiff). The
// driver reports it as it reports the front end's: FILE:LINE:COL, the source
// line and a caret.
struct SourceError : std::runtime_error {
  SourceError(SourceLoc at, const std::string& message) : std::runtime_error(message), loc(std::move(at)) {}
  SourceLoc loc;
};

}  // namespace nnc
