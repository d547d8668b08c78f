// The program's subcommands. Each has its options, which add_*_command
// registers as flags on the command line (their defaults from the model),
// and a run_* function that does it on the model's engine. main.cpp parses
// and dispatches.
//
//   train    train_command.cpp     eval, predict, info, bench   commands.cpp
//   tune     tune.cpp (grid search over train)
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data_sources.h"
#include "runtime/engine.h"
#include "runtime/trainer.h"

namespace CLI {
class App;
}

namespace nnc::rt {

// train, and each trial of tune.
struct TrainCommand {
  TrainOptions options;  // the model's train settings and run-time settings, then the flags
  DataOptions data;      // --classes, --limit, --random-labels
  std::optional<double> lr, momentum;
  std::vector<std::string> sets;    // --set NAME=VALUE
  std::vector<std::string> freeze;  // --freeze LAYER|PARAM
  std::string init;                 // --init FILE: start from its weights
};
CLI::App* add_train_command(CLI::App& app, const Engine& engine, TrainCommand& c);
int run_train(Engine& engine, TrainCommand& c);

struct TuneCommand {
  TrainCommand train;
  std::vector<std::string> grids;  // --grid NAME=V1,V2,...
};
CLI::App* add_tune_command(CLI::App& app, const Engine& engine, TuneCommand& c);
int run_tune(Engine& engine, TuneCommand& c);

struct EvalCommand {
  std::string data;     // default: the test split of the model's data
  std::string weights;  // default: MODEL.safetensors
  DataOptions filter;   // --classes, --limit
  bool json = false, per_class = false;
  std::string plot;     // the confusion matrix as SVG
};
CLI::App* add_eval_command(CLI::App& app, const ModelInfo& info, EvalCommand& c);
int run_eval(Engine& engine, const EvalCommand& c);

struct PredictCommand {
  std::string weights;
  std::vector<std::string> inputs;  // numbers, or CSV files of inputs
};
CLI::App* add_predict_command(CLI::App& app, PredictCommand& c);
int run_predict(Engine& engine, const PredictCommand& c);

// reconstruct: an autoencoder's first COUNT images of a data set (top row)
// and what it gives back (bottom row), as a PNG.
struct ReconstructCommand {
  std::string data;     // default: the test split of the model's data
  std::string weights;  // default: MODEL.safetensors
  int64_t count = 8;
  std::string output = "reconstruct.png";
};
CLI::App* add_reconstruct_command(CLI::App& app, const ModelInfo& info, ReconstructCommand& c);
int run_reconstruct(Engine& engine, const ReconstructCommand& c);

CLI::App* add_info_command(CLI::App& app);
int run_info(const Engine& engine);

struct BenchCommand {
  int64_t batch = 32;
  int steps = 100, repeats = 5;
};
CLI::App* add_bench_command(CLI::App& app, BenchCommand& c);
int run_bench(Engine& engine, const BenchCommand& c, int threads);

// ---- shared by train and tune (train_command.cpp) ----

// The flags both have: the train settings', --lr, --set, --init, --freeze, ...
void add_training_flags(CLI::App& cmd, const Engine& engine, TrainCommand& c, bool tune);
// After parsing: the run-time settings from --lr, --momentum and --set, the
// frozen params, and the training and validation data, checked.
std::pair<Dataset, std::optional<Dataset>> prepare_training(Engine& engine, TrainCommand& c, bool tune);
// The weights a run starts from: the initialisers (with the seed), --init's
// file, and the input statistics (the file's, or those of `train`).
void start_weights(Engine& engine, const TrainCommand& c, const Dataset& train);
// Sets a run-time setting, or batch or epochs, by name; an unknown name
// lists the known ones, a value outside the setting's range says the range (DataError).
void set_option(const ModelInfo& info, TrainOptions& to, const std::string& name, double value,
                const std::string& flag);
// NAME=VALUE, for --set and --grid.
std::pair<std::string, std::string> split_assignment(const std::string& text, const std::string& flag);
// The number a whole string spells (strtod), or nothing.
std::optional<double> number_of(const std::string& text);
// The same, finite, or a DataError: "WHAT: 'TEXT' is not a number".
double parse_number(const std::string& text, const std::string& what);
// predict's inputs: numbers, N_IN per sample, or the names of CSV files
// with one input per row; a DataError for anything else.
std::vector<float> predict_inputs(const std::vector<std::string>& words, int64_t n_in);
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

}  // namespace nnc::rt
