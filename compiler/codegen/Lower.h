// Lowering: graph IR -> Halide pipelines, one per entry point of the
// generated program.
//
//   predict     (x, params)                         -> output
//   evaluate    (x, t, params)                      -> loss, output
//   train_step  (x, t, params, states, hypers)    -> loss, output, new params, new states
//   probe       (x, params)                         -> every forward value (probed_values):
//                                                      run when training diverges, to find
//                                                      the first value that is not finite
//
// Steps: pick the nodes the pipeline's outputs need; make each leaf a Halide
// ImageParam (or Param for scalars) with its static shape declared, so
// Halide compiles loops of known trip counts except over the batch; lower
// every other node with its op table rule; schedule (Schedule.h).
#pragma once
#include <Halide.h>

#include <ostream>
#include <string>
#include <vector>

#include "compiler/ir/Program.h"

namespace nnc::codegen {

// What one argument of a pipeline's C function is, for the runtime.
struct ArgRole {
  enum class Kind { Input, Target, Param, State, Hyper, OutLoss, OutOutput, OutParam, OutState, OutProbe };
  Kind kind;
  int index = 0;  // into params / states / hypers / probed_values
};

// The probe pipeline's outputs: every per-sample value of the forward pass
// (ops, not leaves), in graph order.
std::vector<int> probed_values(const ir::Program& program);

struct PipelineIR {
  std::string name;                    // predict, evaluate, train_step, probe
  std::string device;                  // where it runs: cpu, cuda or opencl (device_of its target)
  Halide::Target target;               // what it is compiled for
  Halide::Pipeline pipeline;
  std::vector<Halide::Argument> inputs;  // in ArgRole order (outputs follow)
  std::vector<ArgRole> roles;            // inputs, then outputs
  int64_t batch = 0;                     // 0: for any batch (nnc's schedules); > 0: for this batch only
                                         //   (Halide's autoscheduler's, nnc --autoschedule)
};

struct LowerOptions {
  bool inference_only = false;     // predict and evaluate, without train_step and probe
  int64_t autoschedule_batch = 0;  // > 0 (nnc --autoschedule): also predict for batch 1, evaluate for
                                   //   rt::evaluation_batch(this) and train_step for this, autoscheduled
};

// The pipelines for `target`, on its device: a target with a GPU feature
// (cuda, opencl) gets the GPU's schedules.
std::vector<PipelineIR> lower_program(const ir::Program& program, const Halide::Target& target,
                                      std::ostream* schedule_log, const LowerOptions& options = {});

// cpu, or the GPU API a target's pipelines run on (cuda, opencl).
std::string device_of(const Halide::Target& target);

// The target of nnc --gpu API on the CPU target: CUDA for sm_80 and newer
// (the driver compiles the PTX for newer GPUs), or OpenCL.
Halide::Target gpu_target(const Halide::Target& cpu, const std::string& api);

}  // namespace nnc::codegen
