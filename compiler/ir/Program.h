// A compiled model: its graph and the roles of the graph's nodes, plus the
// training settings from the .nn file. Sema fills the forward part; the
// autodiff and optimizer passes add the backward part and the update.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/IR.h"

namespace nnc::ir {

// The `train` section: defaults for the generated program's flags.
struct TrainConfig {
  std::string data;        // "builtin.or", "fashion_mnist", a CSV path or an IDX directory
  std::string test_data;   // as data; empty: the data set's own test split, if any
  std::string validation;  // a fraction of the training data ("0.1") or a data source; empty: none
  std::string optimizer = "sgd";  // sgd, adagrad, rmsprop, adam, adamw
  bool nesterov = false;          // sgd only
  // The run-time hyperparameters the .nn file sets or the optimizer needs,
  // with their defaults: lr, momentum, beta1, beta2, eps, rho, weight_decay,
  // l1, l2, LAYER.l1, LAYER.l2. The generated program can override each.
  std::map<std::string, double> hypers{{"lr", 0.01}};
  std::string schedule = "constant";  // learning rate per epoch: constant, step, cosine
  int64_t schedule_every = 1;         // step: every this many epochs ...
  double schedule_gamma = 0.1;        // ... the rate is multiplied by this
  int64_t early_stop = 0;             // patience in epochs without a better validation loss; 0: off
  std::vector<std::pair<std::string, double>> augment;  // name, strength, in order of application
  int64_t batch = 32;
  int64_t epochs = 1;
  bool shuffle = true;
  uint64_t seed = 0;
  bool standardize = true;  // inputs (x - mean) / std, statistics of the training data
  SourceLoc loc;
};

struct Program {
  std::string name;         // the model's name
  std::string source_file;  // the .nn file it came from
  Graph graph;
  TrainConfig train;

  // Forward part (Sema)
  int input = -1;           // x
  int target = -1;          // t
  int64_t classes = 0;      // > 0 when the target is class[classes]
  int loss = -1;            // scalar
  int output = -1;          // the model's prediction (softmax applied for cross_entropy)
  std::vector<int> params;
  std::set<int> frozen;  // params of layers with frozen = on: training leaves them unchanged

  // Training part (passes/Autodiff.cpp, passes/Optimizer.cpp)
  std::vector<int> grads;       // d loss / d params[i]
  std::vector<int> states;      // optimizer state leaves (velocities, moments)
  std::vector<int> state_params;  // for each state, the index in params of the param it belongs to
  std::vector<int> new_params;  // params[i] after one step
  std::vector<int> new_states;  // states[i] after one step
  std::vector<int> hypers;      // run-time scalars: lr, momentum, ... (TrainConfig::hypers and the
                                //   per-step values the runtime derives, see passes/Optimizer.h)
};

// `nnc --emit=ir` and `--emit=grad`: the graph as text, one node a line,
//   %5 = matmul(%0, %3) : f32[B, 256]    # model.nn:6:12
// followed by the roles (inputs, params, outputs).
void print(std::ostream& out, const Program& program);

// `nnc --emit=dot`: the graph for Graphviz (dot -Tsvg), leaves as ellipses,
// ops as boxes labelled with their result types.
void print_dot(std::ostream& out, const Program& program);

// Checks the invariants every pass relies on: operands precede their users,
// types agree with the shape rules, roles name nodes of the right kind.
// Returns the first violation, or "" when the graph is well-formed.
std::string verify(const Program& program);

}  // namespace nnc::ir
