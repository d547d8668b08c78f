// nnc --autoschedule: Halide's own autoschedulers beside nnc's schedules,
// for comparing the two (bench/autoschedule.sh). They ship as plugins beside
// libHalide.so.
#pragma once
#include <Halide.h>

#include <string>
#include <vector>

namespace nnc::codegen {

// The autoschedulers a target tries, in order: Adams2019 for the CPU; none
// for a GPU, where neither of Halide's works on nnc's pipelines (see
// kNoGpuAutoscheduler).
std::vector<std::string> autoschedulers_for(const Halide::Target& target);

// Why a GPU has none, as the schedule log says it.
extern const char* const kNoGpuAutoscheduler;

// Schedules `pipeline` with the named autoscheduler. Every input and output
// must carry estimates (the extents it is planned for). Throws
// Halide::Error where it finds no schedule, std::runtime_error where its
// plugin cannot be loaded.
void autoschedule(const Halide::Pipeline& pipeline, const Halide::Target& target, const std::string& autoscheduler);

}  // namespace nnc::codegen
