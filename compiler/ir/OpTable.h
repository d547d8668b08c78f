// The op table: for every IR operation, in one row, everything the compiler
// knows about it.
//
//   shape     its shape rule: operand types -> result type (throws ShapeError)
//   gradient  its vector-Jacobian product: given the gradient of the loss with
//             respect to the op's result, the gradient with respect to each
//             operand, built from other ops (-1: none flows there)
//   lower     its Halide definition
//   schedule  how its Halide Func is scheduled (a policy of codegen/Schedule.cpp)
//
// To add an op: a line in Ops.def and a row in OpTable.cpp, and a forward and
// finite-difference gradient test in test/unit/test_ops.cpp.
#pragma once
#include <Halide.h>

#include <vector>

#include "compiler/ir/IR.h"

namespace nnc::ir {

// How a node's Func is scheduled; codegen/Schedule.cpp implements each once.
enum class Schedule {
  Leaf,         // an input buffer or scalar parameter of the pipeline
  Elementwise,  // inlined into its consumer unless it must be materialised
  Gemm,         // a matrix product: its accumulator lives in the register tile
                //   of the materialised Func that consumes it (bias and
                //   activation fuse into the product's epilogue)
  Conv,         // a convolution (or its input gradient): like Gemm, over image tiles
  KernelGrad,   // a convolution's kernel gradient: a product per image summed
                //   over the batch; materialised
  Reduce,       // a reduction over the batch or a whole tensor: materialised
  RowReduce,    // reads whole rows or windows of its operands (softmax,
                //   pooling): operands and result are materialised
  Materialize,  // always computed into its own buffer (a transposed copy)
};

// What a lowering rule gets: the node, its operands as Funcs, one Halide Var
// per result dimension (innermost first: Halide's order, the reverse of the
// row-major dims), and the batch size of this pipeline run.
struct LowerArgs {
  const Node& node;
  const std::vector<Halide::Func>& in;
  const std::vector<const Type*>& in_types;
  const std::vector<Halide::Var>& vars;
  Halide::Expr batch;  // Int(32)
  bool training = true;  // false in predict and evaluate: dropout passes values through
};

struct Lowered {
  Halide::Func value;        // the node's result
  Halide::Func accumulator;  // Gemm, Conv, KernelGrad: the Func holding the running sum
  Halide::RDom reduction;    // the dimensions the accumulator sums over
  // KernelGrad only: the output gradient with channels innermost, and the
  // batch that `value` sums the accumulator's per-image products over.
  Halide::Func channels_last{};
  Halide::RDom batch{};
};

using Types = std::vector<const Type*>;
using Attrs = std::vector<int64_t>;

struct OpDef {
  const char* name;
  int arity;  // operands; 0 for leaves
  Schedule schedule;
  Type (*shape)(const Types& in, const Attrs& attrs);
  std::vector<int> (*gradient)(Graph& g, const Node& n, int dy);  // null: not differentiable
  Lowered (*lower)(const LowerArgs& a);                             // null for leaves
};

const OpDef& op_def(Op op);
const char* op_name(Op op);

}  // namespace nnc::ir
