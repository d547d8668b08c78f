// The optimizer table: one row per optimizer, everything nnc knows about it.
//
//   name      what the train section writes: optimizer adam(lr = 0.001)
//   settings  its run-time settings, in the order of positional arguments,
//             with PyTorch's defaults and the values each may take
//   switches  its compile-time on/off arguments (sgd's nesterov)
//   decay     how weight_decay enters: added to the gradient (coupled), or
//             applied by the rule itself (adamw's decoupled decay)
//   update    its update rule: builds the IR of one param's next value
//
// Sema reads names, settings and switches from it (frontend/TrainSection.cpp);
// the optimizer pass (passes/Optimizer.cpp) reads the update rule and fills
// in the defaults of settings the .nn file left out; codegen/Emit.cpp writes
// each setting's range for the runtime, which refuses values outside it.
//
// Every value a rule derives from the settings (1 - beta, the bias
// corrections 1 / (1 - beta^t), adamw's 1 - lr weight_decay) is computed in
// the graph from the settings and the step count t, the Hyper "step"
// (from 1), so the runtime supplies only lr, step, dropout_seed and the
// settings by name.
//
// To add an optimizer: a row in Optimizers.cpp with its update rule, a
// closed-form test in test/unit/test_autodiff.cpp (Optimizer.*), and its
// line in docs/language.md.
#pragma once
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/Program.h"

namespace nnc::passes {

// A run-time setting of training: its default and the values it may take.
struct SettingDef {
  const char* name;
  double default_value;  // kOnlyWhenSet: in the program only where the .nn file sets it
  double min = 0;        // the least value
  double max = std::numeric_limits<double>::infinity();
  bool max_excluded = false;  // [min, max) rather than [min, max]
  bool allows(double v) const { return v >= min && (max_excluded ? v < max : v <= max); }
  // "[0, 1)", "[0, inf)": as the runtime's messages show the range.
  std::string range() const;
};
constexpr double kOnlyWhenSet = std::numeric_limits<double>::quiet_NaN();

class UpdateBuilder;
// Builds the next value of program.params[param] from its gradient (with the
// penalties, and coupled weight decay, already added).
using UpdateRule = int (*)(UpdateBuilder& b, size_t param, int grad);

struct OptimizerDef {
  const char* name;
  std::vector<SettingDef> settings;
  std::vector<const char*> switches;  // on/off arguments; TrainConfig holds their values
  enum class Decay { Coupled, Decoupled } decay;
  UpdateRule update;
};

// Every optimizer, in the order the docs and diagnostics list them.
const std::vector<OptimizerDef>& optimizers();
// The row named `name`, or null.
const OptimizerDef* find_optimizer(const std::string& name);
// The penalties on weights, the model's (l1, l2) and a layer's (LAYER.l1,
// LAYER.l2): settings of every optimizer, present only where set.
const std::vector<SettingDef>& penalties();
// The definition of any run-time setting by name (LAYER.l2 is l2's), or null.
const SettingDef* find_setting(const std::string& name);

// What an update rule builds with: its optimizer's settings and the step
// count as scalar nodes (each made once per program), scalar arithmetic on
// them, elementwise arithmetic on tensors, and optimizer states.
class UpdateBuilder {
 public:
  UpdateBuilder(ir::Program& program, const OptimizerDef& optimizer);

  const ir::TrainConfig& train() const { return p_.train; }
  int param(size_t i) const { return p_.params[i]; }

  // Run-time scalars: a setting of this optimizer (or a penalty), lr, and t.
  int setting(const std::string& name);
  int lr() { return hyper("lr"); }
  int step() { return hyper("step"); }
  // Scalars derived from them, in the graph: 1 - s; s a; 1 / (1 - beta^t).
  int one_minus(int s) { return scalar(ir::Op::OneMinus, {s}); }
  int times(int s, int a) { return scalar(ir::Op::Mul, {s, a}); }
  int bias_correction(int beta) { return scalar(ir::Op::Reciprocal, {one_minus(scalar(ir::Op::Pow, {beta, step()}))}); }

  // Tensors: x s for a scalar s; a + b; a - b; x^2; m / (sqrt(v) + eps).
  int scale(int x, int s) { return add_op(ir::Op::Scale, {x, s}); }
  int add(int a, int b) { return add_op(ir::Op::Add, {a, b}); }
  int sub(int a, int b) { return add_op(ir::Op::Sub, {a, b}); }
  int square(int x) { return add_op(ir::Op::Mul, {x, x}); }
  int root_div(int m, int v) { return add_op(ir::Op::RootDiv, {m, v, setting("eps")}); }
  int sign(int x) { return add_op(ir::Op::Sign, {x}); }

  // An optimizer state of the param's shape, named PARAM.WHAT (starting at
  // zero), and its value after the step, next(state); returns the latter.
  int state(size_t param, const std::string& what, const std::function<int(int)>& next);

 private:
  int hyper(const std::string& name);
  int scalar(ir::Op op, std::vector<int> inputs);
  int add_op(ir::Op op, std::vector<int> inputs) { return p_.graph.add(op, std::move(inputs), loc_); }

  ir::Program& p_;
  const OptimizerDef& optimizer_;
  SourceLoc loc_;
  std::map<std::string, int> hypers_;
  std::map<std::pair<ir::Op, std::vector<int>>, int> scalars_;
};

}  // namespace nnc::passes
