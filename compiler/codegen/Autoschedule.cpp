#include "compiler/codegen/Autoschedule.h"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace nnc::codegen {
namespace {

// The plugin lies beside libHalide.so (the wheel's lib64, or PREFIX/lib/nnc
// when installed). dlopen from libHalide would not search there, so it is
// loaded by its full path.
void load_plugin_once() {
  static std::mutex m;
  static bool loaded = false;
  std::lock_guard<std::mutex> lock(m);
  if (loaded) return;
  Dl_info where{};
  if (!dladdr(reinterpret_cast<void*>(&Halide::load_plugin), &where) || !where.dli_fname)
    throw std::runtime_error("--autoschedule: cannot find libHalide.so, beside which Adams2019 lies");
  const std::filesystem::path path =
      std::filesystem::path(where.dli_fname).parent_path() / "libautoschedule_adams2019.so";
  if (!std::filesystem::exists(path))
    throw std::runtime_error("--autoschedule: Halide's Adams2019 is not installed (no " + path.string() + ")");
  Halide::load_plugin(path.string());
  loaded = true;
}

}  // namespace

const char* const kAutoscheduler = "Adams2019";

// Measured with Halide 21 on fashion_mlp (nnc --gpu cuda --autoschedule,
// trying each): Anderson2021 stops at internal assertions on every pipeline
// with several outputs or a scalar one (evaluate, train_step) and finds "zero
// parallel tilings" for predict at batch 1; Li2018's GPU schedules compile to
// pipelines that Halide warns are "guaranteed to fail an assertion at
// runtime" (reads outside a bias), and use doubles that OpenCL lacks.
const char* const kNoGpuAutoscheduler =
    "Halide's GPU autoschedulers fail on nnc's pipelines (Anderson2021: internal errors on several outputs and "
    "scalar losses; Li2018: schedules that read outside their inputs), so nnc's GPU schedules serve every batch";

bool has_autoscheduler(const Halide::Target& target) { return !target.has_gpu_feature(); }

void autoschedule(const Halide::Pipeline& pipeline, const Halide::Target& target) {
  load_plugin_once();
  // The default machine model, so a program is the same whatever machine
  // compiles it, and a search small enough for the project's machines (2
  // cores, 24 GB), measured on fashion_lenet's and fashion_vgg's pipelines:
  //   default (beam 32):              lenet ran out of 24 GB after 11 minutes
  //   beam 4:                         lenet 315 s, 4 GB
  //   beam 1 (greedy):                lenet 13 s, 1 GB; vgg past 18 GB, then std::bad_alloc
  //   beam 1, no subtiling:           lenet 17 s, 0.9 GB; vgg 88 s, 5.5 GB
  // The last it is. (Without subtiling lenet trains at half the speed and
  // answers a batch-1 prediction 3x faster than with it.)
  Halide::AutoschedulerParams params{kAutoscheduler, {{"beam_size", "1"}, {"disable_subtiling", "1"}}};
  pipeline.apply_autoscheduler(target, params);
}

}  // namespace nnc::codegen
