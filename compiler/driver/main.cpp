// nnc: compiles a .nn network into a program that trains and runs it.
//
//   nnc model.nn -o model            # then ./model train | eval | predict | info
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

#include <filesystem>
#include <iostream>
#include <sstream>

#include "compiler/codegen/Emit.h"
#include "compiler/codegen/Lower.h"
#include "compiler/frontend/Sema.h"
#include "compiler/passes/Autodiff.h"
#include "compiler/passes/DeadCode.h"
#include "compiler/passes/Optimizer.h"

namespace fs = std::filesystem;

namespace {

int fail(const std::string& message) {
  std::cerr << "nnc: error: " << message << "\n";
  return 1;
}

int compile(const std::string& file, const std::string& emit, const std::string& output,
            const nnc::SemaOptions& options, const std::string& target_name, bool keep_temps) {
  nnc::Diagnostics diags;
  auto report = [&] {
    diags.print(std::cerr);
    return 1;
  };
  auto modules = nnc::load_modules(file, options, diags);
  if (!modules) return report();
  if (emit == "ast") {
    nnc::ast::print(std::cout, modules->front());
    return 0;
  }
  auto program = nnc::analyze(*modules, options, diags);
  if (!program) return report();
  if (std::string problem = nnc::ir::verify(*program); !problem.empty()) return fail("invalid IR: " + problem);
  if (emit == "ir") {
    nnc::ir::print(std::cout, *program);
    return 0;
  }
  if (emit == "dot") {
    nnc::ir::print_dot(std::cout, *program);
    return 0;
  }
  try {
    nnc::passes::differentiate(*program);
    nnc::passes::add_optimizer_update(*program);
    nnc::passes::eliminate_dead_code(*program);
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
    target = target_name == "host" ? Halide::get_host_target() : Halide::Target(target_name);
  } catch (const Halide::Error& e) {
    return fail("unknown target '" + target_name + "'; use host or a Halide target such as x86-64-linux-avx2");
  }
  char temp_template[] = "/tmp/nnc-XXXXXX";
  const char* temp = mkdtemp(temp_template);
  if (!temp) return fail("cannot create a temporary directory in /tmp");
  std::string work_dir = temp;
  int status = 0;
  try {
    std::ostringstream schedule_log;
    auto pipelines = nnc::codegen::lower_program(*program, target, &schedule_log);
    if (emit == "schedule") {
      std::cout << schedule_log.str();
    } else if (emit == "halide" || emit == "asm") {
      std::cout << nnc::codegen::pipeline_text(pipelines, target, emit == "asm", work_dir);
    } else {
      nnc::codegen::emit_program(*program, pipelines, {output, work_dir, target});
    }
  } catch (const Halide::Error& e) {
    status = fail(std::string("Halide: ") + e.what());
  } catch (const std::exception& e) {
    status = fail(e.what());
  }
  if (keep_temps) std::cerr << "nnc: intermediate files kept in " << work_dir << "\n";
  else fs::remove_all(work_dir);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nnc: compiles a .nn network into a standalone program that trains and runs it"};
  std::string file, output, emit = "program", target = "host", model_name;
  std::vector<std::string> include_dirs;
  bool keep_temps = false;
  app.add_option("file", file, "the .nn file")->required();
  app.add_option("-o,--output", output, "the program to write (default: the file's name without .nn)");
  app.add_option("--emit", emit, "print a stage instead of writing a program")
      ->check(CLI::IsMember({"program", "ast", "ir", "dot", "grad", "schedule", "halide", "asm"}));
  app.add_option("-I,--include", include_dirs, "a directory to search for imported modules (after the stdlib)");
  app.add_option("--model", model_name, "the model to compile when the file has several");
  app.add_option("--target", target, "Halide target: host (this CPU) or e.g. x86-64-linux-avx2");
  app.add_flag("--keep-temps", keep_temps, "keep the intermediate files (pipelines, model_info.cpp)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (output.empty()) output = fs::path(file).stem().string();
  nnc::SemaOptions options;
  options.search_path.push_back(nnc::codegen::default_stdlib_dir());
  for (const std::string& dir : include_dirs) options.search_path.push_back(dir);
  options.model_name = model_name;
  try {
    return compile(file, emit, output, options, target, keep_temps);
  } catch (const std::exception& e) {
    // A bug in nnc, not in the user's file: still one line and a status.
    return fail(std::string("internal error: ") + e.what() + " (please report it with the .nn file)");
  }
}
