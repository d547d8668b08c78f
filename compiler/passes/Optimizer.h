// The optimizer update: appends to the graph the ops that compute every
// param's next value from its gradient, so one train step is one pipeline.
#pragma once
#include "compiler/ir/Program.h"

namespace nnc::passes {

// The update of each param p with gradient g, composed of elementwise ops
// (scale by a run-time scalar, add, mul, root_div) that fuse into one loop
// per param. First the penalties of weights (not biases):
//   g += l2 * p + l1 * sign(p)           (where the .nn file sets l1 or l2;
//                                         a layer's LAYER.l2 replaces l2)
//   g += weight_decay * p                (optimizers whose decay is coupled, where set)
// then the optimizer's update rule, from its row of the optimizer table
// (passes/Optimizers.h), which also lists the rules. First fills in, in
// program.train.hypers, the optimizer's default for every setting the .nn
// file left out. Fills program.states, state_params, new_params, new_states
// and hypers. Requires grads.
void add_optimizer_update(ir::Program& program);

}  // namespace nnc::passes
