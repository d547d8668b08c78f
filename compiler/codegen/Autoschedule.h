// nnc --autoschedule: Halide's Adams2019 autoscheduler beside nnc's
// schedules, for comparing the two (bench/autoschedule.sh). It ships as a
// plugin beside libHalide.so.
#pragma once
#include <Halide.h>

namespace nnc::codegen {

// Whether a target has an autoscheduler: the CPU has Adams2019; a GPU has
// none, since neither of Halide's works on nnc's pipelines (kNoGpuAutoscheduler).
bool has_autoscheduler(const Halide::Target& target);
extern const char* const kAutoscheduler;       // "Adams2019", as the schedule log names it
extern const char* const kNoGpuAutoscheduler;  // why a GPU has none, as the schedule log says it

// Schedules `pipeline` (for a target that has an autoscheduler) with it.
// Every input and output must carry estimates (the extents it is planned
// for). Throws Halide::Error where it finds no schedule, std::runtime_error
// where its plugin cannot be loaded.
void autoschedule(const Halide::Pipeline& pipeline, const Halide::Target& target);

}  // namespace nnc::codegen
