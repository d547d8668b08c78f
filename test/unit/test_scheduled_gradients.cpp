// Gradients through the real schedules: small models lowered by
// codegen::lower_program (as nnc compiles them) and JIT-compiled, each
// parameter's gradient from the scheduled train_step checked against central
// finite differences of a scheduled pipeline's loss. test_ops.cpp checks each
// op's rules under Halide's default schedule; these check that scheduling
// (tiling, fusion, rfactor, helper placement) keeps the values.
//
// Seven models cover every op with a gradient rule and every schedule kind;
// each asserts on its --emit=schedule text that the policies it is meant to
// cover were taken (the kernel gradient's two tile shapes, a convolution's
// one- and two-row tiles, 1-D images, ...):
//   MlpClassifier  Gemm, Materialize (transpose), Reduce (bias_grad, cross_entropy),
//                  RowReduce (cross_entropy_grad), Elementwise (relu, tanh,
//                  sigmoid, add, sub, mul, neg); also the probe pipeline
//                  against a double-precision reference loop
//   Cnn2D          Conv (one- and two-row tiles), KernelGrad (both tile
//                  shapes), maxpool (windows that tile), avgpool, image
//                  bias_grad, softmax + mean_squared_error
//   Cnn1D          the same over 1-D signals, maxpool with overlapping windows,
//                  strided conv_grad_input, binary_cross_entropy
//   RandomLayers   dropout, mask and noise (a fixed seed: the function is
//                  differentiable) and scale, squared_error; mask and noise
//                  also in evaluate where the target is the input
//   Decoder        conv_transpose (stride 2 with an output padding, and a
//                  1x1 one), after a dense layer reshaped to an image
//   Variational    sample_normal, and a loss that is a sum of terms:
//                  mean_squared_error + kl_normal + l1_activity
//   Step           step's straight-through gradient, in closed form
// and a last test checks that together they hold every op with a gradient
// rule and every schedule kind.
//
// Every test runs for the host CPU (/cpu); for AVX2 (/avx2, 16 registers of 8
// lanes) where the host has AVX-512, so the tiles sized for a smaller ISA are
// checked too; and for the host with OpenCL (/opencl), whose GPU schedules
// (blocks and threads) run on PoCL, the CPU as an OpenCL device, so GPU
// schedules are checked without a GPU.
// With NNC_TEST_CUDA=1 in the environment, a third time on CUDA (/cuda), for
// a machine with an NVIDIA GPU (bench/gpu_check.sh runs them there). The
// schedule-text assertions are each target's own.
//
// Finite differences: a step h on one parameter element, the loss read in
// f32 from the pipeline, so each difference carries about ulp(loss) / 2h of
// rounding: h = 1e-3 (1e-2 for the MLP, whose loss, ~2.3, is larger). Every
// model is held to 1e-4 + 1e-2 |numeric|; the largest errors measured were
// 0.1-0.4 of that (NNC_TEST_VERBOSE=1 prints them). Kinks are kept out of
// reach of +-h: max-pool windows hold values far apart by construction (a
// 1x1 convolution with positive weights of one input channel keeps the
// input's order in every window, whatever the parameters), relu inputs are
// kept from 0 (by construction in the MLP; asserted, at least 0.02, more than
// an h step moves them, in the 1-D CNN).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "compiler/codegen/Lower.h"
#include "compiler/ir/OpTable.h"
#include "test/unit/scheduled_model.h"
#include "test/unit/test_util.h"

#if defined(__SANITIZE_ADDRESS__)  // scripts/test.sh --sanitize
#include <sanitizer/lsan_interface.h>
#define NNC_LSAN_DISABLE() __lsan_disable()
#define NNC_LSAN_ENABLE() __lsan_enable()
// LeakSanitizer's check at exit stops every thread to scan its stack. PoCL
// runs work-items on stacks of its own (swapcontext), and the check's tracer
// then crashes now and then ("Tracer caught signal 11 ... LeakSanitizer has
// encountered a fatal error": 1 of 6 runs of the OpenCL tests here). A
// process that ran a GPU test leaves before that check, with gtest's status:
// the allocations it made on the GPU path were not checked anyway.
#define NNC_EXIT_WITHOUT_LEAK_CHECK()                                                        \
  std::atexit([] {                                                                          \
    std::fflush(nullptr);                                                                   \
    std::_Exit(::testing::UnitTest::GetInstance()->Passed() ? 0 : 1);                       \
  })
#else
#define NNC_LSAN_DISABLE() ((void)0)
#define NNC_LSAN_ENABLE() ((void)0)
#define NNC_EXIT_WITHOUT_LEAK_CHECK() ((void)0)
#endif

namespace {

using nnc::ir::Op;
using nnc::ir::Schedule;
using nnc::test::random_values;
using nnc::test::ScheduledModel;
using Values = std::vector<float>;

constexpr const char* kAvx2Target = "x86-64-linux-sse41-avx-avx2-f16c-fma";

// The suite's parameter: the target every ScheduledModel of a test compiles for.
class ScheduledGradients : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    const Halide::Target host = Halide::get_host_target();
    const std::string target = GetParam();
    if (target == "cuda" && !dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL))
      FAIL() << "NNC_TEST_CUDA=1 but no CUDA driver here: " << dlerror();
    nnc::test::scheduled_target() = target == "cpu"    ? host
                                    : target == "avx2" ? Halide::Target(kAvx2Target)
                                                       : nnc::codegen::gpu_target(host, target);
    // Halide's JIT-compiled GPU runtime keeps its device state (context,
    // compiled kernels) for the life of the process, in code LeakSanitizer
    // cannot name for a suppression; not nnc's allocations.
    if (gpu()) {
      NNC_LSAN_DISABLE();
      static const bool exits_without_leak_check = (NNC_EXIT_WITHOUT_LEAK_CHECK(), true);
      (void)exits_without_leak_check;
    }
  }
  void TearDown() override {
    if (gpu()) NNC_LSAN_ENABLE();
    nnc::test::scheduled_target() = Halide::get_host_target();
  }
  static bool gpu() { return nnc::test::scheduled_for_gpu(); }
};

std::vector<const char*> targets() {
  std::vector<const char*> t{"cpu", "opencl"};
  // The CPU schedules for 16 vector registers and 8 lanes, as for a program
  // built with --target x86-64-linux-avx2-fma, where this host has AVX-512.
  const Halide::Target host = Halide::get_host_target();
  if (host.has_feature(Halide::Target::AVX512) && host.has_feature(Halide::Target::FMA)) t.push_back("avx2");
  if (const char* cuda = std::getenv("NNC_TEST_CUDA"); cuda && std::string(cuda) == "1") t.push_back("cuda");
  return t;
}

INSTANTIATE_TEST_SUITE_P(Targets, ScheduledGradients, ::testing::ValuesIn(targets()),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

constexpr double kKinkMargin = 0.02;  // how far relu inputs stay from 0

// Every parameter's gradient from the scheduled train_step against central
// differences (step h) of `pipeline`'s loss, within abs + rel * |numeric|.
// Each parameter's largest gradient must exceed 10 abs, so the check is not
// vacuous.
struct Differences {
  float h = 1e-3f;
  double abs = 1e-4, rel = 1e-2;
  std::string pipeline = "evaluate";
};
void expect_gradients_match_finite_differences(ScheduledModel& m, const Differences& d) {
  const std::vector<Values> analytic = m.gradients();
  ASSERT_EQ(analytic.size(), m.params.size());
  double worst = 0;  // the largest error, in tolerances
  for (size_t i = 0; i < m.params.size(); ++i) {
    const std::string& name = m.p.graph.node(m.p.params[i]).name;
    ASSERT_EQ(analytic[i].size(), m.params[i].size()) << name;
    float largest = 0;
    for (float g : analytic[i]) largest = std::max(largest, std::fabs(g));
    EXPECT_GT(largest, 10 * d.abs) << name << "'s gradient is too small to check";
    for (size_t e = 0; e < m.params[i].size(); ++e) {
      float& w = m.params[i][e];
      const float w0 = w, up = w0 + d.h, down = w0 - d.h;
      w = up;
      const double l_up = m.run(d.pipeline).loss;
      w = down;
      const double l_down = m.run(d.pipeline).loss;
      w = w0;
      const double numeric = (l_up - l_down) / (double(up) - double(down));
      const double tolerance = d.abs + d.rel * std::fabs(numeric);
      worst = std::max(worst, std::fabs(analytic[i][e] - numeric) / tolerance);
      EXPECT_NEAR(analytic[i][e], numeric, tolerance) << name << " element " << e;
    }
  }
  if (std::getenv("NNC_TEST_VERBOSE")) std::printf("largest error: %.2f tolerances\n", worst);
}

// Asserts that in every pooling window of `v` (f32[B, C, S...], S one or two
// spatial sizes, windows and strides per spatial dim) the largest value
// exceeds the next by `gap`: no tie, and none that +-h could create.
void expect_windows_apart(const Values& v, int64_t batch_channels, const std::vector<int64_t>& size,
                          const std::vector<int64_t>& window, const std::vector<int64_t>& stride, double gap) {
  const bool two_d = size.size() == 2;
  const int64_t rows = two_d ? size[0] : 1, cols = size.back();
  const int64_t wr = two_d ? window[0] : 1, wc = window.back(), sr = two_d ? stride[0] : 1, sc = stride.back();
  const int64_t out_rows = two_d ? (rows - wr) / sr + 1 : 1, out_cols = (cols - wc) / sc + 1;
  int windows = 0;
  for (int64_t bc = 0; bc < batch_channels; ++bc)
    for (int64_t orow = 0; orow < out_rows; ++orow)
      for (int64_t ocol = 0; ocol < out_cols; ++ocol) {
        std::vector<float> in;
        for (int64_t r = 0; r < wr; ++r)
          for (int64_t c = 0; c < wc; ++c) in.push_back(v[size_t((bc * rows + orow * sr + r) * cols + ocol * sc + c)]);
        std::sort(in.rbegin(), in.rend());
        ASSERT_GT(double(in[0]) - in[1], gap) << "window " << windows << " has values too close";
        ++windows;
      }
}

// Asserts that every value is at least kKinkMargin from 0.
void expect_away_from_kink(const Values& v, const char* what) {
  for (size_t e = 0; e < v.size(); ++e) ASSERT_GT(std::fabs(v[e]), kKinkMargin) << what << " element " << e;
}

// The schedule of `pipeline` mentions `text` (a policy the model is meant to cover).
#define EXPECT_SCHEDULED(m, pipeline, text) \
  EXPECT_NE((m).schedule(pipeline).find(text), std::string::npos) << "no \"" << (text) << "\" in:\n" << (m).schedule(pipeline)

// ---- an MLP classifier, and the probe pipeline --------------------------------------

// n multiples of 0.1 in [-limit/10, limit/10].
Values tenths(size_t n, unsigned seed, int limit) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> k(-limit, limit);
  Values v(n);
  for (float& x : v) x = 0.1f * float(k(rng));
  return v;
}

// x [B, 12] -> dense(20) -> relu = h1; tanh(dense(16) of h1) = h2 and
// sigmoid(h1 W3) = s; (h2 * s - (-s)) + h2 -> dense(10) = logits,
// cross-entropy against class labels; the output is softmax(logits).
// relu's input is kept 0.05 from its kink: x is -1 or 1, the first layer's
// weights are multiples of 0.1 and its biases 0.05 more, so every
// pre-activation is 0.05 plus a multiple of 0.1 (an h = 0.01 step moves it by
// at most 0.01).
struct Mlp {
  ScheduledModel m;
  int pre_relu, logits;
  Mlp() {
    int x = m.input({12});
    int w1 = m.param("w1", {12, 20}, tenths(240, 201, 5));
    int b1 = m.param("b1", {20}, tenths(20, 202, 2));
    for (float& b : m.params.back()) b += 0.05f;
    int w2 = m.param("w2", {20, 16}, random_values(320, 203, -0.5f, 0.5f));
    int b2 = m.param("b2", {16}, random_values(16, 204, -0.2f, 0.2f));
    int w3 = m.param("w3", {20, 16}, random_values(320, 205, -0.5f, 0.5f));
    int w4 = m.param("w4", {16, 10}, random_values(160, 206, -0.5f, 0.5f));
    int b4 = m.param("b4", {10}, random_values(10, 207, -0.2f, 0.2f));
    pre_relu = m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w1}), b1});
    int h1 = m.add(Op::Relu, {pre_relu});
    int h2 = m.add(Op::Tanh, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {h1, w2}), b2})});
    int s = m.add(Op::Sigmoid, {m.add(Op::MatMul, {h1, w3})});
    int mixed = m.add(Op::Add, {m.add(Op::Sub, {m.add(Op::Mul, {h2, s}), m.add(Op::Neg, {s})}), h2});
    logits = m.add(Op::BiasAdd, {m.add(Op::MatMul, {mixed, w4}), b4});
    m.p.loss = m.add(Op::CrossEntropy, {logits, m.class_target()});
    m.p.output = m.add(Op::Softmax, {logits});
  }
  // Compiles, and sets the batch's values.
  void prepare(int batch) {
    m.compile();
    m.batch = batch;
    m.x = tenths(size_t(batch) * 12, 208, 1);
    for (float& v : m.x) v = v == 0 ? 1.0f : v * 10;  // -1 or 1
    for (int b = 0; b < batch; ++b) m.labels.push_back((3 * b) % 10);
  }
};

// The forward values of the Mlp's graph in double, op by op: a reference
// written independently of the lowering. Values are [B, n] row-major.
std::map<int, std::vector<double>> reference_forward(const ScheduledModel& m) {
  const nnc::ir::Graph& g = m.p.graph;
  const int64_t batch = m.batch;
  std::map<int, std::vector<double>> v;
  v[m.p.input] = std::vector<double>(m.x.begin(), m.x.end());
  for (size_t i = 0; i < m.p.params.size(); ++i)
    v[m.p.params[i]] = std::vector<double>(m.params[i].begin(), m.params[i].end());
  auto unary = [&](const std::vector<double>& a, double (*f)(double)) {
    std::vector<double> out(a.size());
    std::transform(a.begin(), a.end(), out.begin(), f);
    return out;
  };
  auto binary = [&](const std::vector<double>& a, const std::vector<double>& b, double (*f)(double, double)) {
    std::vector<double> out(a.size());
    std::transform(a.begin(), a.end(), b.begin(), out.begin(), f);
    return out;
  };
  for (const nnc::ir::Node& n : g.nodes()) {
    if (n.id > std::max(m.p.loss, m.p.output)) break;  // the backward part follows the forward one
    if (n.inputs.empty() || !n.type.batched || n.type.dtype != nnc::ir::DType::F32) continue;
    const std::vector<double>& a = v.at(n.inputs[0]);
    const int64_t cols = n.type.dims[0];
    std::vector<double> out(size_t(batch * cols), 0.0);
    switch (n.op) {
      case Op::MatMul: {
        const std::vector<double>& w = v.at(n.inputs[1]);
        const int64_t inner = g.node(n.inputs[0]).type.dims[0];
        for (int64_t b = 0; b < batch; ++b)
          for (int64_t j = 0; j < cols; ++j)
            for (int64_t k = 0; k < inner; ++k) out[size_t(b * cols + j)] += a[size_t(b * inner + k)] * w[size_t(k * cols + j)];
        break;
      }
      case Op::BiasAdd:
        for (size_t e = 0; e < out.size(); ++e) out[e] = a[e] + v.at(n.inputs[1])[e % size_t(cols)];
        break;
      case Op::Relu: out = unary(a, [](double z) { return std::max(z, 0.0); }); break;
      case Op::Tanh: out = unary(a, [](double z) { return std::tanh(z); }); break;
      case Op::Sigmoid: out = unary(a, [](double z) { return 1 / (1 + std::exp(-z)); }); break;
      case Op::Neg: out = unary(a, [](double z) { return -z; }); break;
      case Op::Mul: out = binary(a, v.at(n.inputs[1]), [](double p, double q) { return p * q; }); break;
      case Op::Sub: out = binary(a, v.at(n.inputs[1]), [](double p, double q) { return p - q; }); break;
      case Op::Add: out = binary(a, v.at(n.inputs[1]), [](double p, double q) { return p + q; }); break;
      case Op::Softmax:
        for (int64_t b = 0; b < batch; ++b) {
          const double* row = &a[size_t(b * cols)];
          const double top = *std::max_element(row, row + cols);
          double sum = 0;
          for (int64_t j = 0; j < cols; ++j) sum += out[size_t(b * cols + j)] = std::exp(row[j] - top);
          for (int64_t j = 0; j < cols; ++j) out[size_t(b * cols + j)] /= sum;
        }
        break;
      default: ADD_FAILURE() << "no reference for " << nnc::ir::op_name(n.op); break;
    }
    v[n.id] = out;
  }
  return v;
}

TEST_P(ScheduledGradients, MlpClassifier) {
  Mlp mlp;
  mlp.prepare(9);  // 9 rows: a tile of 4 rows is left partial
  ScheduledModel& m = mlp.m;
  const std::map<int, std::vector<double>> ref = reference_forward(m);
  ASSERT_NO_FATAL_FAILURE(
      expect_away_from_kink(Values(ref.at(mlp.pre_relu).begin(), ref.at(mlp.pre_relu).end()), "relu input"));
  if (gpu()) {
    EXPECT_SCHEDULED(m, "train_step", "matmul: accumulates in a 4 x 4 register tile of each GPU thread");
    EXPECT_SCHEDULED(m, "train_step", "matmul_tn: accumulates in a 4 x 4 register tile of each GPU thread");
    EXPECT_SCHEDULED(m, "train_step", "GPU blocks of 16 x 4 threads, each computing a 4 x 4 register tile");
    EXPECT_SCHEDULED(m, "train_step", "GPU blocks of 256 threads");  // the biases' updates
    // the bias gradients and the loss's sum: block reductions over the batch
    EXPECT_SCHEDULED(m, "train_step", "a GPU block per value, its 128 threads each summing a share of the batch");
    EXPECT_SCHEDULED(m, "train_step", "(the batch's sum): a GPU block of 128 threads");
    EXPECT_SCHEDULED(m, "train_step", "cross_entropy: materialised");
    EXPECT_SCHEDULED(m, "train_step", "one GPU thread");  // the loss, a scalar
  } else {
    EXPECT_SCHEDULED(m, "train_step", "matmul: accumulates in the register tile");
    EXPECT_SCHEDULED(m, "train_step", "matmul_tn: accumulates in the register tile");
  }
  EXPECT_SCHEDULED(m, "train_step", "transpose: materialised (its op is always materialised)");
  EXPECT_SCHEDULED(m, "train_step", "bias_grad: materialised (its op is always materialised)");
  EXPECT_SCHEDULED(m, "train_step", "cross_entropy_grad: materialised (its op is always materialised)");
  EXPECT_SCHEDULED(m, "train_step", "helper");  // the row statistics
  expect_gradients_match_finite_differences(m, {1e-2f, 1e-4});
}

// The probe pipeline's values (every forward value, for the runtime's
// search for the first non-finite one) against the reference loop, and its
// last value, the softmax, against the predict pipeline's output.
TEST_P(ScheduledGradients, ProbeMatchesReferenceAndPredict) {
  Mlp mlp;
  mlp.prepare(5);
  ScheduledModel& m = mlp.m;
  const std::map<int, std::vector<double>> ref = reference_forward(m);
  const ScheduledModel::Result probe = m.run("probe");
  const std::vector<int> ids = nnc::codegen::probed_values(m.p);
  ASSERT_EQ(ids.size(), 15u);  // the MLP's forward ops: 4 matmuls, 3 bias_adds, 7 activations and arithmetic, softmax
  for (size_t k = 0; k < ids.size(); ++k) {
    const std::vector<double>& want = ref.at(ids[k]);
    ASSERT_EQ(probe.probes[k].size(), want.size()) << "%" << ids[k];
    for (size_t e = 0; e < want.size(); ++e)
      EXPECT_NEAR(probe.probes[k][e], want[e], 1e-5 + 1e-5 * std::fabs(want[e]))
          << "%" << ids[k] << " " << nnc::ir::op_name(m.p.graph.node(ids[k]).op) << " element " << e;
  }
  const Values output = m.run("predict").output;
  EXPECT_EQ(ids.back(), m.p.output);
  ASSERT_EQ(output.size(), probe.probes.back().size());
  for (size_t e = 0; e < output.size(); ++e) EXPECT_NEAR(output[e], probe.probes.back()[e], 1e-6) << e;
}

// ---- a 2-D CNN -------------------------------------------------------------------------

// x [B, 1, 13, 20] -> conv(16, 1x1, positive weights) + bias -> tanh
// -> maxpool(2) [16, 6, 10] -> conv(3, 3x3, pad 1) + bias -> sigmoid
// -> avgpool(2) [3, 3, 5] -> flatten -> dense(4) -> softmax, mean squared
// error. Every 2x2 window of x holds four values 0.1 apart, so maxpool's
// choice never moves. The first convolution's home (16 channels in rows of
// two vectors) is tiled one row at a time, the second's (3 channels, 10
// wide) two rows at a time; its kernel gradient (3 channels over rows of
// 10) sums vectors of positions, the first's (16 channels) vectors of
// channels.
struct Cnn2D {
  static constexpr int batch = 5, height = 13, width = 20;
  ScheduledModel m;
  int c0, c1;
  Cnn2D() {
    int x = m.input({1, height, width});
    int w0 = m.param("conv0.weight", {16, 1, 1, 1}, random_values(16, 301, 0.5f, 1.0f));
    int b0 = m.param("conv0.bias", {16}, random_values(16, 302, -0.3f, 0.3f));
    int w1 = m.param("conv1.weight", {3, 16, 3, 3}, random_values(432, 303, -0.3f, 0.3f));
    int b1 = m.param("conv1.bias", {3}, random_values(3, 304, -0.2f, 0.2f));
    int w2 = m.param("dense.weight", {45, 4}, random_values(180, 305, -1.0f, 1.0f));
    int b2 = m.param("dense.bias", {4}, random_values(4, 306, -0.2f, 0.2f));
    c0 = m.add(Op::Tanh, {m.add(Op::BiasAdd, {m.add(Op::Conv, {x, w0}, {1, 1, 0, 0}), b0})});
    int p0 = m.add(Op::MaxPool, {c0}, {2, 2, 2, 2});
    c1 = m.add(Op::Sigmoid, {m.add(Op::BiasAdd, {m.add(Op::Conv, {p0, w1}, {1, 1, 1, 1}), b1})});
    int a1 = m.add(Op::AvgPool, {c1}, {2, 2, 2, 2});
    int y = m.add(Op::Softmax, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {m.add(Op::Reshape, {a1}, {45}), w2}), b2})});
    m.p.output = y;
    m.p.loss = m.add(Op::MeanSquaredError, {y, m.target({4})});
  }
};

TEST_P(ScheduledGradients, Cnn2D) {
  Cnn2D net;
  ScheduledModel& m = net.m;
  const int batch = net.batch, height = net.height, width = net.width;
  const int c0 = net.c0, c1 = net.c1;
  m.compile();

  m.batch = batch;
  m.x.resize(size_t(batch * height * width));
  std::mt19937 rng(307);
  std::uniform_real_distribution<float> base(-0.6f, 0.3f);
  for (size_t e = 0; e < m.x.size(); ++e) m.x[e] = base(rng);  // the last row, outside every window
  for (int b = 0; b < batch; ++b)
    for (int r = 0; r + 1 < height; r += 2)
      for (int c = 0; c < width; c += 2) {
        float offsets[] = {0.0f, 0.1f, 0.2f, 0.3f};
        std::shuffle(std::begin(offsets), std::end(offsets), rng);
        const float at = base(rng);
        for (int k = 0; k < 4; ++k) m.x[size_t((b * height + r + k / 2) * width + c + k % 2)] = at + offsets[k];
      }
  m.t = random_values(size_t(batch) * 4, 308, 0.0f, 0.5f);
  ASSERT_NO_FATAL_FAILURE(
      expect_windows_apart(m.probed(m.run("probe"), c0), batch * 16, {height, width}, {2, 2}, {2, 2}, 0.01));

  if (!gpu()) {
    EXPECT_NE(m.schedule_line("train_step", c0, "rows of"), "");
    EXPECT_EQ(m.schedule_line("train_step", c0, "x 2 rows"), "") << "the first conv's home: one row at a time";
    // The second conv's home, 10 wide: one vector with AVX-512, two rows of
    // them at a time; with AVX2, two vectors, and 16 registers hold one row.
    const bool avx2 = std::string(GetParam()) == "avx2";
    EXPECT_EQ(m.schedule_line("train_step", c1, "x 2 rows") != "", !avx2) << "the second conv's home";
    if (avx2) {
      EXPECT_NE(m.schedule_line("train_step", c1, "rows of 16 vectorized, 3 channels at a time"), "");
    }
    EXPECT_SCHEDULED(m, "train_step", "per image, a tile of vectors of");  // conv1's kernel gradient
    EXPECT_SCHEDULED(m, "train_step", "channels x every tap");             // conv0's
    EXPECT_SCHEDULED(m, "train_step", "conv_grad_input: accumulates in the register tile");
    EXPECT_SCHEDULED(m, "train_step", "positions per channel");  // the image bias gradients
  } else {
    EXPECT_SCHEDULED(m, "train_step", "conv: accumulates in a register of each GPU thread");
    EXPECT_SCHEDULED(m, "train_step", "conv_grad_input: accumulates in a register of each GPU thread");
    EXPECT_SCHEDULED(m, "train_step", "GPU blocks of 16 x 16 threads over its two innermost dimensions");
    EXPECT_SCHEDULED(m, "train_step", "a GPU block per kernel tap x channel pair, its 128 threads");
  }
  EXPECT_SCHEDULED(m, "train_step", "softmax_grad: materialised");
  EXPECT_SCHEDULED(m, "train_step", "(the zero-padded input)");
  EXPECT_SCHEDULED(m, "train_step", "(the zero-padded output gradient)");
  expect_gradients_match_finite_differences(m, {1e-3f, 1e-4});
}

// ---- a 1-D CNN -------------------------------------------------------------------------

// x [B, 1, 96] -> conv(8, 1x1, positive weights) + bias -> tanh
// -> maxpool(2) [8, 48] -> maxpool(3, stride 2) [8, 23] (overlapping windows)
// -> conv(3, 3, stride 2, pad 1) + bias -> relu [3, 12] -> avgpool(2) [3, 6]
// -> upsample(2) [3, 12] -> flatten -> dense(2) -> sigmoid, binary
// cross-entropy. Each sample's 96
// input values are distinct, 0.05 apart: maxpool(2) then takes distinct
// values, so the overlapping windows after it hold no tie either.
struct Cnn1D {
  static constexpr int batch = 4, length = 96;
  ScheduledModel m;
  int c0, p0, pre_relu, c1;
  Cnn1D() {
    int x = m.input({1, length});
    int w0 = m.param("conv0.weight", {8, 1, 1}, random_values(8, 401, 0.3f, 0.6f));
    int b0 = m.param("conv0.bias", {8}, random_values(8, 402, -0.3f, 0.3f));
    int w1 = m.param("conv1.weight", {3, 8, 3}, random_values(72, 403, -0.5f, 0.5f));
    int b1 = m.param("conv1.bias", {3}, random_values(3, 404, -0.2f, 0.2f));
    int w2 = m.param("dense.weight", {36, 2}, random_values(72, 405, -1.0f, 1.0f));
    int b2 = m.param("dense.bias", {2}, random_values(2, 406, -0.2f, 0.2f));
    c0 = m.add(Op::Tanh, {m.add(Op::BiasAdd, {m.add(Op::Conv, {x, w0}, {1, 0}), b0})});
    p0 = m.add(Op::MaxPool, {c0}, {2, 2});
    int p1 = m.add(Op::MaxPool, {p0}, {3, 2});
    pre_relu = m.add(Op::BiasAdd, {m.add(Op::Conv, {p1, w1}, {2, 1}), b1});
    c1 = m.add(Op::Relu, {pre_relu});
    int a1 = m.add(Op::AvgPool, {c1}, {2, 2});
    int u1 = m.add(Op::Upsample, {a1}, {2});
    int y = m.add(Op::Sigmoid, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {m.add(Op::Reshape, {u1}, {36}), w2}), b2})});
    m.p.output = y;
    m.p.loss = m.add(Op::BinaryCrossEntropy, {y, m.target({2})});
  }
};

TEST_P(ScheduledGradients, Cnn1D) {
  Cnn1D net;
  ScheduledModel& m = net.m;
  const int batch = net.batch, length = net.length;
  const int c0 = net.c0, p0 = net.p0, pre_relu = net.pre_relu, c1 = net.c1;
  m.compile();

  m.batch = batch;
  std::mt19937 rng(407);
  for (int b = 0; b < batch; ++b) {
    Values row(length);
    for (int k = 0; k < length; ++k) row[size_t(k)] = 0.05f * float(k) - 2.4f;
    std::shuffle(row.begin(), row.end(), rng);
    m.x.insert(m.x.end(), row.begin(), row.end());
  }
  m.t = random_values(size_t(batch) * 2, 408, 0.0f, 1.0f);
  const ScheduledModel::Result probe = m.run("probe");
  ASSERT_NO_FATAL_FAILURE(expect_windows_apart(m.probed(probe, c0), batch * 8, {length}, {2}, {2}, 0.005));
  ASSERT_NO_FATAL_FAILURE(expect_windows_apart(m.probed(probe, p0), batch * 8, {length / 2}, {3}, {2}, 0.005));
  ASSERT_NO_FATAL_FAILURE(expect_away_from_kink(m.probed(probe, pre_relu), "relu input"));

  if (!gpu()) {
    EXPECT_NE(m.schedule_line("train_step", c0, "rows of"), "");
    EXPECT_NE(m.schedule_line("train_step", c1, "rows of"), "");
    EXPECT_SCHEDULED(m, "train_step", "per image, a tile of vectors of");  // conv1's kernel gradient
    EXPECT_SCHEDULED(m, "train_step", "channels x every tap");             // conv0's
    EXPECT_SCHEDULED(m, "train_step", "conv_grad_input: accumulates in the register tile");
    EXPECT_SCHEDULED(m, "train_step", "positions per channel");  // the 1-D bias gradients
  }
  EXPECT_SCHEDULED(m, "train_step", "(each window's argmax)");
  expect_gradients_match_finite_differences(m, {1e-3f, 1e-4});
}

// ---- dropout, mask, noise and scale -------------------------------------------------------

// x [B, 6] -> dense(12) -> tanh -> scale(0.8) -> dropout(0.3) -> mask(0.2)
// -> noise(0.1) -> dense(3), squared error. The random numbers are a hash of
// the position and the step's seed, so with the seed fixed the train_step's
// loss is a smooth function of the params, and its gradient must use the
// same numbers: the differences are of train_step's loss (evaluate has no
// dropout, and this model's target is not its input: no mask or noise).
struct RandomLayersAndScale {
  static constexpr int batch = 16;
  ScheduledModel m;
  RandomLayersAndScale() {
    int x = m.input({6});
    int w1 = m.param("dense0.weight", {6, 12}, random_values(72, 501, -0.5f, 0.5f));
    int b1 = m.param("dense0.bias", {12}, random_values(12, 502, -0.2f, 0.2f));
    int w2 = m.param("dense1.weight", {12, 3}, random_values(36, 503, -0.5f, 0.5f));
    int b2 = m.param("dense1.bias", {3}, random_values(3, 504, -0.2f, 0.2f));
    int h = m.add(Op::Tanh, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w1}), b1})});
    int scaled = m.add(Op::Scale, {h, m.hyper_leaf("factor", 0.8f)});
    int seed = m.hyper_leaf("dropout_seed", 7.0f);
    int dropped = m.add(Op::Dropout, {scaled, seed}, {300000});
    int noisy = m.add(Op::Noise, {m.add(Op::Mask, {dropped, seed}, {200000, 3001}), seed}, {100000, 3002});
    int y = m.add(Op::BiasAdd, {m.add(Op::MatMul, {noisy, w2}), b2});
    m.p.output = y;
    m.p.loss = m.add(Op::SquaredError, {y, m.target({3})});
  }
};

TEST_P(ScheduledGradients, RandomLayersAndScale) {
  RandomLayersAndScale net;
  ScheduledModel& m = net.m;
  const int batch = net.batch;
  m.compile();
  m.batch = batch;
  m.x = random_values(size_t(batch) * 6, 505, -1, 1);
  m.t = random_values(size_t(batch) * 3, 506, -0.5f, 0.5f);

  // The mask is active and depends on the seed.
  const float with_seed_7 = m.run("train_step").loss;
  m.hyper["dropout_seed"] = 8.0f;
  EXPECT_NE(m.run("train_step").loss, with_seed_7);
  m.hyper["dropout_seed"] = 7.0f;
  expect_gradients_match_finite_differences(m, {1e-3f, 1e-4, 1e-2, "train_step"});
}

// ---- a decoder: conv_transpose ---------------------------------------------------------

// x [B, 5] -> dense(18) -> tanh -> reshape [2, 3, 3] -> conv_transpose(3,
// kernel 3, stride 2, pad 1, output padding 1) -> [3, 6, 6] -> relu ->
// conv_transpose(2, kernel 1) -> [2, 6, 6], mse. Inputs that keep the relu
// away from its kink at the seeds used.
struct Decoder {
  static constexpr int batch = 4;
  ScheduledModel m;
  int up = -1;
  Decoder() {
    int x = m.input({5});
    int w0 = m.param("dense.weight", {5, 18}, random_values(90, 531, -0.5f, 0.5f));
    int b0 = m.param("dense.bias", {18}, random_values(18, 532, -0.2f, 0.2f));
    int w1 = m.param("up.weight", {2, 3, 3, 3}, random_values(54, 533, -0.5f, 0.5f));
    int b1 = m.param("up.bias", {3}, random_values(3, 534, 0.1f, 0.3f));
    int w2 = m.param("mix.weight", {3, 2, 1, 1}, random_values(6, 535, -0.5f, 0.5f));
    int h = m.add(Op::Reshape, {m.add(Op::Tanh, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w0}), b0})})}, {2, 3, 3});
    up = m.add(Op::ConvTranspose, {h, w1}, {2, 2, 1, 1, 6, 6});
    int y = m.add(Op::ConvTranspose, {m.add(Op::Relu, {m.add(Op::BiasAdd, {up, b1})}), w2}, {1, 1, 0, 0, 6, 6});
    m.p.output = y;
    m.p.loss = m.add(Op::MeanSquaredError, {y, m.target({2, 6, 6})});
  }
};

TEST_P(ScheduledGradients, Decoder) {
  Decoder net;
  ScheduledModel& m = net.m;
  m.compile();
  EXPECT_NE(m.schedule_line("train_step", net.up, "zero-padded input"), "") << m.schedule("train_step");
  m.batch = net.batch;
  m.x = random_values(size_t(m.batch) * 5, 536, -1, 1);
  m.t = random_values(size_t(m.batch) * 72, 537, -0.5f, 0.5f);
  expect_gradients_match_finite_differences(m, {1e-3f, 1e-4, 1e-2, "evaluate"});
}

// ---- a VAE's draw and a loss of several terms ------------------------------------------

// x [B, 6] -> dense(8) -> tanh = h; mu, logvar = dense(3) of h; z =
// sample_normal(mu, logvar); y = dense(6) of z. The loss is mse(y, t) +
// 0.5 * kl_normal(mu, logvar) + l1_activity(h, 0.01): the backward pass
// starts at each term (Program::loss_terms). The seed is fixed, so the draw
// is a smooth function of mu and logvar.
struct Variational {
  static constexpr int batch = 8;
  ScheduledModel m;
  Variational() {
    int x = m.input({6});
    auto dense = [&](int in, int64_t n_in, int64_t n_out, const std::string& name, unsigned seed) {
      int w = m.param(name + ".weight", {n_in, n_out}, random_values(size_t(n_in * n_out), seed, -0.5f, 0.5f));
      int b = m.param(name + ".bias", {n_out}, random_values(size_t(n_out), seed + 1, -0.2f, 0.2f));
      return m.add(Op::BiasAdd, {m.add(Op::MatMul, {in, w}), b});
    };
    int h = m.add(Op::Tanh, {dense(x, 6, 8, "dense0", 511)});
    int mu = dense(h, 8, 3, "mu", 513), logvar = dense(h, 8, 3, "logvar", 515);
    int z = m.add(Op::SampleNormal, {mu, logvar, m.hyper_leaf("dropout_seed", 7.0f)}, {9001});
    int y = dense(z, 3, 6, "decoder", 517);
    m.p.output = y;
    int fit = m.add(Op::MeanSquaredError, {y, m.target({6})});
    int kl = m.add(Op::KlNormal, {mu, logvar}, {5, -1});
    int sparse = m.add(Op::L1Activity, {h}, {1, -2});
    m.p.loss_terms = {fit, kl, sparse};
    m.p.loss = m.add(Op::Add, {m.add(Op::Add, {fit, kl}), sparse});
  }
};

TEST_P(ScheduledGradients, Variational) {
  Variational net;
  ScheduledModel& m = net.m;
  m.compile();
  m.batch = net.batch;
  m.x = random_values(size_t(m.batch) * 6, 519, -1, 1);
  m.t = random_values(size_t(m.batch) * 6, 520, -0.5f, 0.5f);
  // The draw is active in train_step and depends on the seed; predict gives
  // the mean's decoding, which no seed changes.
  const ScheduledModel::Result with_seed_7 = m.run("train_step");
  const ScheduledModel::Result predicted = m.run("predict");
  m.hyper["dropout_seed"] = 8.0f;
  EXPECT_NE(m.run("train_step").loss, with_seed_7.loss);
  EXPECT_EQ(m.run("predict").output, predicted.output);
  m.hyper["dropout_seed"] = 7.0f;
  expect_gradients_match_finite_differences(m, {1e-3f, 1e-4, 1e-2, "train_step"});
}

// mask and noise corrupt in evaluate only where the target is the input (an
// autoencoder's loss is that of rebuilding the clean input), never in
// predict: x [B, 4] -> mask(0.5) -> noise(0.3) -> dense(4), mse against x.
TEST_P(ScheduledGradients, CorruptionInEvaluateOnlyForAutoencoders) {
  std::map<bool, ScheduledModel::Result> evaluate, predict;
  for (bool autoencoder : {false, true}) {
    ScheduledModel m;
    int x = m.input({4});
    int seed = m.hyper_leaf("dropout_seed", 7.0f);
    int w = m.param("dense0.weight", {4, 4}, random_values(16, 507, -0.5f, 0.5f));
    int corrupted = m.add(Op::Noise, {m.add(Op::Mask, {x, seed}, {500000, 11}), seed}, {300000, 12});
    m.p.output = m.add(Op::MatMul, {corrupted, w});
    m.p.loss = m.add(Op::MeanSquaredError, {m.p.output, m.target({4})});
    m.p.target_is_input = autoencoder;
    m.compile();
    m.batch = 8;
    m.x = random_values(size_t(m.batch) * 4, 508, -1, 1);
    m.t = m.x;
    evaluate[autoencoder] = m.run("evaluate");
    predict[autoencoder] = m.run("predict");
  }
  // Without corruption, evaluate's output is predict's.
  EXPECT_EQ(evaluate[false].output, predict[false].output);
  EXPECT_EQ(predict[true].output, predict[false].output);
  EXPECT_NE(evaluate[true].output, predict[true].output);
  EXPECT_NE(evaluate[true].loss, evaluate[false].loss);
}

// ---- step ---------------------------------------------------------------------------------

// step is flat almost everywhere, so finite differences say 0; its rule is
// straight-through (the gradient passes as if step were the identity), which
// makes SGD on squared error Rosenblatt's rule. x [B, 3] -> dense(2) -> step,
// squared error: d/dW = x^T (y - t) / B and d/db = sum over the batch of
// (y - t) / B, with y = step(x W + b), computed here in double.
struct StepModel {
  static constexpr int batch = 6, in = 3, out = 2;
  ScheduledModel m;
  StepModel() {
    int x = m.input({in});
    int w = m.param("dense.weight", {in, out}, random_values(in * out, 601));
    int b = m.param("dense.bias", {out}, random_values(out, 602, -0.3f, 0.3f));
    m.p.output = m.add(Op::Step, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w}), b})});
    m.p.loss = m.add(Op::SquaredError, {m.p.output, m.target({out})});
  }
};

TEST_P(ScheduledGradients, StepIsStraightThrough) {
  StepModel net;
  ScheduledModel& m = net.m;
  const int batch = net.batch, in = net.in, out = net.out;
  m.compile();
  m.batch = batch;
  m.x = random_values(batch * in, 603, -1, 1);
  m.t = random_values(batch * out, 604, 0, 1);

  std::vector<double> dw(in * out, 0.0), db(out, 0.0);
  for (int s = 0; s < batch; ++s)
    for (int j = 0; j < out; ++j) {
      double pre = m.params[1][size_t(j)];
      for (int i = 0; i < in; ++i) pre += double(m.x[size_t(s * in + i)]) * m.params[0][size_t(i * out + j)];
      ASSERT_GT(std::fabs(pre), 1e-3) << "a pre-activation too near step's threshold";
      const double dy = ((pre > 0 ? 1.0 : 0.0) - m.t[size_t(s * out + j)]) / batch;
      for (int i = 0; i < in; ++i) dw[size_t(i * out + j)] += m.x[size_t(s * in + i)] * dy;
      db[size_t(j)] += dy;
    }
  const std::vector<Values> g = m.gradients();
  for (size_t e = 0; e < dw.size(); ++e) EXPECT_NEAR(g[0][e], dw[e], 1e-6) << "weight element " << e;
  for (size_t e = 0; e < db.size(); ++e) EXPECT_NEAR(g[1][e], db[e], 1e-6) << "bias element " << e;
}

// ---- coverage ------------------------------------------------------------------------

// The models above hold every op that has a gradient rule, and once
// differentiated every schedule kind: an op added to the table with a
// gradient fails here until a model checks it.
TEST_P(ScheduledGradients, ModelsCoverEveryDifferentiableOpAndScheduleKind) {
  Mlp mlp;
  Cnn2D cnn2d;
  Cnn1D cnn1d;
  RandomLayersAndScale random;
  Variational variational;
  Decoder decoder;
  StepModel step;
  std::set<Op> forward;
  std::set<Schedule> kinds;
  for (ScheduledModel* m : {&mlp.m, &cnn2d.m, &cnn1d.m, &random.m, &variational.m, &decoder.m, &step.m}) {
    for (const nnc::ir::Node& n : m->p.graph.nodes()) forward.insert(n.op);
    nnc::passes::differentiate(m->p);
    for (const nnc::ir::Node& n : m->p.graph.nodes()) kinds.insert(nnc::ir::op_def(n.op).schedule);
  }
  const Op all[] = {
#define NNC_OP(name) Op::name,
#include "compiler/ir/Ops.def"
#undef NNC_OP
  };
  for (Op op : all) {
    if (nnc::ir::op_def(op).gradient) {
      EXPECT_TRUE(forward.count(op)) << nnc::ir::op_name(op) << " has a gradient rule that no model here checks";
    }
  }
  for (Schedule kind : {Schedule::Gemm, Schedule::Conv, Schedule::KernelGrad, Schedule::Reduce, Schedule::RowReduce,
                        Schedule::Elementwise, Schedule::Materialize})
    EXPECT_TRUE(kinds.count(kind)) << "schedule kind " << int(kind) << " is not covered";
}

}  // namespace
