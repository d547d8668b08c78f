// Emission: Halide pipelines -> a library, and a program made of it.
//
// build_library makes the model's static library in the work directory:
//  1. each pipeline AOT-compiled to an object without the Halide runtime
//     (its function nnc_NAME_PIPELINE), and the runtime once on its own;
//  2. NAME.h, the C API's header (runtime/c_api/model.h.in), and
//     NAME_model.cpp: the model's ModelInfo (runtime/model.h: shapes,
//     parameters and initialisers, train defaults, each pipeline's entry
//     point with the role of every argument) and the C API's entry points
//     (runtime/c_api/model_api.cpp.in);
//  3. NAME_model.cpp compiled, position-independent;
//  4. libNAME.a: those objects and the runtime's core (libnnc_runtime_core.a).
// emit_program links libNAME.a with the runtime's command line
// (libnnc_runtime_cli.a) into the program; emit_library adds the shared
// library, which exports the C API alone, a pkg-config file for each, and a
// CMake package, and puts them beside the header.
#pragma once
#include <Halide.h>

#include <string>
#include <vector>

#include "compiler/codegen/Lower.h"
#include "compiler/ir/Program.h"

namespace nnc::codegen {

struct EmitOptions {
  std::string output;      // the program to write; for a library, DIR/NAME (NAME: its files and C prefix)
  std::string work_dir;    // where intermediate files go (kept for inspection)
  Halide::Target target;
  bool inference_only = false;  // the pipelines have no train_step and probe
};

// Each throws std::runtime_error with a one-line message on failure; the
// files they write replace earlier ones only once complete.
void emit_program(const ir::Program& program, const std::vector<PipelineIR>& pipelines, const EmitOptions& options);
// DIR/libNAME.a, libNAME.so, NAME.h, NAME.pc, NAME-shared.pc, NAME-config.cmake.
void emit_library(const ir::Program& program, const std::vector<PipelineIR>& pipelines, const EmitOptions& options);

// `--emit=halide` (lowered statements) and `--emit=asm`: the text of every pipeline.
std::string pipeline_text(const std::vector<PipelineIR>& pipelines, bool assembly, const std::string& work_dir);
// `--emit=ptx`: the PTX module of every pipeline compiled for CUDA (nnc --gpu cuda).
std::string ptx_text(const std::vector<PipelineIR>& pipelines, const std::string& work_dir);

// Where `import` finds the standard library's modules (Toolchain.h).
std::string default_stdlib_dir();

}  // namespace nnc::codegen
