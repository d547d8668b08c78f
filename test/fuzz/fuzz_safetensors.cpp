// safetensors reader, and a checkpoint's progress entries: any bytes as a
// weights file or checkpoint. What loads must save and load back the same
// (the writer agrees with the reader), and its run state, if it has one,
// must read cleanly or be refused by name.
#include <cstdint>
#include <cstring>

#include "runtime/engine.h"
#include "runtime/safetensors.h"
#include "test/fuzz/fuzz_support.h"

using namespace nnc;

namespace {

bool same(const rt::TensorFile& a, const rt::TensorFile& b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const rt::NamedTensor &x = a.tensors[i], &y = b.tensors[i];
    if (x.name != y.name || x.shape != y.shape || x.data.size() != y.data.size() ||
        std::memcmp(x.data.data(), y.data.data(), x.data.size() * sizeof(float)) != 0)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("w.safetensors", {reinterpret_cast<const char*>(data), size});
  fuzz::expect_clean([&] {
    const rt::TensorFile file = rt::load_safetensors(path);
    const std::string copy = fuzz::scratch_dir() + "/copy.safetensors";
    rt::save_safetensors(copy, file);
    if (!same(file, rt::load_safetensors(copy))) fuzz::bug("a file that loads does not save and load back the same");
    if (file.metadata.count("nnc.checkpoint")) rt::run_state_of(file, path);
  });
  return 0;
}
