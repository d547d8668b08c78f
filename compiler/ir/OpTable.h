// The op table: for every IR operation, in one row, everything the compiler
// knows about it.
//
//   shape     its shape rule: operand types -> result type (throws ShapeError)
//   gradient  its vector-Jacobian product: given the gradient of the loss with
//             respect to the op's result, the gradient with respect to each
//             operand, built from other ops (-1: none flows there)
//   lower     its Halide definition
//   schedule  how its Halide Func is scheduled: a kind (below) that
//             codegen/Schedule.cpp implements once per target
//
// To add an op: a line in Ops.def and a row in OpTable.cpp, and a forward and
// finite-difference gradient test in test/unit/test_ops.cpp; with a gradient,
// also a case through the real schedules in test_scheduled_gradients.cpp.
// A lowering rule defines Funcs only: what it needs computed apart (a padded
// copy, row statistics) it returns as a Helper with a Placement.
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
  // mask and noise corrupt in train_step, and in evaluate where the target is
  // the input itself: an autoencoder's loss is that of rebuilding the clean
  // input from a corrupted one. Never in predict.
  bool corrupting = true;
  // sample_normal draws in train_step and evaluate; predict gives the mean.
  bool sampling = true;
};

// Where a helper Func of a lowering rule is computed. The rule says what the
// helper needs; codegen/Schedule.cpp decides how, per target, and logs it.
enum class Placement {
  Total,        // a scalar summed over the batch (a loss's sum): computed once
  PerSample,    // one value per sample (a row's max, its sum of exponentials, a
                //   dot product): computed once for the batch, not per element
  PaddedImage,  // an image copied with a border of zeros, so a convolution's
                //   taps read it without bounds tests: computed once
  PerWindow,    // one value per pooling window (where its maximum lies):
                //   computed once, not once per input position it covers
};

struct Helper {
  const char* what;  // what it holds, for --emit=schedule
  Halide::Func func;
  Placement placement;
};

// A lowering rule's result. Lowering only defines Funcs; it never schedules
// them (no compute_root, vectorize, parallel, ...): every placement is
// Schedule.cpp's, so --emit=schedule shows all of them and each target can
// place them its own way.
struct Lowered {
  Halide::Func value;        // the node's result
  Halide::Func accumulator;  // Gemm, Conv, KernelGrad: the Func holding the running sum
  Halide::RDom reduction;    // the dimensions the accumulator (or a Reduce's value) sums over
  // KernelGrad only: the output gradient with channels innermost, and the
  // batch that `value` sums the accumulator's per-image products over.
  Halide::Func channels_last{};
  Halide::RDom batch{};
  std::vector<Helper> helpers{};  // other Funcs the rule defined, each with its placement
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
