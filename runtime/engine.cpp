#include "runtime/engine.h"

#include <HalideBuffer.h>
#include <HalideRuntime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include <sys/resource.h>

#include "runtime/finite.h"
#include "runtime/rng.h"
#include "runtime/train_settings.h"

namespace nnc::rt {
namespace {

using Halide::Runtime::Buffer;

// Halide's dims are the reverse of the row-major dims; the batch is outermost.
std::vector<int> halide_sizes(const int64_t* dims, int rank, int64_t batch) {
  std::vector<int> sizes;
  for (int i = rank - 1; i >= 0; --i) sizes.push_back(int(dims[i]));
  if (batch >= 0) sizes.push_back(int(batch));
  return sizes;
}

std::string shape_text(const int64_t* dims, int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Halide's default handler prints and aborts; ours keeps the message so the
// failing call can throw it as a one-line error instead. Per thread: two
// engines may run on two threads (the C API's promise).
std::string& halide_error_text() {
  thread_local std::string text;
  return text;
}
void keep_halide_error(void*, const char* message) {
  std::string& text = halide_error_text();
  text = message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
}
std::string take_halide_error() {
  std::string text = halide_error_text().empty() ? "unknown Halide error" : halide_error_text();
  halide_error_text().clear();
  return text;
}

}  // namespace

// "(v, v, ...)", as --trace prints vectors.
std::string format_vector(const float* v, int64_t n) {
  std::string s = "(";
  for (int64_t k = 0; k < n; ++k) s += (k ? ", " : "") + json_number(v[k]);
  return s + ")";
}

Engine::Engine(const ModelInfo& info)
    : info_(info),
      predict_(&find_pipeline(info, "predict", "cpu")),
      evaluate_(&find_pipeline(info, "evaluate", "cpu")),
      train_step_(find_pipeline_if(info, "train_step", "cpu")),
      probe_(find_pipeline_if(info, "probe", "cpu")),
      standardizes_(model_train_settings(info).standardize) {
  halide_set_error_handler(keep_halide_error);
  for (int i = 0; i < info.num_params; ++i) params_.emplace_back(info.params[i].dims, info.params[i].rank);
}

// Training needs three more copies of the weights (the step's output, the
// optimizer state and its output); inference does not, so they wait until here.
void Engine::set_device(const std::string& device, const std::string& description) {
  device_description_ = description;
  if (device == device_) return;
  // The values move with the engine: each tensor to the host, then marked
  // changed there, so the new device starts from them.
  for (std::vector<Tensor>* tensors : {&params_, &next_params_, &states_, &next_states_})
    for (Tensor& t : *tensors) t.write();
  predict_ = &find_pipeline(info_, "predict", device.c_str());
  evaluate_ = &find_pipeline(info_, "evaluate", device.c_str());
  train_step_ = find_pipeline_if(info_, "train_step", device.c_str());
  probe_ = find_pipeline_if(info_, "probe", device.c_str());
  device_ = device;
  // A step allocates its batch's and intermediate buffers on the device;
  // kept for the next step instead of freed (the Halide runtime's cache),
  // they cost one allocation per buffer per run, not per step.
  if (device != "cpu") halide_reuse_device_allocations(nullptr, true);
}

void Engine::ensure_training_state() {
  if (!train_step_)
    throw NotCompiledForTraining("model '" + std::string(info_.name) +
                                 "' was compiled with --inference-only: it has no train step; compile it without "
                                 "--inference-only to train it");
  if (!next_params_.empty()) return;
  for (int i = 0; i < info_.num_params; ++i) next_params_.emplace_back(info_.params[i].dims, info_.params[i].rank);
  for (int i = 0; i < info_.num_states; ++i) {
    const ParamInfo& p = info_.params[info_.states[i].param];
    states_.emplace_back(p.dims, p.rank);
    next_states_.emplace_back(p.dims, p.rank);
  }
}

int64_t Engine::input_size() const { return elements(info_.input_dims, info_.input_rank); }
int64_t Engine::target_size() const { return info_.classes > 0 ? 1 : elements(info_.target_dims, info_.target_rank); }
int64_t Engine::output_size() const { return elements(info_.output_dims, info_.output_rank); }

int64_t Engine::parameter_count() const {
  int64_t n = 0;
  for (int i = 0; i < info_.num_params; ++i) n += elements(info_.params[i].dims, info_.params[i].rank);
  return n;
}

void Engine::init_params(uint64_t seed) {
  Rng rng(seed);
  for (int i = 0; i < info_.num_params; ++i) {
    const ParamInfo& p = info_.params[i];
    float* const w = params_[size_t(i)].write();
    const size_t n = params_[size_t(i)].size();
    const double fan_in = double(p.fan_in), fan_out = double(p.fan_out);
    // Each value from the one generator, in order: the same weights on every device.
    auto each = [&](auto value) {
      for (size_t k = 0; k < n; ++k) w[k] = value();
    };
    switch (p.init) {
      case InitKind::Zeros: std::fill_n(w, n, 0.0f); break;
      case InitKind::Constant: std::fill_n(w, n, float(p.a)); break;
      case InitKind::Literal: std::copy_n(p.literal, n, w); break;
      case InitKind::Uniform: each([&] { return rng.uniform(float(p.a), float(p.b)); }); break;
      case InitKind::Normal: each([&] { return float(p.a) * rng.normal(); }); break;
      case InitKind::Glorot: {
        const double limit = std::sqrt(6.0 / (fan_in + fan_out));
        each([&] { return rng.uniform(float(-limit), float(limit)); });
        break;
      }
      case InitKind::He: {
        const double limit = std::sqrt(6.0 / fan_in);
        each([&] { return rng.uniform(float(-limit), float(limit)); });
        break;
      }
    }
  }
  for (Tensor& s : states_) std::fill_n(s.write(), s.size(), 0.0f);
}

void Engine::read_param(int param, float* values) const {
  std::copy_n(params_[size_t(param)].read(), params_[size_t(param)].size(), values);
}

void Engine::write_param(int param, const float* values) {
  params_[size_t(param)].assign(values);
}

// The weights file: every param, and the input statistics when there are any.
TensorFile Engine::weights_file() const {
  TensorFile file;
  file.metadata["nnc.model"] = info_.name;
  file.metadata["nnc.source"] = info_.source_file;
  for (int i = 0; i < info_.num_params; ++i) {
    const ParamInfo& p = info_.params[i];
    const float* w = params_[size_t(i)].read();
    file.tensors.push_back({p.name, std::vector<int64_t>(p.dims, p.dims + p.rank),
                            std::vector<float>(w, w + params_[size_t(i)].size())});
  }
  if (!mean_.empty()) {
    file.tensors.push_back({"nnc.input_mean", {int64_t(mean_.size())}, mean_});
    file.tensors.push_back({"nnc.input_std", {int64_t(std_.size())}, std_});
  }
  return file;
}

void Engine::save_weights(const std::string& path) const { save_safetensors(path, weights_file()); }

// The reciprocals from the stored floats, as every path computes them: a
// resumed run standardises bit for bit as the original did.
void Engine::set_standardizer(std::vector<float> mean, std::vector<float> std_dev) {
  mean_ = std::move(mean), std_ = std::move(std_dev), inv_std_.clear();
  for (float s : std_) inv_std_.push_back(1.0f / s);
}

InitReport Engine::init_from(const std::string& path) {
  TensorFile file = load_safetensors(path);
  InitReport report;
  // The input statistics too: the loaded layers expect inputs scaled as they were.
  const NamedTensor* mean = file.find("nnc.input_mean");
  const NamedTensor* std_dev = file.find("nnc.input_std");
  if (mean && std_dev && int64_t(mean->data.size()) == input_size() && std_dev->data.size() == mean->data.size()) {
    set_standardizer(mean->data, std_dev->data);
    report.loaded.push_back("the input statistics");
  } else if (!mean && !std_dev) {
    report.no_input_statistics = standardizes_;
  }
  for (int i = 0; i < info_.num_params; ++i) {
    const ParamInfo& p = info_.params[i];
    const NamedTensor* t = file.find(p.name);
    if (!t) report.not_in_file.push_back(p.name);
    else if (t->shape != std::vector<int64_t>(p.dims, p.dims + p.rank))
      report.other_shape.push_back(std::string(p.name) + " " + shape_text(t->shape.data(), int(t->shape.size())) +
                                   " (the model's is " + shape_text(p.dims, p.rank) + ")");
    else {
      params_[size_t(i)].assign(t->data.data());
      report.loaded.push_back(p.name);
    }
  }
  return report;
}

std::vector<int> Engine::params_named(const std::string& name) const {
  std::vector<int> found;
  std::vector<std::string> layers;
  for (int i = 0; i < info_.num_params; ++i) {
    const std::string param = info_.params[i].name;
    const std::string layer = param.substr(0, param.rfind('.'));
    if (param == name || layer == name) found.push_back(i);
    if (std::find(layers.begin(), layers.end(), layer) == layers.end()) layers.push_back(layer);
  }
  if (found.empty()) {
    std::string list;
    for (const std::string& l : layers) list += (list.empty() ? "" : ", ") + l;
    throw DataError("model '" + std::string(info_.name) + "' has no layer or parameter '" + name +
                    "'; its layers are " + list);
  }
  return found;
}

void Engine::load_weights(const std::string& path) { load_weights(load_safetensors(path), path); }

void Engine::load_weights(const TensorFile& file, const std::string& path) {
  auto model = file.metadata.find("nnc.model");
  std::string from = model == file.metadata.end() ? "" : " (saved by model '" + model->second + "')";
  // Check everything before changing anything, so a bad file changes nothing.
  for (int i = 0; i < info_.num_params; ++i) {
    const ParamInfo& p = info_.params[i];
    const NamedTensor* t = file.find(p.name);
    if (!t)
      throw DataError(path + ": no tensor '" + p.name + "'" + from + "; this is not a weights file of model '" +
                      info_.name + "'");
    if (t->shape != std::vector<int64_t>(p.dims, p.dims + p.rank))
      throw DataError(path + ": tensor '" + p.name + "' has shape " + shape_text(t->shape.data(), int(t->shape.size())) +
                      ", model '" + info_.name + "' needs " + shape_text(p.dims, p.rank) + from);
  }
  const NamedTensor* mean = file.find("nnc.input_mean");
  const NamedTensor* std_dev = file.find("nnc.input_std");
  // Without them the inputs would pass unscaled into layers trained on
  // standardised ones: wrong predictions, and no word said.
  if (standardizes_ && !mean && !std_dev)
    throw DataError(path + ": no input statistics (nnc.input_mean, nnc.input_std), but model '" + info_.name +
                    "' standardises its inputs (standardize on); use the weights file its training saved");
  if ((mean || std_dev) && (!mean || !std_dev || int64_t(mean->data.size()) != input_size() ||
                            mean->data.size() != std_dev->data.size()))
    throw DataError(path + ": input statistics do not match the model's input of " + std::to_string(input_size()) +
                    " values");
  for (int i = 0; i < info_.num_params; ++i) {
    const std::vector<float>& data = file.find(info_.params[i].name)->data;
    params_[size_t(i)].assign(data.data());
  }
  clear_standardizer();
  if (mean) set_standardizer(mean->data, std_dev->data);
}

void Engine::fit_standardizer(const float* inputs, int64_t count) {
  const int64_t n = input_size();
  std::vector<double> sum(size_t(n), 0.0), sum_sq(size_t(n), 0.0);
  for (int64_t s = 0; s < count; ++s)
    for (int64_t k = 0; k < n; ++k) {
      double v = inputs[s * n + k];
      sum[size_t(k)] += v, sum_sq[size_t(k)] += v * v;
    }
  std::vector<float> mean(static_cast<size_t>(n)), std_dev(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    double m = sum[size_t(k)] / double(count);
    double var = std::max(0.0, sum_sq[size_t(k)] / double(count) - m * m);
    mean[size_t(k)] = float(m);
    // A constant feature (a border pixel) carries no information: leave its scale.
    std_dev[size_t(k)] = var > 1e-12 ? float(std::sqrt(var)) : 1.0f;
  }
  set_standardizer(std::move(mean), std::move(std_dev));
}

void Engine::standardize_rows(float* x, int64_t count) const {
  if (!mean_.empty()) standardize_rows(x, count, x);
}

// (x - mean) * (1 / std), the one formula of every path: a resumed run, the
// C API and the program standardise bit for bit alike.
void Engine::standardize_rows(const float* x, int64_t count, float* out) const {
  const int64_t n = input_size();
  for (int64_t s = 0; s < count; ++s)
    for (int64_t k = 0; k < n; ++k) out[s * n + k] = (x[s * n + k] - mean_[size_t(k)]) * inv_std_[size_t(k)];
}

void Engine::call(const PipelineInfo& p, const float* x, const void* t, int64_t batch, float* loss, float* output,
                  const double* hypers, float* const* probes) {
  // The batch's buffers wrap the caller's memory: marked changed on the host
  // (a GPU pipeline copies them in), and the outputs copied back after the
  // call (no-ops on the CPU). Params and states are the engine's Tensors,
  // which stay on the device between calls.
  std::vector<Buffer<void>> inputs, outputs;
  inputs.reserve(2), outputs.reserve(size_t(p.num_args));  // no reallocation: args point into them
  std::vector<void*> args(size_t(p.num_args), nullptr);
  auto input = [&](Buffer<void> b) {
    b.set_host_dirty();
    inputs.push_back(std::move(b));
    return inputs.back().raw_buffer();
  };
  auto output_buffer = [&](Buffer<void> b) {
    outputs.push_back(std::move(b));
    return outputs.back().raw_buffer();
  };
  for (int a = 0; a < p.num_args; ++a) {
    const ArgInfo& arg = p.args[a];
    void*& to = args[size_t(a)];
    switch (arg.kind) {
      case ArgKind::Input:
        to = input(Buffer<float>(const_cast<float*>(x), halide_sizes(info_.input_dims, info_.input_rank, batch)));
        break;
      case ArgKind::Target:
        if (info_.classes > 0) to = input(Buffer<int32_t>(static_cast<int32_t*>(const_cast<void*>(t)), {int(batch)}));
        else to = input(Buffer<float>(static_cast<float*>(const_cast<void*>(t)),
                                      halide_sizes(info_.target_dims, info_.target_rank, batch)));
        break;
      case ArgKind::Param: to = params_[size_t(arg.index)].raw(); break;
      case ArgKind::State: to = states_[size_t(arg.index)].raw(); break;
      case ArgKind::OutParam: to = next_params_[size_t(arg.index)].raw(); break;
      case ArgKind::OutState: to = next_states_[size_t(arg.index)].raw(); break;
      case ArgKind::Hyper: to = const_cast<double*>(&hypers[arg.index]); break;
      case ArgKind::OutLoss: to = output_buffer(Buffer<float>::make_scalar(loss)); break;
      case ArgKind::OutOutput:
        to = output_buffer(Buffer<float>(output, halide_sizes(info_.output_dims, info_.output_rank, batch)));
        break;
      case ArgKind::OutProbe: {
        const ProbeInfo& probe = info_.probes[arg.index];
        to = output_buffer(Buffer<float>(probes[arg.index], halide_sizes(probe.dims, probe.rank, batch)));
        break;
      }
    }
  }
  int status = for_batch(info_, p, batch).call(args.data());
  for (Buffer<void>& b : outputs)
    if (status == 0) status = b.copy_to_host();
  if (status != 0) throw std::runtime_error("a compiled pipeline failed: " + take_halide_error());
}

namespace {

// "213 kB", "13.6 MB": a size as a person reads it (powers of 1000).
std::string bytes_text(double bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1000 && u < 4) bytes /= 1000, ++u;
  char text[32];
  std::snprintf(text, sizeof text, u == 0 || bytes >= 100 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return text;
}

// What this process may still allocate: the kernel's MemAvailable, or less
// where an address-space limit (ulimit -v) leaves less. -1: unknown.
int64_t available_memory() {
  int64_t available = -1;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key, unit; meminfo >> key;) {
    int64_t kb = 0;
    meminfo >> kb >> unit;
    if (key == "MemAvailable:") available = kb * 1024;
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    int64_t used_kb = 0;  // VmSize: what the address-space limit counts already
    std::ifstream status("/proc/self/status");
    for (std::string key; status >> key;)
      if (key == "VmSize:") status >> used_kb;
    const int64_t left = int64_t(limit.rlim_cur) - used_kb * 1024;
    available = available < 0 ? left : std::min(available, left);
  }
  return available;
}

}  // namespace

std::string Engine::memory_text(int64_t default_batch) const {
  return "up to " + bytes_text(double(info_.train_bytes_per_sample)) + " per sample for a train step (" +
         bytes_text(double(info_.train_bytes_per_sample) * double(default_batch)) + " at the default batch " +
         std::to_string(default_batch) + "), " + bytes_text(double(info_.predict_bytes_per_sample)) +
         " per sample to predict";
}

Engine::Batch Engine::make_batch(int64_t size, Use use) const {
  const int64_t per_sample = use == Use::train ? info_.train_bytes_per_sample : info_.predict_bytes_per_sample;
  const int64_t available = available_memory();
  if (per_sample > 0 && available >= 0 && double(per_sample) * double(size) > double(available))
    throw DataError("a batch of " + std::to_string(size) + " needs up to " +
                    bytes_text(double(per_sample) * double(size)) + " of memory " +
                    (use == Use::train ? "for a train step (" : "to predict (") + bytes_text(double(per_sample)) +
                    " per sample), more than the " + bytes_text(double(available)) +
                    " available; use a batch of at most " + std::to_string(std::max<int64_t>(1, available / per_sample)) +
                    " (--batch)");
  Batch b;
  b.x.resize(size_t(size * input_size()));
  b.t.resize(size_t(size * target_size()));
  b.out.resize(size_t(size * output_size()));
  b.labels.resize(size_t(size));
  b.class_targets = info_.classes > 0;
  return b;
}

float Engine::step(Batch& batch, int64_t size, const std::vector<double>& hypers, const std::vector<bool>& frozen) {
  float loss = 0;
  ensure_training_state();
  call(*train_step_, batch.x.data(), batch.targets(), size, &loss, batch.out.data(), hypers.data());
  for (size_t i = 0; i < params_.size(); ++i)
    if (i >= frozen.size() || !frozen[i]) std::swap(params_[i], next_params_[i]);
  for (int k = 0; k < info_.num_states; ++k)
    if (size_t(info_.states[k].param) >= frozen.size() || !frozen[size_t(info_.states[k].param)])
      std::swap(states_[size_t(k)], next_states_[size_t(k)]);
  return loss;
}

// Which value went wrong in the step that just failed: the step is undone
// and the batch goes through the probe pipeline (inference mode: no
// dropout), which returns every forward value; the first not finite is named
// with its layer's line. If the forward values are all finite, the gradients
// overflowed, and the first param the update made not finite is named.
std::string Engine::where_not_finite(Batch& batch, int64_t size, const std::vector<bool>& frozen) {
  const int bad_param = first_non_finite_param();
  for (size_t i = 0; i < params_.size(); ++i)  // undo the step: its inputs become current again
    if (i >= frozen.size() || !frozen[i]) std::swap(params_[i], next_params_[i]);
  std::vector<AlignedVector<float>> values;
  std::vector<float*> outputs;
  for (int k = 0; k < info_.num_probes; ++k) {
    values.emplace_back(size_t(size * elements(info_.probes[k].dims, info_.probes[k].rank)), 0.0f);
    outputs.push_back(values.back().data());
  }
  call(*probe_, batch.x.data(), nullptr, size, nullptr, nullptr, nullptr, outputs.data());
  for (int k = 0; k < info_.num_probes; ++k) {
    auto it = std::find_if(values[size_t(k)].begin(), values[size_t(k)].end(), [](float v) { return !std::isfinite(v); });
    if (it == values[size_t(k)].end()) continue;
    const int64_t sample = (it - values[size_t(k)].begin()) / elements(info_.probes[k].dims, info_.probes[k].rank);
    return "; the first value that is not finite is the " + std::string(info_.probes[k].op) + " at " +
           info_.probes[k].where + " (sample " + std::to_string(sample + 1) + " of the batch: " + (std::isnan(*it) ? "nan" : *it > 0 ? "inf" : "-inf") + ")";
  }
  if (bad_param >= 0)
    return "; the forward values are finite, the gradients overflowed: the update made " +
           std::string(info_.params[bad_param].name) + " (" + info_.params[bad_param].where + ") not finite";
  return "";
}

int Engine::first_non_finite_param() const {
  for (size_t i = 0; i < params_.size(); ++i)
    if (first_non_finite(params_[i].read(), int64_t(params_[i].size())) >= 0) return int(i);
  return -1;
}

std::string Engine::format_weights() const {
  std::string s;
  for (int i = 0; i < info_.num_params; ++i)
    s += std::string(" ") + info_.params[i].name + "=" +
         format_vector(params_[size_t(i)].read(), int64_t(params_[size_t(i)].size()));
  return s;
}

// The raw inputs, standardised into the engine's buffer, or as they are.
const float* Engine::standardized(const float* inputs, int64_t count) {
  if (mean_.empty()) return inputs;
  standardized_.resize(size_t(count * input_size()));
  standardize_rows(inputs, count, standardized_.data());  // one pass: a copy first would be a second
  return standardized_.data();
}

void Engine::predict(const float* inputs, int64_t count, float* outputs) {
  call(*predict_, standardized(inputs, count), nullptr, count, nullptr, outputs, nullptr);
}

std::vector<float> Engine::predict(const float* inputs, int64_t count) {
  std::vector<float> out(size_t(count * output_size()));
  predict(inputs, count, out.data());
  return out;
}

float Engine::evaluate_batch(const float* inputs, const void* targets, int64_t count) {
  scratch_out_.resize(size_t(count * output_size()));
  float loss = 0;
  call(*evaluate_, standardized(inputs, count), targets, count, &loss, scratch_out_.data(), nullptr);
  return loss;
}

// ---- the step's scalars ---------------------------------------------------------------

std::map<std::string, double> Engine::default_settings() const {
  std::map<std::string, double> settings;
  for (int i = 0; i < info_.num_settings; ++i) settings[info_.settings[i].name] = info_.settings[i].default_value;
  return settings;
}

// The values derived from them (bias corrections, ...) are computed in the
// train step itself (compiler/passes/Optimizers.h).
std::vector<double> Engine::hyper_values(const std::map<std::string, double>& settings, uint64_t seed, double lr,
                                         int64_t t) const {
  std::vector<double> values;
  for (int i = 0; i < info_.num_hypers; ++i) {
    const std::string name = info_.hypers[i].name;
    double v = 0;
    if (name == "lr") v = lr;
    else if (name == "step") v = double(t);
    else if (name == "dropout_seed") v = double(mix(seed, uint64_t(t)) & 0xffffff);  // 24 bits, as the mask hashes them
    else if (auto it = settings.find(name); it != settings.end()) v = it->second;
    else throw std::logic_error("the runtime does not know the value '" + name + "'");
    values.push_back(v);  // a double, as the pipeline's run-time scalars are (compiler/ir/IR.h)
  }
  return values;
}

}  // namespace nnc::rt
