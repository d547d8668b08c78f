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
// The program is the model's library with this command line: nnc writes a
// main() that calls run_command_line with the model's ModelInfo.
//
// Defaults come from the .nn file's train section; flags override them.
// A failure prints one line, `MODEL: error: what, where, what to do`, and
// exits with status 1; files already saved are never left half-written.
// Ctrl-C during training saves a checkpoint and exits with status 130.
#include "runtime/command_line.h"

#include <CLI/CLI.hpp>
#include <HalideRuntime.h>
#include <malloc.h>

#include <csignal>
#include <cstdio>

#include "runtime/commands.h"
#include "runtime/devices.h"
#include "runtime/setting_flags.h"

namespace nnc::rt {
namespace {

int run(const ModelInfo& info, int argc, char** argv) {
  CLI::App app{std::string("model ") + info.name + " (compiled by nnc from " + info.source_file + ")"};
  app.require_subcommand(1);
  app.fallthrough();  // --threads may follow the subcommand
  int threads = 0;
  app.add_option("--threads", threads, "worker threads (default: all cores)")->check(positive_flag());
  std::string device;
  app.add_option("--device", device,
                 std::string("where to run: cpu") + (*info.gpu ? std::string(" or ") + info.gpu : "") +
                     " (default: the GPU the program was compiled for when its driver finds one, else cpu)")
      ->check(CLI::IsMember({"cpu", "cuda", "opencl"}));

  Engine engine(info);
  TrainCommand train;
  TuneCommand tune;
  EvalCommand eval;
  PredictCommand predict;
  ReconstructCommand reconstruct;
  BenchCommand bench;
  CLI::App* train_cmd = add_train_command(app, engine, train);
  CLI::App* tune_cmd = add_tune_command(app, engine, tune);
  CLI::App* eval_cmd = add_eval_command(app, info, eval);
  CLI::App* predict_cmd = add_predict_command(app, predict);
  CLI::App* reconstruct_cmd = add_reconstruct_command(app, info, reconstruct);
  CLI::App* info_cmd = add_info_command(app);
  CLI::App* bench_cmd = add_bench_command(app, bench);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // A usage error is one line like every other error, with where to look.
    std::string help = argv[0];
    for (const CLI::App* sub : app.get_subcommands()) help += " " + sub->get_name();
    std::fprintf(stderr, "%s: error: %s; see %s --help\n", info.name, e.what(), help.c_str());
    return 1;
  }
  if (threads > 0) halide_set_num_threads(threads);
  const DeviceChoice where = choose_device(info, device);
  if (where.kind == DeviceChoice::Problem::NotCompiled)
    throw DataError("--device " + device + ": this program was " + where.problem + "; compile it with nnc --gpu " +
                    device + ", or run with --device cpu");
  if (where.kind == DeviceChoice::Problem::NoDevice) throw DataError(where.problem + "; run with --device cpu");
  engine.set_device(where.device, where.description);
  if (*info.gpu && !app.got_subcommand(info_cmd))
    std::fprintf(stderr, "%s: device: %s\n", info.name, where.description.c_str());

  if (app.got_subcommand(train_cmd)) return run_train(engine, train);
  if (app.got_subcommand(tune_cmd)) return run_tune(engine, tune);
  if (app.got_subcommand(eval_cmd)) return run_eval(engine, eval);
  if (app.got_subcommand(predict_cmd)) return run_predict(engine, predict);
  if (app.got_subcommand(reconstruct_cmd)) return run_reconstruct(engine, reconstruct);
  if (app.got_subcommand(info_cmd)) return run_info(engine);
  if (app.got_subcommand(bench_cmd)) return run_bench(engine, bench, threads);
  return 1;
}

}  // namespace

int run_command_line(const ModelInfo& info, int argc, char** argv) {
  // Each pipeline call allocates its intermediate buffers (megabytes for
  // images). Served from the heap instead of fresh mmaps (and never trimmed
  // back), they are reused by the next step with no page faults. A cache of
  // our own behind halide_malloc was tried: its lock made the many small
  // per-task allocations of the MLP 23% slower. The program's choice, not
  // the library's: a library leaves its host's allocator alone.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // Past a file-size limit (ulimit -f) the kernel kills the process in the
  // middle of a save; ignored, write() fails with EFBIG instead, and the save
  // is reported and undone with the old file kept (file_io.cpp).
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return run(info, argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", info.name, e.what());
    return 1;
  }
}

}  // namespace nnc::rt
