// Every op of the op table (compiler/ir/OpTable.cpp), one at a time:
//   forward   the op's Halide lowering, JIT-realized on a tiny graph, against a
//             plain C++ loop written here independently of the lowering
//   gradient  the op's gradient rule, itself lowered and realized, against
//             central finite differences of the lowered forward op
//   shape     the shape rules' errors name the offending shapes
// Adding an op means adding it to kTestedOps below, with its tests; an op
// with a gradient rule also needs a model in test_scheduled_gradients.cpp,
// which checks it through the real schedules (its coverage test fails until then).
#include <gtest/gtest.h>

#include <Halide.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/IR.h"
#include "compiler/ir/OpTable.h"
#include "test/unit/test_util.h"

namespace {

using nnc::ir::DType;
using nnc::ir::Graph;
using nnc::ir::Node;
using nnc::ir::Op;
using nnc::ir::Type;
using nnc::test::random_values;
using Values = std::vector<float>;

constexpr int kBatch = 3;

// ---- the harness: a tiny graph, values for its leaves, lowered by the op table ----

// Leaves hold their values in Halide buffers (dims reversed: innermost first,
// the batch last, so the memory is row-major like the IR's types). compile()
// lowers the nodes an output needs with the op table's `lower` rules, as
// codegen/Lower.cpp does but with Halide's default schedule, and the result
// can be run again after a leaf's values change (finite differences).
class Net {
 public:
  explicit Net(int batch = kBatch) : batch_(batch) {}

  int input(std::vector<int64_t> dims, Values v) { return leaf(Op::Input, Type{DType::F32, true, std::move(dims)}, v); }
  int param(std::vector<int64_t> dims, Values v) { return leaf(Op::Param, Type{DType::F32, false, std::move(dims)}, v); }
  int target(std::vector<int64_t> dims, Values v) {
    return leaf(Op::Target, Type{DType::F32, true, std::move(dims)}, v);
  }
  int labels(const std::vector<int32_t>& classes) {
    int id = graph.add_leaf(Op::Target, Type{DType::I32, true, {}}, "t", {});
    Halide::Buffer<int32_t> b(batch_);
    std::copy(classes.begin(), classes.end(), b.data());
    int32_buffers_[id] = b;
    return id;
  }
  int hyper(const std::string& name, double value) {  // run-time scalars are f64 (ir/IR.h)
    int id = graph.add_leaf(Op::Hyper, nnc::ir::f64_scalar(), name, {});
    hypers_[id] = Halide::Param<double>(name + "_" + std::to_string(id), value);
    return id;
  }
  int add(Op op, std::vector<int> inputs, std::vector<int64_t> attrs = {}) {
    return graph.add(op, std::move(inputs), {}, std::move(attrs));
  }

  // A leaf's values, row-major; writable.
  float* values(int leaf) { return f32_buffers_.at(leaf).data(); }
  size_t size_of(int leaf) const { return size_t(f32_buffers_.at(leaf).number_of_elements()); }

  struct Compiled {
    Halide::Pipeline pipeline;
    std::vector<Halide::Buffer<float>> outputs;
    std::vector<Values> run() {
      Halide::Realization r(std::vector<Halide::Buffer<void>>(outputs.begin(), outputs.end()));
      pipeline.realize(r);
      std::vector<Values> out;
      for (auto& b : outputs) out.emplace_back(b.data(), b.data() + b.number_of_elements());
      return out;
    }
  };

  Compiled compile(const std::vector<int>& outputs) {
    std::vector<bool> needed(size_t(graph.size()), false);
    for (int id : outputs) needed[size_t(id)] = true;
    for (int id = graph.size() - 1; id >= 0; --id)
      if (needed[size_t(id)])
        for (int in : graph.node(id).inputs) needed[size_t(in)] = true;

    std::map<int, Halide::Func> funcs;
    for (const Node& n : graph.nodes()) {
      if (!needed[size_t(n.id)]) continue;
      if (n.inputs.empty()) {
        funcs[n.id] = leaf_func(n);
        continue;
      }
      std::vector<Halide::Func> in;
      std::vector<const Type*> in_types;
      for (int id : n.inputs) in.push_back(funcs.at(id)), in_types.push_back(&graph.node(id).type);
      const nnc::ir::OpDef& def = nnc::ir::op_def(n.op);
      if (!def.lower) throw std::runtime_error(std::string("no lowering for ") + def.name);
      funcs[n.id] = def.lower(nnc::ir::LowerArgs{n, in, in_types, vars(n.type), Halide::Expr(batch_)}).value;
    }

    // Each output is a copy (an output may be a leaf, or appear twice).
    Compiled c;
    std::vector<Halide::Func> out_funcs;
    for (int id : outputs) {
      const Type& type = graph.node(id).type;
      std::vector<Halide::Var> v = vars(type);
      Halide::Func copy("out_" + std::to_string(out_funcs.size()));
      copy(v) = funcs.at(id)(v);
      out_funcs.push_back(copy);
      c.outputs.emplace_back(sizes(type));
    }
    c.pipeline = Halide::Pipeline(out_funcs);
    return c;
  }

  // Lowers and runs once.
  std::vector<Values> eval(const std::vector<int>& outputs) { return compile(outputs).run(); }
  Values eval(int output) { return eval(std::vector<int>{output})[0]; }

  Graph graph;

 private:
  int leaf(Op op, Type type, const Values& v) {
    int id = graph.add_leaf(op, type, "leaf" + std::to_string(graph.size()), {});
    Halide::Buffer<float> b(sizes(type));
    if (size_t(b.number_of_elements()) != v.size()) throw std::logic_error("wrong number of values for a leaf");
    std::copy(v.begin(), v.end(), b.data());
    f32_buffers_[id] = b;
    return id;
  }

  std::vector<int> sizes(const Type& t) const {
    std::vector<int> s;
    for (auto it = t.dims.rbegin(); it != t.dims.rend(); ++it) s.push_back(int(*it));
    if (t.batched) s.push_back(batch_);
    return s;
  }

  static std::vector<Halide::Var> vars(const Type& t) {
    std::vector<Halide::Var> v;
    for (int k = 0; k < t.rank(); ++k) v.emplace_back("v" + std::to_string(k));
    return v;
  }

  Halide::Func leaf_func(const Node& n) {
    if (n.op == Op::Hyper) {
      Halide::Func f("hyper_" + std::to_string(n.id));
      f() = hypers_.at(n.id);
      return f;
    }
    auto [it, fresh] = image_params_.try_emplace(n.id);
    if (fresh) {
      bool f32 = n.type.dtype == DType::F32;
      it->second = Halide::ImageParam(f32 ? Halide::Float(32) : Halide::Int(32), n.type.rank(), "leaf_" + std::to_string(n.id));
      if (f32) it->second.set(f32_buffers_.at(n.id));
      else it->second.set(int32_buffers_.at(n.id));
    }
    return it->second;
  }

  int batch_;
  std::map<int, Halide::Buffer<float>> f32_buffers_;
  std::map<int, Halide::Buffer<int32_t>> int32_buffers_;
  std::map<int, Halide::Param<double>> hypers_;
  std::map<int, Halide::ImageParam> image_params_;
};

// Values with |x| in [0.1, 1], both signs: away from relu's and step's kink.
Values away_from_zero(size_t n, unsigned seed) {
  Values v = random_values(n, seed, 0.1f, 1.0f);
  for (size_t i = 0; i < n; i += 2) v[i] = -v[i];
  return v;
}

void expect_near_all(const Values& got, const std::vector<double>& want, double rel = 1e-5, double abs = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], abs + rel * std::fabs(want[i])) << "at element " << i;
}

// ---- forward: each op against a reference loop ------------------------------------

constexpr int kIn = 4, kOut = 5;

TEST(OpForward, MatMul) {
  Net net;
  Values x = random_values(kBatch * kIn, 1), w = random_values(kIn * kOut, 2);
  int y = net.add(Op::MatMul, {net.input({kIn}, x), net.param({kIn, kOut}, w)});
  EXPECT_EQ(net.graph.node(y).type, nnc::ir::f32({kOut}, true));
  std::vector<double> want(kBatch * kOut, 0.0);
  for (int b = 0; b < kBatch; ++b)
    for (int j = 0; j < kOut; ++j)
      for (int i = 0; i < kIn; ++i) want[b * kOut + j] += double(x[b * kIn + i]) * w[i * kOut + j];
  expect_near_all(net.eval(y), want);
}

TEST(OpForward, MatMulTN) {
  Net net;
  Values x = random_values(kBatch * kIn, 3), dy = random_values(kBatch * kOut, 4);
  int g = net.add(Op::MatMulTN, {net.input({kIn}, x), net.input({kOut}, dy)});
  EXPECT_EQ(net.graph.node(g).type, nnc::ir::f32({kIn, kOut}));
  std::vector<double> want(kIn * kOut, 0.0);
  for (int i = 0; i < kIn; ++i)
    for (int j = 0; j < kOut; ++j)
      for (int b = 0; b < kBatch; ++b) want[i * kOut + j] += double(x[b * kIn + i]) * dy[b * kOut + j];
  expect_near_all(net.eval(g), want);
}

TEST(OpForward, Transpose) {
  Net net;
  Values w = random_values(kIn * kOut, 5);
  int t = net.add(Op::Transpose, {net.param({kIn, kOut}, w)});
  EXPECT_EQ(net.graph.node(t).type, nnc::ir::f32({kOut, kIn}));
  std::vector<double> want(kIn * kOut);
  for (int i = 0; i < kIn; ++i)
    for (int j = 0; j < kOut; ++j) want[j * kIn + i] = w[i * kOut + j];
  expect_near_all(net.eval(t), want, 0, 0);
}

TEST(OpForward, BiasAdd) {
  Net net;
  Values y = random_values(kBatch * kOut, 6), bias = random_values(kOut, 7);
  int z = net.add(Op::BiasAdd, {net.input({kOut}, y), net.param({kOut}, bias)});
  std::vector<double> want(kBatch * kOut);
  for (int b = 0; b < kBatch; ++b)
    for (int j = 0; j < kOut; ++j) want[b * kOut + j] = double(y[b * kOut + j]) + bias[j];
  expect_near_all(net.eval(z), want);
}

TEST(OpForward, BiasGrad) {
  Net net;
  Values x = random_values(kBatch * kOut, 8);
  int s = net.add(Op::BiasGrad, {net.input({kOut}, x)});
  EXPECT_EQ(net.graph.node(s).type, nnc::ir::f32({kOut}));
  std::vector<double> want(kOut, 0.0);
  for (int b = 0; b < kBatch; ++b)
    for (int j = 0; j < kOut; ++j) want[j] += x[b * kOut + j];
  expect_near_all(net.eval(s), want);
}

// Elementwise ops: f applied to every element of [B, 5] operands.
template <class F>
void check_elementwise(Op op, int arity, F f, Values first = {}) {
  Net net;
  std::vector<Values> in;
  std::vector<int> leaves;
  for (int k = 0; k < arity; ++k) {
    in.push_back(k == 0 && !first.empty() ? first : random_values(kBatch * kOut, 10 + unsigned(k)));
    leaves.push_back(net.input({kOut}, in.back()));
  }
  int y = net.add(op, leaves);
  EXPECT_EQ(net.graph.node(y).type, net.graph.node(leaves[0]).type);
  std::vector<double> want(kBatch * kOut);
  for (size_t e = 0; e < want.size(); ++e) {
    std::vector<double> a;
    for (const Values& v : in) a.push_back(v[e]);
    want[e] = f(a);
  }
  expect_near_all(net.eval(y), want);
}

using Args = const std::vector<double>&;

TEST(OpForward, Add) { check_elementwise(Op::Add, 2, [](Args a) { return a[0] + a[1]; }); }
TEST(OpForward, Sub) { check_elementwise(Op::Sub, 2, [](Args a) { return a[0] - a[1]; }); }
TEST(OpForward, Mul) { check_elementwise(Op::Mul, 2, [](Args a) { return a[0] * a[1]; }); }
TEST(OpForward, Neg) { check_elementwise(Op::Neg, 1, [](Args a) { return -a[0]; }); }

TEST(OpForward, Step) {
  Values x = away_from_zero(kBatch * kOut, 12);
  x[3] = 0.0f;  // step(0) = 0: the unit fires only above its threshold
  check_elementwise(Op::Step, 1, [](Args a) { return a[0] > 0 ? 1.0 : 0.0; }, x);
}

TEST(OpForward, Sigmoid) {
  Values x = random_values(kBatch * kOut, 13, -4, 4);
  check_elementwise(Op::Sigmoid, 1, [](Args a) { return 1.0 / (1.0 + std::exp(-a[0])); }, x);
}
TEST(OpForward, SigmoidGrad) {
  check_elementwise(Op::SigmoidGrad, 2, [](Args a) { return a[1] * a[0] * (1.0 - a[0]); });
}
TEST(OpForward, Tanh) {
  Values x = random_values(kBatch * kOut, 14, -3, 3);
  check_elementwise(Op::Tanh, 1, [](Args a) { return std::tanh(a[0]); }, x);
}
TEST(OpForward, TanhGrad) { check_elementwise(Op::TanhGrad, 2, [](Args a) { return a[1] * (1.0 - a[0] * a[0]); }); }
TEST(OpForward, Relu) {
  check_elementwise(Op::Relu, 1, [](Args a) { return std::max(a[0], 0.0); }, away_from_zero(kBatch * kOut, 15));
}
TEST(OpForward, ReluGrad) {
  check_elementwise(Op::ReluGrad, 2, [](Args a) { return a[0] > 0 ? a[1] : 0.0; }, away_from_zero(kBatch * kOut, 16));
}

std::vector<double> softmax_ref(const Values& x, int rows, int n) {
  std::vector<double> p(x.size());
  for (int b = 0; b < rows; ++b) {
    double m = *std::max_element(x.begin() + b * n, x.begin() + (b + 1) * n), sum = 0;
    for (int j = 0; j < n; ++j) sum += p[b * n + j] = std::exp(double(x[b * n + j]) - m);
    for (int j = 0; j < n; ++j) p[b * n + j] /= sum;
  }
  return p;
}

TEST(OpForward, Softmax) {
  Net net;
  Values x = random_values(kBatch * kOut, 17, -3, 3);
  for (int j = 0; j < kOut; ++j) x[kOut + j] += 100.0f;  // e^100 overflows f32: needs the max subtracted
  int y = net.add(Op::Softmax, {net.input({kOut}, x)});
  Values got = net.eval(y);
  expect_near_all(got, softmax_ref(x, kBatch, kOut));
  for (float v : got) EXPECT_TRUE(std::isfinite(v));
}

TEST(OpForward, SoftmaxGrad) {
  Net net;
  Values y = random_values(kBatch * kOut, 18, 0, 1), dy = random_values(kBatch * kOut, 19);
  int dx = net.add(Op::SoftmaxGrad, {net.input({kOut}, y), net.input({kOut}, dy)});
  std::vector<double> want(kBatch * kOut);
  for (int b = 0; b < kBatch; ++b) {
    double dot = 0;
    for (int k = 0; k < kOut; ++k) dot += double(dy[b * kOut + k]) * y[b * kOut + k];
    for (int j = 0; j < kOut; ++j) want[b * kOut + j] = y[b * kOut + j] * (dy[b * kOut + j] - dot);
  }
  expect_near_all(net.eval(dx), want);
}

TEST(OpForward, SquaredError) {
  Net net;
  Values y = random_values(kBatch * kOut, 20), t = random_values(kBatch * kOut, 21);
  int loss = net.add(Op::SquaredError, {net.input({kOut}, y), net.target({kOut}, t)});
  EXPECT_EQ(net.graph.node(loss).type, nnc::ir::f32({}));
  double sum = 0;
  for (size_t e = 0; e < y.size(); ++e) sum += 0.5 * (double(t[e]) - y[e]) * (double(t[e]) - y[e]);
  expect_near_all(net.eval(loss), {sum / kBatch});
}

TEST(OpForward, SquaredErrorGrad) {
  Net net;
  Values y = random_values(kBatch * kOut, 22), t = random_values(kBatch * kOut, 23);
  int g = net.add(Op::SquaredErrorGrad, {net.input({kOut}, y), net.target({kOut}, t)});
  std::vector<double> want(y.size());
  for (size_t e = 0; e < y.size(); ++e) want[e] = (double(y[e]) - t[e]) / kBatch;
  expect_near_all(net.eval(g), want);
}

const std::vector<int32_t> kLabels = {2, 0, 4};

TEST(OpForward, CrossEntropy) {
  Net net;
  Values x = random_values(kBatch * kOut, 24, -3, 3);
  for (int j = 0; j < kOut; ++j) x[j] += 100.0f;  // needs the max subtracted
  int loss = net.add(Op::CrossEntropy, {net.input({kOut}, x), net.labels(kLabels)});
  EXPECT_EQ(net.graph.node(loss).type, nnc::ir::f32({}));
  std::vector<double> p = softmax_ref(x, kBatch, kOut);
  double sum = 0;
  for (int b = 0; b < kBatch; ++b) sum += -std::log(p[b * kOut + kLabels[b]]);
  expect_near_all(net.eval(loss), {sum / kBatch});
}

TEST(OpForward, CrossEntropyGrad) {
  Net net;
  Values x = random_values(kBatch * kOut, 25, -3, 3);
  int g = net.add(Op::CrossEntropyGrad, {net.input({kOut}, x), net.labels(kLabels)});
  EXPECT_EQ(net.graph.node(g).type, nnc::ir::f32({kOut}, true));
  std::vector<double> want = softmax_ref(x, kBatch, kOut);
  for (int b = 0; b < kBatch; ++b) {
    want[b * kOut + kLabels[b]] -= 1.0;
    for (int j = 0; j < kOut; ++j) want[b * kOut + j] /= kBatch;
  }
  expect_near_all(net.eval(g), want);
}

TEST(OpForward, MeanSquaredError) {
  Net net;
  Values y = random_values(kBatch * kOut, 24), t = random_values(kBatch * kOut, 25);
  int loss = net.add(Op::MeanSquaredError, {net.input({kOut}, y), net.target({kOut}, t)});
  double sum = 0;
  for (size_t e = 0; e < y.size(); ++e) sum += (double(t[e]) - y[e]) * (double(t[e]) - y[e]);
  expect_near_all(net.eval(loss), {sum / double(y.size())});
}

TEST(OpForward, MeanSquaredErrorGrad) {
  Net net;
  Values y = random_values(kBatch * kOut, 26), t = random_values(kBatch * kOut, 27);
  int g = net.add(Op::MeanSquaredErrorGrad, {net.input({kOut}, y), net.target({kOut}, t)});
  std::vector<double> want(y.size());
  for (size_t e = 0; e < y.size(); ++e) want[e] = 2 * (double(y[e]) - t[e]) / double(y.size());
  expect_near_all(net.eval(g), want);
}

// Probabilities away from 0 and 1, targets 0 or 1 and in between.
Values probabilities(unsigned seed) { return random_values(kBatch * kOut, seed, 0.05f, 0.95f); }

TEST(OpForward, BinaryCrossEntropy) {
  Net net;
  Values y = probabilities(28), t = random_values(kBatch * kOut, 29, 0, 1);
  t[0] = 0, t[1] = 1;
  int loss = net.add(Op::BinaryCrossEntropy, {net.input({kOut}, y), net.target({kOut}, t)});
  double sum = 0;
  for (size_t e = 0; e < y.size(); ++e) sum -= t[e] * std::log(double(y[e])) + (1 - t[e]) * std::log(1 - double(y[e]));
  expect_near_all(net.eval(loss), {sum / double(y.size())});
}

TEST(OpForward, BinaryCrossEntropyIsFiniteAtSaturation) {
  Net net;
  Values y(kBatch * kOut, 1.0f), t(kBatch * kOut, 0.0f);
  int loss = net.add(Op::BinaryCrossEntropy, {net.input({kOut}, y), net.target({kOut}, t)});
  const float value = net.eval(loss)[0];
  EXPECT_TRUE(std::isfinite(value));
  EXPECT_NEAR(value, -std::log(1e-7), 0.5);  // y kept at 1 - 1e-7 (in float)
}

TEST(OpForward, BinaryCrossEntropyGrad) {
  Net net;
  Values y = probabilities(30), t = random_values(kBatch * kOut, 31, 0, 1);
  int g = net.add(Op::BinaryCrossEntropyGrad, {net.input({kOut}, y), net.target({kOut}, t)});
  std::vector<double> want(y.size());
  for (size_t e = 0; e < y.size(); ++e)
    want[e] = (double(y[e]) - t[e]) / (double(y[e]) * (1 - double(y[e]))) / double(y.size());
  expect_near_all(net.eval(g), want);
}

// The random layers' uniform numbers, written out from their definition in
// OpTable.cpp: the MurmurHash3 finaliser of (offset * 0x9E3779B1) ^ (seed *
// 0x85EBCA6B) ^ (salt * 0xC2B2AE35), top 24 bits. Dropout's salt is 0; it
// keeps a value where the number is >= p.
double uniform_at(uint32_t offset, uint32_t seed, uint32_t salt) {
  uint32_t h = (offset * 0x9E3779B1u) ^ (seed * 0x85EBCA6Bu) ^ (salt * 0xC2B2AE35u);
  h ^= h >> 16, h *= 0x7FEB352Du, h ^= h >> 15, h *= 0x846CA68Bu, h ^= h >> 16;
  return double(h >> 8) / 16777216.0;
}
bool dropout_keeps(uint32_t offset, uint32_t seed, double p) { return uniform_at(offset, seed, 0) >= p; }

constexpr int64_t kDropoutPerMillion = 300000;  // p = 0.3

TEST(OpForward, DropoutZeroesAndScales) {
  Net net(64);
  const int64_t n = 64 * kOut;
  Values x = random_values(size_t(n), 32);
  const uint32_t seed = 1234;
  int y = net.add(Op::Dropout, {net.input({kOut}, x), net.hyper("dropout_seed", float(seed))}, {kDropoutPerMillion});
  Values out = net.eval(y);
  std::vector<double> want(x.size());
  int64_t dropped = 0;
  for (size_t e = 0; e < x.size(); ++e) {
    const bool keep = dropout_keeps(uint32_t(e), seed, 0.3);
    want[e] = keep ? double(x[e]) / 0.7 : 0.0;
    dropped += !keep;
  }
  expect_near_all(out, want);
  EXPECT_NEAR(double(dropped) / double(n), 0.3, 0.1);
}

TEST(OpForward, DropoutGradUsesTheSameMask) {
  Net net(64);
  Values dy = random_values(64 * kOut, 33);
  const uint32_t seed = 77;
  int g = net.add(Op::DropoutGrad, {net.input({kOut}, dy), net.hyper("dropout_seed", float(seed))}, {kDropoutPerMillion});
  std::vector<double> want(dy.size());
  for (size_t e = 0; e < dy.size(); ++e) want[e] = dropout_keeps(uint32_t(e), seed, 0.3) ? double(dy[e]) / 0.7 : 0.0;
  expect_near_all(net.eval(g), want);
}

// mask zeroes with probability p and leaves the rest as they are; two salts
// (two layers) draw different masks.
TEST(OpForward, MaskZeroesWithoutScaling) {
  Net net(64);
  Values x = random_values(64 * kOut, 35);
  const uint32_t seed = 1234, salt = 5007;
  int y = net.add(Op::Mask, {net.input({kOut}, x), net.hyper("dropout_seed", float(seed))}, {300000, salt});
  std::vector<double> want(x.size());
  int64_t zeroed = 0, differs_from_salt_1 = 0;
  for (size_t e = 0; e < x.size(); ++e) {
    const bool keep = uniform_at(uint32_t(e), seed, salt) >= 0.3;
    want[e] = keep ? double(x[e]) : 0.0;
    zeroed += !keep;
    differs_from_salt_1 += keep != (uniform_at(uint32_t(e), seed, 1) >= 0.3);
  }
  expect_near_all(net.eval(y), want);
  EXPECT_NEAR(double(zeroed) / double(x.size()), 0.3, 0.1);
  EXPECT_GT(differs_from_salt_1, 0);
}

// noise adds std * z, z standard normal by Box-Muller from the uniform
// numbers of salts s and s + 1; over many values z has mean 0 and variance 1.
TEST(OpForward, NoiseAddsGaussianNoise) {
  Net net(256);
  Values x = random_values(256 * kOut, 36);
  const uint32_t seed = 99, salt = 12003;
  int y = net.add(Op::Noise, {net.input({kOut}, x), net.hyper("dropout_seed", float(seed))}, {500000, salt});
  Values out = net.eval(y);
  std::vector<double> want(x.size());
  double sum = 0, squares = 0;
  for (size_t e = 0; e < x.size(); ++e) {
    const double z = std::sqrt(-2 * std::log(1 - uniform_at(uint32_t(e), seed, salt))) *
                     std::cos(2 * M_PI * uniform_at(uint32_t(e), seed, salt + 1));
    want[e] = double(x[e]) + 0.5 * z;
    const double drawn = (double(out[e]) - double(x[e])) / 0.5;
    sum += drawn, squares += drawn * drawn;
  }
  expect_near_all(out, want);
  const double n = double(x.size()), mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.1);
  EXPECT_NEAR(squares / n - mean * mean, 1.0, 0.15);
}

// sample_normal draws z = mu + exp(logvar / 2) * eps, eps from the same
// Box-Muller transform as noise (salts s and s + 1); its gradient op scales
// dy by d z / d logvar = eps * exp(logvar / 2) / 2 with eps drawn again.
double normal_at(uint32_t offset, uint32_t seed, uint32_t salt) {
  return std::sqrt(-2 * std::log(1 - uniform_at(offset, seed, salt))) *
         std::cos(2 * M_PI * uniform_at(offset, seed, salt + 1));
}

TEST(OpForward, SampleNormal) {
  Net net;
  Values mu = random_values(kBatch * kOut, 37), logvar = random_values(kBatch * kOut, 38, -2, 1);
  const uint32_t seed = 4321, salt = 9013;
  int z = net.add(Op::SampleNormal, {net.input({kOut}, mu), net.input({kOut}, logvar), net.hyper("dropout_seed", seed)},
                  {salt});
  std::vector<double> want(mu.size());
  for (size_t e = 0; e < mu.size(); ++e)
    want[e] = double(mu[e]) + std::exp(0.5 * logvar[e]) * normal_at(uint32_t(e), seed, salt);
  expect_near_all(net.eval(z), want);
}

TEST(OpForward, SampleNormalGrad) {
  Net net;
  Values dy = random_values(kBatch * kOut, 39), logvar = random_values(kBatch * kOut, 40, -2, 1);
  const uint32_t seed = 17, salt = 9013;
  int g = net.add(Op::SampleNormalGrad,
                  {net.input({kOut}, dy), net.input({kOut}, logvar), net.hyper("dropout_seed", seed)}, {salt});
  std::vector<double> want(dy.size());
  for (size_t e = 0; e < dy.size(); ++e)
    want[e] = double(dy[e]) * normal_at(uint32_t(e), seed, salt) * 0.5 * std::exp(0.5 * logvar[e]);
  expect_near_all(net.eval(g), want);
}

// The penalty terms: weights as {m, e}, m * 10^e. l1_activity = w/B sum |h|.
TEST(OpForward, L1Activity) {
  Net net;
  Values h = random_values(kBatch * kOut, 41);
  int l = net.add(Op::L1Activity, {net.input({kOut}, h)}, {25, -3});  // w = 0.025
  double sum = 0;
  for (float v : h) sum += std::abs(double(v));
  expect_near_all(net.eval(l), {0.025 * sum / kBatch});
}

TEST(OpForward, L1ActivityGrad) {
  Net net;
  Values h = random_values(kBatch * kOut, 42);
  h[3] = 0;  // sign(0) = 0
  int g = net.add(Op::L1ActivityGrad, {net.input({kOut}, h)}, {25, -3});
  std::vector<double> want(h.size());
  for (size_t e = 0; e < h.size(); ++e) want[e] = 0.025 * (h[e] > 0 ? 1 : h[e] < 0 ? -1 : 0) / kBatch;
  expect_near_all(net.eval(g), want);
}

// kl_normal = w/B sum -(1 + logvar - mu^2 - exp(logvar)) / 2: the closed form
// of KL(N(mu, exp(logvar)) || N(0, 1)), summed over the code.
TEST(OpForward, KlNormal) {
  Net net;
  Values mu = random_values(kBatch * kOut, 43), logvar = random_values(kBatch * kOut, 44, -2, 1);
  int l = net.add(Op::KlNormal, {net.input({kOut}, mu), net.input({kOut}, logvar)}, {5, -1});  // w = 0.5
  double sum = 0;
  for (size_t e = 0; e < mu.size(); ++e)
    sum += -0.5 * (1 + double(logvar[e]) - double(mu[e]) * mu[e] - std::exp(double(logvar[e])));
  expect_near_all(net.eval(l), {0.5 * sum / kBatch});
}

TEST(OpForward, KlNormalGrad) {
  Values mu = random_values(kBatch * kOut, 45), logvar = random_values(kBatch * kOut, 46, -2, 1);
  for (int64_t operand : {0, 1}) {
    Net net;
    int g = net.add(Op::KlNormalGrad, {net.input({kOut}, mu), net.input({kOut}, logvar)}, {operand, 5, -1});
    std::vector<double> want(mu.size());
    for (size_t e = 0; e < mu.size(); ++e)
      want[e] = 0.5 / kBatch * (operand == 0 ? double(mu[e]) : 0.5 * (std::exp(double(logvar[e])) - 1));
    expect_near_all(net.eval(g), want);
  }
}

TEST(OpForward, Scale) {
  Net net;
  Values x = random_values(kBatch * kOut, 34);
  int y = net.add(Op::Scale, {net.input({kOut}, x), net.hyper("factor", -2.5f)});
  std::vector<double> want(x.size());
  for (size_t e = 0; e < x.size(); ++e) want[e] = -2.5 * x[e];
  expect_near_all(net.eval(y), want);
}

TEST(OpForward, Sign) {
  Values x = random_values(kBatch * kOut, 35);
  x[0] = 0;
  check_elementwise(Op::Sign, 1, [](Args a) { return double((a[0] > 0) - (a[0] < 0)); }, x);
}

TEST(OpForward, RootDiv) {
  Net net;
  Values m = random_values(kIn * kOut, 36), v = random_values(kIn * kOut, 37, 0, 2);
  int y = net.add(Op::RootDiv, {net.param({kIn, kOut}, m), net.param({kIn, kOut}, v), net.hyper("eps", 1e-3f)});
  std::vector<double> want(m.size());
  for (size_t e = 0; e < m.size(); ++e) want[e] = m[e] / (std::sqrt(double(v[e])) + 1e-3);
  expect_near_all(net.eval(y), want);
}

// one_minus, reciprocal, pow: the optimizers' derived values (passes/Optimizers.h),
// on run-time scalars in double. Seen through scale(ones, s), which rounds s
// to f32 once, so each result must be the double value rounded to f32: a
// computation in f32 (1 - 0.999f is 1.3e-5 away from 1 - 0.999 relatively)
// would miss it.
double scalar_through_scale(Net& net, int s) {
  Values ones(kBatch * kOut, 1.0f);
  return double(net.eval(net.add(Op::Scale, {net.input({kOut}, ones), s}))[0]);
}
TEST(OpForward, OneMinus) {
  Net net;
  EXPECT_EQ(scalar_through_scale(net, net.add(Op::OneMinus, {net.hyper("beta2", 0.999)})), double(float(1 - 0.999)));
}
TEST(OpForward, Reciprocal) {
  Net net;
  EXPECT_EQ(scalar_through_scale(net, net.add(Op::Reciprocal, {net.hyper("x", 0.001)})), double(float(1 / 0.001)));
}
TEST(OpForward, Pow) {
  Net net;
  const double want = std::pow(0.999, 7.0);
  EXPECT_EQ(scalar_through_scale(net, net.add(Op::Pow, {net.hyper("beta2", 0.999), net.hyper("step", 7)})),
            double(float(want)));
}
// As the optimizer pass composes them: adam's bias correction 1 / (1 - beta2^t) at t = 3.
TEST(OpForward, BiasCorrectionOfScalars) {
  Net net;
  int beta = net.hyper("beta2", 0.999), t = net.hyper("step", 3);
  int c = net.add(Op::Reciprocal, {net.add(Op::OneMinus, {net.add(Op::Pow, {beta, t})})});
  EXPECT_EQ(net.graph.node(c).type, nnc::ir::f64_scalar());
  EXPECT_EQ(scalar_through_scale(net, c), double(float(1 / (1 - std::pow(0.999, 3.0)))));
}
TEST(OpShape, DerivedScalarsTakeOnlyRunTimeScalars) {
  Net net;
  int x = net.input({kOut}, random_values(kBatch * kOut, 39));
  EXPECT_THROW(net.add(Op::OneMinus, {x}), nnc::ir::ShapeError);
  EXPECT_THROW(net.add(Op::Scale, {x, x}), nnc::ir::ShapeError);
}

// ---- images: convolution, pooling, reshaping ------------------------------------
//
// An image value is [B, C, H, W] (2-D) or [B, C, W] (1-D), row-major. The
// references below treat a 1-D image as a 2-D one of height 1 (kernel height
// 1, stride 1, no padding there), indexing flat arrays directly.

std::vector<int64_t> concat(std::vector<int64_t> a, const std::vector<int64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

struct ConvGeom {
  int B, Cin, Cout, H, W, KH, KW, sh, sw, ph, pw;
  bool one_d = false;

  int OH() const { return (H + 2 * ph - KH) / sh + 1; }
  int OW() const { return (W + 2 * pw - KW) / sw + 1; }
  std::vector<int64_t> image(int c, int h, int w) const {
    return one_d ? std::vector<int64_t>{c, w} : std::vector<int64_t>{c, h, w};
  }
  std::vector<int64_t> x_dims() const { return image(Cin, H, W); }
  std::vector<int64_t> y_dims() const { return image(Cout, OH(), OW()); }
  std::vector<int64_t> w_dims() const {
    return one_d ? std::vector<int64_t>{Cout, Cin, KW} : std::vector<int64_t>{Cout, Cin, KH, KW};
  }
  std::vector<int64_t> spatial() const { return one_d ? std::vector<int64_t>{W} : std::vector<int64_t>{H, W}; }
  std::vector<int64_t> kernel() const { return one_d ? std::vector<int64_t>{KW} : std::vector<int64_t>{KH, KW}; }
  // conv's attrs: strides, then pads.
  std::vector<int64_t> attrs() const {
    return one_d ? std::vector<int64_t>{sw, pw} : std::vector<int64_t>{sh, sw, ph, pw};
  }
  size_t x_size() const { return size_t(B) * Cin * H * W; }
  size_t y_size() const { return size_t(B) * Cout * OH() * OW(); }
  size_t w_size() const { return size_t(Cout) * Cin * KH * KW; }

  // The forward's index map: f(x index, w index, y index) for every product
  // the convolution sums, i.e. every output, input channel and kernel tap
  // whose input position lies inside the image (the padding is zero).
  template <class F>
  void each_product(F f) const {
    for (int b = 0; b < B; ++b)
      for (int co = 0; co < Cout; ++co)
        for (int oh = 0; oh < OH(); ++oh)
          for (int ow = 0; ow < OW(); ++ow)
            for (int ci = 0; ci < Cin; ++ci)
              for (int kh = 0; kh < KH; ++kh)
                for (int kw = 0; kw < KW; ++kw) {
                  int ih = oh * sh + kh - ph, iw = ow * sw + kw - pw;
                  if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                  f(((size_t(b) * Cin + ci) * H + ih) * W + iw, ((size_t(co) * Cin + ci) * KH + kh) * KW + kw,
                    ((size_t(b) * Cout + co) * OH() + oh) * OW() + ow);
                }
  }
};

std::vector<double> conv_ref(const ConvGeom& g, const Values& x, const Values& w) {
  std::vector<double> y(g.y_size(), 0.0);
  g.each_product([&](size_t xi, size_t wi, size_t yi) { y[yi] += double(x[xi]) * w[wi]; });
  return y;
}
// The adjoints: dy scattered back through the same index map.
std::vector<double> conv_grad_input_ref(const ConvGeom& g, const Values& dy, const Values& w) {
  std::vector<double> dx(g.x_size(), 0.0);
  g.each_product([&](size_t xi, size_t wi, size_t yi) { dx[xi] += double(dy[yi]) * w[wi]; });
  return dx;
}
std::vector<double> conv_grad_weight_ref(const ConvGeom& g, const Values& x, const Values& dy) {
  std::vector<double> dw(g.w_size(), 0.0);
  g.each_product([&](size_t xi, size_t wi, size_t yi) { dw[wi] += double(x[xi]) * dy[yi]; });
  return dw;
}

//                            B  Cin Cout H  W  KH KW sh sw ph pw
const ConvGeom kConvPlain   {3, 2,  3,   5, 4, 3, 2, 1, 1, 0, 0};
const ConvGeom kConvStrided {2, 2,  3,   7, 5, 3, 2, 2, 2, 1, 1};
// Different strides and pads per dimension; H = 7 with stride 2 leaves the
// last input row outside every window (its input gradient is 0).
const ConvGeom kConvMixed   {2, 2,  3,   7, 7, 2, 3, 2, 1, 0, 1};
const ConvGeom kConv1D      {2, 2,  3,   1, 9, 1, 3, 1, 2, 0, 1, true};

void check_conv(const ConvGeom& g, unsigned seed) {
  Net net(g.B);
  Values x = random_values(g.x_size(), seed), w = random_values(g.w_size(), seed + 1);
  int y = net.add(Op::Conv, {net.input(g.x_dims(), x), net.param(g.w_dims(), w)}, g.attrs());
  EXPECT_EQ(net.graph.node(y).type, nnc::ir::f32(g.y_dims(), true));
  expect_near_all(net.eval(y), conv_ref(g, x, w));
}

TEST(OpForward, ConvStride1Pad0) { check_conv(kConvPlain, 60); }
TEST(OpForward, ConvStride2Pad1) { check_conv(kConvStrided, 62); }
TEST(OpForward, ConvMixedStridesAndPads) { check_conv(kConvMixed, 64); }
TEST(OpForward, Conv1DStride2) { check_conv(kConv1D, 66); }

// conv_grad_input(dy, W), attrs: strides, pads, the input's spatial size.
void check_conv_grad_input(const ConvGeom& g, unsigned seed, Op op = Op::ConvGradInput) {
  Net net(g.B);
  Values dy = random_values(g.y_size(), seed), w = random_values(g.w_size(), seed + 1);
  int dx = net.add(op, {net.input(g.y_dims(), dy), net.param(g.w_dims(), w)},
                   concat(g.attrs(), g.spatial()));
  EXPECT_EQ(net.graph.node(dx).type, nnc::ir::f32(g.x_dims(), true));
  expect_near_all(net.eval(dx), conv_grad_input_ref(g, dy, w));
}

TEST(OpForward, ConvGradInputStride1Pad0) { check_conv_grad_input(kConvPlain, 70); }
TEST(OpForward, ConvGradInputStride2Pad1) { check_conv_grad_input(kConvStrided, 72); }
TEST(OpForward, ConvGradInputMixedStridesAndPads) { check_conv_grad_input(kConvMixed, 74); }
TEST(OpForward, ConvGradInput1DStride2) { check_conv_grad_input(kConv1D, 76); }

// conv_transpose(x, W) computes what conv_grad_input(dy, W) does, with x in
// the place of dy: the transpose of the convolution of geometry g, from g's
// output shape to its input shape (with kConvMixed's H = 7 at stride 2, an
// output padding of 1), against the same scatter.
TEST(OpForward, ConvTransposeStride1Pad0) { check_conv_grad_input(kConvPlain, 77, Op::ConvTranspose); }
TEST(OpForward, ConvTransposeStride2Pad1) { check_conv_grad_input(kConvStrided, 78, Op::ConvTranspose); }
TEST(OpForward, ConvTransposeOutputPadding) { check_conv_grad_input(kConvMixed, 79, Op::ConvTranspose); }
TEST(OpForward, ConvTranspose1DStride2) { check_conv_grad_input(kConv1D, 87, Op::ConvTranspose); }

// conv_grad_weight(x, dy), attrs: strides, pads, the kernel's spatial size.
void check_conv_grad_weight(const ConvGeom& g, unsigned seed) {
  Net net(g.B);
  Values x = random_values(g.x_size(), seed), dy = random_values(g.y_size(), seed + 1);
  int dw = net.add(Op::ConvGradWeight, {net.input(g.x_dims(), x), net.input(g.y_dims(), dy)},
                   concat(g.attrs(), g.kernel()));
  EXPECT_EQ(net.graph.node(dw).type, nnc::ir::f32(g.w_dims()));
  expect_near_all(net.eval(dw), conv_grad_weight_ref(g, x, dy));
}

TEST(OpForward, ConvGradWeightStride1Pad0) { check_conv_grad_weight(kConvPlain, 80); }
TEST(OpForward, ConvGradWeightStride2Pad1) { check_conv_grad_weight(kConvStrided, 82); }
TEST(OpForward, ConvGradWeightMixedStridesAndPads) { check_conv_grad_weight(kConvMixed, 84); }
TEST(OpForward, ConvGradWeight1DStride2) { check_conv_grad_weight(kConv1D, 86); }

struct PoolGeom {
  int B, C, H, W, KH, KW, sh, sw;
  bool one_d = false;

  int OH() const { return (H - KH) / sh + 1; }
  int OW() const { return (W - KW) / sw + 1; }
  std::vector<int64_t> image(int h, int w) const {
    return one_d ? std::vector<int64_t>{C, w} : std::vector<int64_t>{C, h, w};
  }
  std::vector<int64_t> x_dims() const { return image(H, W); }
  std::vector<int64_t> y_dims() const { return image(OH(), OW()); }
  std::vector<int64_t> spatial() const { return one_d ? std::vector<int64_t>{W} : std::vector<int64_t>{H, W}; }
  // pool attrs: windows, then strides.
  std::vector<int64_t> attrs() const {
    return one_d ? std::vector<int64_t>{KW, sw} : std::vector<int64_t>{KH, KW, sh, sw};
  }
  size_t x_size() const { return size_t(B) * C * H * W; }
  size_t y_size() const { return size_t(B) * C * OH() * OW(); }
  double area() const { return double(KH) * KW; }
  size_t x_index(int b, int c, int h, int w) const { return ((size_t(b) * C + c) * H + h) * W + w; }

  // f(y index, the x indices of its window, row-major).
  template <class F>
  void each_window(F f) const {
    for (int b = 0; b < B; ++b)
      for (int c = 0; c < C; ++c)
        for (int oh = 0; oh < OH(); ++oh)
          for (int ow = 0; ow < OW(); ++ow) {
            std::vector<size_t> taps;
            for (int kh = 0; kh < KH; ++kh)
              for (int kw = 0; kw < KW; ++kw) taps.push_back(x_index(b, c, oh * sh + kh, ow * sw + kw));
            f(((size_t(b) * C + c) * OH() + oh) * OW() + ow, taps);
          }
  }
};

//                          B  C  H  W  KH KW sh sw
const PoolGeom kPool2     {3, 2, 5, 6, 2, 2, 2, 2};  // the last row is in no window
const PoolGeom kPool3s1   {2, 2, 5, 4, 3, 3, 1, 1};  // overlapping
const PoolGeom kPool3s2   {2, 2, 7, 5, 3, 3, 2, 2};  // overlapping
const PoolGeom kPoolMixed {2, 2, 6, 7, 2, 3, 2, 1};  // window 2x3, strides 2 and 1
const PoolGeom kPool1D    {2, 3, 1, 7, 1, 3, 1, 2, true};
const PoolGeom kPool1DTiled {2, 3, 1, 8, 1, 3, 1, 3, true};  // windows of 3 tile it; the last 2 are in none

std::vector<double> maxpool_ref(const PoolGeom& g, const Values& x) {
  std::vector<double> y(g.y_size());
  g.each_window([&](size_t yi, const std::vector<size_t>& taps) {
    double m = x[taps[0]];
    for (size_t t : taps) m = std::max(m, double(x[t]));
    y[yi] = m;
  });
  return y;
}
// dy goes to the first (row-major) position of each window holding its max.
std::vector<double> maxpool_grad_ref(const PoolGeom& g, const Values& x, const Values& dy) {
  std::vector<double> dx(g.x_size(), 0.0);
  g.each_window([&](size_t yi, const std::vector<size_t>& taps) {
    size_t arg = taps[0];
    for (size_t t : taps)
      if (x[t] > x[arg]) arg = t;
    dx[arg] += dy[yi];
  });
  return dx;
}
std::vector<double> avgpool_ref(const PoolGeom& g, const Values& x) {
  std::vector<double> y(g.y_size(), 0.0);
  g.each_window([&](size_t yi, const std::vector<size_t>& taps) {
    for (size_t t : taps) y[yi] += x[t];
    y[yi] /= g.area();
  });
  return y;
}
std::vector<double> avgpool_grad_ref(const PoolGeom& g, const Values& dy) {
  std::vector<double> dx(g.x_size(), 0.0);
  g.each_window([&](size_t yi, const std::vector<size_t>& taps) {
    for (size_t t : taps) dx[t] += dy[yi] / g.area();
  });
  return dx;
}

// Random values with ties: in sample 0 the last channel is constant (every
// window ties everywhere), and in sample B-1, channel 0, the positions
// (0, 1) and (1, 0) (1-D: 1 and 2) share a value above all the others.
Values with_ties(const PoolGeom& g, unsigned seed) {
  Values x = random_values(g.x_size(), seed);
  for (int h = 0; h < g.H; ++h)
    for (int w = 0; w < g.W; ++w) x[g.x_index(0, g.C - 1, h, w)] = 0.25f;
  if (g.one_d) {
    x[g.x_index(g.B - 1, 0, 0, 1)] = x[g.x_index(g.B - 1, 0, 0, 2)] = 2.0f;
  } else {
    x[g.x_index(g.B - 1, 0, 0, 1)] = x[g.x_index(g.B - 1, 0, 1, 0)] = 2.0f;
  }
  return x;
}

void check_maxpool(const PoolGeom& g, unsigned seed) {
  Net net(g.B);
  Values x = with_ties(g, seed);
  int y = net.add(Op::MaxPool, {net.input(g.x_dims(), x)}, g.attrs());
  EXPECT_EQ(net.graph.node(y).type, nnc::ir::f32(g.y_dims(), true));
  expect_near_all(net.eval(y), maxpool_ref(g, x), 0, 0);
}

TEST(OpForward, MaxPoolWindow2Stride2) { check_maxpool(kPool2, 90); }
TEST(OpForward, MaxPoolWindow3Stride1) { check_maxpool(kPool3s1, 91); }
TEST(OpForward, MaxPoolWindow2x3Strides2x1) { check_maxpool(kPoolMixed, 92); }
TEST(OpForward, MaxPool1D) { check_maxpool(kPool1D, 93); }

// maxpool_grad(x, dy), attrs as maxpool's.
void check_maxpool_grad(const PoolGeom& g, unsigned seed) {
  Net net(g.B);
  Values x = with_ties(g, seed), dy = random_values(g.y_size(), seed + 1);
  int dx = net.add(Op::MaxPoolGrad, {net.input(g.x_dims(), x), net.input(g.y_dims(), dy)}, g.attrs());
  EXPECT_EQ(net.graph.node(dx).type, nnc::ir::f32(g.x_dims(), true));
  expect_near_all(net.eval(dx), maxpool_grad_ref(g, x, dy));
}

TEST(OpForward, MaxPoolGradWindow2Stride2) { check_maxpool_grad(kPool2, 100); }
TEST(OpForward, MaxPoolGradWindow3Stride1) { check_maxpool_grad(kPool3s1, 102); }
TEST(OpForward, MaxPoolGradWindow2x3Strides2x1) { check_maxpool_grad(kPoolMixed, 104); }
TEST(OpForward, MaxPoolGrad1D) { check_maxpool_grad(kPool1D, 106); }
TEST(OpForward, MaxPoolGrad1DTiled) { check_maxpool_grad(kPool1DTiled, 108); }

void check_avgpool(const PoolGeom& g, unsigned seed) {
  Net net(g.B);
  Values x = random_values(g.x_size(), seed);
  int y = net.add(Op::AvgPool, {net.input(g.x_dims(), x)}, g.attrs());
  EXPECT_EQ(net.graph.node(y).type, nnc::ir::f32(g.y_dims(), true));
  expect_near_all(net.eval(y), avgpool_ref(g, x));
}

TEST(OpForward, AvgPoolWindow2Stride2) { check_avgpool(kPool2, 110); }
TEST(OpForward, AvgPoolWindow3Stride2) { check_avgpool(kPool3s2, 111); }
TEST(OpForward, AvgPoolWindow2x3Strides2x1) { check_avgpool(kPoolMixed, 112); }
TEST(OpForward, AvgPool1D) { check_avgpool(kPool1D, 113); }

// avgpool_grad(dy), attrs: windows, strides, the input's spatial size.
void check_avgpool_grad(const PoolGeom& g, unsigned seed) {
  Net net(g.B);
  Values dy = random_values(g.y_size(), seed);
  int dx = net.add(Op::AvgPoolGrad, {net.input(g.y_dims(), dy)}, concat(g.attrs(), g.spatial()));
  EXPECT_EQ(net.graph.node(dx).type, nnc::ir::f32(g.x_dims(), true));
  expect_near_all(net.eval(dx), avgpool_grad_ref(g, dy));
}

TEST(OpForward, AvgPoolGradWindow2Stride2) { check_avgpool_grad(kPool2, 120); }
TEST(OpForward, AvgPoolGradWindow3Stride2) { check_avgpool_grad(kPool3s2, 121); }
TEST(OpForward, AvgPoolGradWindow2x3Strides2x1) { check_avgpool_grad(kPoolMixed, 122); }
TEST(OpForward, AvgPoolGrad1D) { check_avgpool_grad(kPool1D, 123); }

// upsample: out[b][c][y][x] = in[b][c][y / sy][x / sx], a reference loop over
// the output; 2-D with different scales per dim, and 1-D.
std::vector<double> upsample_ref(const Values& x, int channels, int h, int w, int sy, int sx) {
  std::vector<double> out;
  for (int b = 0; b < kBatch; ++b)
    for (int c = 0; c < channels; ++c)
      for (int y = 0; y < h * sy; ++y)
        for (int xo = 0; xo < w * sx; ++xo) out.push_back(x[size_t(((b * channels + c) * h + y / sy) * w + xo / sx)]);
  return out;
}

TEST(OpForward, Upsample) {
  Net net;
  Values x = random_values(kBatch * 2 * 3 * 4, 131);
  int y = net.add(Op::Upsample, {net.input({2, 3, 4}, x)}, {2, 3});
  EXPECT_EQ(net.graph.node(y).type, nnc::ir::f32({2, 6, 12}, true));
  expect_near_all(net.eval(y), upsample_ref(x, 2, 3, 4, 2, 3));
  Net net1;
  Values s = random_values(kBatch * 3 * 5, 132);
  int z = net1.add(Op::Upsample, {net1.input({3, 5}, s)}, {4});
  expect_near_all(net1.eval(z), upsample_ref(s, 3, 1, 5, 1, 4));
}

// upsample_grad: each input position gets the sum of the block of outputs it
// was copied to, a reference loop over the output gradient.
TEST(OpForward, UpsampleGrad) {
  Net net;
  Values dy = random_values(kBatch * 2 * 6 * 12, 133);
  int dx = net.add(Op::UpsampleGrad, {net.input({2, 6, 12}, dy)}, {2, 3});
  EXPECT_EQ(net.graph.node(dx).type, nnc::ir::f32({2, 3, 4}, true));
  std::vector<double> want(size_t(kBatch * 2 * 3 * 4), 0.0);
  for (int b = 0; b < kBatch; ++b)
    for (int c = 0; c < 2; ++c)
      for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 12; ++x)
          want[size_t(((b * 2 + c) * 3 + y / 2) * 4 + x / 3)] += dy[size_t(((b * 2 + c) * 6 + y) * 12 + x)];
  expect_near_all(net.eval(dx), want);
}

// Row-major memory is the same under every reshape: the values come back as
// they went in.
TEST(OpForward, Reshape) {
  Net net;
  Values x = random_values(kBatch * 24, 130);
  int image = net.input({2, 3, 4}, x);
  int flat = net.add(Op::Reshape, {image}, {24});
  EXPECT_EQ(net.graph.node(flat).type, nnc::ir::f32({24}, true));
  int back = net.add(Op::Reshape, {flat}, {2, 3, 4});
  EXPECT_EQ(net.graph.node(back).type, nnc::ir::f32({2, 3, 4}, true));
  int unflat = net.add(Op::Reshape, {net.input({24}, x)}, {2, 3, 4});
  int shuffled = net.add(Op::Reshape, {image}, {4, 3, 2});
  std::vector<double> want(x.begin(), x.end());
  std::vector<Values> got = net.eval({flat, back, unflat, shuffled});
  expect_near_all(got[0], want, 0, 0);
  expect_near_all(got[1], want, 0, 0);
  expect_near_all(got[2], want, 0, 0);
  expect_near_all(got[3], want, 0, 0);
}

// bias_add and bias_grad on an image: one bias per channel.
constexpr int kC = 3, kH = 2, kW = 4;

TEST(OpForward, BiasAddImage) {
  Net net;
  Values y = random_values(kBatch * kC * kH * kW, 131), bias = random_values(kC, 132);
  int z = net.add(Op::BiasAdd, {net.input({kC, kH, kW}, y), net.param({kC}, bias)});
  EXPECT_EQ(net.graph.node(z).type, nnc::ir::f32({kC, kH, kW}, true));
  std::vector<double> want(y.size());
  for (int b = 0; b < kBatch; ++b)
    for (int c = 0; c < kC; ++c)
      for (int p = 0; p < kH * kW; ++p) {
        size_t e = (size_t(b) * kC + c) * kH * kW + p;
        want[e] = double(y[e]) + bias[c];
      }
  expect_near_all(net.eval(z), want);
}

TEST(OpForward, BiasGradImage) {
  Net net;
  Values dy = random_values(kBatch * kC * kH * kW, 133);
  int s = net.add(Op::BiasGrad, {net.input({kC, kH, kW}, dy)});
  EXPECT_EQ(net.graph.node(s).type, nnc::ir::f32({kC}));
  std::vector<double> want(kC, 0.0);
  for (int b = 0; b < kBatch; ++b)
    for (int c = 0; c < kC; ++c)
      for (int p = 0; p < kH * kW; ++p) want[c] += dy[(size_t(b) * kC + c) * kH * kW + p];
  expect_near_all(net.eval(s), want);
}

// Every op with a lowering has a forward test above.
const std::set<Op> kTestedOps = {
    Op::MatMul,  Op::MatMulTN,         Op::Transpose,        Op::BiasAdd,      Op::BiasGrad,         Op::Add,
    Op::Sub,     Op::Mul,              Op::Neg,              Op::Step,         Op::Sigmoid,          Op::SigmoidGrad,
    Op::Tanh,    Op::TanhGrad,         Op::Relu,             Op::ReluGrad,     Op::Softmax,          Op::SoftmaxGrad,
    Op::SquaredError, Op::SquaredErrorGrad, Op::CrossEntropy, Op::CrossEntropyGrad, Op::MeanSquaredError,
    Op::MeanSquaredErrorGrad, Op::BinaryCrossEntropy, Op::BinaryCrossEntropyGrad, Op::Dropout, Op::DropoutGrad, Op::Mask, Op::Noise,
    Op::SampleNormal, Op::SampleNormalGrad, Op::L1Activity, Op::L1ActivityGrad, Op::KlNormal, Op::KlNormalGrad,
    Op::Scale, Op::Sign, Op::RootDiv, Op::OneMinus, Op::Reciprocal, Op::Pow,
    Op::ConvTranspose,
    Op::Conv,    Op::ConvGradInput,    Op::ConvGradWeight,   Op::MaxPool,      Op::MaxPoolGrad,      Op::AvgPool,
    Op::AvgPoolGrad, Op::Upsample, Op::UpsampleGrad, Op::Reshape,
};

TEST(OpTable, EveryLoweredOpIsTested) {
  const Op all[] = {
#define NNC_OP(name) Op::name,
#include "compiler/ir/Ops.def"
#undef NNC_OP
  };
  for (Op op : all) {
    if (nnc::ir::op_def(op).lower) {
      EXPECT_TRUE(kTestedOps.count(op)) << nnc::ir::op_name(op) << " has no test";
    }
  }
}

// ---- gradients: each rule against central finite differences ----------------------

// Checks the gradient rule of `node` for its operands `wrt` (leaves). The loss
// is L = sum(out * R) for a fixed random R, so the rule is given dy = R; a
// loss op (scalar result) is differentiated itself: its rule ignores dy (the
// seed 1 is implicit) and L is its value. Numeric: (L(x+h) - L(x-h)) / 2h per
// element, with the lowered forward op in float and L summed in double.
void check_gradient(Net& net, int node, const std::vector<size_t>& wrt, double rel = 1e-2, double abs = 1e-3) {
  const Node n = net.graph.node(node);  // a copy: the rule adds nodes
  const bool loss = n.type.rank() == 0;
  Net::Compiled forward = net.compile({node});
  const size_t out_size = forward.run()[0].size();
  Values r = loss ? Values{1.0f} : random_values(out_size, 99);
  int dy = n.type.batched ? net.input(n.type.dims, r) : net.param(n.type.dims, r);
  std::vector<int> grads = nnc::ir::op_def(n.op).gradient(net.graph, n, dy);
  ASSERT_EQ(grads.size(), n.inputs.size());

  std::vector<int> wanted;
  for (size_t k : wrt) {
    ASSERT_GE(grads[k], 0) << "no gradient for operand " << k;
    EXPECT_EQ(net.graph.node(grads[k]).type, net.graph.node(n.inputs[k]).type);
    wanted.push_back(grads[k]);
  }
  std::vector<Values> analytic = net.eval(wanted);

  auto objective = [&] {
    Values out = forward.run()[0];
    double l = 0;
    for (size_t e = 0; e < out.size(); ++e) l += double(out[e]) * r[e];
    return l;
  };
  const float h = 1e-3f;
  for (size_t w = 0; w < wrt.size(); ++w) {
    int leaf = n.inputs[wrt[w]];
    float* x = net.values(leaf);
    ASSERT_EQ(analytic[w].size(), net.size_of(leaf));
    for (size_t e = 0; e < net.size_of(leaf); ++e) {
      const float x0 = x[e], up = x0 + h, down = x0 - h;
      x[e] = up;
      double l_up = objective();
      x[e] = down;
      double l_down = objective();
      x[e] = x0;
      double numeric = (l_up - l_down) / (double(up) - double(down));
      EXPECT_NEAR(analytic[w][e], numeric, abs + rel * std::fabs(numeric))
          << "d/d operand " << wrt[w] << " element " << e;
    }
  }
}

TEST(OpGradient, MatMul) {
  Net net;
  int y = net.add(Op::MatMul, {net.input({kIn}, random_values(kBatch * kIn, 30)),
                                net.param({kIn, kOut}, random_values(kIn * kOut, 31))});
  check_gradient(net, y, {0, 1});
}

TEST(OpGradient, BiasAdd) {
  Net net;
  int y = net.add(Op::BiasAdd, {net.input({kOut}, random_values(kBatch * kOut, 32)),
                                 net.param({kOut}, random_values(kOut, 33))});
  check_gradient(net, y, {0, 1});
}

template <int Arity>
void check_elementwise_gradient(Op op, Values first = {}) {
  Net net;
  std::vector<int> leaves;
  std::vector<size_t> wrt;
  for (int k = 0; k < Arity; ++k) {
    leaves.push_back(net.input({kOut}, k == 0 && !first.empty() ? first : random_values(kBatch * kOut, 40 + unsigned(k))));
    wrt.push_back(size_t(k));
  }
  check_gradient(net, net.add(op, leaves), wrt);
}

TEST(OpGradient, Add) { check_elementwise_gradient<2>(Op::Add); }
TEST(OpGradient, Sub) { check_elementwise_gradient<2>(Op::Sub); }
TEST(OpGradient, Mul) { check_elementwise_gradient<2>(Op::Mul); }
TEST(OpGradient, Neg) { check_elementwise_gradient<1>(Op::Neg); }
TEST(OpGradient, Sigmoid) { check_elementwise_gradient<1>(Op::Sigmoid, random_values(kBatch * kOut, 45, -3, 3)); }
TEST(OpGradient, Tanh) { check_elementwise_gradient<1>(Op::Tanh, random_values(kBatch * kOut, 46, -2, 2)); }
TEST(OpGradient, Relu) { check_elementwise_gradient<1>(Op::Relu, away_from_zero(kBatch * kOut, 47)); }
TEST(OpGradient, Softmax) { check_elementwise_gradient<1>(Op::Softmax, random_values(kBatch * kOut, 48, -2, 2)); }

// step is flat almost everywhere, so finite differences give 0; its rule is
// the straight-through estimator instead (gradient = dy, which makes SGD on
// squared error Rosenblatt's perceptron rule). Check exactly that.
TEST(OpGradient, StepIsStraightThrough) {
  Net net;
  int x = net.input({kOut}, away_from_zero(kBatch * kOut, 49));
  const Node n = net.graph.node(net.add(Op::Step, {x}));
  Values r = random_values(kBatch * kOut, 50);
  int dy = net.input({kOut}, r);
  std::vector<int> grads = nnc::ir::op_def(Op::Step).gradient(net.graph, n, dy);
  ASSERT_EQ(grads.size(), 1u);
  ASSERT_GE(grads[0], 0);
  EXPECT_EQ(net.eval(grads[0]), r);
}

TEST(OpGradient, SquaredError) {
  Net net;
  int loss = net.add(Op::SquaredError, {net.input({kOut}, random_values(kBatch * kOut, 51)),
                                        net.target({kOut}, random_values(kBatch * kOut, 52))});
  check_gradient(net, loss, {0});
  // No gradient flows into the target.
  const Node n = net.graph.node(loss);
  EXPECT_EQ(nnc::ir::op_def(Op::SquaredError).gradient(net.graph, n, -1)[1], -1);
}

TEST(OpGradient, MeanSquaredError) {
  Net net;
  int loss = net.add(Op::MeanSquaredError, {net.input({kOut}, random_values(kBatch * kOut, 54)),
                                            net.target({kOut}, random_values(kBatch * kOut, 55))});
  check_gradient(net, loss, {0});
}

TEST(OpGradient, BinaryCrossEntropy) {
  Net net;
  int loss = net.add(Op::BinaryCrossEntropy,
                     {net.input({kOut}, probabilities(56)), net.target({kOut}, random_values(kBatch * kOut, 57, 0, 1))});
  check_gradient(net, loss, {0});
}

// With its seed fixed, dropout is linear in x: finite differences are exact.
TEST(OpGradient, Dropout) {
  Net net(16);
  int y = net.add(Op::Dropout, {net.input({kOut}, random_values(16 * kOut, 58)), net.hyper("dropout_seed", 99.0f)},
                  {kDropoutPerMillion});
  check_gradient(net, y, {0});
}

// With the seed fixed, mask is linear in x and noise a shift of x.
TEST(OpGradient, Mask) {
  Net net(16);
  int y = net.add(Op::Mask, {net.input({kOut}, random_values(16 * kOut, 60)), net.hyper("dropout_seed", 99.0f)},
                  {300000, 4002});
  check_gradient(net, y, {0});
}

TEST(OpGradient, Noise) {
  Net net(16);
  int y = net.add(Op::Noise, {net.input({kOut}, random_values(16 * kOut, 61)), net.hyper("dropout_seed", 99.0f)},
                  {200000, 4002});
  check_gradient(net, y, {0});
}

// With the seed fixed, sample_normal is smooth in mu and logvar.
TEST(OpGradient, SampleNormal) {
  Net net;
  int z = net.add(Op::SampleNormal, {net.input({kOut}, random_values(kBatch * kOut, 62)),
                                     net.input({kOut}, random_values(kBatch * kOut, 63, -1, 0.5f)),
                                     net.hyper("dropout_seed", 5.0f)},
                  {7001});
  check_gradient(net, z, {0, 1});
}

TEST(OpGradient, L1Activity) {
  Net net;
  int l = net.add(Op::L1Activity, {net.input({kOut}, random_values(kBatch * kOut, 64))}, {3, -1});
  check_gradient(net, l, {0});
}

TEST(OpGradient, KlNormal) {
  Net net;
  int l = net.add(Op::KlNormal, {net.input({kOut}, random_values(kBatch * kOut, 65)),
                                 net.input({kOut}, random_values(kBatch * kOut, 66, -1, 0.5f))},
                  {5, -1});
  check_gradient(net, l, {0, 1});
}

TEST(OpGradient, Scale) {
  Net net;
  int y = net.add(Op::Scale, {net.input({kOut}, random_values(kBatch * kOut, 59)), net.hyper("factor", 0.7f)});
  check_gradient(net, y, {0});
}

TEST(OpGradient, CrossEntropy) {
  Net net;
  int loss = net.add(Op::CrossEntropy, {net.input({kOut}, random_values(kBatch * kOut, 53, -2, 2)), net.labels(kLabels)});
  check_gradient(net, loss, {0});
  const Node n = net.graph.node(loss);
  EXPECT_EQ(nnc::ir::op_def(Op::CrossEntropy).gradient(net.graph, n, -1)[1], -1);
}

// Image ops. conv is linear in each operand, so finite differences are exact
// up to rounding; maxpool's argmax must not move under +-h, so its input has
// distinct values 0.05 apart (h = 1e-3).
void check_conv_gradient(const ConvGeom& g, unsigned seed) {
  Net net(g.B);
  int y = net.add(Op::Conv, {net.input(g.x_dims(), random_values(g.x_size(), seed)),
                             net.param(g.w_dims(), random_values(g.w_size(), seed + 1))},
                  g.attrs());
  check_gradient(net, y, {0, 1});
}

TEST(OpGradient, ConvStride2Pad1) { check_conv_gradient(kConvStrided, 140); }
TEST(OpGradient, ConvMixedStridesAndPads) { check_conv_gradient(kConvMixed, 142); }
TEST(OpGradient, Conv1DStride2) { check_conv_gradient(kConv1D, 144); }

void check_conv_transpose_gradient(const ConvGeom& g, unsigned seed) {
  Net net(g.B);
  int y = net.add(Op::ConvTranspose, {net.input(g.y_dims(), random_values(g.y_size(), seed)),
                                      net.param(g.w_dims(), random_values(g.w_size(), seed + 1))},
                  concat(g.attrs(), g.spatial()));
  check_gradient(net, y, {0, 1});
}

TEST(OpGradient, ConvTransposeStride2Pad1) { check_conv_transpose_gradient(kConvStrided, 146); }
TEST(OpGradient, ConvTransposeOutputPadding) { check_conv_transpose_gradient(kConvMixed, 148); }
TEST(OpGradient, ConvTranspose1DStride2) { check_conv_transpose_gradient(kConv1D, 150); }

// n values k * 0.05 (k < n), shuffled: no two within 0.05 of each other.
Values distinct_values(size_t n, unsigned seed) {
  Values v(n);
  for (size_t k = 0; k < n; ++k) v[k] = 0.05f * float(k) - 0.025f * float(n);
  std::shuffle(v.begin(), v.end(), std::mt19937(seed));
  return v;
}

void check_pool_gradient(Op op, const PoolGeom& g, unsigned seed) {
  Net net(g.B);
  int y = net.add(op, {net.input(g.x_dims(), distinct_values(g.x_size(), seed))}, g.attrs());
  check_gradient(net, y, {0});
}

TEST(OpGradient, MaxPoolWindow2Stride2) { check_pool_gradient(Op::MaxPool, kPool2, 150); }
TEST(OpGradient, MaxPoolWindow3Stride1) { check_pool_gradient(Op::MaxPool, kPool3s1, 151); }
TEST(OpGradient, MaxPoolWindow2x3Strides2x1) { check_pool_gradient(Op::MaxPool, kPoolMixed, 152); }
TEST(OpGradient, MaxPool1D) { check_pool_gradient(Op::MaxPool, kPool1D, 153); }
TEST(OpGradient, MaxPool1DTiled) { check_pool_gradient(Op::MaxPool, kPool1DTiled, 157); }
TEST(OpGradient, AvgPoolWindow2Stride2) { check_pool_gradient(Op::AvgPool, kPool2, 154); }
TEST(OpGradient, AvgPoolWindow3Stride2) { check_pool_gradient(Op::AvgPool, kPool3s2, 155); }
TEST(OpGradient, AvgPool1D) { check_pool_gradient(Op::AvgPool, kPool1D, 156); }

TEST(OpGradient, Reshape) {
  Net net;
  int flat = net.add(Op::Reshape, {net.input({2, 3, 4}, random_values(kBatch * 24, 157))}, {24});
  check_gradient(net, flat, {0});
  Net net2;
  int image = net2.add(Op::Reshape, {net2.input({24}, random_values(kBatch * 24, 158))}, {4, 3, 2});
  check_gradient(net2, image, {0});
}

TEST(OpGradient, Upsample) {
  Net net;
  int y = net.add(Op::Upsample, {net.input({2, 3, 4}, random_values(kBatch * 24, 134))}, {2, 3});
  check_gradient(net, y, {0});
  Net net1;
  int z = net1.add(Op::Upsample, {net1.input({3, 5}, random_values(kBatch * 15, 135))}, {2});
  check_gradient(net1, z, {0});
}

TEST(OpGradient, BiasAddImage) {
  Net net;
  int y = net.add(Op::BiasAdd, {net.input({kC, kH, kW}, random_values(kBatch * kC * kH * kW, 159)),
                                net.param({kC}, random_values(kC, 160))});
  check_gradient(net, y, {0, 1});
}

// ---- shape rules ---------------------------------------------------------------

// The ShapeError that adding `op` throws; fails the test when none is thrown.
std::string shape_error(Graph& g, Op op, std::vector<int> inputs, std::vector<int64_t> attrs = {}) {
  try {
    g.add(op, std::move(inputs), {}, std::move(attrs));
  } catch (const nnc::ir::ShapeError& e) {
    return e.what();
  }
  ADD_FAILURE() << nnc::ir::op_name(op) << " accepted its operands";
  return "";
}

#define EXPECT_MENTIONS(message, text) \
  EXPECT_NE(std::string(message).find(text), std::string::npos) << "\"" << (message) << "\" lacks \"" << (text) << "\""

TEST(OpShape, MatMulInnerDimensionsDiffer) {
  Graph g;
  int x = g.add_leaf(Op::Input, nnc::ir::f32({3}, true), "x", {});
  int w = g.add_leaf(Op::Param, nnc::ir::f32({4, 2}), "w", {});
  std::string m = shape_error(g, Op::MatMul, {x, w});
  EXPECT_MENTIONS(m, "f32[B, 3]");
  EXPECT_MENTIONS(m, "f32[4, 2]");
}

TEST(OpShape, BiasDoesNotFit) {
  Graph g;
  int y = g.add_leaf(Op::Input, nnc::ir::f32({5}, true), "y", {});
  int b = g.add_leaf(Op::Param, nnc::ir::f32({4}), "b", {});
  std::string m = shape_error(g, Op::BiasAdd, {y, b});
  EXPECT_MENTIONS(m, "f32[B, 5]");
  EXPECT_MENTIONS(m, "f32[4]");
}

TEST(OpShape, AddDifferentShapes) {
  Graph g;
  int a = g.add_leaf(Op::Input, nnc::ir::f32({5}, true), "a", {});
  int b = g.add_leaf(Op::Input, nnc::ir::f32({4}, true), "b", {});
  std::string m = shape_error(g, Op::Add, {a, b});
  EXPECT_MENTIONS(m, "f32[B, 5]");
  EXPECT_MENTIONS(m, "f32[B, 4]");
}

// The rule rejects the target's dtype before looking at the logits, so its
// message names the offending target only.
TEST(OpShape, CrossEntropyNeedsClassTarget) {
  Graph g;
  int y = g.add_leaf(Op::Input, nnc::ir::f32({5}, true), "y", {});
  int t = g.add_leaf(Op::Target, nnc::ir::f32({}, true), "t", {});
  std::string m = shape_error(g, Op::CrossEntropy, {y, t});
  EXPECT_MENTIONS(m, "f32[B]");
  EXPECT_MENTIONS(m, "class");
}

TEST(OpShape, SquaredErrorShapesDiffer) {
  Graph g;
  int y = g.add_leaf(Op::Input, nnc::ir::f32({5}, true), "y", {});
  int t = g.add_leaf(Op::Target, nnc::ir::f32({4}, true), "t", {});
  std::string m = shape_error(g, Op::SquaredError, {y, t});
  EXPECT_MENTIONS(m, "f32[B, 5]");
  EXPECT_MENTIONS(m, "f32[B, 4]");
}

// ---- shape rules of the image ops ----

struct ImageGraph {
  Graph g;
  int x = g.add_leaf(Op::Input, nnc::ir::f32({2, 3, 3}, true), "x", {});
  int flat = g.add_leaf(Op::Input, nnc::ir::f32({18}, true), "flat", {});
  int w = g.add_leaf(Op::Param, nnc::ir::f32({4, 2, 2, 2}), "w", {});
  int big = g.add_leaf(Op::Param, nnc::ir::f32({4, 2, 5, 2}), "big", {});
};

TEST(OpShape, ConvKernelLargerThanPaddedInput) {
  ImageGraph ig;
  std::string m = shape_error(ig.g, Op::Conv, {ig.x, ig.big}, {1, 1, 0, 0});
  EXPECT_MENTIONS(m, "f32[B, 2, 3, 3]");
  EXPECT_MENTIONS(m, "f32[4, 2, 5, 2]");
  // With padding 1 the padded height is 5: the kernel fits.
  Type t = ig.g.node(ig.g.add(Op::Conv, {ig.x, ig.big}, {}, {1, 1, 1, 0})).type;
  EXPECT_EQ(t, nnc::ir::f32({4, 1, 2}, true));
}

TEST(OpShape, ConvStrideZero) {
  ImageGraph ig;
  std::string m = shape_error(ig.g, Op::Conv, {ig.x, ig.w}, {1, 0, 0, 0});
  EXPECT_MENTIONS(m, "stride");
  EXPECT_MENTIONS(m, "0");
}

TEST(OpShape, ConvNegativePadding) {
  ImageGraph ig;
  std::string m = shape_error(ig.g, Op::Conv, {ig.x, ig.w}, {1, 1, 0, -1});
  EXPECT_MENTIONS(m, "padding");
  EXPECT_MENTIONS(m, "-1");
}

TEST(OpShape, ConvOnFlatInput) {
  ImageGraph ig;
  std::string m = shape_error(ig.g, Op::Conv, {ig.flat, ig.w}, {1, 1, 0, 0});
  EXPECT_MENTIONS(m, "f32[B, 18]");
}

TEST(OpShape, PoolWindowLargerThanInput) {
  ImageGraph ig;
  for (Op op : {Op::MaxPool, Op::AvgPool}) {
    std::string m = shape_error(ig.g, op, {ig.x}, {2, 4, 1, 1});
    EXPECT_MENTIONS(m, "4");
    EXPECT_MENTIONS(m, "f32[B, 2, 3, 3]");
  }
}

TEST(OpShape, PoolStrideZero) {
  ImageGraph ig;
  for (Op op : {Op::MaxPool, Op::AvgPool}) {
    std::string m = shape_error(ig.g, op, {ig.x}, {2, 2, 0, 1});
    EXPECT_MENTIONS(m, "stride");
  }
}

}  // namespace
