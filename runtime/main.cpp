// The command line of every program nnc generates:
//
//   ./model train   [--data D] [--test D] [--epochs N] [--batch B] [--lr X] [--momentum M]
//                   [--seed S] [--save FILE] [--log FILE] [--trace] [--threads T]
//   ./model eval    [--data D] [--weights FILE] [--json]
//   ./model predict [--weights FILE] INPUT...     (numbers, or CSV files of inputs)
//   ./model info
//   ./model bench   [--batch B] [--steps N] [--repeats R] [--threads T]
//
// Defaults come from the .nn file's train section; flags override them.
// A failure prints one line, `MODEL: error: what, where, what to do`, and
// exits with status 1; files already saved are never left half-written.
#include <CLI/CLI.hpp>
#include <HalideRuntime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "runtime/trainer.h"

namespace nnc::rt {
namespace {

namespace fs = std::filesystem;

const char* const kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// A data source: builtin.NAME, fashion_mnist, a directory of IDX files, or a CSV file.
Dataset load_source(const ModelInfo& info, const std::string& source, const std::string& split) {
  if (source.rfind("builtin.", 0) == 0) return builtin_dataset(source.substr(8));
  if (source == "fashion_mnist") return load_idx_dir(kFashionMnistDir, split);
  if (fs::is_directory(source)) return load_idx_dir(source, split);
  return load_csv(source, elements(info.input_dims, info.input_rank),
                  info.classes > 0 ? 1 : elements(info.target_dims, info.target_rank), info.classes > 0);
}

bool has_test_split(const std::string& source) { return source == "fashion_mnist" || fs::is_directory(source); }

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

int cmd_info(const ModelInfo& info) {
  Engine engine(info);
  auto dims = [](const int64_t* d, int rank) {
    std::string s;
    for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s;
  };
  std::printf("model %s (from %s)\n", info.name, info.source_file);
  std::printf("input: f32[%s]\n", dims(info.input_dims, info.input_rank).c_str());
  if (info.classes > 0) std::printf("target: class[%lld]\n", (long long)info.classes);
  else std::printf("target: f32[%s]\n", dims(info.target_dims, info.target_rank).c_str());
  std::printf("output: f32[%s]%s\n", dims(info.output_dims, info.output_rank).c_str(),
              info.output_is_probability ? " (class probabilities)" : "");
  std::printf("parameters:\n");
  for (int i = 0; i < info.num_params; ++i) {
    const ParamInfo& p = info.params[i];
    int64_t n = 1;
    for (int k = 0; k < p.rank; ++k) n *= p.dims[k];
    std::printf("  %-24s f32[%s]  %lld  (%s)\n", p.name, dims(p.dims, p.rank).c_str(), (long long)n, p.where);
  }
  std::printf("parameter count: %lld\n", (long long)engine.parameter_count());
  const TrainDefaults& d = info.defaults;
  std::printf("train defaults: data %s, sgd lr %g momentum %g, batch %lld, epochs %lld, shuffle %s, seed %llu, standardize %s\n",
              d.data[0] ? d.data : "(none)", d.lr, d.momentum, (long long)d.batch, (long long)d.epochs,
              d.shuffle ? "on" : "off", (unsigned long long)d.seed, d.standardize ? "on" : "off");
  std::printf("compiled for: %s\n", info.target);
  return 0;
}

int run(const ModelInfo& info, int argc, char** argv) {
  const TrainDefaults& d = info.defaults;
  CLI::App app{std::string("model ") + info.name + " (compiled by nnc from " + info.source_file + ")"};
  app.require_subcommand(1);
  app.fallthrough();  // --threads may follow the subcommand
  int threads = 0;
  app.add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::PositiveNumber);

  TrainOptions to;
  to.epochs = d.epochs, to.batch = d.batch, to.lr = d.lr, to.momentum = d.momentum, to.shuffle = d.shuffle,
  to.seed = d.seed, to.save = default_weights(info);
  std::string data = d.data, test = d.test_data;
  bool no_shuffle = false;
  CLI::App* train = app.add_subcommand("train", "train the model and save its weights");
  train->add_option("--data", data, "training data: builtin.NAME, fashion_mnist, an IDX directory or a CSV file");
  train->add_option("--test", test, "data evaluated after every epoch (default: the data set's test split)");
  train->add_option("--epochs", to.epochs)->check(CLI::PositiveNumber);
  train->add_option("--batch", to.batch)->check(CLI::PositiveNumber);
  train->add_option("--lr", to.lr, "learning rate")->check(CLI::NonNegativeNumber);
  train->add_option("--momentum", to.momentum)->check(CLI::NonNegativeNumber);
  train->add_option("--seed", to.seed, "seed of the initial weights and the data order");
  train->add_flag("--no-shuffle", no_shuffle, "keep the data in file order");
  train->add_option("--save", to.save, "weights file, written after every epoch");
  train->add_option("--log", to.log, "write one JSON line per epoch to FILE");
  train->add_flag("--trace", to.trace, "print every example: input, weights, output, target (batch 1)");

  std::string weights;
  bool json = false;
  std::string eval_data = d.test_data[0] ? d.test_data : d.data;
  CLI::App* eval = app.add_subcommand("eval", "evaluate saved weights on a data set");
  eval->add_option("--data", eval_data, "data to evaluate on (default: the test split of the model's data)");
  eval->add_option("--weights", weights, "weights file (default: MODEL.safetensors)");
  eval->add_flag("--json", json, "print one JSON object");

  std::vector<std::string> inputs;
  CLI::App* predict = app.add_subcommand("predict", "print the model's output for inputs");
  predict->add_option("--weights", weights, "weights file (default: MODEL.safetensors)");
  predict->add_option("inputs", inputs, "the input's values, or CSV files with one input per row")->required();

  app.add_subcommand("info", "print the architecture, shapes and parameter count");

  int64_t bench_batch = 32;
  int steps = 100, repeats = 5;
  CLI::App* bench = app.add_subcommand("bench", "time train steps on random data and batch-1 prediction");
  bench->add_option("--batch", bench_batch)->check(CLI::PositiveNumber);
  bench->add_option("--steps", steps)->check(CLI::PositiveNumber);
  bench->add_option("--repeats", repeats)->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (threads > 0) halide_set_num_threads(threads);
  if (no_shuffle) to.shuffle = false;

  Engine engine(info);
  if (app.got_subcommand("info")) return cmd_info(info);

  if (app.got_subcommand(train)) {
    if (data.empty()) throw DataError("no training data: the model's train section names none; pass --data");
    if (to.trace && to.batch != 1) throw DataError("--trace shows one example at a time; use it with --batch 1");
    Dataset train_set = load_source(info, data, "train");
    engine.check_dataset(train_set);
    std::optional<Dataset> test_set;
    if (!test.empty()) test_set = load_source(info, test, "test");
    else if (has_test_split(data)) test_set = load_source(info, data, "test");
    if (test_set) engine.check_dataset(*test_set);
    engine.init_params(to.seed);
    if (d.standardize) {
      engine.fit_standardizer(train_set);
      engine.standardize(train_set);
      if (test_set) engine.standardize(*test_set);
    }
    engine.train(train_set, test_set ? &*test_set : nullptr, to);
    std::fprintf(stderr, "%s: weights saved to %s\n", info.name, to.save.c_str());
    return 0;
  }

  if (app.got_subcommand(eval)) {
    if (eval_data.empty()) throw DataError("no data to evaluate on: pass --data");
    load_weights_or_init(engine, weights, d.seed);
    Dataset set = load_source(info, eval_data, "test");
    engine.check_dataset(set);
    engine.standardize(set);
    Metrics m = engine.evaluate(set, 256);
    if (json) {
      std::printf("{\"loss\": %.8g, \"samples\": %lld", m.loss, (long long)m.samples);
      if (m.accuracy >= 0) std::printf(", \"accuracy\": %.8g", m.accuracy);
      std::printf("}\n");
    } else {
      std::printf("loss %.6f", m.loss);
      if (m.accuracy >= 0) std::printf("  accuracy %.4f", m.accuracy);
      std::printf("  (%lld samples of %s)\n", (long long)m.samples, set.source.c_str());
    }
    return 0;
  }

  if (app.got_subcommand(predict)) {
    load_weights_or_init(engine, weights, d.seed);
    const int64_t n_in = engine.input_size();
    std::vector<float> x;
    bool numbers = std::all_of(inputs.begin(), inputs.end(), [](const std::string& s) {
      char* end = nullptr;
      std::strtod(s.c_str(), &end);
      return !s.empty() && *end == '\0';
    });
    if (numbers) {
      for (const std::string& s : inputs) x.push_back(std::stof(s));
      if (int64_t(x.size()) % n_in != 0)
        throw DataError("predict got " + std::to_string(x.size()) + " numbers; the input takes " +
                        std::to_string(n_in) + " per sample");
    } else {
      for (const std::string& file : inputs) {
        Dataset set = load_csv(file, n_in, 0, false);
        x.insert(x.end(), set.inputs.begin(), set.inputs.end());
      }
    }
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

  if (app.got_subcommand(bench)) {
    engine.init_params(1);
    engine.bench_train_step(bench_batch, std::max(5, steps / 10));  // warm up
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) ms.push_back(engine.bench_train_step(bench_batch, steps));
    std::sort(ms.begin(), ms.end());
    double median_ms = ms[ms.size() / 2];
    engine.bench_predict_latency_us(200);  // warm up
    double latency = engine.bench_predict_latency_us(2000);
    std::printf("{\"model\": \"%s\", \"batch\": %lld, \"threads\": %d, \"train_samples_per_s\": %.1f, "
                "\"train_step_ms\": %.4f, \"predict_latency_us\": %.2f}\n",
                info.name, (long long)bench_batch, threads, double(bench_batch) * 1000.0 / median_ms, median_ms, latency);
    return 0;
  }
  return 1;
}

}  // namespace
}  // namespace nnc::rt

int main(int argc, char** argv) {
  const nnc::rt::ModelInfo& info = *nnc_model_info();
  try {
    return nnc::rt::run(info, argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", info.name, e.what());
    return 1;
  }
}
