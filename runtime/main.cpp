// The command line of every program nnc generates:
//
//   ./model train   [--data D] [--test D] [--val F|D] [--epochs N] [--batch B] [--lr X] [--momentum M]
//                   [--set NAME=VALUE]... [--seed S] [--save FILE] [--checkpoint FILE] [--resume FILE]
//                   [--init FILE] [--freeze NAME...] [--early-stop N] [--log FILE] [--plot FILE.svg]
//                   [--classes LIST] [--limit N] [--random-labels] [--trace] [--threads T]
//   ./model eval    [--data D] [--weights FILE] [--per-class] [--json] [--plot FILE.svg] [--classes LIST]
//                   [--limit N]
//   ./model tune    --grid NAME=V1,V2... [--grid ...] [--data D] [--val F|D] [train's other settings]
//   ./model predict [--weights FILE] INPUT...     (numbers, or CSV files of inputs)
//   ./model info
//   ./model bench   [--batch B] [--steps N] [--repeats R] [--threads T]
//
// Defaults come from the .nn file's train section; flags override them.
// A failure prints one line, `MODEL: error: what, where, what to do`, and
// exits with status 1; files already saved are never left half-written.
// Ctrl-C during training saves a checkpoint and exits with status 130.
#include <CLI/CLI.hpp>
#include <HalideRuntime.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>
#include <sstream>

#include "runtime/file_io.h"
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

// A number for the tune table: 6 significant digits, "inf" for a run that diverged.
std::string table_number(double v) {
  if (!std::isfinite(v)) return "inf";
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

std::string format_values(const float* v, int64_t n) {
  std::ostringstream s;
  s.precision(6);
  for (int64_t k = 0; k < n; ++k) s << (k ? " " : "") << v[k];
  return s.str();
}

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : separator) + item;
  return s;
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
    std::printf("  %-24s f32[%s]  %lld  (%s)%s\n", p.name, dims(p.dims, p.rank).c_str(), (long long)n, p.where,
                p.frozen ? "  frozen" : "");
  }
  std::printf("parameter count: %lld\n", (long long)engine.parameter_count());
  const TrainDefaults& d = info.defaults;
  std::string settings;
  for (const auto& [name, value] : engine.default_settings()) {
    std::ostringstream v;
    v << value;
    settings += (settings.empty() ? "" : ", ") + name + " " + v.str();
  }
  std::printf("optimizer: %s%s\n", d.optimizer, d.nesterov ? " (nesterov)" : "");
  std::printf("settings: %s\n", settings.c_str());
  std::printf("train defaults: data %s, batch %lld, epochs %lld, shuffle %s, seed %llu, standardize %s, schedule %s\n",
              d.data[0] ? d.data : "(none)", (long long)d.batch, (long long)d.epochs, d.shuffle ? "on" : "off",
              (unsigned long long)d.seed, d.standardize ? "on" : "off", d.schedule);
  if (d.validation[0] || d.early_stop > 0)
    std::printf("validation: %s, early stop after %lld epochs without improvement\n", d.validation[0] ? d.validation : "(none)",
                (long long)d.early_stop);
  if (d.num_augment > 0) {
    std::string steps;
    for (int k = 0; k < d.num_augment; ++k) {
      std::ostringstream v;
      v << d.augment[k].name << "(" << d.augment[k].strength << ")";
      steps += (steps.empty() ? "" : ", ") + v.str();
    }
    std::printf("augment: %s\n", steps.c_str());
  }
  std::printf("compiled for: %s\n", info.target);
  return 0;
}

// "0-4", "5,7,9", "0-2,8": a set of class labels.
std::vector<bool> parse_classes(const std::string& text, int64_t classes) {
  std::vector<bool> keep(size_t(std::max<int64_t>(classes, 0)), false);
  std::stringstream in(text);
  std::string part;
  auto bad = [&]() {
    return DataError("--classes '" + text + "': give class labels in [0, " + std::to_string(classes) +
                     ") as a list or ranges, such as 0-4 or 1,3,5");
  };
  while (std::getline(in, part, ',')) {
    size_t dash = part.find('-');
    char* end = nullptr;
    long lo = std::strtol(part.c_str(), &end, 10), hi = lo;
    if (end == part.c_str()) throw bad();
    if (dash != std::string::npos) hi = std::strtol(part.c_str() + dash + 1, &end, 10);
    if (*end != '\0' || lo < 0 || hi < lo || hi >= classes) throw bad();
    for (long k = lo; k <= hi; ++k) keep[size_t(k)] = true;
  }
  return keep;
}

// The data options train, eval and tune share.
struct DataOptions {
  std::string classes;  // keep only these classes
  int64_t limit = 0;    // keep the first N samples (after the class filter)
  bool random_labels = false;
  std::string validation;  // a fraction in (0, 1) or a data source
};

Dataset filtered(const ModelInfo& info, Dataset d, const DataOptions& o) {
  if (!o.classes.empty()) {
    if (!d.class_targets) throw DataError("--classes needs class labels; " + d.source + " has value targets");
    std::vector<bool> keep = parse_classes(o.classes, info.classes);
    std::vector<int64_t> index;
    for (int64_t s = 0; s < d.count; ++s)
      if (keep[size_t(d.labels[size_t(s)])]) index.push_back(s);
    d = subset(d, index, " (classes " + o.classes + ")");
    if (d.count == 0) throw DataError(d.source + ": no samples of classes " + o.classes);
  }
  if (o.limit > 0 && o.limit < d.count) {
    std::vector<int64_t> index(size_t(o.limit));
    std::iota(index.begin(), index.end(), 0);
    d = subset(d, index, " (first " + std::to_string(o.limit) + ")");
  }
  return d;
}

// The training data, and the validation data: a seeded random fraction of
// the training data (held out of it), or another source. Never the test set.
std::pair<Dataset, std::optional<Dataset>> training_data(const ModelInfo& info, const std::string& source,
                                                         const DataOptions& o, uint64_t seed) {
  Dataset train = filtered(info, load_source(info, source, "train"), o);
  if (o.random_labels) {
    if (!train.class_targets) throw DataError("--random-labels needs class labels; " + train.source + " has value targets");
    Rng rng(seed ^ 0x5bd1e995ull);
    for (int32_t& label : train.labels) label = int32_t(rng.below(uint64_t(info.classes)));
    train.source += " (random labels)";
  }
  std::optional<Dataset> validation;
  if (o.validation.empty()) return {std::move(train), std::move(validation)};
  char* end = nullptr;
  const double fraction = std::strtod(o.validation.c_str(), &end);
  if (end != o.validation.c_str() && *end == '\0') {
    if (!(fraction > 0 && fraction < 1))
      throw DataError("--val " + o.validation + ": a validation fraction lies in (0, 1), such as 0.1");
    std::vector<int64_t> index(size_t(train.count));
    std::iota(index.begin(), index.end(), 0);
    Rng rng(seed ^ 0x1b873593ull);
    rng.shuffle(index);
    const int64_t held = std::max<int64_t>(1, int64_t(fraction * double(train.count)));
    if (held >= train.count) throw DataError("--val " + o.validation + " leaves no training data of " + train.source);
    std::vector<int64_t> val_index(index.end() - held, index.end()), train_index(index.begin(), index.end() - held);
    std::sort(val_index.begin(), val_index.end());
    std::sort(train_index.begin(), train_index.end());
    validation = subset(train, val_index, " (validation " + o.validation + ")");
    train = subset(train, train_index, " (training " + std::to_string(train_index.size()) + ")");
  } else {
    if (has_test_split(o.validation))
      throw DataError("--val " + o.validation + ": a data set with a test split would validate on its test set; "
                      "give a fraction of the training data (0.1) or a file of its own");
    validation = filtered(info, load_source(info, o.validation, "test"), o);
  }
  return {std::move(train), std::move(validation)};
}

// NAME=VALUE, for --set and --grid.
std::pair<std::string, std::string> split_assignment(const std::string& text, const std::string& flag) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw DataError(flag + " '" + text + "': write NAME=VALUE, such as lr=0.01");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

double parse_number(const std::string& text, const std::string& what) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v))
    throw DataError(what + ": '" + text + "' is not a number");
  return v;
}

// Sets a run-time setting or batch/epochs by name; an unknown name lists the known ones.
void set_option(TrainOptions& to, const std::string& name, double value, const std::string& flag) {
  if (name == "batch" || name == "epochs") {
    if (value < 1 || value != std::floor(value)) throw DataError(flag + " " + name + " takes positive integers");
    (name == "batch" ? to.batch : to.epochs) = int64_t(value);
    return;
  }
  if (!to.settings.count(name)) {
    std::vector<std::string> names{"batch", "epochs"};
    for (const auto& [known, v] : to.settings) names.push_back(known);
    throw DataError(flag + ": unknown hyperparameter '" + name + "'; this model's are " + join(names));
  }
  if (value < 0) throw DataError(flag + " " + name + " must not be negative");
  const ModelInfo& info = *nnc_model_info();
  for (int i = 0; i < info.num_settings; ++i) {
    const SettingInfo& s = info.settings[i];
    if (name != s.name || (value < s.max && value >= s.min) || (!s.max_excluded && value == s.max)) continue;
    std::ostringstream range;  // the optimizer table's range of the setting
    range << "[" << s.min << ", " << s.max << (s.max_excluded ? ")" : "]");
    throw DataError(flag + " " + name + " must lie in " + range.str());
  }
  to.settings[name] = value;
}

void print_init_report(const ModelInfo& info, const std::string& path, const InitReport& r) {
  std::fprintf(stderr, "%s: --init %s: loaded %s\n", info.name, path.c_str(), r.loaded.empty() ? "nothing" : join(r.loaded).c_str());
  if (!r.not_in_file.empty())
    std::fprintf(stderr, "%s: --init: not in the file (initialised as usual): %s\n", info.name, join(r.not_in_file).c_str());
  if (!r.other_shape.empty())
    std::fprintf(stderr, "%s: --init: other shape in the file (initialised as usual): %s\n", info.name,
                 join(r.other_shape, "; ").c_str());
}

// `tune`: every combination of the grids' values, each from the same start
// (restart: the initial weights), scored by its best validation loss; prints
// the ranked table and keeps the best combination's weights in to.save.
int grid_search(Engine& engine, const TrainOptions& to, const std::vector<std::string>& grids, const Dataset& train_set,
                const Dataset& validation, const std::function<void()>& restart) {
  const ModelInfo& info = engine.info();
  std::vector<std::pair<std::string, std::vector<double>>> axes;
  for (const std::string& g : grids) {
    auto [name, values] = split_assignment(g, "--grid");
    std::vector<double> numbers;
    std::stringstream list(values);
    for (std::string v; std::getline(list, v, ',');) numbers.push_back(parse_number(v, "--grid " + name));
    TrainOptions check = to;
    for (double v : numbers) set_option(check, name, v, "--grid");
    axes.push_back({name, numbers});
  }
  struct Trial {
    std::vector<double> values;
    double val_loss, val_accuracy;
    int64_t best_epoch;
  };
  std::vector<Trial> trials;
  size_t combinations = 1;
  for (const auto& axis : axes) combinations *= axis.second.size();
  double best = INFINITY;
  const std::string weights_out = to.save, trial_weights = to.save + ".trial";
  for (size_t c = 0; c < combinations; ++c) {
    TrainOptions run = to;
    run.quiet = true, run.checkpoint.clear(), run.log.clear(), run.plot.clear();
    run.save = trial_weights;  // the trial's best epoch
    Trial trial;
    size_t rest = c;
    std::string label;
    for (const auto& [name, values] : axes) {
      double v = values[rest % values.size()];
      rest /= values.size();
      set_option(run, name, v, "--grid");
      trial.values.push_back(v);
      std::ostringstream text;
      text << name << "=" << v;
      label += (label.empty() ? "" : " ") + text.str();
    }
    restart();
    std::fprintf(stderr, "%s: tune %zu/%zu: %s ...", info.name, c + 1, combinations, label.c_str());
    std::fflush(stderr);
    TrainResult r;
    try {
      r = engine.train(train_set, &validation, nullptr, run);
    } catch (const TrainingDiverged&) {  // a divergent combination scores infinity
      r.best_val_loss = INFINITY;
    }
    trial.val_loss = r.best_val_loss, trial.val_accuracy = r.best_val_accuracy, trial.best_epoch = r.best_epoch;
    std::fprintf(stderr, " val_loss %s\n", table_number(trial.val_loss).c_str());
    trials.push_back(trial);
    if (r.best_val_loss < best) {
      best = r.best_val_loss;
      if (std::rename(trial_weights.c_str(), weights_out.c_str()) != 0)
        throw DataError(weights_out + ": cannot save the best weights: " + std::strerror(errno));
    }
    if (r.interrupted) break;
  }
  std::remove(trial_weights.c_str());
  std::stable_sort(trials.begin(), trials.end(), [](const Trial& a, const Trial& b) { return a.val_loss < b.val_loss; });
  std::printf("rank");
  for (const auto& axis : axes) std::printf("  %12s", axis.first.c_str());
  std::printf("  %12s  %12s  %10s\n", "val_loss", "val_acc", "best_epoch");
  for (size_t k = 0; k < trials.size(); ++k) {
    std::printf("%4zu", k + 1);
    for (double v : trials[k].values) std::printf("  %12g", v);
    std::printf("  %12s  %12s  %10lld\n", table_number(trials[k].val_loss).c_str(),
                trials[k].val_accuracy >= 0 ? table_number(trials[k].val_accuracy).c_str() : "-",
                (long long)trials[k].best_epoch);
  }
  std::fprintf(stderr, "%s: the best combination's weights saved to %s\n", info.name, weights_out.c_str());
  return 0;
}

int run(const ModelInfo& info, int argc, char** argv) {
  const TrainDefaults& d = info.defaults;
  CLI::App app{std::string("model ") + info.name + " (compiled by nnc from " + info.source_file + ")"};
  app.require_subcommand(1);
  app.fallthrough();  // --threads may follow the subcommand
  int threads = 0;
  app.add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::PositiveNumber);

  Engine engine(info);
  TrainOptions to;
  to.epochs = d.epochs, to.batch = d.batch, to.shuffle = d.shuffle, to.seed = d.seed;
  to.settings = engine.default_settings();
  to.schedule = d.schedule, to.schedule_every = d.schedule_every, to.schedule_gamma = d.schedule_gamma;
  to.early_stop = d.early_stop;
  for (int k = 0; k < d.num_augment; ++k) to.augment.push_back({d.augment[k].name, d.augment[k].strength});
  to.save = default_weights(info);
  to.checkpoint = std::string(info.name) + ".checkpoint.safetensors";
  std::string data = d.data, test = d.test_data, init;
  std::vector<std::string> sets, freeze, grids;
  std::optional<double> lr, momentum;
  bool no_shuffle = false;
  DataOptions data_options;
  data_options.validation = d.validation;

  // Options train and tune share.
  auto add_training_options = [&](CLI::App* cmd) {
    cmd->add_option("--data", data, "training data: builtin.NAME, fashion_mnist, an IDX directory or a CSV file");
    cmd->add_option("--val", data_options.validation,
                    "validation data: a fraction of the training data held out (0.1) or a data source");
    cmd->add_option("--epochs", to.epochs)->check(CLI::PositiveNumber);
    cmd->add_option("--batch", to.batch)->check(CLI::PositiveNumber);
    cmd->add_option("--lr", lr, "learning rate");
    cmd->add_option("--momentum", momentum, "sgd's momentum");
    cmd->add_option("--set", sets, "any run-time setting: --set beta2=0.99 (see `info`)");
    cmd->add_option("--seed", to.seed, "seed of the initial weights, the data order and the validation split");
    cmd->add_flag("--no-shuffle", no_shuffle, "keep the data in file order");
    cmd->add_option("--save", to.save, "weights file: written after every epoch, or at each better validation loss");
    cmd->add_option("--init", init, "start from the weights of FILE whose names and shapes match (fine-tuning)");
    cmd->add_option("--freeze", freeze, "layers (or parameters) to leave unchanged: --freeze conv0 dense0");
    cmd->add_option("--early-stop", to.early_stop, "stop after N epochs without a better validation loss")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--classes", data_options.classes, "use only these classes: 0-4, or 1,3,5");
    cmd->add_option("--limit", data_options.limit, "use only the first N samples")->check(CLI::PositiveNumber);
    cmd->add_flag("--random-labels", data_options.random_labels, "replace the training labels by random ones (memorisation)");
  };
  CLI::App* train = app.add_subcommand("train", "train the model and save its weights");
  add_training_options(train);
  train->add_option("--test", test, "data evaluated after every epoch (default: the data set's test split)");
  train->add_option("--checkpoint", to.checkpoint, "checkpoint written after every epoch and on Ctrl-C");
  train->add_option("--resume", to.resume, "continue exactly from a checkpoint");
  train->add_option("--log", to.log, "write one JSON line per epoch to FILE");
  train->add_option("--plot", to.plot, "draw the loss and accuracy curves into FILE.svg");
  train->add_flag("--trace", to.trace, "print every example: input, weights, output, target (batch 1)");

  CLI::App* tune = app.add_subcommand("tune", "grid search: train each combination, score it on the validation data");
  add_training_options(tune);
  tune->add_option("--grid", grids, "NAME=V1,V2,...: a setting (or batch, epochs) and the values to try")->required();

  std::string weights, plot;
  bool json = false, per_class = false;
  std::string eval_data = d.test_data[0] ? d.test_data : d.data;
  DataOptions eval_options;
  CLI::App* eval = app.add_subcommand("eval", "evaluate saved weights on a data set");
  eval->add_option("--data", eval_data, "data to evaluate on (default: the test split of the model's data)");
  eval->add_option("--weights", weights, "weights file (default: MODEL.safetensors)");
  eval->add_flag("--json", json, "print one JSON object");
  eval->add_flag("--per-class", per_class, "the confusion matrix and, per class, PPV, TPR, FPR and error rate");
  eval->add_option("--plot", plot, "draw the confusion matrix into FILE.svg");
  eval->add_option("--classes", eval_options.classes, "use only these classes: 0-4, or 1,3,5");
  eval->add_option("--limit", eval_options.limit, "use only the first N samples")->check(CLI::PositiveNumber);

  std::vector<std::string> inputs;
  CLI::App* predict = app.add_subcommand("predict", "print the model's output for inputs");
  predict->add_option("--weights", weights, "weights file (default: MODEL.safetensors)");
  predict->add_option("inputs", inputs, "the input's values, or CSV files with one input per row")->required();

  app.add_subcommand("info", "print the architecture, shapes, settings and parameter count");

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
  if (app.got_subcommand("info")) return cmd_info(info);

  if (app.got_subcommand(train) || app.got_subcommand(tune)) {
    if (lr) set_option(to, "lr", *lr, "--lr");
    if (momentum) set_option(to, "momentum", *momentum, "--momentum");
    for (const std::string& s : sets) {
      auto [name, value] = split_assignment(s, "--set");
      set_option(to, name, parse_number(value, "--set " + name), "--set");
    }
    to.frozen.assign(size_t(info.num_params), false);
    for (int i = 0; i < info.num_params; ++i) to.frozen[size_t(i)] = info.params[i].frozen;
    for (const std::string& name : freeze)
      for (int i : engine.params_named(name)) to.frozen[size_t(i)] = true;
    if (data.empty()) throw DataError("no training data: the model's train section names none; pass --data");
    if (to.trace && to.batch != 1) throw DataError("--trace shows one example at a time; use it with --batch 1");
    if (app.got_subcommand(tune) && data_options.validation.empty()) data_options.validation = "0.1";
    auto [train_set, validation] = training_data(info, data, data_options, to.seed);
    engine.check_dataset(train_set);
    if (validation) engine.check_dataset(*validation);
    // Inputs are standardised with statistics of the training data alone.
    auto prepare = [&](uint64_t seed) {
      engine.init_params(seed);
      engine.clear_standardizer();
      if (!init.empty()) print_init_report(info, init, engine.init_from(init));
      if (d.standardize && !engine.has_standardizer()) engine.fit_standardizer(train_set);
    };

    if (app.got_subcommand(train)) {
      std::optional<Dataset> test_set;
      if (!test.empty()) test_set = filtered(info, load_source(info, test, "test"), data_options);
      else if (has_test_split(data)) test_set = filtered(info, load_source(info, data, "test"), data_options);
      if (test_set) engine.check_dataset(*test_set);
      prepare(to.seed);
      if (validation) engine.standardize(*validation);
      if (test_set) engine.standardize(*test_set);
      TrainResult r = engine.train(train_set, validation ? &*validation : nullptr, test_set ? &*test_set : nullptr, to);
      if (r.interrupted) {
        const std::string where = r.interrupted_sample > 0
            ? "in epoch " + std::to_string(r.interrupted_epoch) + " after sample " + std::to_string(r.interrupted_sample)
            : "after epoch " + std::to_string(r.interrupted_epoch);
        if (to.checkpoint.empty())
          std::fprintf(stderr, "%s: interrupted %s; no checkpoint (--checkpoint \"\")\n", info.name, where.c_str());
        else
          std::fprintf(stderr, "%s: interrupted %s; checkpoint saved to %s: continue with --resume %s\n", info.name,
                       where.c_str(), to.checkpoint.c_str(), to.checkpoint.c_str());
        return 130;
      }
      std::fprintf(stderr, "%s: weights saved to %s%s\n", info.name, to.save.c_str(),
                   validation ? (" (epoch " + std::to_string(r.best_epoch) + ", the best validation loss)").c_str() : "");
      return 0;
    }

    prepare(to.seed);  // the input statistics: of the training data alone, the same for every combination
    engine.standardize(*validation);
    return grid_search(engine, to, grids, train_set, *validation, [&] { prepare(to.seed); });
  }

  if (app.got_subcommand(eval)) {
    if (eval_data.empty()) throw DataError("no data to evaluate on: pass --data");
    load_weights_or_init(engine, weights, d.seed);
    Dataset set = filtered(info, load_source(info, eval_data, "test"), eval_options);
    engine.check_dataset(set);
    engine.standardize(set);
    const bool confusion_needed = per_class || !plot.empty();
    if (confusion_needed && info.classes <= 0)
      throw DataError("--per-class and --plot need a model with class targets; model '" + std::string(info.name) +
                      "' predicts values");
    Confusion confusion(std::max<int64_t>(info.classes, 1));
    Metrics m = engine.evaluate(set, 256, confusion_needed ? &confusion : nullptr);
    if (!plot.empty()) write_file_atomically(plot, confusion_svg(std::string(info.name) + ": " + set.source, confusion));
    if (json) {
      std::printf("{\"loss\": %.8g, \"samples\": %lld", m.loss, (long long)m.samples);
      if (m.accuracy >= 0) std::printf(", \"accuracy\": %.8g", m.accuracy);
      if (per_class) std::printf(", \"per_class\": %s", confusion.json().c_str());
      std::printf("}\n");
    } else {
      std::printf("loss %.6f", m.loss);
      if (m.accuracy >= 0) std::printf("  accuracy %.4f", m.accuracy);
      std::printf("  (%lld samples of %s)\n", (long long)m.samples, set.source.c_str());
      if (per_class) std::printf("\n%s", confusion.table().c_str());
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
