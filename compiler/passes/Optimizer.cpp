#include "compiler/passes/Optimizer.h"

#include <map>
#include <stdexcept>
#include <string>

namespace nnc::passes {
namespace {

using ir::Op;

class UpdateBuilder {
 public:
  explicit UpdateBuilder(ir::Program& p) : p_(p), g_(p.graph), loc_(p.train.loc) {
    for (int id : p.hypers) hypers_[g_.node(id).name] = id;  // from Sema: dropout's seed
  }

  // The Hyper node of a run-time scalar, made on first use.
  int hyper(const std::string& name) {
    auto it = hypers_.find(name);
    if (it != hypers_.end()) return it->second;
    int id = g_.add_leaf(Op::Hyper, ir::f32({}), name, loc_);
    p_.hypers.push_back(id);
    return hypers_[name] = id;
  }
  int scale(int x, const std::string& factor) { return g_.add(Op::Scale, {x, hyper(factor)}, loc_); }
  int add(int a, int b) { return g_.add(Op::Add, {a, b}, loc_); }
  int sub(int a, int b) { return g_.add(Op::Sub, {a, b}, loc_); }
  int square(int x) { return g_.add(Op::Mul, {x, x}, loc_); }
  int root_div(int m, int v) { return g_.add(Op::RootDiv, {m, v, hyper("eps")}, loc_); }
  // An optimizer state of the param's shape, and its value after the step.
  template <class Next>
  int state(size_t param_index, const std::string& what, Next next) {
    const ir::Node& n = g_.node(p_.params[param_index]);
    int id = g_.add_leaf(Op::State, n.type, n.name + "." + what, n.loc);
    p_.states.push_back(id);
    p_.state_params.push_back(int(param_index));
    p_.new_states.push_back(next(id));
    return p_.new_states.back();
  }

  void update(size_t i) {
    const int param = p_.params[i];
    const ir::TrainConfig& t = p_.train;
    const std::string& opt = t.optimizer;
    int grad = penalised_gradient(param, p_.grads[i]);
    if (t.hypers.count("weight_decay") && opt != "adamw") grad = add(grad, scale(param, "weight_decay"));
    int step = -1;
    if (opt == "sgd") {
      int v = state(i, "velocity", [&](int s) { return add(scale(s, "momentum"), grad); });
      step = t.nesterov ? add(grad, scale(v, "momentum")) : v;
    } else if (opt == "adagrad") {
      int sum = state(i, "square_sum", [&](int s) { return add(s, square(grad)); });
      step = root_div(grad, sum);
    } else if (opt == "rmsprop") {
      int mean = state(i, "square_mean",
                       [&](int s) { return add(scale(s, "rho"), scale(square(grad), "rho_complement")); });
      step = root_div(grad, mean);
    } else if (opt == "adam" || opt == "adamw") {
      int m = state(i, "moment1", [&](int s) { return add(scale(s, "beta1"), scale(grad, "beta1_complement")); });
      int v = state(i, "moment2",
                    [&](int s) { return add(scale(s, "beta2"), scale(square(grad), "beta2_complement")); });
      step = root_div(scale(m, "bias_correction1"), scale(v, "bias_correction2"));
    } else {
      throw std::runtime_error("unknown optimizer '" + opt + "'");
    }
    int base = opt == "adamw" ? scale(param, "decay") : param;
    p_.new_params.push_back(sub(base, scale(step, "lr")));
  }

 private:
  // g + l2 p + l1 sign(p) for a weight whose layer or model sets l1 or l2.
  int penalised_gradient(int param, int grad) {
    const ir::Node& n = g_.node(param);
    const std::string suffix = ".weight";
    if (n.name.size() < suffix.size() || n.name.compare(n.name.size() - suffix.size(), suffix.size(), suffix) != 0)
      return grad;
    const std::string layer = n.name.substr(0, n.name.size() - suffix.size());
    for (const std::string kind : {"l2", "l1"}) {
      // The layer's own setting (LAYER.l2) takes the place of the model's (l2).
      const std::string own = layer + "." + kind;
      const std::string name = p_.train.hypers.count(own) ? own : kind;
      if (!p_.train.hypers.count(name)) continue;
      int term = kind == "l2" ? param : g_.add(Op::Sign, {param}, loc_);
      grad = add(grad, scale(term, name));
    }
    return grad;
  }

  ir::Program& p_;
  ir::Graph& g_;
  SourceLoc loc_;
  std::map<std::string, int> hypers_;
};

}  // namespace

void add_optimizer_update(ir::Program& p) {
  UpdateBuilder builder(p);
  builder.hyper("lr");  // first, whatever the optimizer
  for (size_t i = 0; i < p.params.size(); ++i) builder.update(i);
}

}  // namespace nnc::passes
