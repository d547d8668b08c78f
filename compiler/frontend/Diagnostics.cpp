#include "compiler/frontend/Diagnostics.h"

#include <algorithm>
#include <sstream>

#include "runtime/printable.h"

namespace nnc {

void Diagnostics::add_source(const std::string& file, const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  if (!sources_.count(file)) file_order_.push_back(file);
  sources_[file] = std::move(lines);
}

// Messages quote the user's text (a name, a path, a token); a byte of it
// that does not print is shown escaped, here, once for every message.
void Diagnostics::error(const SourceLoc& loc, const std::string& message) {
  messages_.push_back({loc, "error", printable(message, std::string::npos), int(messages_.size())});
  ++error_count_;
}

void Diagnostics::warning(const SourceLoc& loc, const std::string& message) {
  messages_.push_back({loc, "warning", printable(message, std::string::npos), int(messages_.size())});
}

void Diagnostics::note(const SourceLoc& loc, const std::string& message) {
  messages_.push_back({loc, "note", printable(message, std::string::npos), int(messages_.size())});
}

std::string Diagnostics::line_of(const SourceLoc& loc) const {
  auto it = sources_.find(loc.file);
  if (it == sources_.end() || loc.line < 1 || loc.line > int(it->second.size())) return {};
  return it->second[loc.line - 1];
}

void Diagnostics::print(std::ostream& out) const {
  auto file_rank = [&](const std::string& f) {
    auto it = std::find(file_order_.begin(), file_order_.end(), f);
    return int(it - file_order_.begin());
  };
  std::vector<Message> sorted = messages_;
  // Notes stay right after the error they explain, so sort only errors'
  // groups: a note inherits the position of the message before it.
  std::vector<std::pair<std::tuple<int, int, int, int>, Message>> keyed;
  std::tuple<int, int, int, int> last_key{0, 0, 0, 0};
  for (const Message& m : sorted) {
    if (m.kind != "note") last_key = {file_rank(m.loc.file), m.loc.line, m.loc.col, m.seq};
    keyed.push_back({last_key, m});
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, m] : keyed) {
    out << printable(m.loc.str(), std::string::npos) << ": " << m.kind << ": " << m.text << "\n";
    std::string line = line_of(m.loc);
    if (line.empty() || m.loc.col < 1) continue;
    // Columns count characters (a UTF-8 letter is one). Tabs stay, so the
    // caret lines up under tab-indented source; other bytes that do not
    // print are shown escaped (\x00), and the caret moves past the escape.
    std::string shown, caret;
    int column = 1;
    for (size_t i = 0, used = 0; i < line.size(); i += used, ++column) {
      const bool tab = line[i] == '\t';
      const std::string c = tab ? "\t" : printable_at(line, i, &used);
      if (tab) used = 1;
      if (column < m.loc.col) caret += tab ? "\t" : std::string(used > 1 ? 1 : c.size(), ' ');
      shown += c;
    }
    out << shown << "\n" << caret << "^\n";
  }
}

// Edits between A and B: insertions, deletions, substitutions and swaps of
// two neighbouring letters ('rleu' is one edit from 'relu'), the commonest
// typing slip (the optimal-string-alignment distance).
static int edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = int(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
  std::string best;
  int best_distance = 1 << 30;
  for (const std::string& k : known) {
    int d = edit_distance(name, k);
    if (d < best_distance) best_distance = d, best = k;
  }
  // A third of the name's length (at least 1, at most 3) still reads as a typo.
  int limit = std::clamp(int(name.size()) / 3, 1, 3);
  return best_distance <= limit ? best : std::string();
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& known) {
  std::string best = closest_name(name, known);
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

}  // namespace nnc
