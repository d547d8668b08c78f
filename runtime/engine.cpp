#include "runtime/engine.h"

#include <HalideBuffer.h>
#include <HalideRuntime.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "runtime/rng.h"
#include "runtime/train_settings.h"
#include "runtime/trainer.h"

namespace nnc::rt {
namespace {

using Clock = std::chrono::steady_clock;
using Halide::Runtime::Buffer;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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
// failing call can throw it as a one-line error instead.
std::string& halide_error_text() {
  static std::string text;
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

std::string number_text(double v, int digits, const char* non_finite) {
  if (!std::isfinite(v)) return non_finite;
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

// "(v, v, ...)", as --trace prints vectors.
std::string format_vector(const float* v, int64_t n) {
  std::string s = "(";
  for (int64_t k = 0; k < n; ++k) s += (k ? ", " : "") + json_number(v[k]);
  return s + ")";
}

Engine::Engine(const ModelInfo& info)
    : info_(info),
      predict_(find_pipeline(info, "predict")),
      evaluate_(find_pipeline(info, "evaluate")),
      train_step_(find_pipeline(info, "train_step")),
      probe_(find_pipeline(info, "probe")),
      standardizes_(model_train_settings(info).standardize) {
  halide_set_error_handler(keep_halide_error);
  // Each pipeline call allocates its intermediate buffers (megabytes for
  // images). Served from the heap instead of fresh mmaps (and never trimmed
  // back), they are reused by the next step with no page faults. A cache of
  // our own behind halide_malloc was tried: its lock made the many small
  // per-task allocations of the MLP 23% slower.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  for (int i = 0; i < info.num_params; ++i) params_.emplace_back(size_t(elements(info.params[i].dims, info.params[i].rank)), 0.0f);
}

// Training needs three more copies of the weights (the step's output, the
// optimizer state and its output); inference does not, so they wait until here.
void Engine::ensure_training_state() {
  if (!states_.empty() || info_.num_states == 0) return;
  for (const auto& p : params_) next_params_.emplace_back(p.size(), 0.0f);
  for (int i = 0; i < info_.num_states; ++i) {
    size_t n = params_[size_t(info_.states[i].param)].size();
    states_.emplace_back(n, 0.0f);
    next_states_.emplace_back(n, 0.0f);
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
    AlignedVector<float>& w = params_[size_t(i)];
    double fan_in = double(p.fan_in), fan_out = double(p.fan_out);
    double limit = 0;
    switch (p.init) {
      case InitKind::Zeros: std::fill(w.begin(), w.end(), 0.0f); break;
      case InitKind::Constant: std::fill(w.begin(), w.end(), float(p.a)); break;
      case InitKind::Literal: std::copy(p.literal, p.literal + w.size(), w.begin()); break;
      case InitKind::Uniform:
        for (float& v : w) v = rng.uniform(float(p.a), float(p.b));
        break;
      case InitKind::Normal:
        for (float& v : w) v = float(p.a) * rng.normal();
        break;
      case InitKind::Glorot:
        limit = std::sqrt(6.0 / (fan_in + fan_out));
        for (float& v : w) v = rng.uniform(float(-limit), float(limit));
        break;
      case InitKind::He:
        limit = std::sqrt(6.0 / fan_in);
        for (float& v : w) v = rng.uniform(float(-limit), float(limit));
        break;
    }
  }
  for (auto& s : states_) std::fill(s.begin(), s.end(), 0.0f);
}

// The weights file: every param, and the input statistics when there are any.
TensorFile Engine::weights_file() const {
  TensorFile file;
  file.metadata["nnc.model"] = info_.name;
  file.metadata["nnc.source"] = info_.source_file;
  for (int i = 0; i < info_.num_params; ++i) {
    const ParamInfo& p = info_.params[i];
    const AlignedVector<float>& w = params_[size_t(i)];
    file.tensors.push_back({p.name, std::vector<int64_t>(p.dims, p.dims + p.rank), std::vector<float>(w.begin(), w.end())});
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
      params_[size_t(i)].assign(t->data.begin(), t->data.end());
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
    params_[size_t(i)].assign(data.begin(), data.end());
  }
  clear_standardizer();
  if (mean) set_standardizer(mean->data, std_dev->data);
}

void Engine::fit_standardizer(const Dataset& d) {
  const int64_t n = d.sample_size();
  std::vector<double> sum(size_t(n), 0.0), sum_sq(size_t(n), 0.0);
  for (int64_t s = 0; s < d.count; ++s)
    for (int64_t k = 0; k < n; ++k) {
      double v = d.inputs[size_t(s * n + k)];
      sum[size_t(k)] += v, sum_sq[size_t(k)] += v * v;
    }
  std::vector<float> mean(static_cast<size_t>(n)), std_dev(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    double m = sum[size_t(k)] / double(d.count);
    double var = std::max(0.0, sum_sq[size_t(k)] / double(d.count) - m * m);
    mean[size_t(k)] = float(m);
    // A constant feature (a border pixel) carries no information: leave its scale.
    std_dev[size_t(k)] = var > 1e-12 ? float(std::sqrt(var)) : 1.0f;
  }
  set_standardizer(std::move(mean), std::move(std_dev));
}

void Engine::standardize(Dataset& d) const { standardize_rows(d.inputs.data(), d.count); }

void Engine::standardize_rows(float* x, int64_t count) const {
  if (mean_.empty()) return;
  const int64_t n = input_size();
  for (int64_t s = 0; s < count; ++s)
    for (int64_t k = 0; k < n; ++k) x[s * n + k] = (x[s * n + k] - mean_[size_t(k)]) * inv_std_[size_t(k)];
}

void Engine::check_dataset(const Dataset& d) const {
  if (d.count == 0) throw DataError(d.source + ": no samples");
  if (d.sample_size() != input_size())
    throw DataError(d.source + ": samples have " + std::to_string(d.sample_size()) + " values, model '" + info_.name +
                    "' takes " + std::to_string(input_size()) + " (input " +
                    shape_text(info_.input_dims, info_.input_rank) + ")");
  if (info_.classes > 0) {
    if (!d.class_targets)
      throw DataError(d.source + ": targets are values, model '" + info_.name + "' needs class labels");
    check_labels(d, info_.classes);
  } else if (d.class_targets || d.target_width != target_size()) {
    throw DataError(d.source + ": targets have " + (d.class_targets ? std::string("class labels") : std::to_string(d.target_width) + " values") +
                    ", model '" + info_.name + "' needs " + std::to_string(target_size()) + " values per sample");
  }
}

void Engine::call(const PipelineInfo& p, const float* x, const void* t, int64_t batch, float* loss, float* output,
                  const double* hypers, float* const* probes) {
  // Buffers wrap memory the engine owns; nothing is allocated per call except
  // these small descriptors.
  std::vector<Buffer<void>> buffers;
  buffers.reserve(size_t(p.num_args));
  std::vector<void*> args(size_t(p.num_args), nullptr);
  auto wrap_param = [&](float* data, int param) {
    const ParamInfo& info = info_.params[param];
    return Buffer<void>(Buffer<float>(data, halide_sizes(info.dims, info.rank, -1)));
  };
  for (int a = 0; a < p.num_args; ++a) {
    const ArgInfo& arg = p.args[a];
    switch (arg.kind) {
      case ArgKind::Input:
        buffers.emplace_back(Buffer<float>(const_cast<float*>(x), halide_sizes(info_.input_dims, info_.input_rank, batch)));
        break;
      case ArgKind::Target:
        if (info_.classes > 0) buffers.emplace_back(Buffer<int32_t>(static_cast<int32_t*>(const_cast<void*>(t)), {int(batch)}));
        else buffers.emplace_back(Buffer<float>(static_cast<float*>(const_cast<void*>(t)),
                                                halide_sizes(info_.target_dims, info_.target_rank, batch)));
        break;
      case ArgKind::Param: buffers.push_back(wrap_param(params_[size_t(arg.index)].data(), arg.index)); break;
      case ArgKind::State: buffers.push_back(wrap_param(states_[size_t(arg.index)].data(), info_.states[arg.index].param)); break;
      case ArgKind::OutParam: buffers.push_back(wrap_param(next_params_[size_t(arg.index)].data(), arg.index)); break;
      case ArgKind::OutState: buffers.push_back(wrap_param(next_states_[size_t(arg.index)].data(), info_.states[arg.index].param)); break;
      case ArgKind::Hyper: buffers.emplace_back(); args[size_t(a)] = const_cast<double*>(&hypers[arg.index]); continue;
      case ArgKind::OutLoss: buffers.emplace_back(Buffer<float>::make_scalar(loss)); break;
      case ArgKind::OutOutput:
        buffers.emplace_back(Buffer<float>(output, halide_sizes(info_.output_dims, info_.output_rank, batch)));
        break;
      case ArgKind::OutProbe: {
        const ProbeInfo& probe = info_.probes[arg.index];
        buffers.emplace_back(Buffer<float>(probes[arg.index], halide_sizes(probe.dims, probe.rank, batch)));
        break;
      }
    }
    args[size_t(a)] = buffers.back().raw_buffer();
  }
  int status = p.call(args.data());
  if (status != 0) throw std::runtime_error("a compiled pipeline failed: " + take_halide_error());
}

Engine::Batch Engine::make_batch(int64_t size) const {
  Batch b;
  b.x.resize(size_t(size * input_size()));
  b.t.resize(size_t(size * target_size()));
  b.out.resize(size_t(size * output_size()));
  b.labels.resize(size_t(size));
  b.class_targets = info_.classes > 0;
  return b;
}

void Engine::gather(const Dataset& d, const std::vector<int64_t>& index, int64_t first, int64_t count,
                    Batch& batch) const {
  const int64_t n_in = input_size(), tw = target_size();
  for (int64_t s = 0; s < count; ++s) {
    const int64_t sample = index[size_t(first + s)];
    std::copy_n(&d.inputs[size_t(sample * n_in)], n_in, &batch.x[size_t(s * n_in)]);
    if (d.class_targets) batch.labels[size_t(s)] = d.labels[size_t(sample)];
    else std::copy_n(&d.targets[size_t(sample * tw)], tw, &batch.t[size_t(s * tw)]);
  }
}

float Engine::step(Batch& batch, int64_t size, const std::vector<double>& hypers, const std::vector<bool>& frozen) {
  float loss = 0;
  call(train_step_, batch.x.data(), batch.targets(), size, &loss, batch.out.data(), hypers.data());
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
  call(probe_, batch.x.data(), nullptr, size, nullptr, nullptr, nullptr, outputs.data());
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
    if (!std::all_of(params_[i].begin(), params_[i].end(), [](float v) { return std::isfinite(v); })) return int(i);
  return -1;
}

std::string Engine::format_weights() const {
  std::string s;
  for (int i = 0; i < info_.num_params; ++i)
    s += std::string(" ") + info_.params[i].name + "=" +
         format_vector(params_[size_t(i)].data(), int64_t(params_[size_t(i)].size()));
  return s;
}

bool Engine::targets_are_binary(const Dataset& d) const {
  if (d.class_targets) return true;
  return std::all_of(d.targets.begin(), d.targets.end(), [](float v) { return v == 0.0f || v == 1.0f; });
}

void Engine::accumulate_accuracy(const float* out, const Dataset& d, const std::vector<int64_t>& index,
                                 int64_t first, int64_t count, int64_t& correct, Confusion* confusion) const {
  const int64_t width = output_size();
  for (int64_t s = 0; s < count; ++s) {
    const float* y = out + s * width;
    int64_t sample = index[size_t(first + s)];
    if (d.class_targets) {
      const int64_t predicted = std::max_element(y, y + width) - y;
      correct += predicted == d.labels[size_t(sample)];
      if (confusion) confusion->add(d.labels[size_t(sample)], predicted);
    } else {
      // Binary targets: right when every output is on the target's side of 0.5.
      bool right = true;
      for (int64_t k = 0; k < width; ++k)
        right = right && (y[k] > 0.5f) == (d.targets[size_t(sample * width + k)] > 0.5f);
      correct += right;
    }
  }
}

Metrics Engine::evaluate(const Dataset& d, int64_t batch, Confusion* confusion) {
  batch = std::max<int64_t>(1, std::min(batch, d.count));
  Batch buffers = make_batch(batch);
  std::vector<int64_t> identity(size_t(d.count));
  std::iota(identity.begin(), identity.end(), 0);
  const bool accuracy_applies = targets_are_binary(d);
  double loss_sum = 0;
  int64_t correct = 0;
  for (int64_t first = 0; first < d.count; first += batch) {
    const int64_t b = std::min(batch, d.count - first);
    gather(d, identity, first, b, buffers);
    float loss = 0;
    call(evaluate_, buffers.x.data(), buffers.targets(), b, &loss, buffers.out.data(), nullptr);
    loss_sum += double(loss) * double(b);
    if (accuracy_applies) accumulate_accuracy(buffers.out.data(), d, identity, first, b, correct, confusion);
  }
  return {loss_sum / double(d.count), accuracy_applies ? double(correct) / double(d.count) : -1, d.count};
}

std::vector<float> Engine::predict(const float* inputs, int64_t count) {
  AlignedVector<float> x(inputs, inputs + count * input_size());
  standardize_rows(x.data(), count);
  AlignedVector<float> out(size_t(count * output_size()));
  call(predict_, x.data(), nullptr, count, nullptr, out.data(), nullptr);
  return std::vector<float>(out.begin(), out.end());
}

double Engine::bench_train_step(int64_t batch, int steps) {
  ensure_training_state();
  Rng rng(1);
  Batch buffers = make_batch(batch);
  for (float& v : buffers.x) v = rng.normal();
  for (int32_t& label : buffers.labels) label = int32_t(rng.below(uint64_t(std::max<int64_t>(info_.classes, 1))));
  for (float& v : buffers.t) v = rng.uniform();
  TrainOptions o;
  o.settings = default_settings();
  o.settings["lr"] = 0.05;  // as bench/torch_mlp.py
  if (o.settings.count("momentum")) o.settings["momentum"] = 0.9;
  const std::vector<double> hypers = hyper_values(o, 0.05, 1);
  auto start = Clock::now();
  for (int i = 0; i < steps; ++i) step(buffers, batch, hypers, {});
  return seconds_since(start) * 1000.0 / steps;  // ms per step
}

double Engine::bench_predict_latency_us(int calls) {
  Rng rng(2);
  AlignedVector<float> x(static_cast<size_t>(input_size())), out(static_cast<size_t>(output_size()));
  for (float& v : x) v = rng.normal();
  std::vector<double> times;
  for (int i = 0; i < calls; ++i) {
    auto start = Clock::now();
    call(predict_, x.data(), nullptr, 1, nullptr, out.data(), nullptr);
    times.push_back(seconds_since(start) * 1e6);
  }
  std::nth_element(times.begin(), times.begin() + calls / 2, times.end());
  return times[size_t(calls / 2)];
}

}  // namespace nnc::rt
