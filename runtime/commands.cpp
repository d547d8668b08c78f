// The commands that use a model's weights without training them: eval,
// predict, info and bench.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

#include "runtime/commands.h"
#include "runtime/file_io.h"
#include "runtime/png.h"
#include "runtime/printable.h"
#include "runtime/rng.h"
#include "runtime/setting_flags.h"
#include "runtime/train_settings.h"

namespace nnc::rt {
namespace {

namespace fs = std::filesystem;

std::string default_weights(const ModelInfo& info) { return std::string(info.name) + ".safetensors"; }

// Weights for eval and predict: the named file, else the default file if it
// exists, else the model's initial weights (a model with literal weights).
void load_weights_or_init(Engine& engine, const std::string& weights, uint64_t seed) {
  if (!weights.empty()) return engine.load_weights(weights);
  std::string fallback = default_weights(engine.info());
  if (fs::exists(fallback)) return engine.load_weights(fallback);
  std::fprintf(stderr, "%s: note: no %s; using the initial weights (train first, or pass --weights FILE)\n",
               engine.info().name, fallback.c_str());
  engine.init_params(seed);
}

std::string format_values(const float* v, int64_t n) {
  std::ostringstream s;
  s.precision(6);
  for (int64_t k = 0; k < n; ++k) s << (k ? " " : "") << v[k];
  return s.str();
}

std::string dims_text(const int64_t* d, int rank) {
  std::string s;
  for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s;
}

}  // namespace

CLI::App* add_info_command(CLI::App& app) {
  return app.add_subcommand("info", "print the architecture, shapes, settings and parameter count");
}

int run_info(const Engine& engine) {
  const ModelInfo& info = engine.info();
  std::printf("model %s (from %s)\n", info.name, info.source_file);
  std::printf("input: f32[%s]\n", dims_text(info.input_dims, info.input_rank).c_str());
  if (info.classes > 0) std::printf("target: class[%lld]\n", (long long)info.classes);
  else std::printf("target: f32[%s]%s\n", dims_text(info.target_dims, info.target_rank).c_str(),
                   info.target_is_input ? " (the input itself)" : "");
  std::printf("output: f32[%s]%s\n", dims_text(info.output_dims, info.output_rank).c_str(),
              info.output_is_probability ? " (class probabilities)" : "");
  std::printf("parameters:\n");
  for (int i = 0; i < info.num_params; ++i) {
    const ParamInfo& p = info.params[i];
    std::printf("  %-24s f32[%s]  %lld  (%s)%s\n", p.name, dims_text(p.dims, p.rank).c_str(),
                (long long)elements(p.dims, p.rank), p.where, p.frozen ? "  frozen" : "");
  }
  std::printf("parameter count: %lld\n", (long long)engine.parameter_count());
  std::printf("memory: %s\n", engine.memory_text(model_train_settings(info).batch).c_str());
  std::string settings;
  for (const auto& [name, value] : engine.default_settings()) {
    std::ostringstream v;
    v << value;
    settings += (settings.empty() ? "" : ", ") + name + " " + v.str();
  }
  std::printf("optimizer: %s%s\n", info.optimizer, info.nesterov ? " (nesterov)" : "");
  std::printf("settings: %s\n", settings.c_str());
  const TrainSettings s = model_train_settings(info);
  std::printf("train defaults: %s\n", describe_settings(s).c_str());
  if (!s.validation.empty() || s.early_stop > 0)
    std::printf("validation: %s, early stop after %lld epochs without improvement\n",
                s.validation.empty() ? "(none)" : s.validation.c_str(), (long long)s.early_stop);
  if (info.num_augment > 0) {
    std::string steps;
    for (int k = 0; k < info.num_augment; ++k) {
      std::ostringstream v;
      v << info.augment[k].name << "(" << info.augment[k].strength << ")";
      steps += (steps.empty() ? "" : ", ") + v.str();
    }
    std::printf("augment: %s\n", steps.c_str());
  }
  std::printf("compiled for: %s%s%s\n", info.target, *info.gpu ? " and " : "", info.gpu);
  std::string fixed;  // nnc --autoschedule's variants
  for (int i = 0; i < info.num_pipelines; ++i) {
    const PipelineInfo& p = info.pipelines[i];
    if (p.batch > 0)
      fixed += (fixed.empty() ? "" : ", ") + std::string(p.name) + " on " + p.device + " for batch " + std::to_string(p.batch);
  }
  if (!fixed.empty()) std::printf("autoscheduled by Halide: %s (other batches: nnc's schedules)\n", fixed.c_str());
  std::printf("device: %s\n", engine.device_description().c_str());
  return 0;
}

// --data, by default the model's test data (its data's test split where it
// has one), and --weights: what eval and reconstruct read.
void add_data_and_weights(CLI::App* cmd, const ModelInfo& info, std::string& data, std::string& weights,
                          const std::string& purpose) {
  const TrainSettings s = model_train_settings(info);
  data = s.test.empty() ? s.data : s.test;
  cmd->add_option("--data", data, "data to " + purpose + " (default: the test split of the model's data)");
  cmd->add_option("--weights", weights, "weights file (default: MODEL.safetensors)");
}

CLI::App* add_eval_command(CLI::App& app, const ModelInfo& info, EvalCommand& c) {
  CLI::App* cmd = app.add_subcommand("eval", "evaluate saved weights on a data set");
  add_data_and_weights(cmd, info, c.data, c.weights, "evaluate on");
  cmd->add_flag("--json", c.json, "print one JSON object");
  cmd->add_flag("--per-class", c.per_class, "the confusion matrix and, per class, PPV, TPR, FPR and error rate");
  cmd->add_option("--plot", c.plot, "draw the confusion matrix into FILE.svg");
  cmd->add_option("--classes", c.filter.classes, "use only these classes: 0-4, or 1,3,5");
  cmd->add_option("--limit", c.filter.limit, "use only the first N samples")->check(positive_flag());
  return cmd;
}

int run_eval(Engine& engine, const EvalCommand& c) {
  const ModelInfo& info = engine.info();
  if (c.data.empty()) throw DataError("no data to evaluate on: pass --data");
  load_weights_or_init(engine, c.weights, model_train_settings(info).seed);
  Dataset set = filtered(info, load_source(info, c.data, "test"), c.filter);
  engine.check_dataset(set);
  engine.standardize(set);
  const bool confusion_needed = c.per_class || !c.plot.empty();
  if (confusion_needed && info.classes <= 0)
    throw DataError("--per-class and --plot need a model with class targets; model '" + std::string(info.name) +
                    "' predicts values");
  Confusion confusion(std::max<int64_t>(info.classes, 1));
  Metrics m = engine.evaluate(set, kMinEvaluateBatch, confusion_needed ? &confusion : nullptr);
  if (!c.plot.empty()) write_file_atomically(c.plot, confusion_svg(std::string(info.name) + ": " + set.source, confusion));
  if (c.json) {
    std::printf("{\"loss\": %.8g, \"samples\": %lld", m.loss, (long long)m.samples);
    if (m.accuracy >= 0) std::printf(", \"accuracy\": %.8g", m.accuracy);
    if (c.per_class) std::printf(", \"per_class\": %s", confusion.json().c_str());
    std::printf("}\n");
  } else {
    std::printf("loss %.6f", m.loss);
    if (m.accuracy >= 0) std::printf("  accuracy %.4f", m.accuracy);
    std::printf("  (%lld samples of %s)\n", (long long)m.samples, set.source.c_str());
    if (c.per_class) std::printf("\n%s", confusion.table().c_str());
  }
  return 0;
}

CLI::App* add_predict_command(CLI::App& app, PredictCommand& c) {
  CLI::App* cmd = app.add_subcommand("predict", "print the model's output for inputs");
  cmd->add_option("--weights", c.weights, "weights file (default: MODEL.safetensors)");
  cmd->add_option("inputs", c.inputs, "the input's values, or CSV files with one input per row");
  return cmd;
}

int run_predict(Engine& engine, const PredictCommand& c) {
  const ModelInfo& info = engine.info();
  const int64_t n_in = engine.input_size();
  if (c.inputs.empty())
    throw DataError("predict needs inputs: " + std::to_string(n_in) +
                    " numbers per sample, or CSV files with one input per row");
  load_weights_or_init(engine, c.weights, model_train_settings(info).seed);
  const std::vector<float> x = predict_inputs(c.inputs, n_in);
  int64_t count = int64_t(x.size()) / n_in;
  std::vector<float> out = engine.predict(x.data(), count);
  for (int64_t s = 0; s < count; ++s) {
    const int64_t width = engine.output_size();
    const float* y = &out[size_t(s * width)];
    if (info.output_is_probability)
      std::printf("class %lld  p=%s\n", (long long)(std::max_element(y, y + width) - y), format_values(y, width).c_str());
    else
      std::printf("%s\n", format_values(y, width).c_str());
  }
  return 0;
}

CLI::App* add_reconstruct_command(CLI::App& app, const ModelInfo& info, ReconstructCommand& c) {
  CLI::App* cmd = app.add_subcommand("reconstruct", "draw an autoencoder's images and its reconstructions as a PNG");
  add_data_and_weights(cmd, info, c.data, c.weights, "draw from");
  cmd->add_option("--count", c.count, "how many images, from the first (default 8)")->check(CLI::Range(1, 64));
  cmd->add_option("-o,--output", c.output, "the PNG file (default reconstruct.png)");
  return cmd;
}

int run_reconstruct(Engine& engine, const ReconstructCommand& c) {
  const ModelInfo& info = engine.info();
  if (!info.target_is_input)
    throw DataError("reconstruct draws an autoencoder's output; model '" + std::string(info.name) +
                    "' has a target of its own (an autoencoder declares target x)");
  // An image: [1, H, W], or a flat input of a square's size (784: 28 x 28).
  const int64_t n = engine.input_size();
  int64_t height = 0, width = 0;
  if (info.input_rank == 3 && info.input_dims[0] == 1) height = info.input_dims[1], width = info.input_dims[2];
  const int64_t side = std::llround(std::sqrt(double(n)));
  if (info.input_rank == 1 && side * side == n) height = width = side;
  if (height == 0 || engine.output_size() != n)
    throw DataError("reconstruct draws grey images, input f32[1, H, W] or a flat square f32[H * W], and an output "
                    "of the same size; model '" + std::string(info.name) + "' has input f32[" +
                    dims_text(info.input_dims, info.input_rank) + "]");
  if (c.data.empty()) throw DataError("no data to draw from: pass --data");
  load_weights_or_init(engine, c.weights, model_train_settings(info).seed);
  DataOptions first;
  first.limit = c.count;
  Dataset set = filtered(info, load_source(info, c.data, "test"), first);
  engine.check_dataset(set);
  const std::vector<float>& images = set.inputs;
  const std::vector<float> rebuilt = engine.predict(images.data(), set.count);  // standardizes a copy itself
  // Two rows of images, 2 pixels apart, on white.
  const int64_t gap = 2, grid_w = set.count * (width + gap) - gap, grid_h = 2 * height + gap;
  std::vector<float> grid(size_t(grid_w * grid_h), 1.0f);
  for (int64_t s = 0; s < set.count; ++s)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x) {
        const size_t from = size_t(s * n + y * width + x), column = size_t(s * (width + gap) + x);
        grid[size_t(y) * size_t(grid_w) + column] = images[from];
        grid[size_t(y + height + gap) * size_t(grid_w) + column] = rebuilt[from];
      }
  write_png_gray(c.output, int(grid_w), int(grid_h), grid);
  std::printf("%s: %lld images of %s (top) and their reconstructions (bottom) written to %s\n", info.name,
              (long long)set.count, set.source.c_str(), c.output.c_str());
  return 0;
}

CLI::App* add_bench_command(CLI::App& app, BenchCommand& c) {
  CLI::App* cmd = app.add_subcommand("bench", "time train steps on random data and batch-1 prediction");
  cmd->add_option("--batch", c.batch)->check(positive_flag());
  cmd->add_option("--steps", c.steps)->check(positive_flag());
  cmd->add_option("--repeats", c.repeats)->check(positive_flag());
  return cmd;
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Milliseconds per train step on a batch of random data.
double time_train_step(Engine& engine, int64_t batch, int steps) {
  engine.ensure_training_state();
  Rng rng(1);
  Engine::Batch buffers = engine.make_batch(batch, Engine::Use::train);
  for (float& v : buffers.x) v = rng.normal();
  for (int32_t& label : buffers.labels) label = int32_t(rng.below(uint64_t(std::max<int64_t>(engine.info().classes, 1))));
  for (float& v : buffers.t) v = rng.uniform();
  std::map<std::string, double> settings = engine.default_settings();
  settings["lr"] = 0.05;  // as bench/torch_mlp.py
  if (settings.count("momentum")) settings["momentum"] = 0.9;
  const std::vector<double> hypers = engine.hyper_values(settings, 1, 0.05, 1);
  auto start = Clock::now();
  for (int i = 0; i < steps; ++i) engine.step(buffers, batch, hypers, {});
  return seconds_since(start) * 1000.0 / steps;
}

// The median microseconds of a batch-1 prediction: the path of the C API's
// predict (Engine::predict into the caller's buffer). A model that
// standardises its inputs does so here too, as it does once trained.
double predict_latency_us(Engine& engine, int calls) {
  Rng rng(2);
  AlignedVector<float> x(static_cast<size_t>(engine.input_size())), out(static_cast<size_t>(engine.output_size()));
  for (float& v : x) v = rng.normal();
  if (engine.standardizes()) engine.fit_standardizer(x.data(), 1);
  std::vector<double> times;
  for (int i = 0; i < calls; ++i) {
    auto start = Clock::now();
    engine.predict(x.data(), 1, out.data());
    times.push_back(seconds_since(start) * 1e6);
  }
  std::nth_element(times.begin(), times.begin() + calls / 2, times.end());
  return times[size_t(calls / 2)];
}

}  // namespace

int run_bench(Engine& engine, const BenchCommand& c, int threads) {
  engine.init_params(1);
  double median_ms = 0;
  if (engine.trains()) {
    time_train_step(engine, c.batch, std::max(5, c.steps / 10));  // warm up
    std::vector<double> ms;
    for (int r = 0; r < c.repeats; ++r) ms.push_back(time_train_step(engine, c.batch, c.steps));
    std::sort(ms.begin(), ms.end());
    median_ms = ms[ms.size() / 2];
  }
  predict_latency_us(engine, 200);  // warm up
  double latency = predict_latency_us(engine, 2000);
  // An --inference-only model has no train step: null.
  const std::string samples_per_s = engine.trains() ? number_text(double(c.batch) * 1000.0 / median_ms, 6, "") : "null";
  const std::string step_ms = engine.trains() ? number_text(median_ms, 5, "") : "null";
  std::printf("{\"model\": \"%s\", \"batch\": %lld, \"threads\": %d, \"train_samples_per_s\": %s, "
              "\"train_step_ms\": %s, \"predict_latency_us\": %.2f}\n",
              engine.info().name, (long long)c.batch, threads, samples_per_s.c_str(), step_ms.c_str(), latency);
  return 0;
}

}  // namespace nnc::rt
