// Dead code elimination: removes the nodes no output needs.
#pragma once
#include "compiler/ir/Program.h"

namespace nnc::passes {

// Keeps the nodes that the program's outputs (loss, output, new params, new
// states) depend on, and every role's leaf; renumbers the rest in order and
// rewrites the roles. Autodiff leaves dead nodes behind on purpose: gradient
// rules build every operand's gradient, and the input's (d loss / d x) is
// never used.
void eliminate_dead_code(ir::Program& program);

}  // namespace nnc::passes
