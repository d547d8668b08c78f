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

// Where a model runs: `requested` (cpu, or the GPU it was compiled for), or
// with "" its GPU when the driver finds one, else the CPU. A request that
// cannot be met leaves `device` empty and says why in `problem` ("compiled
// for the CPU only", "no CUDA device: <the driver's reason>"); the caller
// adds what to do, in its own terms (a flag, a function).
struct DeviceChoice {
  std::string device;
  std::string description;  // "NVIDIA H200 (cuda)", "cpu", "cpu (no cuda device: ...)"
  enum class Problem { None, NotCompiled, NoDevice } kind = Problem::None;
  std::string problem;
};
DeviceChoice choose_device(const ModelInfo& info, const std::string& requested);

}  // namespace nnc::rt
