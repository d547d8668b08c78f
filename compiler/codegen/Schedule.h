// Scheduling: how each lowered Func is computed, by the policy its op table
// row names (ir::Schedule).
//
// Steps:
//  1. Decide which nodes are materialised (computed into a buffer): pipeline
//     outputs, reductions, values used twice, and operands of ops that read
//     them many times (matrix products, row reductions). Everything else is
//     inlined into its single consumer, so bias + activation + gradient masks
//     cost no memory traffic.
//  2. A materialised 2-D value f(j, i) is computed in register tiles: j (the
//     contiguous features) split into vectors of the machine's width, i (the
//     batch, or the rows of a weight gradient) unrolled, tiles in parallel
//     over i. A matrix product inlined into it keeps its running sums in that
//     tile (its accumulator is computed at the tile), so the product, the bias
//     and the activation are one loop nest with one store.
//  3. Other shapes: vectorize the innermost dimension, parallel outermost.
// Every decision is written to `log` (nnc --emit=schedule) with its reason.
#pragma once
#include <Halide.h>

#include <map>
#include <ostream>
#include <set>

#include "compiler/ir/OpTable.h"
#include "compiler/ir/Program.h"

namespace nnc::codegen {

void schedule_pipeline(const ir::Program& program, const std::vector<int>& nodes, const std::set<int>& outputs,
                       std::map<int, ir::Lowered>& funcs, const std::map<int, std::vector<Halide::Var>>& vars,
                       const Halide::Target& target, std::ostream* log);

}  // namespace nnc::codegen
