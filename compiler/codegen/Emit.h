// Emission: Halide pipelines -> a linked executable (or the text of a stage).
//
// Steps for a program:
//  1. AOT-compile each pipeline to a static library without the Halide
//     runtime, and the runtime once on its own (one copy per program).
//  2. Write model_info.cpp: the model's ModelInfo (runtime/model.h) - shapes,
//     parameters with their initialisers, train defaults, and each pipeline's
//     argv entry point with the role of every argument.
//  3. Link model_info.cpp, the pipelines and the Halide runtime with the nnc
//     runtime library into one executable.
#pragma once
#include <Halide.h>

#include <string>
#include <vector>

#include "compiler/codegen/Lower.h"
#include "compiler/ir/Program.h"

namespace nnc::codegen {

struct EmitOptions {
  std::string output;      // the executable to write
  std::string work_dir;    // where intermediate files go (kept for inspection)
  Halide::Target target;
};

// Throws std::runtime_error with a one-line message on failure.
void emit_program(const ir::Program& program, const std::vector<PipelineIR>& pipelines, const EmitOptions& options);

// `--emit=halide` (lowered statements) and `--emit=asm`: the text of every pipeline.
std::string pipeline_text(const std::vector<PipelineIR>& pipelines, const Halide::Target& target, bool assembly,
                          const std::string& work_dir);

// Where `import` finds the standard library's modules (set at build time,
// overridable with the environment variable NNC_STDLIB_DIR).
std::string default_stdlib_dir();

}  // namespace nnc::codegen
