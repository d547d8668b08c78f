// The graph IR: a network as a list of typed tensor operations in SSA form.
//
// A Graph holds Nodes in creation order, which is always a topological order
// (a node's inputs are created before it). Every node has a Type with an
// implicit leading batch dimension when `batched` is set, so shapes are known
// at compile time except for the batch size, which the generated program
// chooses at run time. What each Op means, its shape rule, its gradient, its
// Halide lowering and its schedule are in one table: OpTable.h.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/support/SourceLoc.h"

namespace nnc::ir {

// f64 only for the run-time scalars of training (Hyper leaves and what the
// optimizer derives from them): settings arrive as the doubles users wrote,
// and 1 - beta or 1 / (1 - beta^t) are computed in double as PyTorch does,
// then rounded to f32 where they meet a tensor (scale, root_div).
enum class DType { F32, I32, F64 };

struct Type {
  DType dtype = DType::F32;
  bool batched = false;         // a leading dimension B, the batch, is implied
  std::vector<int64_t> dims;    // the per-sample (or per-parameter) dims

  int64_t elements() const;     // product of dims (per sample when batched)
  int rank() const { return int(dims.size()) + (batched ? 1 : 0); }
  bool operator==(const Type& o) const { return dtype == o.dtype && batched == o.batched && dims == o.dims; }
  bool operator!=(const Type& o) const { return !(*this == o); }
  // As users write it, with B for the batch: "f32[B, 784]", "f32[784, 256]", "f32[]".
  std::string str() const;
};

Type f32(std::vector<int64_t> dims, bool batched = false);
Type f64_scalar();  // a run-time scalar of training: f64[]

// How a parameter starts. Glorot and He are uniform with their usual limits
// (sqrt(6/(fan_in+fan_out)) and sqrt(6/fan_in)).
struct Init {
  enum class Kind { Zeros, Constant, Uniform, Normal, Glorot, He, Literal };
  Kind kind = Kind::Zeros;
  double a = 0, b = 0;          // Constant: a; Uniform: [a, b); Normal: stddev a
  std::vector<float> values;    // Literal, row-major
  int64_t fan_in = 1, fan_out = 1;  // for Glorot and He: inputs and outputs each value connects
  std::string str() const;
};

enum class Op {
#define NNC_OP(name) name,
#include "compiler/ir/Ops.def"
#undef NNC_OP
};

struct Node {
  int id = -1;
  Op op;
  std::vector<int> inputs;
  Type type;
  SourceLoc loc;      // the .nn text that made this node
  std::string name;   // leaves: the name users see (x, dense0.weight, lr); else ""
  Init init;          // Param only
  std::vector<int64_t> attrs;  // per-op settings (strides, padding, ...): OpTable.cpp says which
};

// Thrown by shape rules; Sema turns it into a diagnostic at the node's line.
struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Graph {
 public:
  // Adds an operation; its type comes from the op's shape rule (may throw ShapeError).
  int add(Op op, std::vector<int> inputs, SourceLoc loc, std::vector<int64_t> attrs = {});
  // Adds a leaf (Input, Target, Param, State, Hyper) of a given type.
  int add_leaf(Op op, Type type, std::string name, SourceLoc loc, Init init = {});

  const Node& node(int id) const { return nodes_.at(size_t(id)); }
  const std::vector<Node>& nodes() const { return nodes_; }
  int size() const { return int(nodes_.size()); }
  // For every node, whether one of ROOTS depends on it (or is it): one
  // backward sweep, as creation order is topological. Ids < 0 are skipped.
  std::vector<bool> needed_by(const std::vector<int>& roots) const;

 private:
  std::vector<Node> nodes_;
};

}  // namespace nnc::ir
