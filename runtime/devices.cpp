#include "runtime/devices.h"

#include <dlfcn.h>

namespace nnc::rt {
namespace {

// A driver library, opened for a probe and left open: the pipelines' GPU
// runtime opens it again right after, and a driver keeps process-wide state
// (OpenCL's platform list) that closing it would strand as leaked memory.
class Library {
 public:
  explicit Library(const char* name) : handle_(dlopen(name, RTLD_NOW | RTLD_LOCAL)) {}
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
  explicit operator bool() const { return handle_ != nullptr; }
  template <class F>
  F get(const char* symbol) const {
    return reinterpret_cast<F>(dlsym(handle_, symbol));
  }

 private:
  void* handle_;
};

GpuProbe probe_cuda() {
  Library cuda("libcuda.so.1");
  if (!cuda) return {false, "", "the NVIDIA driver's libcuda.so.1 is not installed"};
  auto init = cuda.get<int (*)(unsigned)>("cuInit");
  auto count = cuda.get<int (*)(int*)>("cuDeviceGetCount");
  auto device = cuda.get<int (*)(int*, int)>("cuDeviceGet");
  auto name = cuda.get<int (*)(char*, int, int)>("cuDeviceGetName");
  auto error_string = cuda.get<int (*)(int, const char**)>("cuGetErrorString");
  if (!init || !count || !device || !name) return {false, "", "libcuda.so.1 lacks the driver API"};
  auto why = [&](int status) {
    const char* text = nullptr;
    if (error_string) error_string(status, &text);
    return std::string(text ? text : "CUDA error " + std::to_string(status));
  };
  int n = 0, first = 0;
  if (int status = init(0)) return {false, "", why(status)};
  if (int status = count(&n)) return {false, "", why(status)};
  if (n == 0) return {false, "", "the driver finds no CUDA device"};
  char text[256] = {};
  if (int status = device(&first, 0)) return {false, "", why(status)};
  if (int status = name(text, sizeof text, first)) return {false, "", why(status)};
  return {true, text, ""};
}

GpuProbe probe_opencl() {
  Library opencl("libOpenCL.so.1");
  if (!opencl) return {false, "", "no OpenCL library (libOpenCL.so.1) is installed"};
  using Id = void*;
  auto platforms = opencl.get<int (*)(unsigned, Id*, unsigned*)>("clGetPlatformIDs");
  auto devices = opencl.get<int (*)(Id, uint64_t, unsigned, Id*, unsigned*)>("clGetDeviceIDs");
  auto info = opencl.get<int (*)(Id, unsigned, size_t, void*, size_t*)>("clGetDeviceInfo");
  if (!platforms || !devices || !info) return {false, "", "libOpenCL.so.1 lacks the OpenCL API"};
  Id platform = nullptr, device = nullptr;
  unsigned found = 0;
  constexpr uint64_t kAllDevices = 0xFFFFFFFF;  // CL_DEVICE_TYPE_ALL
  constexpr unsigned kDeviceName = 0x102B;      // CL_DEVICE_NAME
  if (platforms(1, &platform, &found) != 0 || found == 0) return {false, "", "no OpenCL platform is installed"};
  if (devices(platform, kAllDevices, 1, &device, &found) != 0 || found == 0)
    return {false, "", "the OpenCL platform has no device"};
  char text[256] = {};
  if (info(device, kDeviceName, sizeof text - 1, text, nullptr) != 0) return {false, "", "the OpenCL device has no name"};
  return {true, text, ""};
}

}  // namespace

GpuProbe probe_gpu(const std::string& api) {
  if (api == "cuda") return probe_cuda();
  if (api == "opencl") return probe_opencl();
  return {false, "", "no GPU API '" + api + "'"};
}

DeviceChoice choose_device(const ModelInfo& info, const std::string& requested) {
  using Problem = DeviceChoice::Problem;
  const std::string gpu = info.gpu;
  if (requested == "cpu" || (requested.empty() && gpu.empty())) return {"cpu", "cpu", Problem::None, ""};
  if (!requested.empty() && requested != gpu)
    return {"", "", Problem::NotCompiled,
            "compiled for " + (gpu.empty() ? std::string("the CPU only") : "the CPU and " + gpu)};
  const GpuProbe probe = probe_gpu(gpu);
  if (probe.found) return {gpu, probe.name + " (" + gpu + ")", Problem::None, ""};
  if (requested.empty())  // as if none were compiled in
    return {"cpu", "cpu (no " + gpu + " device: " + probe.reason + ")", Problem::None, ""};
  return {"", "", Problem::NoDevice,
          "no " + std::string(gpu == "cuda" ? "CUDA" : "OpenCL") + " device: " + probe.reason};
}

}  // namespace nnc::rt
