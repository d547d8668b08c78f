// The numbers a user types on a program's command line: a setting's value
// and predict's inputs. Kept apart from the commands that use them so the
// fuzzer (test/fuzz) can run them without a model.
#include <cmath>
#include <cstdlib>
#include <limits>

#include "runtime/commands.h"
#include "runtime/printable.h"

namespace nnc::rt {

std::optional<double> number_of(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  // The whole word: also past a NUL byte, which strtod would stop at.
  if (end == text.c_str() || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

double parse_number(const std::string& text, const std::string& what) {
  const std::optional<double> v = number_of(text);
  if (!v || !std::isfinite(*v)) throw DataError(what + ": '" + printable(text) + "' is not a number");
  return *v;
}

std::vector<float> predict_inputs(const std::vector<std::string>& words, int64_t n_in) {
  // Numbers or files, decided by the first word: a word among numbers is a
  // mistyped number, not a file.
  std::vector<float> x;
  if (words.empty() || !number_of(words.front())) {
    for (const std::string& file : words) {
      Dataset set = load_csv(file, n_in, 0, false);
      x.insert(x.end(), set.inputs.begin(), set.inputs.end());
    }
    return x;
  }
  for (const std::string& s : words) {
    const std::optional<double> v = number_of(s);
    if (!v || !std::isfinite(*v) || std::fabs(*v) > std::numeric_limits<float>::max())
      throw DataError("predict: '" + printable(s) + "' is not a " + (v ? "finite " : "") +
                      "number; the inputs are numbers, or CSV files, not both");
    x.push_back(float(*v));
  }
  if (int64_t(x.size()) % n_in != 0)
    throw DataError("predict got " + std::to_string(x.size()) + " numbers; the input takes " + std::to_string(n_in) +
                    " per sample");
  return x;
}

}  // namespace nnc::rt
