// The op table (see OpTable.h). Each op is one row at the bottom of this file;
// the shape, gradient and lowering rules above are grouped the same way, op by
// op, so one op's rules are read together.
//
// Conventions: a batched value of type [B, n] is the Halide Func f(j, b)
// (innermost first), a weight [in, out] is W(o, i), row-major in memory like
// its type. Losses are means over the batch of per-sample sums, so the
// learning rate does not depend on the batch size; with batch 1 they are the
// course's E = 1/2 sum (t - y)^2.
#include "compiler/ir/OpTable.h"

#include <map>

namespace nnc::ir {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::RDom;
using Halide::Var;

// ---- shape rule helpers ------------------------------------------------------

[[noreturn]] void fail(const std::string& message) { throw ShapeError(message); }

Type leaf_shape(const std::vector<const Type*>&) { fail("a leaf has no shape rule"); }

Type same_as_first(const std::vector<const Type*>& in) { return *in[0]; }

Type same_types(const std::vector<const Type*>& in) {
  for (const Type* t : in)
    if (*t != *in[0]) fail("operands have different shapes: " + in[0]->str() + " and " + t->str());
  return *in[0];
}

void require_f32(const Type& t, const char* what) {
  if (t.dtype != DType::F32) fail(std::string(what) + " must be f32, got " + t.str());
}

Type scalar_f32() { return f32({}, false); }

// ---- lowering helpers ----------------------------------------------------------

std::vector<Expr> as_exprs(const std::vector<Var>& vars) { return {vars.begin(), vars.end()}; }

// f(vars) = value, as the node's Func.
Lowered define(const LowerArgs& a, const Expr& value) {
  Func f(std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id));
  f(a.vars) = value;
  return {f, {}, {}};
}

Expr in_at(const LowerArgs& a, int k) { return a.in[size_t(k)](as_exprs(a.vars)); }

// A Gemm: C(j, i) = sum_r A(i, r) * B(j, r), with B read along j (vectorized)
// and A broadcast. The accumulator is its own Func so Schedule.cpp can keep a
// register tile of it at the consumer's tile loop.
Lowered gemm(const LowerArgs& a, const std::function<Expr(Expr i, Expr r)>& lhs,
             const std::function<Expr(Expr j, Expr r)>& rhs, Expr depth) {
  const Var &j = a.vars[0], &i = a.vars[1];
  std::string base = std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id);
  Func acc(base + "_acc");
  RDom r(0, depth, "k");
  acc(j, i) = 0.0f;
  acc(j, i) += lhs(i, r) * rhs(j, r);
  Func value(base);
  value(j, i) = acc(j, i);
  return {value, acc, r};
}

// Sum over every element of a batched value, divided by the batch: a loss.
Lowered batch_mean_of_sum(const LowerArgs& a, const Type& over, const std::function<Expr(std::vector<Expr>)>& term) {
  Halide::Region ranges;
  for (auto it = over.dims.rbegin(); it != over.dims.rend(); ++it) ranges.emplace_back(0, int(*it));
  ranges.emplace_back(0, a.batch);
  RDom r(ranges, "e");
  std::vector<Expr> at;
  for (int d = 0; d < r.dimensions(); ++d) at.push_back(r[d]);
  Func sum(std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id) + "_sum");
  sum() = 0.0f;
  sum() += term(at);
  sum.compute_root();
  return define(a, sum() / Halide::cast<float>(a.batch));
}

// Row statistics of logits(j, b) for softmax and cross-entropy: the max and the
// sum of exp(x - max) per sample, materialised once per sample.
struct RowStats {
  Func max, sum;
};
RowStats row_stats(const LowerArgs& a, const Func& logits, int64_t classes) {
  Var b("b");
  RDom c(0, int(classes), "c");
  std::string base = std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id);
  RowStats s{Func(base + "_max"), Func(base + "_sumexp")};
  s.max(b) = Halide::maximum(logits(c, b));
  s.sum(b) = Halide::sum(Halide::exp(logits(c, b) - s.max(b)));
  s.max.compute_root();
  s.sum.compute_root();
  return s;
}

Type softmax_shape(const std::vector<const Type*>& in) {
  require_f32(*in[0], "softmax's input");
  if (!in[0]->batched || in[0]->dims.size() != 1) fail("softmax needs a flat f32[B, n] input, got " + in[0]->str());
  return *in[0];
}

// ---- the rules, op by op --------------------------------------------------------

// matmul(x: [B, in], W: [in, out]) -> [B, out]
Type matmul_shape(const std::vector<const Type*>& in) {
  const Type &x = *in[0], &w = *in[1];
  if (!x.batched || x.dims.size() != 1) fail("needs a flat input f32[B, n], got " + x.str());
  if (w.batched || w.dims.size() != 2 || w.dims[0] != x.dims[0])
    fail("input " + x.str() + " does not fit weight " + w.str());
  return f32({w.dims[1]}, true);
}
std::vector<int> matmul_grad(Graph& g, const Node& n, int dy) {
  int wt = g.add(Op::Transpose, {n.inputs[1]}, n.loc);
  return {g.add(Op::MatMul, {dy, wt}, n.loc), g.add(Op::MatMulTN, {n.inputs[0], dy}, n.loc)};
}
Lowered matmul_lower(const LowerArgs& a) {
  const Func &x = a.in[0], &w = a.in[1];
  return gemm(a, [&](Expr i, Expr r) { return x(r, i); }, [&](Expr j, Expr r) { return w(j, r); },
              int(a.in_types[0]->dims[0]));
}

// matmul_tn(x: [B, in], dy: [B, out]) -> [in, out] = x^T dy, summed over the batch
Type matmul_tn_shape(const std::vector<const Type*>& in) {
  const Type &x = *in[0], &dy = *in[1];
  if (!x.batched || !dy.batched || x.dims.size() != 1 || dy.dims.size() != 1)
    fail("needs two flat batched operands, got " + x.str() + " and " + dy.str());
  return f32({x.dims[0], dy.dims[0]}, false);
}
Lowered matmul_tn_lower(const LowerArgs& a) {
  const Func &x = a.in[0], &dy = a.in[1];
  return gemm(a, [&](Expr i, Expr r) { return x(i, r); }, [&](Expr j, Expr r) { return dy(j, r); }, a.batch);
}

// transpose(W: [m, n]) -> [n, m]
Type transpose_shape(const std::vector<const Type*>& in) {
  if (in[0]->batched || in[0]->dims.size() != 2) fail("transpose needs a matrix, got " + in[0]->str());
  return f32({in[0]->dims[1], in[0]->dims[0]}, false);
}
Lowered transpose_lower(const LowerArgs& a) { return define(a, a.in[0](a.vars[1], a.vars[0])); }

// bias_add(y: [B, n], b: [n]) -> [B, n]
Type bias_add_shape(const std::vector<const Type*>& in) {
  const Type &y = *in[0], &b = *in[1];
  if (!y.batched || b.batched || b.dims != y.dims) fail("bias " + b.str() + " does not fit " + y.str());
  return y;
}
std::vector<int> bias_add_grad(Graph& g, const Node& n, int dy) { return {dy, g.add(Op::SumBatch, {dy}, n.loc)}; }
Lowered bias_add_lower(const LowerArgs& a) {
  std::vector<Expr> per_sample(a.vars.begin(), a.vars.end() - 1);
  return define(a, in_at(a, 0) + a.in[1](per_sample));
}

// sum_batch(x: [B, ...]) -> [...]
Type sum_batch_shape(const std::vector<const Type*>& in) {
  if (!in[0]->batched) fail("sum_batch needs a batched value, got " + in[0]->str());
  return f32(in[0]->dims, false);
}
Lowered sum_batch_lower(const LowerArgs& a) {
  RDom r(0, a.batch, "b");
  std::vector<Expr> at = as_exprs(a.vars);
  at.push_back(r);
  Func f(std::string("sum_batch_") + std::to_string(a.node.id));
  f(a.vars) = 0.0f;
  f(a.vars) += a.in[0](at);
  return {f, {}, {}};
}

// add, sub, mul, neg: elementwise on equal shapes
std::vector<int> add_grad(Graph&, const Node&, int dy) { return {dy, dy}; }
Lowered add_lower(const LowerArgs& a) { return define(a, in_at(a, 0) + in_at(a, 1)); }
std::vector<int> sub_grad(Graph& g, const Node& n, int dy) { return {dy, g.add(Op::Neg, {dy}, n.loc)}; }
Lowered sub_lower(const LowerArgs& a) { return define(a, in_at(a, 0) - in_at(a, 1)); }
std::vector<int> mul_grad(Graph& g, const Node& n, int dy) {
  return {g.add(Op::Mul, {dy, n.inputs[1]}, n.loc), g.add(Op::Mul, {dy, n.inputs[0]}, n.loc)};
}
Lowered mul_lower(const LowerArgs& a) { return define(a, in_at(a, 0) * in_at(a, 1)); }
std::vector<int> neg_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::Neg, {dy}, n.loc)}; }
Lowered neg_lower(const LowerArgs& a) { return define(a, -in_at(a, 0)); }

// step: y = 1 if x > 0 else 0 (McCulloch-Pitts). Its gradient is the
// straight-through one, so SGD on squared error is Rosenblatt's rule.
std::vector<int> step_grad(Graph&, const Node&, int dy) { return {dy}; }
Lowered step_lower(const LowerArgs& a) { return define(a, Halide::select(in_at(a, 0) > 0.0f, 1.0f, 0.0f)); }

// sigmoid: y = 1 / (1 + e^-x); dy/dx = y (1 - y)
std::vector<int> sigmoid_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::SigmoidGrad, {n.id, dy}, n.loc)}; }
Lowered sigmoid_lower(const LowerArgs& a) { return define(a, 1.0f / (1.0f + Halide::exp(-in_at(a, 0)))); }
Lowered sigmoid_grad_lower(const LowerArgs& a) {
  Expr y = in_at(a, 0);
  return define(a, in_at(a, 1) * y * (1.0f - y));
}

// tanh: dy/dx = 1 - y^2
std::vector<int> tanh_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::TanhGrad, {n.id, dy}, n.loc)}; }
Lowered tanh_lower(const LowerArgs& a) { return define(a, Halide::tanh(in_at(a, 0))); }
Lowered tanh_grad_lower(const LowerArgs& a) {
  Expr y = in_at(a, 0);
  return define(a, in_at(a, 1) * (1.0f - y * y));
}

// relu: y = max(x, 0); the gradient passes where x > 0 (0 at the kink)
std::vector<int> relu_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::ReluGrad, {n.inputs[0], dy}, n.loc)}; }
Lowered relu_lower(const LowerArgs& a) { return define(a, Halide::max(in_at(a, 0), 0.0f)); }
Lowered relu_grad_lower(const LowerArgs& a) { return define(a, Halide::select(in_at(a, 0) > 0.0f, in_at(a, 1), 0.0f)); }

// softmax over the features: y = e^(x - max) / sum e^(x - max)
std::vector<int> softmax_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::SoftmaxGrad, {n.id, dy}, n.loc)}; }
Lowered softmax_lower(const LowerArgs& a) {
  RowStats s = row_stats(a, a.in[0], a.in_types[0]->dims[0]);
  const Var &j = a.vars[0], &b = a.vars[1];
  return define(a, Halide::exp(a.in[0](j, b) - s.max(b)) / s.sum(b));
}
// dx = y * (dy - sum_k dy_k y_k)
Lowered softmax_grad_lower(const LowerArgs& a) {
  const Func &y = a.in[0], &dy = a.in[1];
  Var b("b");
  RDom k(0, int(a.in_types[0]->dims[0]), "k");
  Func dot("softmax_grad_dot_" + std::to_string(a.node.id));
  dot(b) = Halide::sum(dy(k, b) * y(k, b));
  dot.compute_root();
  const Var &j = a.vars[0], &bb = a.vars[1];
  return define(a, y(j, bb) * (dy(j, bb) - dot(bb)));
}

// squared_error(y, t) = mean over the batch of 1/2 sum (t - y)^2
Type squared_error_shape(const std::vector<const Type*>& in) {
  require_f32(*in[1], "squared_error's target");
  if (*in[0] != *in[1]) fail("output " + in[0]->str() + " and target " + in[1]->str() + " differ in shape");
  return scalar_f32();
}
std::vector<int> squared_error_grad(Graph& g, const Node& n, int) {
  return {g.add(Op::SquaredErrorGrad, {n.inputs[0], n.inputs[1]}, n.loc), -1};
}
Lowered squared_error_lower(const LowerArgs& a) {
  return batch_mean_of_sum(a, *a.in_types[0], [&](std::vector<Expr> at) {
    Expr diff = a.in[1](at) - a.in[0](at);
    return 0.5f * diff * diff;
  });
}
Type squared_error_grad_shape(const std::vector<const Type*>& in) { return *in[0]; }
Lowered squared_error_grad_lower(const LowerArgs& a) {
  return define(a, (in_at(a, 0) - in_at(a, 1)) / Halide::cast<float>(a.batch));
}

// cross_entropy(logits: [B, C], t: class labels) = mean of -log softmax(logits)[t]
Type cross_entropy_shape(const std::vector<const Type*>& in) {
  const Type &y = *in[0], &t = *in[1];
  if (t.dtype != DType::I32) fail("cross_entropy needs a class target, got " + t.str());
  if (!y.batched || y.dims.size() != 1) fail("cross_entropy needs flat logits f32[B, classes], got " + y.str());
  return scalar_f32();
}
std::vector<int> cross_entropy_grad(Graph& g, const Node& n, int) {
  return {g.add(Op::CrossEntropyGrad, {n.inputs[0], n.inputs[1]}, n.loc), -1};
}
Expr label_of(const LowerArgs& a, Expr b) {
  // The runtime rejects out-of-range labels when loading; the clamp keeps a
  // bad buffer from reading outside the logits.
  return Halide::clamp(a.in[1](b), 0, int(a.in_types[0]->dims[0]) - 1);
}
Lowered cross_entropy_lower(const LowerArgs& a) {
  const Func& logits = a.in[0];
  RowStats s = row_stats(a, logits, a.in_types[0]->dims[0]);
  RDom b(0, a.batch, "b");
  Func sum("cross_entropy_sum_" + std::to_string(a.node.id));
  sum() = 0.0f;
  sum() += s.max(b) + Halide::log(s.sum(b)) - logits(label_of(a, b), b);
  sum.compute_root();
  return define(a, sum() / Halide::cast<float>(a.batch));
}
Type cross_entropy_grad_shape(const std::vector<const Type*>& in) { return *in[0]; }
// d/dlogits = (softmax(logits) - onehot(t)) / B
Lowered cross_entropy_grad_lower(const LowerArgs& a) {
  RowStats s = row_stats(a, a.in[0], a.in_types[0]->dims[0]);
  const Var &j = a.vars[0], &b = a.vars[1];
  Expr p = Halide::exp(a.in[0](j, b) - s.max(b)) / s.sum(b);
  Expr onehot = Halide::select(j == label_of(a, b), 1.0f, 0.0f);
  return define(a, (p - onehot) / Halide::cast<float>(a.batch));
}

// sgd_velocity(v, g, momentum) = momentum * v + g
Type sgd_velocity_shape(const std::vector<const Type*>& in) {
  if (*in[0] != *in[1]) fail("velocity " + in[0]->str() + " and gradient " + in[1]->str() + " differ");
  return *in[0];
}
Lowered sgd_velocity_lower(const LowerArgs& a) { return define(a, a.in[2]() * in_at(a, 0) + in_at(a, 1)); }
// sgd_param(p, v, lr) = p - lr * v
Lowered sgd_param_lower(const LowerArgs& a) { return define(a, in_at(a, 0) - a.in[2]() * in_at(a, 1)); }

}  // namespace

const OpDef& op_def(Op op) {
  using S = Schedule;
  static const std::map<Op, OpDef> table = {
      // op                 name                  arity schedule        shape                     gradient             lower
      {Op::Input,       {"input",              0, S::Leaf,        leaf_shape,               nullptr,             nullptr}},
      {Op::Target,      {"target",             0, S::Leaf,        leaf_shape,               nullptr,             nullptr}},
      {Op::Param,       {"param",              0, S::Leaf,        leaf_shape,               nullptr,             nullptr}},
      {Op::State,       {"state",              0, S::Leaf,        leaf_shape,               nullptr,             nullptr}},
      {Op::Hyper,       {"hyper",              0, S::Leaf,        leaf_shape,               nullptr,             nullptr}},
      {Op::MatMul,      {"matmul",             2, S::Gemm,        matmul_shape,             matmul_grad,         matmul_lower}},
      {Op::MatMulTN,    {"matmul_tn",          2, S::Gemm,        matmul_tn_shape,          nullptr,             matmul_tn_lower}},
      {Op::Transpose,   {"transpose",          1, S::Materialize, transpose_shape,          nullptr,             transpose_lower}},
      {Op::BiasAdd,     {"bias_add",           2, S::Elementwise, bias_add_shape,           bias_add_grad,       bias_add_lower}},
      {Op::SumBatch,    {"sum_batch",          1, S::Reduce,      sum_batch_shape,          nullptr,             sum_batch_lower}},
      {Op::Add,         {"add",                2, S::Elementwise, same_types,               add_grad,            add_lower}},
      {Op::Sub,         {"sub",                2, S::Elementwise, same_types,               sub_grad,            sub_lower}},
      {Op::Mul,         {"mul",                2, S::Elementwise, same_types,               mul_grad,            mul_lower}},
      {Op::Neg,         {"neg",                1, S::Elementwise, same_as_first,            neg_grad,            neg_lower}},
      {Op::Step,        {"step",               1, S::Elementwise, same_as_first,            step_grad,           step_lower}},
      {Op::Sigmoid,     {"sigmoid",            1, S::Elementwise, same_as_first,            sigmoid_grad,        sigmoid_lower}},
      {Op::SigmoidGrad, {"sigmoid_grad",       2, S::Elementwise, same_types,               nullptr,             sigmoid_grad_lower}},
      {Op::Tanh,        {"tanh",               1, S::Elementwise, same_as_first,            tanh_grad,           tanh_lower}},
      {Op::TanhGrad,    {"tanh_grad",          2, S::Elementwise, same_types,               nullptr,             tanh_grad_lower}},
      {Op::Relu,        {"relu",               1, S::Elementwise, same_as_first,            relu_grad,           relu_lower}},
      {Op::ReluGrad,    {"relu_grad",          2, S::Elementwise, same_types,               nullptr,             relu_grad_lower}},
      {Op::Softmax,     {"softmax",            1, S::RowReduce,   softmax_shape,            softmax_grad,        softmax_lower}},
      {Op::SoftmaxGrad, {"softmax_grad",       2, S::RowReduce,   same_types,               nullptr,             softmax_grad_lower}},
      {Op::SquaredError,     {"squared_error",      2, S::Reduce,      squared_error_shape,      squared_error_grad,  squared_error_lower}},
      {Op::SquaredErrorGrad, {"squared_error_grad", 2, S::Elementwise, squared_error_grad_shape, nullptr,             squared_error_grad_lower}},
      {Op::CrossEntropy,     {"cross_entropy",      2, S::Reduce,      cross_entropy_shape,      cross_entropy_grad,  cross_entropy_lower}},
      {Op::CrossEntropyGrad, {"cross_entropy_grad", 2, S::RowReduce,   cross_entropy_grad_shape, nullptr,             cross_entropy_grad_lower}},
      {Op::SgdVelocity, {"sgd_velocity",       3, S::Elementwise, sgd_velocity_shape,       nullptr,             sgd_velocity_lower}},
      {Op::SgdParam,    {"sgd_param",          3, S::Elementwise, sgd_velocity_shape,       nullptr,             sgd_param_lower}},
  };
  return table.at(op);
}

const char* op_name(Op op) { return op_def(op).name; }

}  // namespace nnc::ir
