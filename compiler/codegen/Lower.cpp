#include "compiler/codegen/Lower.h"

#include <map>
#include <set>

#include "compiler/codegen/Autoschedule.h"
#include "compiler/codegen/Schedule.h"
#include "compiler/ir/OpTable.h"
#include "runtime/train_settings.h"

namespace nnc::codegen {
namespace {

using Halide::Func;
using ir::Node;
using ir::Op;

// A Halide message's first line without its "Error:" prefix, or `otherwise`
// where it says nothing more.
std::string first_line(std::string text, const std::string& otherwise) {
  if (text.rfind("Error:", 0) == 0) text.erase(0, 6);
  text.erase(0, text.find_first_not_of(" \n"));
  text = text.substr(0, text.find('\n'));
  return text.empty() ? otherwise : text;
}

std::string c_name(const std::string& prefix, const std::string& name) {
  std::string s = prefix;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

// Declares the static extents and dense strides of a buffer whose Halide
// dims are the reverse of `type`'s row-major dims, each extent also its
// estimate (for an autoscheduler). The batch (the outermost dim of a batched
// value) is left to the caller, unless the pipeline is for one batch size.
template <class Dims>
void constrain(Dims dim_of, const ir::Type& type, int64_t fixed_batch) {
  int64_t stride = 1;
  int static_dims = int(type.dims.size());
  for (int k = 0; k < type.rank(); ++k) {
    auto d = dim_of(k);
    d.set_stride(int(stride));
    if (k < static_dims) {
      int64_t extent = type.dims[size_t(static_dims - 1 - k)];
      d.set_bounds(0, int(extent)).set_estimate(0, int(extent));
      stride *= extent;
    } else if (fixed_batch > 0) {
      d.set_bounds(0, int(fixed_batch)).set_estimate(0, int(fixed_batch));
    } else {
      d.set_min(0);  // the batch
    }
  }
}

struct Roles {
  std::vector<std::pair<int, ArgRole>> inputs;   // node, role
  std::vector<std::pair<int, ArgRole>> outputs;
};

Roles roles_of(const ir::Program& p, const std::string& pipeline) {
  using K = ArgRole::Kind;
  Roles r;
  if (pipeline == "probe") {
    r.inputs.push_back({p.input, {K::Input, 0}});
    for (size_t i = 0; i < p.params.size(); ++i) r.inputs.push_back({p.params[i], {K::Param, int(i)}});
    const std::vector<int> probes = probed_values(p);
    for (size_t k = 0; k < probes.size(); ++k) r.outputs.push_back({probes[k], {K::OutProbe, int(k)}});
    return r;
  }
  const bool with_target = pipeline != "predict", training = pipeline == "train_step";
  r.inputs.push_back({p.input, {K::Input, 0}});
  if (with_target) r.inputs.push_back({p.target, {K::Target, 0}});
  for (size_t i = 0; i < p.params.size(); ++i) r.inputs.push_back({p.params[i], {K::Param, int(i)}});
  if (training) {
    for (size_t i = 0; i < p.states.size(); ++i) r.inputs.push_back({p.states[i], {K::State, int(i)}});
    for (size_t i = 0; i < p.hypers.size(); ++i) r.inputs.push_back({p.hypers[i], {K::Hyper, int(i)}});
  }
  if (with_target) r.outputs.push_back({p.loss, {K::OutLoss, 0}});
  r.outputs.push_back({p.output, {K::OutOutput, 0}});
  if (training) {
    for (size_t i = 0; i < p.new_params.size(); ++i) r.outputs.push_back({p.new_params[i], {K::OutParam, int(i)}});
    for (size_t i = 0; i < p.new_states.size(); ++i) r.outputs.push_back({p.new_states[i], {K::OutState, int(i)}});
  }
  return r;
}

// For any batch with nnc's schedules (fixed_batch 0), or for one batch
// size with Halide's autoscheduler's (nnc --autoschedule).
PipelineIR lower_pipeline(const ir::Program& p, const std::string& name, const Halide::Target& target,
                          int64_t fixed_batch, std::ostream* log) {
  const ir::Graph& g = p.graph;
  Roles roles = roles_of(p, name);

  // The nodes the outputs need, in topological (creation) order.
  std::vector<int> roots;
  for (const auto& [id, role] : roles.outputs) roots.push_back(id);
  const std::vector<bool> needed = g.needed_by(roots);

  PipelineIR out;
  out.name = name;
  out.device = device_of(target);
  out.target = target;
  out.batch = fixed_batch;
  std::map<int, ir::Lowered> funcs;
  std::map<int, std::vector<Halide::Var>> vars;
  std::map<int, Halide::ImageParam> buffers;

  // Leaves: the pipeline's inputs.
  const ir::Type& x_type = g.node(p.input).type;
  Halide::ImageParam x(Halide::Float(32), x_type.rank(), "x");
  constrain([&](int k) { return x.dim(k); }, x_type, fixed_batch);
  Halide::Expr batch = x.dim(x_type.rank() - 1).extent();
  for (const auto& [id, role] : roles.inputs) {
    const Node& n = g.node(id);
    if (n.op == Op::Hyper) {
      Halide::Param<> scalar(Halide::Float(64), c_name("", n.name));  // run-time scalars are f64 (ir/IR.h)
      scalar.set_estimate(0.0);
      Func f(c_name("hyper_", n.name));
      f() = scalar;
      funcs[id] = {f, {}, {}};
      out.inputs.push_back(scalar);
    } else {
      Halide::ImageParam buffer = id == p.input ? x
          : Halide::ImageParam(n.type.dtype == ir::DType::F32 ? Halide::Float(32) : Halide::Int(32), n.type.rank(),
                               c_name(n.op == Op::Target ? "" : n.op == Op::Param ? "param_" : "state_", n.name));
      if (id != p.input) constrain([&](int k) { return buffer.dim(k); }, n.type, fixed_batch);
      // An autoscheduled pipeline reads its buffers through a zero border:
      // Adams2019 may compute values just outside what is needed (a tile
      // shifted past the start), which must not read outside a buffer.
      Func leaf = fixed_batch > 0 ? Halide::BoundaryConditions::constant_exterior(buffer, Halide::cast(buffer.type(), 0))
                                  : Func(buffer);
      funcs[id] = {leaf, {}, {}};
      out.inputs.push_back(buffer);
    }
    out.roles.push_back(role);
  }

  // Every other needed node, by its op table rule.
  std::vector<int> order;
  for (const Node& n : g.nodes()) {
    if (!needed[size_t(n.id)] || funcs.count(n.id)) continue;
    if (n.op == Op::Hyper) {  // a training setting that predict and evaluate read but ignore (dropout's seed)
      Func unused(c_name("hyper_", n.name));
      unused() = Halide::Expr(0.0);
      funcs[n.id] = {unused, {}, {}};
      continue;
    }
    const ir::OpDef& def = ir::op_def(n.op);
    if (!def.lower) throw std::runtime_error(std::string("no lowering for ") + def.name);
    std::vector<Halide::Var> v;
    for (int k = 0; k < n.type.rank(); ++k) v.emplace_back("v" + std::to_string(k));
    std::vector<Func> in;
    std::vector<const ir::Type*> in_types;
    for (int id : n.inputs) in.push_back(funcs.at(id).value), in_types.push_back(&g.node(id).type);
    const bool corrupting = name == "train_step" || (name == "evaluate" && p.target_is_input);
    funcs[n.id] = def.lower(ir::LowerArgs{n, in, in_types, v, batch, name == "train_step", corrupting,
                                          name == "train_step" || name == "evaluate"});
    vars[n.id] = v;
    order.push_back(n.id);
  }

  // Outputs: distinct Funcs with their shapes declared.
  std::vector<Func> outputs;
  std::set<int> output_ids;
  for (const auto& [id, role] : roles.outputs) {
    Func f = funcs.at(id).value;
    const ir::Type& type = g.node(id).type;
    // A leaf or a repeated output is copied. So is every output of an
    // autoscheduled pipeline: Adams2019 computes a value that other values
    // read in whole vectors, even a bias of extent 1, over the vector's
    // lanes, which an output buffer of the exact size cannot hold.
    bool taken = g.node(id).inputs.empty() || output_ids.count(id) || fixed_batch > 0;
    if (taken) {
      std::vector<Halide::Var> v;
      for (int k = 0; k < type.rank(); ++k) v.emplace_back("v" + std::to_string(k));
      Func copy(f.name() + "_out");
      copy(v) = f(v);
      f = copy;
    }
    output_ids.insert(id);
    constrain([&](int k) { return f.output_buffer().dim(k); }, type, fixed_batch);
    outputs.push_back(f);
    out.roles.push_back(role);
  }

  out.pipeline = Halide::Pipeline(outputs);
  if (fixed_batch > 0) {
    autoschedule(out.pipeline, target);
    if (log) *log << "  scheduled by Halide's " << kAutoscheduler << " for batch " << fixed_batch << "\n";
  } else {
    // probe runs once, after a divergence: its compile time counts, not its speed.
    schedule_pipeline(p, order, output_ids, funcs, vars, target, name == "probe" ? Care::Compile : Care::Speed, log);
  }
  return out;
}

}  // namespace

std::vector<int> probed_values(const ir::Program& p) {
  const ir::Graph& g = p.graph;
  std::vector<bool> forward(size_t(g.size()), false);  // what the loss and the output need
  forward[size_t(p.loss)] = forward[size_t(p.output)] = true;
  for (int id = g.size() - 1; id >= 0; --id)
    if (forward[size_t(id)])
      for (int in : g.node(id).inputs) forward[size_t(in)] = true;
  std::vector<int> values;
  for (const Node& n : g.nodes())
    if (forward[size_t(n.id)] && !n.inputs.empty() && n.type.batched && n.type.dtype == ir::DType::F32)
      values.push_back(n.id);
  return values;
}

std::string device_of(const Halide::Target& target) {
  if (target.has_feature(Halide::Target::CUDA)) return "cuda";
  if (target.has_feature(Halide::Target::OpenCL)) return "opencl";
  return "cpu";
}

Halide::Target gpu_target(const Halide::Target& cpu, const std::string& api) {
  if (api == "cuda") return cpu.with_feature(Halide::Target::CUDA).with_feature(Halide::Target::CUDACapability80);
  return cpu.with_feature(Halide::Target::OpenCL);
}

std::vector<PipelineIR> lower_program(const ir::Program& program, const Halide::Target& target,
                                      std::ostream* schedule_log, const LowerOptions& options) {
  std::vector<PipelineIR> pipelines;
  const std::string on = target.has_gpu_feature() ? " on " + device_of(target) : "";
  for (const char* name : {"predict", "evaluate", "train_step", "probe"}) {
    const bool trains = std::string(name) == "train_step" || std::string(name) == "probe";
    if (options.inference_only && trains) continue;
    if (schedule_log) *schedule_log << "pipeline " << name << on << "\n";
    pipelines.push_back(lower_pipeline(program, name, target, 0, schedule_log));
  }
  // --autoschedule: the batch sizes the runtime calls most, each pipeline
  // again for its size (probe, called only after a divergence, is left out).
  // Where the autoscheduler finds no schedule, that batch size keeps nnc's:
  // a variant is an addition, never a requirement.
  if (options.autoschedule_batch > 0 && !has_autoscheduler(target)) {
    if (schedule_log) *schedule_log << "no autoscheduled pipelines" << on << ": " << kNoGpuAutoscheduler << "\n";
  } else if (options.autoschedule_batch > 0) {
    const int64_t b = options.autoschedule_batch;
    const std::pair<const char*, int64_t> sizes[] = {
        {"predict", 1}, {"evaluate", rt::evaluation_batch(b)}, {"train_step", b}};
    for (const auto& [name, batch] : sizes) {
      if (options.inference_only && std::string(name) == "train_step") continue;
      if (schedule_log) *schedule_log << "pipeline " << name << on << " for batch " << batch << "\n";
      try {
        pipelines.push_back(lower_pipeline(program, name, target, batch, schedule_log));
      } catch (const Halide::Error& e) {
        if (schedule_log)
          *schedule_log << "  " << kAutoscheduler << " found no schedule (" << first_line(e.what(), "an internal error")
                        << "); nnc's schedule serves this batch\n";
      }
    }
  }
  return pipelines;
}

}  // namespace nnc::codegen
