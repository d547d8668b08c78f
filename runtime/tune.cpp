// `tune`: a grid search over train's settings. Every combination of the
// grids' values trains from the same start and is scored by its best
// validation loss; the ranked table goes to stdout, the best combination's
// weights to --save.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <sstream>

#include "runtime/commands.h"

namespace nnc::rt {
namespace {

// A number for the tune table: 6 significant digits, "inf" for a run that diverged.
std::string table_number(double v) { return number_text(v, 6, "inf"); }

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
    for (double v : numbers) set_option(info, check, name, v, "--grid");
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
      set_option(info, run, name, v, "--grid");
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
      r = train(engine, train_set, &validation, nullptr, run);
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

}  // namespace

CLI::App* add_tune_command(CLI::App& app, const Engine& engine, TuneCommand& c) {
  CLI::App* cmd = app.add_subcommand("tune", "grid search: train each combination, score it on the validation data");
  add_training_flags(*cmd, engine, c.train, true);
  cmd->add_option("--grid", c.grids, "NAME=V1,V2,...: a setting (or batch, epochs) and the values to try")->required();
  return cmd;
}

int run_tune(Engine& engine, TuneCommand& c) {
  auto [train_set, validation] = prepare_training(engine, c.train, true);
  // The input statistics: of the training data alone, the same for every combination.
  start_weights(engine, c.train, train_set);
  engine.standardize(*validation);
  return grid_search(engine, c.train.options, c.grids, train_set, *validation,
                     [&] { start_weights(engine, c.train, train_set); });
}

}  // namespace nnc::rt
