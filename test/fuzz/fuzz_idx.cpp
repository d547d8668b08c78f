// IDX reader, raw and gzipped (zlib reads both through one path): any bytes
// as the images file, and as the labels file beside a valid one-image file.
#include <cstdint>

#include "runtime/dataset.h"
#include "test/fuzz/fuzz_support.h"

using namespace nnc;

namespace {

// One 1x1 image, and one label, in IDX form: the valid partner of a fuzzed file.
const std::string& one_image() {
  static const std::string path =
      fuzz::write_input("one-image", std::string("\0\0\x08\x03\0\0\0\x01\0\0\0\x01\0\0\0\x01\x7f", 17));
  return path;
}
const std::string& one_label() {
  static const std::string path = fuzz::write_input("one-label", std::string("\0\0\x08\x01\0\0\0\x01\x02", 9));
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("data.idx", {reinterpret_cast<const char*>(data), size});
  const auto check = [](const rt::Dataset& d) {
    if (d.count <= 0 || d.sample_shape.size() != 2 || d.inputs.size() != size_t(d.count * d.sample_size()) ||
        d.labels.size() != size_t(d.count))
      fuzz::bug("an IDX Dataset whose sizes disagree with its count");
    rt::check_labels(d, 10);
  };
  fuzz::expect_clean([&] { check(rt::load_idx(path, one_label())); });
  fuzz::expect_clean([&] { check(rt::load_idx(one_image(), path)); });
  return 0;
}
