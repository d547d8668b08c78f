// A compiled model: its graph and the roles of the graph's nodes, plus the
// training settings from the .nn file. Sema fills the forward part; the
// autodiff and optimizer passes add the backward part and the update.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir/IR.h"

namespace nnc::ir {

// The `train` section: defaults for the generated program's flags.
struct TrainConfig {
  // The rows of the train settings' table (runtime/train_settings.h: data,
  // batch, epochs, shuffle, schedule, ...) that the .nn file sets, by name,
  // as text in the table's syntax ("builtin.xor", "32", "on"); the program's
  // runtime takes the table's default for the others. A data source is a
  // path already resolved against the .nn file's directory.
  std::map<std::string, std::string> settings;
  std::string optimizer = "sgd";  // a row of the optimizer table (passes/Optimizers.h); sgd by default
  bool nesterov = false;          // sgd's switch
  // The run-time settings, each with its default: those the .nn file sets
  // (lr, momentum, ..., l1, l2, LAYER.l1, LAYER.l2; Sema), and the rest of
  // the optimizer's settings with the optimizer table's defaults (filled in
  // by passes/Optimizer.cpp). The generated program can override each.
  std::map<std::string, double> hypers;
  std::vector<std::pair<std::string, double>> augment;  // name, strength, in order of application
  SourceLoc loc;
};

struct Program {
  std::string name;         // the model's name
  std::string source_file;  // the .nn file it came from
  Graph graph;
  TrainConfig train;

  // Roles: which nodes of the graph play which part. Every field below that
  // holds node ids is listed once more in for_each_role, the one place passes
  // that renumber nodes (dead code elimination), verify() and print() read them
  // from; a new role field goes there too, or those passes would miss it.

  // Forward part (Sema)
  int input = -1;           // x
  int target = -1;          // t
  int64_t classes = 0;      // > 0 when the target is class[classes]
  bool target_is_input = false;  // `target x`: an autoencoder's; the data's inputs are its targets
  int loss = -1;            // scalar: the sum of the loss terms
  std::vector<int> loss_terms;  // the loss op, then any penalty terms (l1_activity, kl_normal): where
                                //   the backward pass starts (their rules need no incoming gradient)
  int output = -1;          // the model's prediction (softmax applied for cross_entropy)
  std::vector<int> params;
  std::vector<int> frozen;  // the params of layers with frozen = on: training leaves them unchanged

  // Training part (passes/Autodiff.cpp, passes/Optimizer.cpp)
  std::vector<int> grads;       // d loss / d params[i]
  std::vector<int> states;      // optimizer state leaves (velocities, moments)
  std::vector<int> state_params;  // for each state, the index in params (not a node id) of its param
  std::vector<int> new_params;  // params[i] after one step
  std::vector<int> new_states;  // states[i] after one step
  std::vector<int> hypers;      // run-time scalars of the train step: the settings (TrainConfig::hypers),
                                //   lr, the step count and dropout's seed (passes/Optimizers.h)

  bool is_frozen(int param) const { return std::find(frozen.begin(), frozen.end(), param) != frozen.end(); }

  // What every node of a role must be: a leaf of one kind, or any node.
  enum class RoleKind { Any, Input, Target, Param, State, Hyper };
  // Calls fn(name, kind, ids, count) for every role field, in print order:
  // `count` ids from `ids` (a single id may be -1: not set). ids points into
  // the program, so a pass may renumber them in place.
  template <class Fn>
  void for_each_role(Fn&& fn) { each_role(*this, fn); }
  template <class Fn>
  void for_each_role(Fn&& fn) const { each_role(*this, fn); }

 private:
  template <class P, class Fn>
  static void each_role(P& p, Fn& fn) {
    using K = RoleKind;
    fn("input", K::Input, &p.input, size_t(1));
    fn("target", K::Target, &p.target, size_t(1));
    fn("loss", K::Any, &p.loss, size_t(1));
    fn("loss_terms", K::Any, p.loss_terms.data(), p.loss_terms.size());
    fn("output", K::Any, &p.output, size_t(1));
    fn("params", K::Param, p.params.data(), p.params.size());
    fn("frozen", K::Param, p.frozen.data(), p.frozen.size());
    fn("grads", K::Any, p.grads.data(), p.grads.size());
    fn("states", K::State, p.states.data(), p.states.size());
    fn("new_params", K::Any, p.new_params.data(), p.new_params.size());
    fn("new_states", K::Any, p.new_states.data(), p.new_states.size());
    fn("hypers", K::Hyper, p.hypers.data(), p.hypers.size());
  }
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
