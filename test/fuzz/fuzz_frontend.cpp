// The front end: any bytes as a .nn file, through parsing, semantic
// analysis, IR building and verification, autodiff, the optimizer update
// and dead-code elimination: everything nnc does before Halide. Each input
// ends in a valid program or in diagnostics; never in an exception other
// than a SourceError, an invalid IR, a failure without a message, or a
// message with a raw control byte.
#include <cstdint>
#include <sstream>

#include "compiler/frontend/Sema.h"
#include "compiler/ir/Program.h"
#include "compiler/passes/Autodiff.h"
#include "compiler/passes/DeadCode.h"
#include "compiler/passes/Optimizer.h"
#include "test/fuzz/fuzz_support.h"

using namespace nnc;

namespace {

void compile_front(const std::string& path, Diagnostics& diags) {
  SemaOptions options;
  options.search_path.push_back(NNC_STDLIB_DIR);  // stdlib imports resolve as in nnc
  auto modules = load_modules(path, options, diags);
  if (!modules) return;
  auto program = analyze(*modules, options, diags);
  if (!program) return;
  if (diags.has_errors()) fuzz::bug("analyze returned a program and errors");
  if (std::string problem = ir::verify(*program); !problem.empty()) fuzz::bug("invalid IR: " + problem);
  try {
    passes::differentiate(*program);
    passes::add_optimizer_update(*program);
    passes::eliminate_dead_code(*program);
  } catch (const SourceError& e) {
    diags.error(e.loc, e.what());
    return;
  }
  if (std::string problem = ir::verify(*program); !problem.empty()) fuzz::bug("invalid IR after autodiff: " + problem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("m.nn", {reinterpret_cast<const char*>(data), size});
  Diagnostics diags;
  try {
    compile_front(path, diags);
  } catch (const std::exception& e) {
    fuzz::bug(std::string("an exception escaped the front end: ") + e.what());
  }
  std::ostringstream out;
  diags.print(out);
  const std::string text = out.str();
  if (diags.has_errors() && text.find(": error: ") == std::string::npos) fuzz::bug("an error without a message");
  if (!fuzz::printable_text(text, "\n\t")) fuzz::bug("diagnostics with raw control bytes:\n" + text);
  return 0;
}
