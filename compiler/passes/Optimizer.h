// The optimizer update: appends to the graph the ops that compute every
// param's next value from its gradient, so one train step is one pipeline.
#pragma once
#include "compiler/ir/Program.h"

namespace nnc::passes {

// SGD with momentum (PyTorch's convention, the course's "inertia"):
//   v' = momentum * v + g        p' = p - lr * v'
// With momentum 0 this is plain SGD, p' = p - lr * g, exactly. lr and momentum
// are run-time scalars (Hyper nodes), so changing them needs no recompilation.
// Fills program.states, new_params, new_states and hypers. Requires grads.
void add_optimizer_update(ir::Program& program);

}  // namespace nnc::passes
