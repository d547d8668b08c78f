// A small program built directly in the IR, differentiated, lowered by
// codegen::lower_program (the real schedules, as nnc compiles them) and
// JIT-compiled, then called with the generated C functions' convention:
// arguments in role order, inputs then outputs.
//
// In place of an optimizer, each param's "update" is its gradient times a
// run-time scalar set to 1: train_step then returns the gradients as its new
// params, and each gradient is scheduled as in a real step (a product fused
// into the elementwise update that consumes it).
#pragma once

#include <gtest/gtest.h>

#include <Halide.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/codegen/Lower.h"
#include "compiler/ir/IR.h"
#include "compiler/passes/Autodiff.h"

namespace nnc::test {

// The target the models are compiled for: the host, or the host with
// OpenCL, whose GPU schedules run on PoCL (the CPU as an OpenCL device).
// Set per test by the parametrized suites (test_scheduled_gradients.cpp).
inline Halide::Target& scheduled_target() {
  static Halide::Target target = Halide::get_host_target();
  return target;
}
inline bool scheduled_for_gpu() { return scheduled_target().has_gpu_feature(); }

class ScheduledModel {
 public:
  using Values = std::vector<float>;
  using Op = ir::Op;

  ir::Program p;

  // ---- building the forward graph ----
  int input(std::vector<int64_t> dims) { return p.input = leaf(Op::Input, ir::f32(std::move(dims), true), "x"); }
  int target(std::vector<int64_t> dims) { return p.target = leaf(Op::Target, ir::f32(std::move(dims), true), "t"); }
  int class_target() { return p.target = leaf(Op::Target, ir::Type{ir::DType::I32, true, {}}, "t"); }
  int param(const std::string& name, std::vector<int64_t> dims, Values init) {
    int id = leaf(Op::Param, ir::f32(std::move(dims)), name);
    p.params.push_back(id);
    params.push_back(std::move(init));
    return id;
  }
  int hyper_leaf(const std::string& name, double value) {
    int id = leaf(Op::Hyper, ir::f64_scalar(), name);
    p.hypers.push_back(id);
    hyper[name] = value;
    return id;
  }
  int add(Op op, std::vector<int> inputs, std::vector<int64_t> attrs = {}) {
    return p.graph.add(op, std::move(inputs), {}, std::move(attrs));
  }

  // Differentiates, adds the gradient "updates" and lowers every pipeline
  // (each is JIT-compiled when first run).
  void compile() {
    passes::differentiate(p);
    const int scale = hyper_leaf("gradient_scale", 1.0f);
    for (int g : p.grads) p.new_params.push_back(add(Op::Scale, {g, scale}));
    ASSERT_EQ(ir::verify(p), "");
    std::ostringstream log;
    for (codegen::PipelineIR& pl : codegen::lower_program(p, target_, &log)) pipelines_[pl.name] = std::move(pl);
    log_ = log.str();
  }

  // The --emit=schedule text of one pipeline.
  std::string schedule(const std::string& pipeline) const {
    // "pipeline NAME", and " on DEVICE" for a GPU target.
    const std::string header = "\npipeline " + pipeline;
    const std::string log = "\n" + log_;
    size_t from = log.find(header + "\n");
    if (from == std::string::npos) from = log.find(header + " on ");
    if (from == std::string::npos) return "";
    from = log.find('\n', from + 1) + 1;
    return log.substr(from, log.find("\npipeline ", from) - from);
  }
  // The --emit=schedule line about node `id` that contains `text`, or "".
  std::string schedule_line(const std::string& pipeline, int id, const std::string& text) const {
    std::istringstream lines(schedule(pipeline));
    const std::string prefix = "%" + std::to_string(id);
    for (std::string line; std::getline(lines, line);) {
      size_t at = line.find(prefix);
      if (at != std::string::npos && !std::isdigit(static_cast<unsigned char>(line[at + prefix.size()])) &&
          line.find(text) != std::string::npos)
        return line;
    }
    return "";
  }

  // ---- run-time values, row-major ----
  int batch = 1;
  Values x, t;                  // t: an f32 target
  std::vector<int32_t> labels;  // a class target
  std::vector<Values> params;
  std::map<std::string, double> hyper;

  struct Result {
    float loss = NAN;
    Values output;
    std::vector<Values> new_params;  // here: the gradients
    std::vector<Values> probes;      // codegen::probed_values order
  };

  Result run(const std::string& name) {
    codegen::PipelineIR& pl = pipelines_.at(name);
    auto callable = callables_.find(name);
    if (callable == callables_.end())
      callable = callables_.emplace(name, pl.pipeline.compile_to_callable(pl.inputs, target_)).first;
    const ir::Graph& g = p.graph;
    std::vector<Halide::Buffer<>> buffers;  // alive until the call returns
    std::deque<double> scalars;
    Halide::JITUserContext context;
    Halide::JITUserContext* context_ptr = &context;
    std::vector<const void*> argv = {&context_ptr};
    std::vector<std::pair<codegen::ArgRole, size_t>> outputs;  // role, index into buffers

    // A buffer for node's values, as an output, or as an input holding `count` values (row-major).
    auto output = [&](int node) {
      const ir::Type& type = g.node(node).type;
      std::vector<int> sizes;
      for (auto it = type.dims.rbegin(); it != type.dims.rend(); ++it) sizes.push_back(int(*it));
      if (type.batched) sizes.push_back(batch);
      buffers.emplace_back(type.dtype == ir::DType::F32 ? Halide::Float(32) : Halide::Int(32), sizes);
      argv.push_back(buffers.back().raw_buffer());
    };
    auto buffer = [&](int node, const void* values, size_t count) {
      output(node);
      Halide::Buffer<>& b = buffers.back();
      EXPECT_EQ(size_t(b.number_of_elements()), count) << "values for %" << node;
      if (size_t(b.number_of_elements()) == count) std::memcpy(b.data(), values, b.size_in_bytes());
      b.set_host_dirty();  // a GPU pipeline copies it to the device
    };

    using K = codegen::ArgRole::Kind;
    const std::vector<int> probes = codegen::probed_values(p);
    for (const codegen::ArgRole& role : pl.roles) {
      const size_t i = size_t(role.index);
      switch (role.kind) {
        case K::Input: buffer(p.input, x.data(), x.size()); break;
        case K::Target:
          if (g.node(p.target).type.dtype == ir::DType::I32)
            buffer(p.target, labels.data(), labels.size());
          else
            buffer(p.target, t.data(), t.size());
          break;
        case K::Param: buffer(p.params[i], params[i].data(), params[i].size()); break;
        case K::State: ADD_FAILURE() << "no optimizer states here"; return {};
        case K::Hyper: {
          auto value = hyper.find(g.node(p.hypers[i]).name);
          EXPECT_NE(value, hyper.end()) << "no value for hyper " << g.node(p.hypers[i]).name;
          scalars.push_back(value == hyper.end() ? NAN : value->second);
          argv.push_back(&scalars.back());
          break;
        }
        case K::OutLoss: outputs.push_back({role, buffers.size()}), output(p.loss); break;
        case K::OutOutput: outputs.push_back({role, buffers.size()}), output(p.output); break;
        case K::OutParam: outputs.push_back({role, buffers.size()}), output(p.new_params[i]); break;
        case K::OutState: outputs.push_back({role, buffers.size()}), output(p.new_states[i]); break;
        case K::OutProbe: outputs.push_back({role, buffers.size()}), output(probes[i]); break;
      }
    }
    int status = callable->second.call_argv_fast(int(argv.size()), argv.data());
    EXPECT_EQ(status, 0) << name << " failed";
    for (const auto& [role, k] : outputs) buffers[k].copy_to_host();  // from the GPU; a no-op on the CPU

    Result r;
    r.new_params.resize(p.params.size());
    r.probes.resize(probes.size());
    for (const auto& [role, k] : outputs) {
      const float* data = static_cast<const float*>(buffers[k].data());
      Values v(data, data + buffers[k].number_of_elements());
      switch (role.kind) {
        case K::OutLoss: r.loss = v.at(0); break;
        case K::OutOutput: r.output = v; break;
        case K::OutParam: r.new_params[size_t(role.index)] = v; break;
        case K::OutProbe: r.probes[size_t(role.index)] = v; break;
        default: break;
      }
    }
    return r;
  }

  // d loss / d params at the current values, from the scheduled train_step.
  std::vector<Values> gradients() { return run("train_step").new_params; }

  // The probe pipeline's values of node `id` (a forward op of the batch).
  Values probed(const Result& probe, int id) const {
    const std::vector<int> ids = codegen::probed_values(p);
    auto at = std::find(ids.begin(), ids.end(), id);
    if (at == ids.end()) {
      ADD_FAILURE() << "%" << id << " is not probed";
      return {};
    }
    return probe.probes.at(size_t(at - ids.begin()));
  }

 private:
  int leaf(Op op, ir::Type type, const std::string& name) { return p.graph.add_leaf(op, std::move(type), name, {}); }

  Halide::Target target_ = scheduled_target();
  std::string log_;
  std::map<std::string, codegen::PipelineIR> pipelines_;
  std::map<std::string, Halide::Callable> callables_;
};

}  // namespace nnc::test
