// `train`, and what `tune` shares with it: the flags, the run-time settings
// they set, the data and the weights a run starts from.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "runtime/commands.h"
#include "runtime/file_io.h"
#include "runtime/printable.h"
#include "runtime/setting_flags.h"

namespace nnc::rt {
namespace {

void print_init_report(const ModelInfo& info, const std::string& path, const InitReport& r) {
  std::fprintf(stderr, "%s: --init %s: loaded %s\n", info.name, path.c_str(), r.loaded.empty() ? "nothing" : join(r.loaded).c_str());
  if (!r.not_in_file.empty())
    std::fprintf(stderr, "%s: --init: not in the file (initialised as usual): %s\n", info.name, join(r.not_in_file).c_str());
  if (!r.other_shape.empty())
    std::fprintf(stderr, "%s: --init: other shape in the file (initialised as usual): %s\n", info.name,
                 join(r.other_shape, "; ").c_str());
  // Fine-tuning from a model trained on unscaled inputs is legitimate, so
  // this is a warning, and the assumption is said.
  if (r.no_input_statistics)
    std::fprintf(stderr,
                 "%s: warning: --init %s has no input statistics (nnc.input_mean, nnc.input_std); the inputs are "
                 "standardised with statistics of this training data, which the loaded layers may not expect\n",
                 info.name, path.c_str());
}

}  // namespace

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : separator) + item;
  return s;
}

std::pair<std::string, std::string> split_assignment(const std::string& text, const std::string& flag) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw DataError(flag + " '" + printable(text) + "': write NAME=VALUE, such as lr=0.01");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

void set_option(const ModelInfo& info, TrainOptions& to, const std::string& name, double value,
                const std::string& flag) {
  const std::string what = flag == "--" + name ? flag : flag + " " + name;  // --lr, or --set beta2
  if (!std::isfinite(value)) throw DataError(what + " must be a finite number");
  if (name == "batch" || name == "epochs") {
    if (value < 1 || value != std::floor(value)) throw DataError(what + " takes positive integers");
    (name == "batch" ? to.batch : to.epochs) = int64_t(value);
    return;
  }
  if (!to.settings.count(name)) {
    std::vector<std::string> names{"batch", "epochs"};
    for (const auto& [known, v] : to.settings) names.push_back(known);
    throw DataError(flag + ": unknown hyperparameter '" + name + "'; this model's are " + join(names));
  }
  if (value < 0) throw DataError(what + " must not be negative");
  for (int i = 0; i < info.num_settings; ++i) {
    const SettingInfo& s = info.settings[i];
    if (name != s.name || (value < s.max && value >= s.min) || (!s.max_excluded && value == s.max)) continue;
    std::ostringstream range;  // the optimizer table's range of the setting
    range << "[" << s.min << ", " << s.max << (s.max_excluded ? ")" : "]");
    throw DataError(what + " must lie in " + range.str());
  }
  to.settings[name] = value;
}

void add_training_flags(CLI::App& cmd, const Engine& engine, TrainCommand& c, bool tune) {
  const ModelInfo& info = engine.info();
  TrainOptions& to = c.options;
  static_cast<TrainSettings&>(to) = model_train_settings(info);
  to.settings = engine.default_settings();
  for (int k = 0; k < info.num_augment; ++k) to.augment.push_back({info.augment[k].name, info.augment[k].strength});
  to.save = std::string(info.name) + ".safetensors";
  to.checkpoint = std::string(info.name) + ".checkpoint.safetensors";

  add_setting_flags(cmd, to, tune);
  cmd.add_option("--lr", c.lr, "learning rate");
  cmd.add_option("--momentum", c.momentum, "sgd's momentum");
  cmd.add_option("--set", c.sets, "any run-time setting: --set beta2=0.99 (see `info`)");
  cmd.add_option("--save", to.save, "weights file: written after every epoch, or at each better validation loss");
  cmd.add_option("--init", c.init, "start from the weights of FILE whose names and shapes match (fine-tuning)");
  cmd.add_option("--freeze", c.freeze, "layers (or parameters) to leave unchanged: --freeze conv0 dense0");
  cmd.add_option("--classes", c.data.classes, "use only these classes: 0-4, or 1,3,5");
  cmd.add_option("--limit", c.data.limit, "use only the first N samples")->check(positive_flag());
  cmd.add_flag("--random-labels", c.data.random_labels, "replace the training labels by random ones (memorisation)");
}

std::pair<Dataset, std::optional<Dataset>> prepare_training(Engine& engine, TrainCommand& c, bool tune) {
  const ModelInfo& info = engine.info();
  TrainOptions& to = c.options;
  if (c.lr) set_option(info, to, "lr", *c.lr, "--lr");
  if (c.momentum) set_option(info, to, "momentum", *c.momentum, "--momentum");
  for (const std::string& s : c.sets) {
    auto [name, value] = split_assignment(s, "--set");
    set_option(info, to, name, parse_number(value, "--set " + name), "--set");
  }
  to.frozen.assign(size_t(info.num_params), false);
  for (int i = 0; i < info.num_params; ++i) to.frozen[size_t(i)] = info.params[i].frozen;
  for (const std::string& name : c.freeze)
    for (int i : engine.params_named(name)) to.frozen[size_t(i)] = true;
  if (to.data.empty()) throw DataError("no training data: the model's train section names none; pass --data");
  if (to.trace && to.batch != 1) throw DataError("--trace shows one example at a time; use it with --batch 1");
  if (tune && to.validation.empty()) to.validation = "0.1";
  auto [train_set, validation] = training_data(info, to.data, to.validation, c.data, to.seed);
  engine.check_dataset(train_set);
  if (validation) engine.check_dataset(*validation);
  return {std::move(train_set), std::move(validation)};
}

// Inputs are standardised with statistics of the training data alone.
void start_weights(Engine& engine, const TrainCommand& c, const Dataset& train) {
  engine.init_params(c.options.seed);
  engine.clear_standardizer();
  if (!c.init.empty()) print_init_report(engine.info(), c.init, engine.init_from(c.init));
  if (c.options.standardize && !engine.has_standardizer()) engine.fit_standardizer(train);
}

CLI::App* add_train_command(CLI::App& app, const Engine& engine, TrainCommand& c) {
  CLI::App* cmd = app.add_subcommand("train", "train the model and save its weights");
  add_training_flags(*cmd, engine, c, false);
  TrainOptions& to = c.options;
  cmd->add_option("--checkpoint", to.checkpoint, "checkpoint written after every epoch and on Ctrl-C");
  cmd->add_option("--resume", to.resume, "continue exactly from a checkpoint");
  cmd->add_option("--log", to.log, "write one JSON line per epoch to FILE");
  cmd->add_option("--plot", to.plot, "draw the loss and accuracy curves into FILE.svg");
  cmd->add_flag("--trace", to.trace, "print every example: input, weights, output, target (batch 1)");
  return cmd;
}

int run_train(Engine& engine, TrainCommand& c) {
  const ModelInfo& info = engine.info();
  const TrainOptions& to = c.options;
  for (const std::string& path : {to.save, to.checkpoint})  // before the data is read
    if (!path.empty()) check_can_save(path);
  auto [train_set, validation] = prepare_training(engine, c, false);
  std::optional<Dataset> test_set;
  if (!to.test.empty()) test_set = filtered(info, load_source(info, to.test, "test"), c.data);
  else if (has_test_split(to.data)) test_set = filtered(info, load_source(info, to.data, "test"), c.data);
  if (test_set) engine.check_dataset(*test_set);
  start_weights(engine, c, train_set);
  if (validation) engine.standardize(*validation);
  if (test_set) engine.standardize(*test_set);
  TrainResult r = train(engine, train_set, validation ? &*validation : nullptr, test_set ? &*test_set : nullptr, to);
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

}  // namespace nnc::rt
