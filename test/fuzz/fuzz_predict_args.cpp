// predict's arguments: the input's first line split into words (numbers, or
// names of CSV files), the rest written as the file 'in.csv' that a word may
// name. A word never leaves the scratch directory ('/' becomes '_'), so a
// word cannot name /dev/zero and read forever.
#include <cstdint>

#include <unistd.h>

#include "runtime/commands.h"
#include "test/fuzz/fuzz_support.h"

using namespace nnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool in_scratch = chdir(fuzz::scratch_dir().c_str()) == 0;
  if (!in_scratch) fuzz::bug("cannot enter the scratch directory");
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t eol = text.find('\n');
  fuzz::write_input("in.csv", eol == std::string::npos ? "" : text.substr(eol + 1));
  std::vector<std::string> words;
  std::string word;
  for (char c : text.substr(0, eol)) {
    if (c == ' ') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c == '/' ? '_' : c;
    }
  }
  if (!word.empty()) words.push_back(word);
  for (const int64_t n_in : {1, 2, 3}) {
    fuzz::expect_clean([&] {
      const std::vector<float> x = rt::predict_inputs(words, n_in);
      if (x.size() % size_t(n_in) != 0) fuzz::bug("a partial sample was accepted");
    });
  }
  return 0;
}
