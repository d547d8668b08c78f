// Scheduling: how each lowered Func is computed, by the policy its op table
// row names (ir::Schedule) and the target's policy for that kind.
//
// Steps:
//  1. Decide which nodes are materialised (computed into a buffer): pipeline
//     outputs, reductions, values used twice, and operands of ops that read
//     them many times (matrix products, row reductions). Everything else is
//     inlined into its single consumer, so bias + activation + gradient masks
//     cost no memory traffic. This choice is the same for every target.
//  2. The target's policy places each materialised value. On a CPU, a 2-D
//     value f(j, i) is computed in register tiles: j (the contiguous
//     features) split into vectors of the machine's width, i (the batch, or
//     the rows of a weight gradient) unrolled, tiles in parallel over i. A
//     matrix product inlined into it keeps its running sums in that tile (its
//     accumulator is computed at the tile), so the product, the bias and the
//     activation are one loop nest with one store. Images: rows of vectors x
//     a few channels; other shapes: vectorized innermost, parallel outermost.
//     Tiles hold as many accumulators as half the ISA's vector registers
//     (16 with AVX-512, 8 with AVX2), so no ISA's tiles spill.
//  3. The policy places the helper Funcs the lowering rules returned
//     (ir::Helper: padded images, row statistics, sums), each by the
//     placement the rule asked for.
// Every decision is written to `log` (nnc --emit=schedule) with its reason.
// Lowering rules schedule nothing themselves; the one place a target picks
// its policy is policy_for() in Schedule.cpp (a GPU target adds its own, and
// a pipeline whose speed does not matter gets plain loops).
#pragma once
#include <Halide.h>

#include <map>
#include <ostream>
#include <set>

#include "compiler/ir/OpTable.h"
#include "compiler/ir/Program.h"

namespace nnc::codegen {

// Speed: the target's tuned policy. Compile: plain loops on a CPU, for a
// pipeline that runs rarely and once, where compile time counts more.
enum class Care { Speed, Compile };

void schedule_pipeline(const ir::Program& program, const std::vector<int>& nodes, const std::set<int>& outputs,
                       std::map<int, ir::Lowered>& funcs, const std::map<int, std::vector<Halide::Var>>& vars,
                       const Halide::Target& target, Care care, std::ostream* log);

}  // namespace nnc::codegen
