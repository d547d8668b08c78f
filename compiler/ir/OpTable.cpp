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

#include <cmath>
#include <map>
#include <optional>

namespace nnc::ir {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::RDom;
using Halide::Var;

// ---- shape rule helpers ------------------------------------------------------

[[noreturn]] void fail(const std::string& message) { throw ShapeError(message); }

Type leaf_shape(const Types&, const Attrs&) { fail("a leaf has no shape rule"); }

Type same_as_first(const Types& in, const Attrs&) { return *in[0]; }

Type same_types(const Types& in, const Attrs&) {
  for (const Type* t : in)
    if (*t != *in[0]) fail("operands have different shapes: " + in[0]->str() + " and " + t->str());
  return *in[0];
}

void require_f32(const Type& t, const char* what) {
  if (t.dtype != DType::F32) fail(std::string(what) + " must be f32, got " + t.str());
}

Type scalar_f32() { return f32({}, false); }

// A run-time scalar operand (a Hyper, or what the optimizer derives from them).
bool is_run_time_scalar(const Type& t) { return t == f64_scalar(); }

// ---- lowering helpers ----------------------------------------------------------

std::vector<Expr> as_exprs(const std::vector<Var>& vars) { return {vars.begin(), vars.end()}; }

// f(vars) = value, as the node's Func.
Lowered define(const LowerArgs& a, const Expr& value) {
  Func f(std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id));
  f(a.vars) = value;
  return {f, {}, {}};
}

Expr in_at(const LowerArgs& a, int k) { return a.in[size_t(k)](as_exprs(a.vars)); }

// acc(vars) = sum over r of term, and the node's value reads acc: the
// accumulator is its own Func so Schedule.cpp can keep a register tile of it
// at the consumer's tile loop.
Lowered sum_into_accumulator(const LowerArgs& a, const Expr& term, const RDom& r) {
  std::string base = std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id);
  Func acc(base + "_acc"), value(base);
  acc(a.vars) = 0.0f;
  acc(a.vars) += term;
  value(a.vars) = acc(a.vars);
  return {value, acc, r};
}

// A Gemm: C(j, i) = sum_r A(i, r) * B(j, r), with B read along j (vectorized)
// and A broadcast.
Lowered gemm(const LowerArgs& a, const std::function<Expr(Expr i, Expr r)>& lhs,
             const std::function<Expr(Expr j, Expr r)>& rhs, Expr depth) {
  const Var &j = a.vars[0], &i = a.vars[1];
  RDom r(0, depth, "k");
  return sum_into_accumulator(a, lhs(i, r) * rhs(j, r), r);
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
  Lowered l = define(a, sum() / Halide::cast<float>(a.batch));
  l.helpers.push_back({"the batch's sum", sum, Placement::Total});
  return l;
}

// Row statistics of logits(j, b) for softmax and cross-entropy: the max and the
// sum of exp(x - max) per sample, materialised once per sample.
struct RowStats {
  Func max, sum;
  // The rule's result `l`, with the statistics as its per-sample helpers.
  Lowered place_in(Lowered l) const {
    l.helpers.push_back({"each row's max", max, Placement::PerSample});
    l.helpers.push_back({"each row's sum of exponentials", sum, Placement::PerSample});
    return l;
  }
};
RowStats row_stats(const LowerArgs& a, const Func& logits, int64_t classes) {
  Var b("b");
  RDom c(0, int(classes), "c");
  std::string base = std::string(op_name(a.node.op)) + "_" + std::to_string(a.node.id);
  RowStats s{Func(base + "_max"), Func(base + "_sumexp")};
  s.max(b) = Halide::maximum(logits(c, b));
  s.sum(b) = Halide::sum(Halide::exp(logits(c, b) - s.max(b)));
  return s;
}

Type softmax_shape(const Types& in, const Attrs&) {
  require_f32(*in[0], "softmax's input");
  if (!in[0]->batched || in[0]->dims.size() != 1) fail("softmax needs a flat f32[B, n] input, got " + in[0]->str());
  return *in[0];
}

// ---- the rules, op by op --------------------------------------------------------

// matmul(x: [B, in], W: [in, out]) -> [B, out]
Type matmul_shape(const Types& in, const Attrs&) {
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
Type matmul_tn_shape(const Types& in, const Attrs&) {
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
Type transpose_shape(const Types& in, const Attrs&) {
  if (in[0]->batched || in[0]->dims.size() != 2) fail("transpose needs a matrix, got " + in[0]->str());
  return f32({in[0]->dims[1], in[0]->dims[0]}, false);
}
Lowered transpose_lower(const LowerArgs& a) { return define(a, a.in[0](a.vars[1], a.vars[0])); }

// bias_add(y: [B, C, ...], b: [C]) -> [B, C, ...]: one bias per feature (dense)
// or per channel (conv), the same at every position.
Type bias_add_shape(const Types& in, const Attrs&) {
  const Type &y = *in[0], &b = *in[1];
  if (!y.batched || b.batched || y.dims.empty() || b.dims != std::vector<int64_t>{y.dims[0]})
    fail("bias " + b.str() + " does not fit " + y.str());
  return y;
}
std::vector<int> bias_add_grad(Graph& g, const Node& n, int dy) { return {dy, g.add(Op::BiasGrad, {dy}, n.loc)}; }
Lowered bias_add_lower(const LowerArgs& a) {
  const Halide::Var& channel = a.vars[a.vars.size() - 2];  // just outside the batch
  return define(a, in_at(a, 0) + a.in[1](channel));
}

// bias_grad(dy: [B, C, ...]) -> [C]: sums over the batch and every position
Type bias_grad_shape(const Types& in, const Attrs&) {
  if (!in[0]->batched || in[0]->dims.empty()) fail("bias_grad needs a batched value, got " + in[0]->str());
  return f32({in[0]->dims[0]}, false);
}
Lowered bias_grad_lower(const LowerArgs& a) {
  const Type& t = *a.in_types[0];
  Halide::Region positions;
  for (size_t d = t.dims.size() - 1; d >= 1; --d) positions.emplace_back(0, int(t.dims[d]));
  positions.emplace_back(0, a.batch);
  RDom r(positions, "p");
  std::vector<Expr> at;
  for (int d = 0; d + 1 < r.dimensions(); ++d) at.push_back(r[d]);
  at.push_back(a.vars[0]);
  at.push_back(r[r.dimensions() - 1]);
  Func f(std::string("bias_grad_") + std::to_string(a.node.id));
  f(a.vars) = 0.0f;
  f(a.vars) += a.in[0](at);
  return {f, {}, r};
}

// ---- images: [B, C, S0, S1] (2-D) or [B, C, S0] (1-D), Halide f(s1, s0, c, b) --------

// The Halide coordinates of an image value from row-major spatial indices.
std::vector<Expr> image_at(const std::vector<Expr>& spatial, Expr c, Expr b) {
  std::vector<Expr> at(spatial.rbegin(), spatial.rend());
  at.push_back(c);
  at.push_back(b);
  return at;
}
// The row-major spatial Vars of a lowering's result (the reverse of Halide's).
std::vector<Expr> spatial_vars(const LowerArgs& a) {
  size_t n = a.vars.size() - 2;
  std::vector<Expr> s;
  for (size_t d = 0; d < n; ++d) s.push_back(a.vars[n - 1 - d]);
  return s;
}
int64_t spatial_rank(const Type& t) { return int64_t(t.dims.size()) - 1; }

// A window sliding over n spatial dims: out = (in + 2 pad - k) / stride + 1.
int64_t window_out(int64_t in, int64_t k, int64_t stride, int64_t pad) { return (in + 2 * pad - k) / stride + 1; }

// The image x with a border of zeros (a PaddedImage helper: written out once
// into its own buffer, so the convolution's inner loop reads it without
// bounds tests).
Func zero_padded(const Func& x, const Type& t, const std::string& name) {
  Halide::Region bounds;
  for (auto it = t.dims.rbegin(); it + 1 != t.dims.rend(); ++it) bounds.emplace_back(0, int(*it));
  bounds.emplace_back(Expr(), Expr());  // channels: always in range
  bounds.emplace_back(Expr(), Expr());  // batch
  Func inside = Halide::BoundaryConditions::constant_exterior(x, 0.0f, bounds);
  Func padded(name);
  std::vector<Halide::Var> v(size_t(t.rank()));
  padded(v) = inside(v);
  return padded;
}

// The taps of a kernel W: [Cout, Cin, K...] (Halide order: innermost kernel
// dim first), then `channels`; and W's coordinates at row-major taps.
RDom kernel_taps(const Type& w, size_t n, int64_t channels) {
  Halide::Region taps;
  for (size_t d = n; d-- > 0;) taps.emplace_back(0, int(w.dims[2 + d]));
  taps.emplace_back(0, int(channels));
  return RDom(taps, "tap");
}
std::vector<Expr> weight_at(const std::vector<Expr>& kernel, Expr ci, Expr co) {
  std::vector<Expr> at(kernel.rbegin(), kernel.rend());
  at.push_back(ci);
  at.push_back(co);
  return at;
}

// conv(x: [B, Cin, S...], W: [Cout, Cin, K...]) -> [B, Cout, O...]
// attrs: strides (one per spatial dim), then paddings.
// The image a convolution reads and its kernel, whose input channels are
// kernel dimension in_channels (conv's [Cout, Cin, K...]: 1; conv_transpose's
// [Cin, Cout, K...]: 0); returns the number of spatial dimensions.
int64_t image_and_kernel(const Type& x, const Type& w, size_t in_channels) {
  const int64_t n = spatial_rank(x);
  if (!x.batched || n < 1 || n > 2) fail("needs an image f32[B, channels, length] or f32[B, channels, height, width], got " + x.str());
  if (w.batched || int64_t(w.dims.size()) != n + 2 || w.dims[in_channels] != x.dims[0])
    fail("input " + x.str() + " does not fit kernel " + w.str());
  return n;
}

Type conv_shape(const Types& in, const Attrs& attrs) {
  const Type &x = *in[0], &w = *in[1];
  const int64_t n = image_and_kernel(x, w, 1);
  if (int64_t(attrs.size()) != 2 * n) fail("conv needs a stride and a padding per spatial dimension");
  std::vector<int64_t> out{w.dims[0]};
  for (int64_t d = 0; d < n; ++d) {
    int64_t k = w.dims[size_t(2 + d)], stride = attrs[size_t(d)], pad = attrs[size_t(n + d)];
    if (stride < 1) fail("stride must be at least 1, got " + std::to_string(stride));
    if (pad < 0) fail("padding must not be negative, got " + std::to_string(pad));
    if (k > x.dims[size_t(1 + d)] + 2 * pad)
      fail("kernel " + w.str() + " is larger than the padded input " + x.str() + " (padding " + std::to_string(pad) + ")");
    out.push_back(window_out(x.dims[size_t(1 + d)], k, stride, pad));
  }
  return f32(out, true);
}
std::vector<int> conv_grad(Graph& g, const Node& n, int dy) {
  const Type& x = g.node(n.inputs[0]).type;
  Attrs input_attrs = n.attrs;  // strides, pads, then the input's spatial size
  input_attrs.insert(input_attrs.end(), x.dims.begin() + 1, x.dims.end());
  const Type& w = g.node(n.inputs[1]).type;
  Attrs weight_attrs = n.attrs;  // strides, pads, then the kernel size
  weight_attrs.insert(weight_attrs.end(), w.dims.begin() + 2, w.dims.end());
  return {g.add(Op::ConvGradInput, {dy, n.inputs[1]}, n.loc, input_attrs),
          g.add(Op::ConvGradWeight, {n.inputs[0], dy}, n.loc, weight_attrs)};
}
Lowered conv_lower(const LowerArgs& a) {
  const Type &x = *a.in_types[0], &w = *a.in_types[1];
  const size_t n = size_t(spatial_rank(x));
  Func xp = zero_padded(a.in[0], x, "conv_input_" + std::to_string(a.node.id));
  RDom r = kernel_taps(w, n, x.dims[0]);
  std::vector<Expr> out = spatial_vars(a), in, kernel;
  for (size_t d = 0; d < n; ++d) {
    Expr k = r[int(n - 1 - d)];
    in.push_back(out[d] * int(a.node.attrs[d]) + k - int(a.node.attrs[n + d]));
    kernel.push_back(k);
  }
  Expr ci = r[int(n)], co = a.vars[n], b = a.vars[n + 1];
  Lowered l = sum_into_accumulator(a, xp(image_at(in, ci, b)) * a.in[1](weight_at(kernel, ci, co)), r);
  l.helpers.push_back({"the zero-padded input", xp, Placement::PaddedImage});
  return l;
}

// conv_grad_input(dy: [B, Cout, O...], W) -> [B, Cin, S...]: every input
// position collects the gradient of each output whose window covered it.
// attrs: strides, pads, the input's spatial size.
Type conv_grad_input_shape(const Types& in, const Attrs& attrs) {
  const Type& w = *in[1];
  std::vector<int64_t> dims{w.dims[1]};
  dims.insert(dims.end(), attrs.begin() + int64_t(2 * (w.dims.size() - 2)), attrs.end());
  return f32(dims, true);
}
Lowered conv_grad_input_lower(const LowerArgs& a) {
  const Type &dy = *a.in_types[0], &w = *a.in_types[1];
  const size_t n = size_t(spatial_rank(dy));
  Func dyp = zero_padded(a.in[0], dy, "conv_grad_input_dy_" + std::to_string(a.node.id));
  RDom r = kernel_taps(w, n, w.dims[0]);
  std::vector<Expr> pos = spatial_vars(a), from, kernel;
  Expr covered;  // with strides > 1, only some taps land on an output
  for (size_t d = 0; d < n; ++d) {
    // The taps run backwards over the kernel (k = K-1-t), so dy is read in
    // ascending addresses like the forward convolution reads its input.
    const int taps = int(w.dims[2 + d]);
    Expr t = r[int(n - 1 - d)], k = taps - 1 - t;
    int stride = int(a.node.attrs[d]), pad = int(a.node.attrs[n + d]);
    Expr shifted = pos[d] + pad - k;  // = out * stride where the window covers pos
    if (stride > 1) covered = covered.defined() ? covered && shifted % stride == 0 : shifted % stride == 0;
    from.push_back(stride > 1 ? shifted / stride : shifted);
    kernel.push_back(k);
  }
  Expr co = r[int(n)], ci = a.vars[n], b = a.vars[n + 1];
  Expr term = dyp(image_at(from, co, b)) * a.in[1](weight_at(kernel, ci, co));
  Lowered l = sum_into_accumulator(a, covered.defined() ? Halide::select(covered, term, 0.0f) : term, r);
  l.helpers.push_back({a.node.op == Op::ConvTranspose ? "the zero-padded input" : "the zero-padded output gradient",
                       dyp, Placement::PaddedImage});
  return l;
}

// conv_grad_weight(x, dy) -> [Cout, Cin, K...]: the kernel is shared by every
// position, so its gradient sums over all of them and over the batch.
// attrs: strides, pads, the kernel's spatial size.
//
// Lowered as a matrix product per image, summed over the batch:
//   per_image(co, k..., ci, b) = sum over output positions o of
//                                dy(o, co, b) * x(o * stride + k - pad, ci, b)
// with dy copied per image so its channels are innermost: the product's
// register tile is then a few vectors of output channels x every tap, each
// step one vector load of dy per channel vector and one broadcast of x per tap.
// conv_transpose(x: [B, Cin, S...], W: [Cin, Cout, K...]) -> [B, Cout, O...]:
// the transpose of a convolution, a decoder's upsampling layer. It is
// conv_grad_input with x in the place of the output gradient: every output
// position collects x times W from each input whose window covers it, so
// O = (S - 1) stride - 2 pad + K + output_padding. attrs: strides, pads, the
// output's spatial size. Its gradients are the convolution's own ops: for x,
// the forward convolution of dy with W; for W, conv_grad_weight with dy as
// the input and x as the output gradient.
Type conv_transpose_shape(const Types& in, const Attrs& attrs) {
  const Type &x = *in[0], &w = *in[1];
  const int64_t n = image_and_kernel(x, w, 0);
  if (int64_t(attrs.size()) != 3 * n) fail("conv_transpose needs a stride, a padding and an output size per spatial dimension");
  std::vector<int64_t> out{w.dims[1]};
  for (int64_t d = 0; d < n; ++d) {
    const int64_t k = w.dims[size_t(2 + d)], stride = attrs[size_t(d)], pad = attrs[size_t(n + d)];
    const int64_t size = attrs[size_t(2 * n + d)];
    if (stride < 1 || pad < 0 || size < 1 || size + 2 * pad < k || window_out(size, k, stride, pad) != x.dims[size_t(1 + d)])
      fail("an output of size " + std::to_string(size) + " does not fit input " + x.str() + ", kernel " + w.str() +
           ", stride " + std::to_string(stride) + " and padding " + std::to_string(pad));
    out.push_back(size);
  }
  return f32(out, true);
}
std::vector<int> conv_transpose_grad(Graph& g, const Node& n, int dy) {
  const size_t spatial = n.attrs.size() / 3;
  const Attrs conv_attrs(n.attrs.begin(), n.attrs.begin() + int64_t(2 * spatial));  // strides, pads
  Attrs weight_attrs = conv_attrs;  // then the kernel size
  const Type& w = g.node(n.inputs[1]).type;
  weight_attrs.insert(weight_attrs.end(), w.dims.begin() + 2, w.dims.end());
  return {g.add(Op::Conv, {dy, n.inputs[1]}, n.loc, conv_attrs),
          g.add(Op::ConvGradWeight, {dy, n.inputs[0]}, n.loc, weight_attrs)};
}

Type conv_grad_weight_shape(const Types& in, const Attrs& attrs) {
  const Type &x = *in[0], &dy = *in[1];
  std::vector<int64_t> dims{dy.dims[0], x.dims[0]};
  dims.insert(dims.end(), attrs.begin() + int64_t(2 * (x.dims.size() - 1)), attrs.end());
  return f32(dims, false);
}
Lowered conv_grad_weight_lower(const LowerArgs& a) {
  const Type &x = *a.in_types[0], &dy = *a.in_types[1];
  const size_t n = size_t(spatial_rank(x));
  const std::string base = "conv_grad_weight_" + std::to_string(a.node.id);
  Func xp = zero_padded(a.in[0], x, base + "_input");

  // dy with its channels innermost: channels_last(co, o..., b) = dy(o..., co, b).
  std::vector<Halide::Var> t(n + 2);
  std::vector<Expr> dy_at(t.begin() + 1, t.end() - 1);
  dy_at.push_back(t[0]);
  dy_at.push_back(t.back());
  Func channels_last(base + "_dy_channels_last");
  channels_last(t) = a.in[1](dy_at);

  Halide::Region positions;  // Halide order: innermost output dim first
  for (size_t d = n; d-- > 0;) positions.emplace_back(0, int(dy.dims[1 + d]));
  RDom r(positions, "pos");
  // The result's Vars (Halide order): kernel dims innermost first, then ci, co.
  std::vector<Expr> kernel;
  for (size_t d = 0; d < n; ++d) kernel.push_back(a.vars[n - 1 - d]);
  const Expr ci = a.vars[n], co = a.vars[n + 1];
  // per_image(co, k... (Halide order), ci, b)
  std::vector<Halide::Var> pv(n + 3);
  std::vector<Expr> in, dy_pos{pv[0]};
  for (size_t d = 0; d < n; ++d) {
    Expr o = r[int(n - 1 - d)];
    in.push_back(o * int(a.node.attrs[d]) + Expr(pv[n - d]) - int(a.node.attrs[n + d]));
  }
  for (int d = 0; d < int(n); ++d) dy_pos.push_back(r[d]);
  dy_pos.push_back(pv.back());
  Func per_image(base + "_acc");
  per_image(pv) = 0.0f;
  per_image(pv) += channels_last(dy_pos) * xp(image_at(in, pv[n + 1], pv.back()));

  RDom images(0, a.batch, "image");
  std::vector<Expr> at{co};
  at.insert(at.end(), a.vars.begin(), a.vars.begin() + int64_t(n));
  at.push_back(ci);
  at.push_back(images);
  Func value(base);
  value(a.vars) = 0.0f;
  value(a.vars) += per_image(at);
  return {value, per_image, r, channels_last, images, {{"the zero-padded input", xp, Placement::PaddedImage}}};
}

// Pooling windows: attrs = window per spatial dim, then stride per spatial dim.
Type pool_shape(const Types& in, const Attrs& attrs) {
  const Type& x = *in[0];
  const int64_t n = spatial_rank(x);
  if (!x.batched || n < 1 || n > 2) fail("needs an image f32[B, channels, length] or f32[B, channels, height, width], got " + x.str());
  if (int64_t(attrs.size()) != 2 * n) fail("pooling needs a window and a stride per spatial dimension");
  std::vector<int64_t> out{x.dims[0]};
  for (int64_t d = 0; d < n; ++d) {
    int64_t k = attrs[size_t(d)], stride = attrs[size_t(n + d)], size = x.dims[size_t(1 + d)];
    if (k < 1 || stride < 1) fail("window and stride must be at least 1, got " + std::to_string(k) + " and " + std::to_string(stride));
    if (k > size) fail("window " + std::to_string(k) + " does not fit the input " + x.str());
    out.push_back(window_out(size, k, stride, 0));
  }
  return f32(out, true);
}
// The window's taps as an RDom and the input position each reads for output `out`.
struct Window {
  RDom taps;
  std::vector<Expr> tap;  // row-major
};
Window pool_window(const Attrs& attrs, size_t n) {
  Halide::Region taps;
  for (size_t d = n; d-- > 0;) taps.emplace_back(0, int(attrs[d]));
  Window w{RDom(taps, "tap"), {}};
  for (size_t d = 0; d < n; ++d) w.tap.push_back(w.taps[int(n - 1 - d)]);
  return w;
}
std::vector<Expr> pool_input(const Attrs& attrs, const std::vector<Expr>& out, const std::vector<Expr>& tap) {
  std::vector<Expr> in;
  for (size_t d = 0; d < out.size(); ++d) in.push_back(out[d] * int(attrs[out.size() + d]) + tap[d]);
  return in;
}

// maxpool: the largest value of each window. Its gradient goes back only to
// where the maximum came from (the first such position when values tie).
std::vector<int> maxpool_grad(Graph& g, const Node& n, int dy) {
  return {g.add(Op::MaxPoolGrad, {n.inputs[0], dy}, n.loc, n.attrs)};
}
Lowered maxpool_lower(const LowerArgs& a) {
  const size_t n = size_t(spatial_rank(*a.in_types[0]));
  Window w = pool_window(a.node.attrs, n);
  Expr c = a.vars[n], b = a.vars[n + 1];
  return define(a, Halide::maximum(a.in[0](image_at(pool_input(a.node.attrs, spatial_vars(a), w.tap), c, b))));
}
Type maxpool_grad_shape(const Types& in, const Attrs&) { return *in[0]; }
// Helper shared by the pooling gradients: the outputs whose windows cover
// input position `pos`, and at which tap. Windows that do not overlap
// (stride = window, the usual case) cover each position at most once:
// o = pos / stride at tap pos % stride, no search needed. Otherwise every
// tap k names a candidate o = (pos - k) / stride, summed over (an RDom).
struct Covering {
  std::optional<Window> window;  // set when windows overlap
  std::vector<Expr> out, tap;    // row-major
  Expr valid;
};
Covering covering_outputs(const Attrs& attrs, const std::vector<Expr>& pos, const Type& dy) {
  const size_t n = pos.size();
  bool overlapping = false;
  for (size_t d = 0; d < n; ++d) overlapping = overlapping || attrs[d] != attrs[n + d];
  Covering c;
  c.valid = Halide::Internal::const_true();
  if (overlapping) c.window = pool_window(attrs, n);
  for (size_t d = 0; d < n; ++d) {
    int stride = int(attrs[n + d]), size = int(dy.dims[1 + d]);
    Expr tap = overlapping ? c.window->tap[d] : pos[d] % stride;
    Expr shifted = pos[d] - tap;
    Expr o = shifted / stride;
    if (overlapping) c.valid = c.valid && shifted >= 0 && shifted % stride == 0;
    c.valid = c.valid && o < size;
    c.out.push_back(Halide::clamp(o, 0, size - 1));
    c.tap.push_back(tap);
  }
  return c;
}
// Sums `term` over the covering taps (or takes it, without overlap).
Expr over_covering(const Covering& c, const Expr& term) {
  Expr kept = Halide::select(c.valid, term, 0.0f);
  return c.window ? Halide::sum(kept) : kept;
}
// Windows that tile the input (window = stride): each position lies in one
// window, and takes the gradient when it holds the window's maximum and no
// earlier tap (row-major) does. The window's taps are unrolled into one
// expression, so the gradient is elementwise and vectorizes, with no argmax
// pass.
Expr maxpool_grad_tiled(const LowerArgs& a, const Covering& cov) {
  const size_t n = cov.out.size();
  std::vector<int64_t> window(a.node.attrs.begin(), a.node.attrs.begin() + int64_t(n));
  int64_t taps = 1;
  for (int64_t w : window) taps *= w;
  const Expr c = a.vars[n], b = a.vars[n + 1];
  // The input at tap t (row-major index) of the position's window.
  auto at_tap = [&](int64_t t) {
    std::vector<Expr> in(n);
    for (size_t d = n; d-- > 0;) {
      in[d] = cov.out[d] * int(window[d]) + int(t % window[d]);
      t /= window[d];
    }
    return a.in[0](image_at(in, c, b));
  };
  Expr largest = at_tap(0);
  for (int64_t t = 1; t < taps; ++t) largest = Halide::max(largest, at_tap(t));
  Expr tap_index = 0;  // this position's tap, row-major
  for (size_t d = 0; d < n; ++d) tap_index = tap_index * int(window[d]) + cov.tap[d];
  Expr earlier_max = Halide::Internal::const_false();
  for (int64_t t = 0; t + 1 < taps; ++t) earlier_max = earlier_max || (int(t) < tap_index && at_tap(t) == largest);
  Expr mine = a.in[0](image_at(spatial_vars(a), c, b)) == largest && !earlier_max;
  return Halide::select(cov.valid && mine, a.in[1](image_at(cov.out, c, b)), 0.0f);
}

Lowered maxpool_grad_lower(const LowerArgs& a) {
  const Type &x = *a.in_types[0], &dy = *a.in_types[1];
  const size_t n = size_t(spatial_rank(x));
  const Covering cov = covering_outputs(a.node.attrs, spatial_vars(a), dy);
  if (!cov.window) return define(a, maxpool_grad_tiled(a, cov));
  // Which tap of each window holds its maximum, computed once per window.
  std::vector<Halide::Var> ov;
  for (size_t k = 0; k < n + 2; ++k) ov.emplace_back("o" + std::to_string(k));
  std::vector<Expr> out_spatial;
  for (size_t d = 0; d < n; ++d) out_spatial.push_back(ov[n - 1 - d]);
  Window w = pool_window(a.node.attrs, n);
  Func where("maxpool_where_" + std::to_string(a.node.id));
  Halide::Tuple arg = Halide::argmax(a.in[0](image_at(pool_input(a.node.attrs, out_spatial, w.tap), ov[n], ov[n + 1])));
  // argmax gives the taps innermost first; store their row-major index.
  where(ov) = n == 2 ? arg[1] * int(a.node.attrs[1]) + arg[0] : arg[0];
  Expr tap_index = n == 2 ? cov.tap[0] * int(a.node.attrs[1]) + cov.tap[1] : cov.tap[0];
  Expr c = a.vars[n], b = a.vars[n + 1];
  std::vector<Expr> o = image_at(cov.out, c, b);
  Lowered l = define(a, over_covering(cov, Halide::select(where(o) == tap_index, a.in[1](o), 0.0f)));
  l.helpers.push_back({"each window's argmax", where, Placement::PerWindow});
  return l;
}

// avgpool: the mean of each window; its gradient spreads evenly over it.
std::vector<int> avgpool_grad(Graph& g, const Node& n, int dy) {
  const Type& x = g.node(n.inputs[0]).type;
  Attrs attrs = n.attrs;  // window, stride, then the input's spatial size
  attrs.insert(attrs.end(), x.dims.begin() + 1, x.dims.end());
  return {g.add(Op::AvgPoolGrad, {dy}, n.loc, attrs)};
}
float window_area(const Attrs& attrs, size_t n) {
  float area = 1;
  for (size_t d = 0; d < n; ++d) area *= float(attrs[d]);
  return area;
}
Lowered avgpool_lower(const LowerArgs& a) {
  const size_t n = size_t(spatial_rank(*a.in_types[0]));
  Window w = pool_window(a.node.attrs, n);
  Expr c = a.vars[n], b = a.vars[n + 1];
  Expr sum = Halide::sum(a.in[0](image_at(pool_input(a.node.attrs, spatial_vars(a), w.tap), c, b)));
  return define(a, sum / window_area(a.node.attrs, n));
}
Type avgpool_grad_shape(const Types& in, const Attrs& attrs) {
  const Type& dy = *in[0];
  size_t n = size_t(spatial_rank(dy));
  std::vector<int64_t> dims{dy.dims[0]};
  dims.insert(dims.end(), attrs.begin() + int64_t(2 * n), attrs.end());
  return f32(dims, true);
}
Lowered avgpool_grad_lower(const LowerArgs& a) {
  const Type& dy = *a.in_types[0];
  const size_t n = size_t(spatial_rank(dy));
  Covering cov = covering_outputs(a.node.attrs, spatial_vars(a), dy);
  Expr c = a.vars[n], b = a.vars[n + 1];
  Expr share = a.in[0](image_at(cov.out, c, b)) / window_area(a.node.attrs, n);
  return define(a, over_covering(cov, share));
}

// upsample(x): nearest neighbour, each value repeated `scale` times along
// each spatial dim (attrs: the scale per spatial dim). Its gradient sums each
// block of copies back into the value they came from.
Type upsample_shape(const Types& in, const Attrs& attrs) {
  const Type& x = *in[0];
  const int64_t n = spatial_rank(x);
  if (!x.batched || n < 1 || n > 2) fail("needs an image f32[B, channels, length] or f32[B, channels, height, width], got " + x.str());
  if (int64_t(attrs.size()) != n) fail("upsampling needs a scale per spatial dimension");
  std::vector<int64_t> out{x.dims[0]};
  for (int64_t d = 0; d < n; ++d) {
    if (attrs[size_t(d)] < 1) fail("the scale must be at least 1, got " + std::to_string(attrs[size_t(d)]));
    out.push_back(x.dims[size_t(1 + d)] * attrs[size_t(d)]);
  }
  return f32(out, true);
}
std::vector<int> upsample_grad(Graph& g, const Node& n, int dy) {
  return {g.add(Op::UpsampleGrad, {dy}, n.loc, n.attrs)};
}
Lowered upsample_lower(const LowerArgs& a) {
  const size_t n = size_t(spatial_rank(*a.in_types[0]));
  std::vector<Expr> from;
  for (size_t d = 0; d < n; ++d) from.push_back(spatial_vars(a)[d] / int(a.node.attrs[d]));
  return define(a, a.in[0](image_at(from, a.vars[n], a.vars[n + 1])));
}
Type upsample_grad_shape(const Types& in, const Attrs& attrs) {
  const Type& dy = *in[0];
  std::vector<int64_t> dims{dy.dims[0]};
  for (size_t d = 0; d < attrs.size(); ++d) {
    if (dy.dims[1 + d] % attrs[d] != 0) fail(dy.str() + " is not a whole number of blocks of the scale");
    dims.push_back(dy.dims[1 + d] / attrs[d]);
  }
  return f32(dims, true);
}
Lowered upsample_grad_lower(const LowerArgs& a) {
  const size_t n = size_t(spatial_rank(*a.in_types[0]));
  Attrs block = a.node.attrs;  // a window of the scale's size, stepped by the scale
  block.insert(block.end(), a.node.attrs.begin(), a.node.attrs.end());
  Window w = pool_window(block, n);
  Expr c = a.vars[n], b = a.vars[n + 1];
  return define(a, Halide::sum(a.in[0](image_at(pool_input(block, spatial_vars(a), w.tap), c, b))));
}

// reshape(x) -> the same values, row-major, in per-sample dims `attrs` (flatten).
Type reshape_shape(const Types& in, const Attrs& attrs) {
  Type out = f32(attrs, in[0]->batched);
  if (out.elements() != in[0]->elements()) fail("cannot reshape " + in[0]->str() + " to " + out.str());
  return out;
}
std::vector<int> reshape_grad(Graph& g, const Node& n, int dy) {
  return {g.add(Op::Reshape, {dy}, n.loc, g.node(n.inputs[0]).type.dims)};
}
Lowered reshape_lower(const LowerArgs& a) {
  const Type &in = *a.in_types[0], &out = a.node.type;
  // The row-major offset of the result's position, then the input's
  // coordinates at that offset.
  Expr offset = 0;
  for (size_t d = 0; d < out.dims.size(); ++d)
    offset = offset * int(out.dims[d]) + a.vars[out.dims.size() - 1 - d];
  std::vector<Expr> at;
  for (auto it = in.dims.rbegin(); it != in.dims.rend(); ++it) {
    at.push_back(offset % int(*it));
    offset = offset / int(*it);
  }
  at.push_back(a.vars.back());  // the batch
  return define(a, a.in[0](at));
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

// relu: y = max(x, 0); the gradient passes where x > 0 (0 at the kink),
// read off the output (y > 0 exactly where x > 0) so the pre-activation
// need not be kept: the bias and relu fuse into the layer's epilogue.
std::vector<int> relu_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::ReluGrad, {n.id, dy}, n.loc)}; }
Lowered relu_lower(const LowerArgs& a) { return define(a, Halide::max(in_at(a, 0), 0.0f)); }
Lowered relu_grad_lower(const LowerArgs& a) { return define(a, Halide::select(in_at(a, 0) > 0.0f, in_at(a, 1), 0.0f)); }

// softmax over the features: y = e^(x - max) / sum e^(x - max)
std::vector<int> softmax_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::SoftmaxGrad, {n.id, dy}, n.loc)}; }
Lowered softmax_lower(const LowerArgs& a) {
  RowStats s = row_stats(a, a.in[0], a.in_types[0]->dims[0]);
  const Var &j = a.vars[0], &b = a.vars[1];
  return s.place_in(define(a, Halide::exp(a.in[0](j, b) - s.max(b)) / s.sum(b)));
}
// dx = y * (dy - sum_k dy_k y_k)
Lowered softmax_grad_lower(const LowerArgs& a) {
  const Func &y = a.in[0], &dy = a.in[1];
  Var b("b");
  RDom k(0, int(a.in_types[0]->dims[0]), "k");
  Func dot("softmax_grad_dot_" + std::to_string(a.node.id));
  dot(b) = Halide::sum(dy(k, b) * y(k, b));
  const Var &j = a.vars[0], &bb = a.vars[1];
  Lowered l = define(a, y(j, bb) * (dy(j, bb) - dot(bb)));
  l.helpers.push_back({"each row's dot product", dot, Placement::PerSample});
  return l;
}

// squared_error(y, t) = mean over the batch of 1/2 sum (t - y)^2
Type squared_error_shape(const Types& in, const Attrs&) {
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
Type squared_error_grad_shape(const Types& in, const Attrs&) { return *in[0]; }
Lowered squared_error_grad_lower(const LowerArgs& a) {
  return define(a, (in_at(a, 0) - in_at(a, 1)) / Halide::cast<float>(a.batch));
}

// cross_entropy(logits: [B, C], t: class labels) = mean of -log softmax(logits)[t]
Type cross_entropy_shape(const Types& in, const Attrs&) {
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
  Lowered l = define(a, sum() / Halide::cast<float>(a.batch));
  l.helpers.push_back({"the batch's sum", sum, Placement::Total});
  return s.place_in(l);
}
Type cross_entropy_grad_shape(const Types& in, const Attrs&) { return *in[0]; }
// d/dlogits = (softmax(logits) - onehot(t)) / B
Lowered cross_entropy_grad_lower(const LowerArgs& a) {
  RowStats s = row_stats(a, a.in[0], a.in_types[0]->dims[0]);
  const Var &j = a.vars[0], &b = a.vars[1];
  Expr p = Halide::exp(a.in[0](j, b) - s.max(b)) / s.sum(b);
  Expr onehot = Halide::select(j == label_of(a, b), 1.0f, 0.0f);
  return s.place_in(define(a, (p - onehot) / Halide::cast<float>(a.batch)));
}

// mean_squared_error(y, t) = mean over the batch and the outputs of (t - y)^2
std::vector<int> mean_squared_error_grad(Graph& g, const Node& n, int) {
  return {g.add(Op::MeanSquaredErrorGrad, {n.inputs[0], n.inputs[1]}, n.loc), -1};
}
Expr values_per_batch(const LowerArgs& a, const Type& t) { return Halide::cast<float>(a.batch) * float(t.elements()); }
Lowered mean_squared_error_lower(const LowerArgs& a) {
  const float per_value = 1.0f / float(a.in_types[0]->elements());
  return batch_mean_of_sum(a, *a.in_types[0], [&](std::vector<Expr> at) {
    Expr diff = a.in[1](at) - a.in[0](at);
    return diff * diff * per_value;
  });
}
Lowered mean_squared_error_grad_lower(const LowerArgs& a) {
  return define(a, 2.0f * (in_at(a, 0) - in_at(a, 1)) / values_per_batch(a, *a.in_types[0]));
}

// binary_cross_entropy(y, t) = mean over the batch and the outputs of
// -(t log y + (1 - t) log(1 - y)), y a probability (a sigmoid's output),
// kept inside [1e-7, 1 - 1e-7] so a saturated unit costs a large finite loss.
constexpr float kProbabilityFloor = 1e-7f;
Expr clamped_probability(const Expr& y) { return Halide::clamp(y, kProbabilityFloor, 1.0f - kProbabilityFloor); }
std::vector<int> binary_cross_entropy_grad(Graph& g, const Node& n, int) {
  return {g.add(Op::BinaryCrossEntropyGrad, {n.inputs[0], n.inputs[1]}, n.loc), -1};
}
Lowered binary_cross_entropy_lower(const LowerArgs& a) {
  const float per_value = 1.0f / float(a.in_types[0]->elements());
  return batch_mean_of_sum(a, *a.in_types[0], [&](std::vector<Expr> at) {
    Expr y = clamped_probability(a.in[0](at)), t = a.in[1](at);
    return -(t * Halide::log(y) + (1.0f - t) * Halide::log(1.0f - y)) * per_value;
  });
}
// d/dy = (y - t) / (y (1 - y)) per value, over the values of the batch
Lowered binary_cross_entropy_grad_lower(const LowerArgs& a) {
  Expr y = clamped_probability(in_at(a, 0)), t = in_at(a, 1);
  return define(a, (y - t) / (y * (1.0f - y)) / values_per_batch(a, *a.in_types[0]));
}

// dropout(x, seed): in training, each value is zeroed with probability p and
// the kept ones scaled by 1 / (1 - p) (inverted dropout, so inference needs
// no scaling); elsewhere the identity. attrs: p in millionths. Which values
// drop is a hash of the value's position and the step's seed (a run-time
// scalar), so the gradient recomputes the same mask instead of storing it.
Type dropout_shape(const Types& in, const Attrs& attrs) {
  if (!is_run_time_scalar(*in[1])) fail("dropout's seed must be a run-time scalar f64[], got " + in[1]->str());
  if (attrs.size() != 1 || attrs[0] < 0 || attrs[0] >= 1000000) fail("dropout needs a probability in [0, 1)");
  return *in[0];
}
std::vector<int> dropout_grad(Graph& g, const Node& n, int dy) {
  return {g.add(Op::DropoutGrad, {dy, n.inputs[1]}, n.loc, n.attrs), -1};
}
// A uniform number in [0, 1) for each position of the first operand, from
// the step's seed (the run-time scalar operand `seed`; 0 outside train_step)
// and a salt that tells layers apart: the top 24 bits of a 32-bit integer hash (the finaliser of
// MurmurHash3) of the position, the seed and the salt. The gradient
// recomputes the same numbers instead of storing them.
Expr uniform_at(const LowerArgs& a, uint32_t salt, size_t seed = 1) {
  Expr index = 0, stride = 1;  // the value's row-major offset in the batch
  const Type& t = *a.in_types[0];
  for (size_t k = 0; k < a.vars.size(); ++k) {
    index = index + a.vars[k] * stride;
    stride = stride * (k < t.dims.size() ? Expr(int(t.dims[t.dims.size() - 1 - k])) : a.batch);
  }
  using Halide::UInt;
  Expr h = Halide::cast(UInt(32), index) * Expr(uint32_t(0x9E3779B1u)) ^
           Halide::cast(UInt(32), a.in[seed]()) * Expr(uint32_t(0x85EBCA6Bu));
  if (salt) h = h ^ Expr(uint32_t(salt * 0xC2B2AE35u));
  h = h ^ (h >> 16);
  h = h * Expr(uint32_t(0x7FEB352Du));
  h = h ^ (h >> 15);
  h = h * Expr(uint32_t(0x846CA68Bu));
  h = h ^ (h >> 16);
  return Halide::cast<float>(h >> 8) * (1.0f / 16777216.0f);
}

// x * (kept ? 1 / (1 - p) : 0) at every position of x.
Expr dropout_mask(const LowerArgs& a, const Expr& x) {
  const double p = double(a.node.attrs[0]) / 1e6;
  return Halide::select(uniform_at(a, 0) >= float(p), x * float(1.0 / (1.0 - p)), 0.0f);
}
Lowered dropout_lower(const LowerArgs& a) { return define(a, a.training ? dropout_mask(a, in_at(a, 0)) : in_at(a, 0)); }
Lowered dropout_grad_lower(const LowerArgs& a) { return define(a, dropout_mask(a, in_at(a, 0))); }

// mask(x, seed) and noise(x, seed): a denoising autoencoder's corruption of
// its input. attrs: p (mask) or the standard deviation (noise) in
// millionths, and a salt (the layer's source position), so two layers draw
// apart. mask zeroes each value with probability p and keeps the others as
// they are (the network learns to fill in what is missing); noise adds
// std * z, z standard normal. Identities where LowerArgs::corrupting is off.
Type corruption_shape(const Types& in, const Attrs& attrs) {
  if (!is_run_time_scalar(*in[1])) fail("a corruption's seed must be a run-time scalar f64[], got " + in[1]->str());
  if (attrs.size() != 2 || attrs[0] < 0) fail("a corruption needs a rate or a deviation and a salt");
  return *in[0];
}
// With its seed fixed, mask is linear in x: its gradient is the same mask.
std::vector<int> mask_grad(Graph& g, const Node& n, int dy) {
  return {g.add(Op::Mask, {dy, n.inputs[1]}, n.loc, n.attrs), -1};
}
Lowered mask_lower(const LowerArgs& a) {
  const Expr x = in_at(a, 0);
  const float p = float(double(a.node.attrs[0]) / 1e6);
  return define(a, a.corrupting ? Halide::select(uniform_at(a, uint32_t(a.node.attrs[1])) >= p, x, 0.0f) : x);
}
// Added noise does not depend on x: the gradient passes unchanged.
std::vector<int> noise_grad(Graph&, const Node&, int dy) { return {dy, -1}; }
// A standard normal number for each position of the first operand, by the
// Box-Muller transform of two uniform numbers (salts s and s + 1).
Expr normal_at(const LowerArgs& a, uint32_t salt, size_t seed = 1) {
  const Expr radius = Halide::sqrt(-2.0f * Halide::log(1.0f - uniform_at(a, salt, seed)));  // 1 - u lies in (0, 1]
  return radius * Halide::cos(6.28318531f * uniform_at(a, salt + 1, seed));
}
Lowered noise_lower(const LowerArgs& a) {
  const Expr x = in_at(a, 0);
  if (!a.corrupting) return define(a, x);
  const float deviation = float(double(a.node.attrs[0]) / 1e6);
  return define(a, x + deviation * normal_at(a, uint32_t(a.node.attrs[1])));
}

// sample_normal(mu, logvar, seed) = mu + exp(logvar / 2) * eps, eps standard
// normal (the reparameterisation trick: the draw is an input, so the
// gradient flows to mu and logvar). attrs: the salt. It draws in train_step
// and evaluate (the evaluation's seed is 0: the same draws each time); in
// predict it gives mu, the most likely value.
Type sample_normal_shape(const Types& in, const Attrs& attrs) {
  require_f32(*in[0], "sample_normal's mean");
  if (*in[0] != *in[1]) fail("sample_normal's mean " + in[0]->str() + " and log-variance " + in[1]->str() + " differ in shape");
  if (!is_run_time_scalar(*in[2])) fail("sample_normal's seed must be a run-time scalar f64[], got " + in[2]->str());
  if (attrs.size() != 1) fail("sample_normal needs a salt");
  return *in[0];
}
std::vector<int> sample_normal_grad(Graph& g, const Node& n, int dy) {
  return {dy, g.add(Op::SampleNormalGrad, {dy, n.inputs[1], n.inputs[2]}, n.loc, n.attrs), -1};
}
Lowered sample_normal_lower(const LowerArgs& a) {
  if (!a.sampling) return define(a, in_at(a, 0));
  const Expr eps = normal_at(a, uint32_t(a.node.attrs[0]), 2);
  return define(a, in_at(a, 0) + Halide::exp(0.5f * in_at(a, 1)) * eps);
}
// d/dlogvar = dy * eps * exp(logvar / 2) / 2, eps drawn again.
Lowered sample_normal_grad_lower(const LowerArgs& a) {
  const Expr eps = normal_at(a, uint32_t(a.node.attrs[0]), 2);
  return define(a, in_at(a, 0) * eps * 0.5f * Halide::exp(0.5f * in_at(a, 1)));
}

// The penalty terms of a loss (a loss is a sum of terms: Sema). Each is a
// scalar whose gradient rule, like a loss's, starts the backward pass (the
// seed 1 is implicit), so its weight is its own: attrs {m, e}, the weight
// m * 10^e, exact for the decimals a .nn file writes (0.5, 1e-4).
double weight_of(const Attrs& attrs, size_t at) {
  return double(attrs.at(at)) * std::pow(10.0, double(attrs.at(at + 1)));
}
Type penalty_weight_checked(const Attrs& attrs, size_t at, const std::string& name) {
  if (attrs.size() != at + 2) fail(name + " needs a weight");
  return scalar_f32();
}

// l1_activity(h) = w * (1/B) sum_b sum_k |h_bk|: a sparse autoencoder's
// penalty on its code's activations.
Type l1_activity_shape(const Types& in, const Attrs& attrs) {
  require_f32(*in[0], "l1_activity's value");
  if (!in[0]->batched) fail("l1_activity needs a batched value, got " + in[0]->str());
  return penalty_weight_checked(attrs, 0, "l1_activity");
}
std::vector<int> l1_activity_grad(Graph& g, const Node& n, int) {
  return {g.add(Op::L1ActivityGrad, {n.inputs[0]}, n.loc, n.attrs)};
}
Lowered l1_activity_lower(const LowerArgs& a) {
  const float w = float(weight_of(a.node.attrs, 0));
  return batch_mean_of_sum(a, *a.in_types[0], [&](std::vector<Expr> at) { return w * Halide::abs(a.in[0](at)); });
}
// d/dh = w / B * sign(h)
Lowered l1_activity_grad_lower(const LowerArgs& a) {
  const Expr h = in_at(a, 0);
  const float w = float(weight_of(a.node.attrs, 0));
  return define(a, Halide::select(h > 0.0f, w, h < 0.0f, -w, 0.0f) / Halide::cast<float>(a.batch));
}

// kl_normal(mu, logvar) = w * (1/B) sum_b sum_k -(1 + logvar - mu^2 -
// exp(logvar)) / 2: the Kullback-Leibler divergence of N(mu, exp(logvar))
// from N(0, 1), a VAE's term that keeps its codes near the prior.
Type kl_normal_shape(const Types& in, const Attrs& attrs) {
  require_f32(*in[0], "kl_normal's mean");
  if (*in[0] != *in[1]) fail("kl_normal's mean " + in[0]->str() + " and log-variance " + in[1]->str() + " differ in shape");
  if (!in[0]->batched) fail("kl_normal needs batched values, got " + in[0]->str());
  return penalty_weight_checked(attrs, 0, "kl_normal");
}
std::vector<int> kl_normal_grad(Graph& g, const Node& n, int) {
  const Attrs& w = n.attrs;
  return {g.add(Op::KlNormalGrad, {n.inputs[0], n.inputs[1]}, n.loc, {0, w[0], w[1]}),
          g.add(Op::KlNormalGrad, {n.inputs[0], n.inputs[1]}, n.loc, {1, w[0], w[1]})};
}
Lowered kl_normal_lower(const LowerArgs& a) {
  const float w = float(weight_of(a.node.attrs, 0));
  return batch_mean_of_sum(a, *a.in_types[0], [&](std::vector<Expr> at) {
    const Expr mu = a.in[0](at), logvar = a.in[1](at);
    return w * -0.5f * (1.0f + logvar - mu * mu - Halide::exp(logvar));
  });
}
// attrs {operand, m, e}: d/dmu = w / B * mu; d/dlogvar = w / B * (exp(logvar) - 1) / 2.
Type kl_normal_grad_shape(const Types& in, const Attrs& attrs) {
  if (attrs.size() != 3 || attrs[0] < 0 || attrs[0] > 1) fail("kl_normal_grad needs an operand and a weight");
  return *in[0];
}
Lowered kl_normal_grad_lower(const LowerArgs& a) {
  const Expr w = float(weight_of(a.node.attrs, 1)) / Halide::cast<float>(a.batch);
  if (a.node.attrs[0] == 0) return define(a, w * in_at(a, 0));
  return define(a, w * 0.5f * (Halide::exp(in_at(a, 1)) - 1.0f));
}

// scale(x, s) = x * s, s a scalar (a run-time hyperparameter)
Type scale_shape(const Types& in, const Attrs&) {
  if (!is_run_time_scalar(*in[1])) fail("scale's factor must be a run-time scalar f64[], got " + in[1]->str());
  return *in[0];
}
std::vector<int> scale_grad(Graph& g, const Node& n, int dy) { return {g.add(Op::Scale, {dy, n.inputs[1]}, n.loc), -1}; }
// The scalar is rounded to the tensor's f32 once, as PyTorch applies a Python float.
Lowered scale_lower(const LowerArgs& a) { return define(a, in_at(a, 0) * Halide::cast<float>(a.in[1]())); }

// sign(x): -1, 0 or 1 (the L1 penalty's gradient)
Lowered sign_lower(const LowerArgs& a) {
  Expr x = in_at(a, 0);
  return define(a, Halide::select(x > 0.0f, 1.0f, x < 0.0f, -1.0f, 0.0f));
}

// root_div(m, v, eps) = m / (sqrt(v) + eps): the adaptive optimizers' step
Type root_div_shape(const Types& in, const Attrs&) {
  if (*in[0] != *in[1]) fail("root_div's operands differ: " + in[0]->str() + " and " + in[1]->str());
  if (!is_run_time_scalar(*in[2])) fail("root_div's epsilon must be a run-time scalar f64[], got " + in[2]->str());
  return *in[0];
}
Lowered root_div_lower(const LowerArgs& a) {
  return define(a, in_at(a, 0) / (Halide::sqrt(in_at(a, 1)) + Halide::cast<float>(a.in[2]())));
}

// one_minus(x) = 1 - x, reciprocal(x) = 1 / x, pow(x, y) = x^y on run-time
// scalars only: the optimizers' derived values (passes/Optimizers.h), in
// double. Nothing differentiates through the update, so they have no gradient.
Type run_time_scalar_shape(const Types& in, const Attrs&) {
  for (const Type* t : in)
    if (!is_run_time_scalar(*t)) fail("operands must be run-time scalars f64[], got " + t->str());
  return f64_scalar();
}
Lowered one_minus_lower(const LowerArgs& a) { return define(a, Expr(1.0) - in_at(a, 0)); }
Lowered reciprocal_lower(const LowerArgs& a) { return define(a, Expr(1.0) / in_at(a, 0)); }
Lowered pow_lower(const LowerArgs& a) { return define(a, Halide::pow(in_at(a, 0), in_at(a, 1))); }

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
      {Op::BiasGrad,    {"bias_grad",          1, S::Reduce,      bias_grad_shape,          nullptr,             bias_grad_lower}},
      {Op::Conv,        {"conv",               2, S::Conv,        conv_shape,               conv_grad,           conv_lower}},
      {Op::ConvGradInput,  {"conv_grad_input",  2, S::Conv,        conv_grad_input_shape,    nullptr,             conv_grad_input_lower}},
      {Op::ConvGradWeight, {"conv_grad_weight", 2, S::KernelGrad,  conv_grad_weight_shape,   nullptr,             conv_grad_weight_lower}},
      {Op::ConvTranspose,  {"conv_transpose",   2, S::Conv,        conv_transpose_shape,     conv_transpose_grad, conv_grad_input_lower}},
      {Op::MaxPool,     {"maxpool",            1, S::RowReduce,   pool_shape,               maxpool_grad,        maxpool_lower}},
      {Op::MaxPoolGrad, {"maxpool_grad",       2, S::Elementwise, maxpool_grad_shape,       nullptr,             maxpool_grad_lower}},
      {Op::AvgPool,     {"avgpool",            1, S::RowReduce,   pool_shape,               avgpool_grad,        avgpool_lower}},
      {Op::AvgPoolGrad, {"avgpool_grad",       1, S::Elementwise, avgpool_grad_shape,       nullptr,             avgpool_grad_lower}},
      {Op::Upsample,    {"upsample",           1, S::Elementwise, upsample_shape,           upsample_grad,       upsample_lower}},
      {Op::UpsampleGrad, {"upsample_grad",     1, S::RowReduce,   upsample_grad_shape,      nullptr,             upsample_grad_lower}},
      {Op::Reshape,     {"reshape",            1, S::Elementwise, reshape_shape,            reshape_grad,        reshape_lower}},
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
      {Op::MeanSquaredError,     {"mean_squared_error",      2, S::Reduce,      squared_error_shape,      mean_squared_error_grad,   mean_squared_error_lower}},
      {Op::MeanSquaredErrorGrad, {"mean_squared_error_grad", 2, S::Elementwise, squared_error_grad_shape, nullptr,                   mean_squared_error_grad_lower}},
      {Op::BinaryCrossEntropy,     {"binary_cross_entropy",      2, S::Reduce,      squared_error_shape,      binary_cross_entropy_grad, binary_cross_entropy_lower}},
      {Op::BinaryCrossEntropyGrad, {"binary_cross_entropy_grad", 2, S::Elementwise, squared_error_grad_shape, nullptr,                   binary_cross_entropy_grad_lower}},
      {Op::Dropout,     {"dropout",            2, S::Elementwise, dropout_shape,            dropout_grad,        dropout_lower}},
      {Op::DropoutGrad, {"dropout_grad",       2, S::Elementwise, dropout_shape,            nullptr,             dropout_grad_lower}},
      {Op::Mask,        {"mask",               2, S::Elementwise, corruption_shape,         mask_grad,           mask_lower}},
      {Op::Noise,       {"noise",              2, S::Elementwise, corruption_shape,         noise_grad,          noise_lower}},
      {Op::SampleNormal,     {"sample_normal",      3, S::Elementwise, sample_normal_shape, sample_normal_grad, sample_normal_lower}},
      {Op::SampleNormalGrad, {"sample_normal_grad", 3, S::Elementwise, sample_normal_shape, nullptr,            sample_normal_grad_lower}},
      {Op::L1Activity,       {"l1_activity",        1, S::Reduce,      l1_activity_shape,   l1_activity_grad,   l1_activity_lower}},
      {Op::L1ActivityGrad,   {"l1_activity_grad",   1, S::Elementwise, same_as_first,       nullptr,            l1_activity_grad_lower}},
      {Op::KlNormal,         {"kl_normal",          2, S::Reduce,      kl_normal_shape,     kl_normal_grad,     kl_normal_lower}},
      {Op::KlNormalGrad,     {"kl_normal_grad",     2, S::Elementwise, kl_normal_grad_shape, nullptr,           kl_normal_grad_lower}},
      {Op::Scale,       {"scale",              2, S::Elementwise, scale_shape,              scale_grad,          scale_lower}},
      {Op::Sign,        {"sign",               1, S::Elementwise, same_as_first,            nullptr,             sign_lower}},
      {Op::RootDiv,     {"root_div",           3, S::Elementwise, root_div_shape,           nullptr,             root_div_lower}},
      {Op::OneMinus,    {"one_minus",          1, S::Elementwise, run_time_scalar_shape,    nullptr,             one_minus_lower}},
      {Op::Reciprocal,  {"reciprocal",         1, S::Elementwise, run_time_scalar_shape,    nullptr,             reciprocal_lower}},
      {Op::Pow,         {"pow",                2, S::Elementwise, run_time_scalar_shape,    nullptr,             pow_lower}},
  };
  return table.at(op);
}

const char* op_name(Op op) { return op_def(op).name; }

}  // namespace nnc::ir
