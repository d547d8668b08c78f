// CSV reader: any bytes, read as the data of four model shapes (class
// labels, value targets, inputs only for predict, a wider row). Each ends
// in a Dataset or a clean DataError; a Dataset holds what its shape says.
#include <cstdint>

#include "runtime/dataset.h"
#include "test/fuzz/fuzz_support.h"

using namespace nnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("data.csv", {reinterpret_cast<const char*>(data), size});
  struct Shape {
    int64_t inputs, targets;
    bool classes;
  };
  for (const Shape s : {Shape{2, 1, true}, Shape{2, 1, false}, Shape{2, 0, false}, Shape{3, 2, false}}) {
    fuzz::expect_clean([&] {
      const rt::Dataset d = rt::load_csv(path, s.inputs, s.targets, s.classes);
      if (d.count <= 0 || d.inputs.size() != size_t(d.count * s.inputs) || d.lines.size() != size_t(d.count))
        fuzz::bug("a Dataset whose sizes disagree with its count");
      if (s.classes) {
        if (d.labels.size() != size_t(d.count)) fuzz::bug("labels disagree with the count");
        rt::check_labels(d, 3);
      } else if (d.targets.size() != size_t(d.count * s.targets)) {
        fuzz::bug("targets disagree with the count");
      }
    });
  }
  return 0;
}
