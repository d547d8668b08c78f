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

#include <cstdio>

#include "runtime/commands.h"

namespace nnc::rt {
namespace {

int run(const ModelInfo& info, int argc, char** argv) {
  CLI::App app{std::string("model ") + info.name + " (compiled by nnc from " + info.source_file + ")"};
  app.require_subcommand(1);
  app.fallthrough();  // --threads may follow the subcommand
  int threads = 0;
  app.add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::PositiveNumber);

  Engine engine(info);
  TrainCommand train;
  TuneCommand tune;
  EvalCommand eval;
  PredictCommand predict;
  BenchCommand bench;
  CLI::App* train_cmd = add_train_command(app, engine, train);
  CLI::App* tune_cmd = add_tune_command(app, engine, tune);
  CLI::App* eval_cmd = add_eval_command(app, info, eval);
  CLI::App* predict_cmd = add_predict_command(app, predict);
  CLI::App* info_cmd = add_info_command(app);
  CLI::App* bench_cmd = add_bench_command(app, bench);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (threads > 0) halide_set_num_threads(threads);

  if (app.got_subcommand(train_cmd)) return run_train(engine, train);
  if (app.got_subcommand(tune_cmd)) return run_tune(engine, tune);
  if (app.got_subcommand(eval_cmd)) return run_eval(engine, eval);
  if (app.got_subcommand(predict_cmd)) return run_predict(engine, predict);
  if (app.got_subcommand(info_cmd)) return run_info(engine);
  if (app.got_subcommand(bench_cmd)) return run_bench(engine, bench, threads);
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
