#include "compiler/codegen/Autoschedule.h"

#include <dlfcn.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>

namespace nnc::codegen {
namespace {

// The plugins lie beside libHalide.so (the wheel's lib64, or PREFIX/lib/nnc
// when installed). dlopen from libHalide would not search there, so each is
// loaded by its full path: Adams2019 from libautoschedule_adams2019.so.
void load_once(const std::string& autoscheduler) {
  static std::mutex m;
  static std::set<std::string> loaded;
  std::lock_guard<std::mutex> lock(m);
  if (loaded.count(autoscheduler)) return;
  Dl_info where{};
  if (!dladdr(reinterpret_cast<void*>(&Halide::load_plugin), &where) || !where.dli_fname)
    throw std::runtime_error("--autoschedule: cannot find libHalide.so, beside which " + autoscheduler + " lies");
  std::string file = "libautoschedule_" + autoscheduler + ".so";
  std::transform(file.begin(), file.end(), file.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  const std::filesystem::path path = std::filesystem::path(where.dli_fname).parent_path() / file;
  if (!std::filesystem::exists(path))
    throw std::runtime_error("--autoschedule: Halide's " + autoscheduler + " is not installed (no " + path.string() + ")");
  Halide::load_plugin(path.string());
  loaded.insert(autoscheduler);
}

// Adams2019's search can outgrow the machine (fashion_vgg's train_step
// passes 14 GB even greedily). Bounding the process's address space at
// three quarters of the memory turns that into std::bad_alloc, which leaves
// the pipeline to nnc's schedule, instead of the kernel's OOM killer.
void bound_memory_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    rlimit limit{};
    if (pages <= 0 || page <= 0 || getrlimit(RLIMIT_AS, &limit) != 0) return;
    const rlim_t bound = rlim_t(pages) / 4 * 3 * rlim_t(page);
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > bound) {
      limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? bound : std::min(bound, limit.rlim_max);
      setrlimit(RLIMIT_AS, &limit);
    }
  });
}

}  // namespace

// Measured with Halide 21 on fashion_mlp (nnc --gpu cuda --autoschedule,
// trying each): Anderson2021 stops at internal assertions on every pipeline
// with several outputs or a scalar one (evaluate, train_step) and finds "zero
// parallel tilings" for predict at batch 1; Li2018's GPU schedules compile to
// pipelines that Halide warns are "guaranteed to fail an assertion at
// runtime" (reads outside a bias), and use doubles that OpenCL lacks.
const char* const kNoGpuAutoscheduler =
    "Halide's GPU autoschedulers fail on nnc's pipelines (Anderson2021: internal errors on several outputs and "
    "scalar losses; Li2018: schedules that read outside their inputs), so nnc's GPU schedules serve every batch";

std::vector<std::string> autoschedulers_for(const Halide::Target& target) {
  if (target.has_gpu_feature()) return {};
  return {"Adams2019"};
}

void autoschedule(const Halide::Pipeline& pipeline, const Halide::Target& target, const std::string& autoscheduler) {
  load_once(autoscheduler);
  bound_memory_once();
  // The default machine model, so a program is the same whatever machine
  // compiles it; a greedy search (beam 1). fashion_lenet's train_step, on 2
  // cores: beam 1, 13 s and 1 GB; beam 4, 315 s and 4 GB; the default
  // beam 32 ran out of 24 GB after 11 minutes.
  Halide::AutoschedulerParams params{autoscheduler};
  if (autoscheduler == "Adams2019") params.extra["beam_size"] = "1";
  pipeline.apply_autoscheduler(target, params);
}

}  // namespace nnc::codegen
