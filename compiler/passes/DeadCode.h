// Dead code elimination: removes the nodes no output needs.
#pragma once
#include "compiler/ir/Program.h"

namespace nnc::passes {

// Keeps every node a role names (Program::for_each_role: the outputs, the
// leaves, the frozen params, ...) and the nodes they depend on; renumbers
// the rest in order and rewrites every role. Autodiff leaves dead nodes behind on purpose: gradient
// rules build every operand's gradient, and the input's (d loss / d x) is
// never used.
void eliminate_dead_code(ir::Program& program);

}  // namespace nnc::passes
