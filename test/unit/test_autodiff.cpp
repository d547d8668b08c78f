// passes::differentiate and passes::add_optimizer_update, end to end: small
// programs built directly in the IR go through both passes and
// codegen::lower_program (schedules included), and the lowered pipelines are
// JIT-compiled and called with the generated C functions' convention:
// arguments in role order, inputs then outputs.
//
// A train_step with momentum 0 and zero velocities returns the gradients
// exactly as its new velocities (v' = 0 * 0 + g), which is how the gradients
// are read here.
#include <gtest/gtest.h>

#include <Halide.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/codegen/Lower.h"
#include "compiler/ir/IR.h"
#include "compiler/passes/Autodiff.h"
#include "compiler/passes/Optimizer.h"
#include "test/unit/test_util.h"

namespace {

using nnc::codegen::ArgRole;
using nnc::ir::Op;
using nnc::ir::Type;
using nnc::test::random_values;
using Values = std::vector<float>;

// A program under test: its graph, its compiled pipelines and the values of
// its inputs. Build the forward graph, set the roles, then compile().
class Model {
 public:
  nnc::ir::Program p;

  int input(int64_t features) { return input(std::vector<int64_t>{features}); }
  int input(std::vector<int64_t> dims) { return p.input = leaf(Op::Input, nnc::ir::f32(std::move(dims), true), "x"); }
  int target(int64_t features) { return p.target = leaf(Op::Target, nnc::ir::f32({features}, true), "t"); }
  int param(const std::string& name, std::vector<int64_t> dims, Values init) {
    int id = leaf(Op::Param, nnc::ir::f32(std::move(dims)), name);
    p.params.push_back(id);
    params.push_back(std::move(init));
    return id;
  }
  int add(Op op, std::vector<int> inputs, std::vector<int64_t> attrs = {}) {
    return p.graph.add(op, std::move(inputs), {}, std::move(attrs));
  }

  // Both passes, then lowering and JIT compilation of every pipeline.
  void compile() {
    nnc::passes::differentiate(p);
    nnc::passes::add_optimizer_update(p);
    ASSERT_EQ(nnc::ir::verify(p), "");
    const Halide::Target target = Halide::get_host_target();
    for (nnc::codegen::PipelineIR& pl : nnc::codegen::lower_program(p, target, nullptr)) {
      callables_[pl.name] = pl.pipeline.compile_to_callable(pl.inputs, target);
      pipelines_[pl.name] = std::move(pl);
    }
    states.clear();
    for (int id : p.states) states.emplace_back(size_t(p.graph.node(id).type.elements()), 0.0f);
  }

  // Run-time values, row-major.
  int batch = 1;
  Values x, t;
  std::vector<Values> params, states;
  std::map<std::string, double> hyper;  // the train step's scalars by name (lr, momentum, ...)

  struct Result {
    float loss = NAN;
    Values output;
    std::vector<Values> new_params, new_states;
  };

  Result run(const std::string& name) {
    const nnc::codegen::PipelineIR& pl = pipelines_.at(name);
    const nnc::ir::Graph& g = p.graph;
    std::vector<Halide::Buffer<float>> buffers;  // alive until the call returns
    std::deque<double> scalars;
    Halide::JITUserContext context;
    Halide::JITUserContext* context_ptr = &context;
    std::vector<const void*> argv = {&context_ptr};
    std::vector<std::pair<ArgRole, size_t>> outputs;  // role, index into buffers

    auto buffer = [&](int node, const Values* values) {
      const Type& type = g.node(node).type;
      std::vector<int> sizes;
      for (auto it = type.dims.rbegin(); it != type.dims.rend(); ++it) sizes.push_back(int(*it));
      if (type.batched) sizes.push_back(batch);
      Halide::Buffer<float> b(sizes);
      if (values) {
        EXPECT_EQ(size_t(b.number_of_elements()), values->size()) << "values for %" << node;
        std::copy_n(values->begin(), std::min(values->size(), size_t(b.number_of_elements())), b.data());
      }
      buffers.push_back(b);
      argv.push_back(b.raw_buffer());
    };

    using K = ArgRole::Kind;
    for (const ArgRole& role : pl.roles) {
      const size_t i = size_t(role.index);
      switch (role.kind) {
        case K::Input: buffer(p.input, &x); break;
        case K::Target: buffer(p.target, &t); break;
        case K::Param: buffer(p.params[i], &params[i]); break;
        case K::State: buffer(p.states[i], &states[i]); break;
        case K::Hyper: {
          auto value = hyper.find(p.graph.node(p.hypers[i]).name);
          EXPECT_NE(value, hyper.end()) << "no value for hyper " << p.graph.node(p.hypers[i]).name;
          scalars.push_back(value == hyper.end() ? NAN : value->second);
          argv.push_back(&scalars.back());
          break;
        }
        case K::OutLoss: outputs.push_back({role, buffers.size()}), buffer(p.loss, nullptr); break;
        case K::OutOutput: outputs.push_back({role, buffers.size()}), buffer(p.output, nullptr); break;
        case K::OutParam: outputs.push_back({role, buffers.size()}), buffer(p.new_params[i], nullptr); break;
        case K::OutState: outputs.push_back({role, buffers.size()}), buffer(p.new_states[i], nullptr); break;
        case K::OutProbe: buffer(nnc::codegen::probed_values(p)[i], nullptr); break;  // not read here
      }
    }
    int status = callables_.at(name).call_argv_fast(argv.size(), argv.data());
    EXPECT_EQ(status, 0) << name << " failed";

    Result r;
    r.new_params.resize(p.params.size());
    r.new_states.resize(p.states.size());
    for (const auto& [role, k] : outputs) {
      const Halide::Buffer<float>& b = buffers[k];
      Values v(b.data(), b.data() + b.number_of_elements());
      switch (role.kind) {
        case K::OutLoss: r.loss = v.at(0); break;
        case K::OutOutput: r.output = v; break;
        case K::OutParam: r.new_params[size_t(role.index)] = v; break;
        case K::OutState: r.new_states[size_t(role.index)] = v; break;
        default: break;
      }
    }
    return r;
  }

  // d loss / d params at the current values: a train_step with momentum 0
  // from zero velocities returns them as its new velocities.
  std::vector<Values> gradients() {
    const std::map<std::string, double> saved_hyper = hyper;
    std::vector<Values> saved_states = states;
    hyper = {{"lr", 0.0f}, {"momentum", 0.0f}};
    for (Values& s : states) std::fill(s.begin(), s.end(), 0.0f);
    Result r = run("train_step");
    hyper = saved_hyper, states = saved_states;
    for (size_t i = 0; i < params.size(); ++i) EXPECT_EQ(r.new_params[i], params[i]) << "lr 0 moved a param";
    return r.new_states;
  }

  float loss() { return run("evaluate").loss; }

 private:
  int leaf(Op op, Type type, const std::string& name) { return p.graph.add_leaf(op, std::move(type), name, {}); }

  std::map<std::string, nnc::codegen::PipelineIR> pipelines_;
  std::map<std::string, Halide::Callable> callables_;
};

// x [B, 3] -> dense(4) -> sigmoid -> dense(2), squared error against t [B, 2].
void build_mlp(Model& m) {
  int x = m.input(3);
  int w1 = m.param("dense0.weight", {3, 4}, random_values(12, 1));
  int b1 = m.param("dense0.bias", {4}, random_values(4, 2));
  int w2 = m.param("dense1.weight", {4, 2}, random_values(8, 3));
  int b2 = m.param("dense1.bias", {2}, random_values(2, 4));
  int h = m.add(Op::Sigmoid, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w1}), b1})});
  int y = m.add(Op::BiasAdd, {m.add(Op::MatMul, {h, w2}), b2});
  m.p.output = y;
  m.p.loss = m.add(Op::SquaredError, {y, m.target(2)});
}

// x [B, 2, 9, 18] -> conv(32, 3x3, pad 1) + bias -> tanh -> conv(6, 3x3,
// stride 2, pad 1) -> tanh -> avgpool(2) -> flatten -> dense(3), squared
// error. Smooth everywhere: relu and maxpool have kinks that a finite
// difference straddles now and then. The two convolutions take the kernel
// gradient's two tile shapes (32 channels: vectors of channels; 6 channels
// over rows of 9 positions: vectors of positions), and nine images leave a
// chunk of the batch partial.
void build_cnn(Model& m) {
  int x = m.input({2, 9, 18});
  int w1 = m.param("conv0.weight", {32, 2, 3, 3}, random_values(576, 11, -0.5f, 0.5f));
  int b1 = m.param("conv0.bias", {32}, random_values(32, 12));
  int w2 = m.param("conv1.weight", {6, 32, 3, 3}, random_values(1728, 13, -0.2f, 0.2f));
  int w3 = m.param("dense.weight", {48, 3}, random_values(144, 14, -0.2f, 0.2f));
  int h = m.add(Op::Tanh, {m.add(Op::BiasAdd, {m.add(Op::Conv, {x, w1}, {1, 1, 1, 1}), b1})});
  h = m.add(Op::Tanh, {m.add(Op::Conv, {h, w2}, {2, 2, 1, 1})});  // 6 x 5 x 9
  h = m.add(Op::AvgPool, {h}, {2, 2, 2, 2});                        // 6 x 2 x 4
  int y = m.add(Op::MatMul, {m.add(Op::Reshape, {h}, {48}), w3});
  m.p.output = y;
  m.p.loss = m.add(Op::SquaredError, {y, m.target(3)});
}

// Every parameter's gradient from the scheduled train_step against central
// differences of the scheduled evaluate pipeline's loss. The loss is f32, so
// the differences carry about ulp(loss) / h of rounding: models keep it small.
void expect_gradients_match_finite_differences(Model& m, double abs_tolerance = 1e-3) {
  std::vector<Values> analytic = m.gradients();
  ASSERT_EQ(analytic.size(), m.params.size());
  const float h = 1e-3f;
  for (size_t i = 0; i < m.params.size(); ++i) {
    ASSERT_EQ(analytic[i].size(), m.params[i].size());
    for (size_t e = 0; e < m.params[i].size(); ++e) {
      float& w = m.params[i][e];
      const float w0 = w, up = w0 + h, down = w0 - h;
      w = up;
      double l_up = m.loss();
      w = down;
      double l_down = m.loss();
      w = w0;
      double numeric = (l_up - l_down) / (double(up) - double(down));
      EXPECT_NEAR(analytic[i][e], numeric, abs_tolerance + 1e-2 * std::fabs(numeric))
          << m.p.graph.node(m.p.params[i]).name << " element " << e;
    }
  }
}

TEST(Autodiff, MlpGradientsMatchFiniteDifferences) {
  Model m;
  build_mlp(m);
  m.compile();
  m.batch = 5;
  m.x = random_values(15, 5, -2, 2);
  m.t = random_values(10, 6);
  expect_gradients_match_finite_differences(m);
}

TEST(Autodiff, CnnGradientsMatchFiniteDifferences) {
  Model m;
  build_cnn(m);
  m.compile();
  m.batch = 9;
  m.x = random_values(9 * 2 * 9 * 18, 15, -1, 1);
  m.t = random_values(9 * 3, 16, -0.2f, 0.2f);
  ASSERT_LT(m.loss(), 1.0f);
  expect_gradients_match_finite_differences(m, 2e-4);
}

// The loss is a mean over the batch, so the gradient of a batch is the mean
// of the gradients of its halves.
TEST(Autodiff, BatchGradientIsMeanOfHalves) {
  Model m;
  build_mlp(m);
  m.compile();
  const Values x = random_values(12, 7, -2, 2), t = random_values(8, 8);
  m.batch = 4, m.x = x, m.t = t;
  std::vector<Values> whole = m.gradients();
  m.batch = 2;
  m.x.assign(x.begin(), x.begin() + 6), m.t.assign(t.begin(), t.begin() + 4);
  std::vector<Values> first = m.gradients();
  m.x.assign(x.begin() + 6, x.end()), m.t.assign(t.begin() + 4, t.end());
  std::vector<Values> second = m.gradients();
  for (size_t i = 0; i < whole.size(); ++i)
    for (size_t e = 0; e < whole[i].size(); ++e) {
      double mean = 0.5 * (double(first[i][e]) + second[i][e]);
      EXPECT_NEAR(whole[i][e], mean, 1e-6 + 1e-5 * std::fabs(mean)) << m.p.graph.node(m.p.params[i]).name << " element " << e;
    }
}

// One linear layer y = x W + b with squared error: dL/dW = x^T (y - t) / B and
// dL/db = sum_b (y - t) / B in closed form. Three train steps, each fed the
// previous step's outputs as the runtime does, against the optimizer's update
// rule computed here in double, element by element.
struct OptimizerCase {
  const char* optimizer;
  bool nesterov;
  std::map<std::string, double> settings;  // as the train section sets them
  int states;                              // per param
  // The update of one element: param p with gradient g (penalties included)
  // and its states s, at step t (from 1).
  std::function<double(double p, double g, std::vector<double>& s, int t)> update;
};

void expect_matches_closed_form(const OptimizerCase& c) {
  constexpr int B = 3, in = 3, out = 2;
  Model m;
  m.p.train.optimizer = c.optimizer;
  m.p.train.nesterov = c.nesterov;
  m.p.train.hypers = c.settings;
  int x = m.input(in);
  int w = m.param("dense.weight", {in, out}, random_values(in * out, 10));
  int b = m.param("dense.bias", {out}, random_values(out, 11));
  m.p.output = m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w}), b});
  m.p.loss = m.add(Op::SquaredError, {m.p.output, m.target(out)});
  m.compile();
  m.batch = B;
  ASSERT_EQ(m.states.size(), 2u * size_t(c.states));

  auto setting = [&](const char* name) { return c.settings.count(name) ? c.settings.at(name) : 0.0; };
  std::vector<std::vector<double>> param(2);
  std::vector<std::vector<std::vector<double>>> state(2);  // [param][element][state]
  for (size_t i = 0; i < 2; ++i) {
    param[i].assign(m.params[i].begin(), m.params[i].end());
    state[i].assign(param[i].size(), std::vector<double>(size_t(c.states), 0.0));
  }
  for (int t = 1; t <= 3; ++t) {
    m.x = random_values(B * in, 20 + unsigned(t), -2, 2);
    m.t = random_values(B * out, 30 + unsigned(t));
    // The train step's scalars, as the runtime supplies them: the settings
    // and the step count. What the rules derive from them (1 - beta, the bias
    // corrections, decoupled decay) the graph computes; `update` computes
    // them here independently, in double.
    m.hyper.clear();
    for (const auto& [name, v] : c.settings) m.hyper[name] = v;
    m.hyper["step"] = double(t);

    const std::vector<double>&W = param[0], &bias = param[1];
    std::vector<double> y(B * out), gw(in * out, 0.0), gb(out, 0.0);
    double loss = 0;
    for (int s = 0; s < B; ++s)
      for (int j = 0; j < out; ++j) {
        double z = bias[size_t(j)];
        for (int i = 0; i < in; ++i) z += double(m.x[size_t(s * in + i)]) * W[size_t(i * out + j)];
        y[size_t(s * out + j)] = z;
        const double d = z - m.t[size_t(s * out + j)];
        loss += 0.5 * d * d / B;
        gb[size_t(j)] += d / B;
        for (int i = 0; i < in; ++i) gw[size_t(i * out + j)] += double(m.x[size_t(s * in + i)]) * d / B;
      }
    const std::vector<double>* grad[2] = {&gw, &gb};
    for (size_t i = 0; i < 2; ++i)
      for (size_t e = 0; e < param[i].size(); ++e) {
        double g = (*grad[i])[e];
        const double p = param[i][e];
        if (i == 0) g += setting("l2") * p + setting("l1") * double((p > 0) - (p < 0));  // weights only
        if (std::string(c.optimizer) != "adamw") g += setting("weight_decay") * p;
        param[i][e] = c.update(p, g, state[i][e], t);
      }

    Model::Result r = m.run("train_step");
    EXPECT_NEAR(r.loss, loss, 1e-5 * (1 + loss)) << "step " << t;
    for (size_t e = 0; e < y.size(); ++e) EXPECT_NEAR(r.output[e], y[e], 1e-5) << "step " << t;
    for (size_t i = 0; i < 2; ++i)
      for (size_t e = 0; e < param[i].size(); ++e) {
        EXPECT_NEAR(r.new_params[i][e], param[i][e], 2e-5 * (1 + std::fabs(param[i][e])))
            << c.optimizer << " param " << i << "," << e << " step " << t;
        for (int k = 0; k < c.states; ++k)
          EXPECT_NEAR(r.new_states[i * size_t(c.states) + size_t(k)][e], state[i][e][size_t(k)],
                      2e-5 * (1 + std::fabs(state[i][e][size_t(k)])))
              << c.optimizer << " state " << k << " of param " << i << "," << e << " step " << t;
      }
    m.params = r.new_params;
    m.states = r.new_states;
  }
}

// The scalars the runtime must supply are exactly lr, the step count (adam
// and adamw only) and the optimizer's settings: nothing derived.
TEST(Optimizer, TrainStepReadsOnlySettingsAndStep) {
  for (const char* optimizer : {"sgd", "adagrad", "rmsprop", "adam", "adamw"}) {
    Model m;
    m.p.train.optimizer = optimizer;
    int x = m.input(2);
    int w = m.param("dense.weight", {2, 1}, {0.5f, -0.5f});
    m.p.output = m.add(Op::MatMul, {x, w});
    m.p.loss = m.add(Op::SquaredError, {m.p.output, m.target(1)});
    m.compile();
    std::vector<std::string> names;
    for (int id : m.p.hypers) names.push_back(m.p.graph.node(id).name);
    const std::map<std::string, std::vector<std::string>> expected = {
        {"sgd", {"lr", "momentum"}},
        {"adagrad", {"lr", "eps"}},
        {"rmsprop", {"lr", "rho", "eps"}},
        {"adam", {"lr", "beta1", "beta2", "step", "eps"}},
        {"adamw", {"lr", "beta1", "beta2", "step", "eps", "weight_decay"}}};
    std::vector<std::string> sorted = names, want = expected.at(optimizer);
    std::sort(sorted.begin(), sorted.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(sorted, want) << optimizer;
    // Every setting the update reads has PyTorch's default (the train
    // section set none); weight_decay only where it is on by default.
    const std::map<std::string, std::map<std::string, double>> pytorch = {
        {"sgd", {{"lr", 0.01}, {"momentum", 0}}},
        {"adagrad", {{"lr", 0.01}, {"eps", 1e-10}}},
        {"rmsprop", {{"lr", 0.01}, {"rho", 0.99}, {"eps", 1e-8}}},
        {"adam", {{"lr", 0.001}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}}},
        {"adamw", {{"lr", 0.001}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", 0.01}}}};
    EXPECT_EQ(m.p.train.hypers, pytorch.at(optimizer)) << optimizer;
  }
}

TEST(Optimizer, SgdMomentumMatchesClosedForm) {
  expect_matches_closed_form({"sgd", false, {{"lr", 0.1}, {"momentum", 0.9}}, 1,
                              [](double p, double g, std::vector<double>& v, int) {
                                v[0] = 0.9 * v[0] + g;
                                return p - 0.1 * v[0];
                              }});
}

TEST(Optimizer, NesterovMatchesClosedForm) {
  expect_matches_closed_form({"sgd", true, {{"lr", 0.1}, {"momentum", 0.9}}, 1,
                              [](double p, double g, std::vector<double>& v, int) {
                                v[0] = 0.9 * v[0] + g;
                                return p - 0.1 * (g + 0.9 * v[0]);
                              }});
}

TEST(Optimizer, PenaltiesAndWeightDecayMatchClosedForm) {
  expect_matches_closed_form({"sgd", false, {{"lr", 0.1}, {"momentum", 0.5}, {"l1", 0.01}, {"l2", 0.05}, {"weight_decay", 0.02}},
                              1, [](double p, double g, std::vector<double>& v, int) {
                                v[0] = 0.5 * v[0] + g;
                                return p - 0.1 * v[0];
                              }});
}

TEST(Optimizer, AdagradMatchesClosedForm) {
  expect_matches_closed_form({"adagrad", false, {{"lr", 0.1}, {"eps", 1e-6}}, 1,
                              [](double p, double g, std::vector<double>& s, int) {
                                s[0] += g * g;
                                return p - 0.1 * g / (std::sqrt(s[0]) + 1e-6);
                              }});
}

TEST(Optimizer, RmspropMatchesClosedForm) {
  expect_matches_closed_form({"rmsprop", false, {{"lr", 0.01}, {"rho", 0.9}, {"eps", 1e-6}}, 1,
                              [](double p, double g, std::vector<double>& s, int) {
                                s[0] = 0.9 * s[0] + 0.1 * g * g;
                                return p - 0.01 * g / (std::sqrt(s[0]) + 1e-6);
                              }});
}

double adam_step(double g, std::vector<double>& s, int t) {
  s[0] = 0.9 * s[0] + 0.1 * g;
  s[1] = 0.999 * s[1] + 0.001 * g * g;
  return (s[0] / (1 - std::pow(0.9, t))) / (std::sqrt(s[1] / (1 - std::pow(0.999, t))) + 1e-8);
}

TEST(Optimizer, AdamMatchesClosedForm) {
  expect_matches_closed_form({"adam", false, {{"lr", 0.01}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}}, 2,
                              [](double p, double g, std::vector<double>& s, int t) { return p - 0.01 * adam_step(g, s, t); }});
}

TEST(Optimizer, AdamwDecaysDecoupled) {
  expect_matches_closed_form({"adamw", false,
                              {{"lr", 0.01}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", 0.1}}, 2,
                              [](double p, double g, std::vector<double>& s, int t) {
                                return p * (1 - 0.01 * 0.1) - 0.01 * adam_step(g, s, t);
                              }});
}

// A dense(1) unit with the step activation, trained by squared error with
// lr 1, momentum 0 and batch 1, is Rosenblatt's perceptron: the straight-
// through gradient of step makes the update Delta W = eta x (t - y) exactly.
// The course's example: x = (0, 1), W = (1, 0), b = 0, t = 1 -> y = 0,
// W = (1, 1), b = 1.
TEST(Optimizer, StepUnitLearnsByRosenblattsRule) {
  Model m;
  int x = m.input(2);
  int w = m.param("dense.weight", {2, 1}, {1.0f, 0.0f});
  int b = m.param("dense.bias", {1}, {0.0f});
  m.p.output = m.add(Op::Step, {m.add(Op::BiasAdd, {m.add(Op::MatMul, {x, w}), b})});
  m.p.loss = m.add(Op::SquaredError, {m.p.output, m.target(1)});
  m.compile();
  m.batch = 1, m.hyper = {{"lr", 1.0f}, {"momentum", 0.0f}};
  m.x = {0.0f, 1.0f};
  m.t = {1.0f};
  Model::Result r = m.run("train_step");
  EXPECT_EQ(r.output, Values{0.0f});
  EXPECT_EQ(r.loss, 0.5f);
  EXPECT_EQ(r.new_params[0], (Values{1.0f, 1.0f}));
  EXPECT_EQ(r.new_params[1], Values{1.0f});
}

}  // namespace
