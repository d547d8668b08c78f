// Diagnostics: every error nnc reports, as `FILE:LINE:COL: error: MESSAGE`
// followed by the source line and a caret under the column. Errors are
// collected (so one run reports all of them) and printed in source order.
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/support/SourceLoc.h"

namespace nnc {

class Diagnostics {
 public:
  // Registers a file's text so errors in it can quote the offending line.
  void add_source(const std::string& file, const std::string& text);
  void error(const SourceLoc& loc, const std::string& message);
  void note(const SourceLoc& loc, const std::string& message);
  // A likely mistake that still compiles (softmax twice, an image written
  // channels-last): printed, and the compile goes on.
  void warning(const SourceLoc& loc, const std::string& message);
  bool has_errors() const { return error_count_ > 0; }
  bool empty() const { return messages_.empty(); }
  void clear() { messages_.clear(), error_count_ = 0; }
  int error_count() const { return error_count_; }
  // Prints every message in order of position (file order of first mention).
  void print(std::ostream& out) const;

 private:
  struct Message {
    SourceLoc loc;
    std::string kind;  // "error", "warning" or "note"
    std::string text;
    int seq;           // insertion order, the tie breaker
  };
  std::string line_of(const SourceLoc& loc) const;
  std::vector<Message> messages_;
  std::map<std::string, std::vector<std::string>> sources_;
  std::vector<std::string> file_order_;
  int error_count_ = 0;
};

// The known name closest to `name` by edit distance, or "" when none is
// close enough to be a plausible typo.
std::string closest_name(const std::string& name, const std::vector<std::string>& known);
// "; did you mean 'x'?" or "" - appended to unknown-name errors.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known);

}  // namespace nnc
