// nnc: compiles a .nn network into a program that trains and runs it, or a
// library with a C API for other programs.
//
//   nnc model.nn -o model            # then ./model train | eval | predict | info
//   nnc model.nn --lib -o out/model  # out/libmodel.a, libmodel.so, model.h, model.pc, ...
//   nnc --emit=ast|ir|dot|grad|schedule|halide|asm model.nn
//
// The stages, in order (each printable with --emit):
//   parse (frontend/Parser) -> ast -> semantic analysis (frontend/Sema) -> ir
//   -> autodiff + optimizer update + dead code elimination (passes/) -> grad -> lowering and
//   scheduling (codegen/Lower, Schedule) -> schedule, halide, asm
//   -> AOT compilation and linking (codegen/Emit) -> the program
#include <CLI/CLI.hpp>
#include <Halide.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "compiler/codegen/Emit.h"
#include "compiler/codegen/Lower.h"
#include "compiler/codegen/TimeReport.h"
#include "compiler/codegen/Toolchain.h"
#include "compiler/frontend/Sema.h"
#include "compiler/passes/Autodiff.h"
#include "compiler/passes/DeadCode.h"
#include "compiler/passes/Optimizer.h"
#include "runtime/printable.h"
#include "runtime/train_settings.h"

namespace fs = std::filesystem;

namespace {

int fail(const std::string& message) {
  std::cerr << "nnc: error: " << nnc::printable(message, std::string::npos) << "\n";
  return 1;
}

// What the command line asks for beyond the file and its modules.
struct Request {
  std::string emit = "program";  // or a stage to print
  std::string output;
  std::string target = "host";
  std::string gpu;  // "", cuda or opencl: every pipeline also for that GPU
  bool library = false, inference_only = false, keep_temps = false;
  bool autoschedule = false;  // also Halide's autoscheduler's pipelines, for the train batch
  bool time_report = false;
};


int compile(const std::string& file, const nnc::SemaOptions& options, const Request& r) {
  const std::string& emit = r.emit;
  nnc::Diagnostics diags;
  auto report = [&] {
    diags.print(std::cerr);
    return 1;
  };
  std::optional<nnc::codegen::Phase> front_end(std::in_place, "front end: parse, check, build the IR");
  auto modules = nnc::load_modules(file, options, diags);
  if (!modules) return report();
  if (emit == "ast") {
    nnc::ast::print(std::cout, modules->front());
    return 0;
  }
  auto program = nnc::analyze(*modules, options, diags);
  if (!program) return report();
  if (!diags.empty()) {  // warnings: shown, and the compile goes on
    diags.print(std::cerr);
    diags.clear();
  }
  if (std::string problem = nnc::ir::verify(*program); !problem.empty()) return fail("invalid IR: " + problem);
  front_end.reset();
  if (emit == "ir") {
    nnc::ir::print(std::cout, *program);
    return 0;
  }
  if (emit == "dot") {
    nnc::ir::print_dot(std::cout, *program);
    return 0;
  }
  try {
    nnc::codegen::Phase phase("autodiff, optimizer, dead code");
    nnc::passes::differentiate(*program);
    nnc::passes::add_optimizer_update(*program);
    nnc::passes::eliminate_dead_code(*program);
  } catch (const nnc::SourceError& e) {
    diags.error(e.loc, e.what());
    return report();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (std::string problem = nnc::ir::verify(*program); !problem.empty()) return fail("invalid IR after autodiff: " + problem);
  if (emit == "grad") {
    nnc::ir::print(std::cout, *program);
    return 0;
  }

  Halide::Target target;
  try {
    target = r.target == "host" ? Halide::get_host_target() : Halide::Target(r.target);
  } catch (const Halide::Error& e) {
    return fail("unknown target '" + r.target + "'; use host or a Halide target such as x86-64-linux-avx2");
  }
  // --target is the CPU's code; a GPU feature there would compile CPU
  // schedules for it and run them on the CPU, silently.
  if (target.has_gpu_feature())
    return fail("--target " + r.target + " names a GPU; --target is for the CPU's code: add the GPU with --gpu " +
                (target.has_feature(Halide::Target::OpenCL) ? "opencl" : "cuda"));
  char temp_template[] = "/tmp/nnc-XXXXXX";
  const char* temp = mkdtemp(temp_template);
  if (!temp) return fail("cannot create a temporary directory in /tmp");
  std::string work_dir = temp;
  int status = 0;
  try {
    std::ostringstream schedule_log;
    const std::map<std::string, std::string>& settings = program->train.settings;
    const int64_t train_batch = nnc::rt::train_settings_with({settings.begin(), settings.end()}).batch;
    const nnc::codegen::LowerOptions lower{r.inference_only, r.autoschedule ? train_batch : 0};
    std::optional<nnc::codegen::Phase> scheduling(std::in_place, "IR to Halide, scheduled");
    auto pipelines = nnc::codegen::lower_program(*program, target, &schedule_log, lower);
    if (!r.gpu.empty())  // the same pipelines again, scheduled for the GPU
      for (auto& pl : nnc::codegen::lower_program(*program, nnc::codegen::gpu_target(target, r.gpu), &schedule_log, lower))
        pipelines.push_back(std::move(pl));
    scheduling.reset();
    if (emit == "schedule") {
      std::cout << schedule_log.str();
    } else if (emit == "halide" || emit == "asm") {
      std::cout << nnc::codegen::pipeline_text(pipelines, emit == "asm", work_dir);
    } else if (emit == "ptx") {
      if (r.gpu != "cuda") return fail("--emit=ptx prints the CUDA kernels: add --gpu cuda");
      std::cout << nnc::codegen::ptx_text(pipelines, work_dir);
    } else if (r.library) {
      nnc::codegen::emit_library(*program, pipelines, {r.output, work_dir, target, r.inference_only});
    } else {
      nnc::codegen::emit_program(*program, pipelines, {r.output, work_dir, target, r.inference_only});
    }
  } catch (const Halide::Error& e) {
    status = fail(std::string("Halide: ") + e.what());
  } catch (const std::exception& e) {
    status = fail(e.what());
  }
  nnc::codegen::print_time_report(std::cerr);
  if (r.keep_temps) std::cerr << "nnc: intermediate files kept in " << work_dir << "\n";
  else fs::remove_all(work_dir);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nnc: compiles a .nn network into a standalone program that trains and runs it"};
  std::string file, model_name;
  Request r;
  std::vector<std::string> include_dirs;
  app.add_option("file", file, "the .nn file");
  app.add_option("-o,--output", r.output,
                 "the program to write, or with --lib DIR/NAME (default: the file's name without .nn)");
  app.add_flag("--lib", r.library,
               "write a library instead: DIR/libNAME.a, libNAME.so, NAME.h (its C API, every function NAME_...), "
               "NAME.pc, NAME-shared.pc, NAME-config.cmake");
  app.add_flag("--inference-only", r.inference_only, "leave out training: predict and evaluate only, a smaller library");
  app.add_option("--emit", r.emit, "print a stage instead of writing a program")
      ->check(CLI::IsMember({"program", "ast", "ir", "dot", "grad", "schedule", "halide", "asm", "ptx"}));
  app.add_option("--gpu", r.gpu,
                 "also compile every pipeline for this GPU API, chosen at run time with --device: cuda (NVIDIA), or "
                 "opencl")
      ->check(CLI::IsMember({"cuda", "opencl"}));
  app.add_flag("--autoschedule", r.autoschedule,
               "also compile predict (batch 1), evaluate and train_step (the train batch) for those batch sizes "
               "with Halide's Adams2019 autoscheduler, to compare with nnc's schedules; the program calls them there "
               "and nnc's schedules for other sizes (CPU pipelines only)");
  app.add_option("-I,--include", include_dirs, "a directory to search for imported modules (after the stdlib)");
  app.add_option("--model", model_name, "the model to compile when the file has several");
  app.add_option("--target", r.target, "Halide target: host (this CPU) or e.g. x86-64-linux-avx2");
  app.add_flag("--time-report", r.time_report, "print the wall time of each phase of the compilation to stderr");
  app.add_flag("--keep-temps", r.keep_temps, "keep the intermediate files (pipelines, NAME_model.cpp)");
  bool print_toolchain = false;
  app.add_flag("--toolchain", print_toolchain, "print where nnc finds its compiler, runtime, headers and stdlib, and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (print_toolchain) {
    const nnc::codegen::Toolchain& t = nnc::codegen::toolchain();
    std::cout << "c++: " << t.cxx << "\nruntime: " << t.runtime_dir << "\ninclude: " << t.include_dir
              << "\nstdlib: " << t.stdlib_dir << "\n";
    return 0;
  }
  if (file.empty()) return fail("no .nn file given; usage: nnc MODEL.nn [-o OUTPUT] (nnc --help lists the options)");
  if (r.output.empty()) r.output = fs::path(file).stem().string();
  if (r.library) {
    // The name prefixes every function of the C API: it must be a C identifier.
    const std::string name = fs::path(r.output).filename().string();
    const bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                            std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!identifier)
      return fail("--lib -o " + r.output + ": the library's name '" + name +
                  "' prefixes its C functions, so it must be a C identifier (letters, digits and _, not first a "
                  "digit); e.g. -o " + (fs::path(r.output).parent_path() / "my_model").string());
  }
  if (r.time_report) nnc::codegen::enable_time_report();
  nnc::SemaOptions options;
  options.search_path.push_back(nnc::codegen::default_stdlib_dir());
  for (const std::string& dir : include_dirs) options.search_path.push_back(dir);
  options.model_name = model_name;
  try {
    return compile(file, options, r);
  } catch (const std::exception& e) {
    // A bug in nnc, not in the user's file: still one line and a status.
    return fail(std::string("internal error: ") + e.what() + " (please report it with the .nn file)");
  }
}
