// The GPU a program compiled with `nnc --gpu` may run on, as its driver
// reports it. The drivers are opened at run time (dlopen): a program needs
// no GPU library to start, and `ldd` lists none.
#pragma once
#include <string>

#include "runtime/model.h"

namespace nnc::rt {

struct GpuProbe {
  bool found = false;
  std::string name;    // "NVIDIA H200", the device the Halide runtime will use (the first)
  std::string reason;  // when not found: the driver's words
};

// Asks the driver of `api` (cuda: libcuda.so.1; opencl: libOpenCL.so.1).
GpuProbe probe_gpu(const std::string& api);

// The device the program runs on: `requested` (cpu, or the model's GPU), or
// with "" the model's GPU when its driver finds one, else the CPU. Throws
// DataError for a GPU that is not there or not compiled in. `description`
// gets "NVIDIA H200 (cuda)" or "cpu".
std::string choose_device(const ModelInfo& info, const std::string& requested, std::string* description);

}  // namespace nnc::rt
