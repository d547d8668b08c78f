// Reverse-mode automatic differentiation over the graph IR.
#pragma once
#include "compiler/ir/Program.h"

namespace nnc::passes {

// Appends the backward graph to program.graph and fills program.grads with
// d loss / d param for every param, in program.params order.
//
// Algorithm:
//  1. Mark the nodes on a path from a param to the loss (only they need a
//     gradient; inputs and targets never get one).
//  2. Walk the graph backwards from the loss (creation order is topological).
//     The loss's gradient rule starts the chain (the seed 1 is implicit: loss
//     ops' rules produce d loss / d operand directly). Each marked node's
//     accumulated gradient is passed to its op's gradient rule, which adds the
//     ops computing its operands' gradients.
//  3. A value used several times sums the gradients from each use (an `add`).
// Throws SourceError at the op when a needed rule is missing, and at a
// parameter that does not reach the loss.
void differentiate(ir::Program& program);

}  // namespace nnc::passes
