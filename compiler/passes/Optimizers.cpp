// The optimizer table (see Optimizers.h) and what its update rules build with.
#include "compiler/passes/Optimizers.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nnc::passes {
namespace {

using Decay = OptimizerDef::Decay;

// The update rules, PyTorch's conventions; g is the gradient with penalties.

// v' = momentum v + g;  p' = p - lr v'   (nesterov: p - lr (g + momentum v'))
int sgd_update(UpdateBuilder& b, size_t i, int g) {
  int v = b.state(i, "velocity", [&](int s) { return b.add(b.scale(s, b.setting("momentum")), g); });
  int step = b.train().nesterov ? b.add(g, b.scale(v, b.setting("momentum"))) : v;
  return b.sub(b.param(i), b.scale(step, b.lr()));
}

// G' = G + g^2;  p' = p - lr g / (sqrt(G') + eps)
int adagrad_update(UpdateBuilder& b, size_t i, int g) {
  int sum = b.state(i, "square_sum", [&](int s) { return b.add(s, b.square(g)); });
  return b.sub(b.param(i), b.scale(b.root_div(g, sum), b.lr()));
}

// S' = rho S + (1 - rho) g^2;  p' = p - lr g / (sqrt(S') + eps)
int rmsprop_update(UpdateBuilder& b, size_t i, int g) {
  int mean = b.state(i, "square_mean", [&](int s) {
    int rho = b.setting("rho");
    int kept = b.scale(s, rho);
    int squared = b.square(g);
    return b.add(kept, b.scale(squared, b.one_minus(rho)));
  });
  return b.sub(b.param(i), b.scale(b.root_div(g, mean), b.lr()));
}

// m' = beta1 m + (1 - beta1) g;  v' = beta2 v + (1 - beta2) g^2
// step = (m' c1) / (sqrt(v' c2) + eps),  c1 = 1 / (1 - beta1^t), c2 = 1 / (1 - beta2^t)
int adam_step(UpdateBuilder& b, size_t i, int g) {
  int m = b.state(i, "moment1", [&](int s) {
    int beta1 = b.setting("beta1");
    int kept = b.scale(s, beta1);
    return b.add(kept, b.scale(g, b.one_minus(beta1)));
  });
  int v = b.state(i, "moment2", [&](int s) {
    int beta2 = b.setting("beta2");
    int kept = b.scale(s, beta2);
    int squared = b.square(g);
    return b.add(kept, b.scale(squared, b.one_minus(beta2)));
  });
  // One statement per node: the order of a call's arguments is unspecified.
  int m_hat = b.scale(m, b.bias_correction(b.setting("beta1")));
  int v_hat = b.scale(v, b.bias_correction(b.setting("beta2")));
  return b.root_div(m_hat, v_hat);
}

// p' = p - lr step
int adam_update(UpdateBuilder& b, size_t i, int g) {
  int step = adam_step(b, i, g);
  return b.sub(b.param(i), b.scale(step, b.lr()));
}

// Decoupled decay: p' = (1 - lr weight_decay) p - lr step
int adamw_update(UpdateBuilder& b, size_t i, int g) {
  int step = adam_step(b, i, g);
  int decay = b.one_minus(b.times(b.lr(), b.setting("weight_decay")));
  int decayed = b.scale(b.param(i), decay);
  return b.sub(decayed, b.scale(step, b.lr()));
}

const SettingDef kWeightDecay{"weight_decay", kOnlyWhenSet};
const SettingDef kBeta1{"beta1", 0.9, 0, 1, true}, kBeta2{"beta2", 0.999, 0, 1, true};

}  // namespace

std::string SettingDef::range() const {
  std::ostringstream s;
  s << "[" << min << ", ";
  if (std::isinf(max)) s << "inf)";
  else s << max << (max_excluded ? ")" : "]");
  return s.str();
}

const std::vector<OptimizerDef>& optimizers() {
  static const std::vector<OptimizerDef> table = {
      // name      settings (positional order; default, range)                        switches      decay             update
      {"sgd",     {{"lr", 0.01}, {"momentum", 0}, kWeightDecay},                      {"nesterov"}, Decay::Coupled,   sgd_update},
      {"adagrad", {{"lr", 0.01}, {"eps", 1e-10}, kWeightDecay},                       {},           Decay::Coupled,   adagrad_update},
      {"rmsprop", {{"lr", 0.01}, {"rho", 0.99, 0, 1}, {"eps", 1e-8}, kWeightDecay},   {},           Decay::Coupled,   rmsprop_update},
      {"adam",    {{"lr", 0.001}, kBeta1, kBeta2, {"eps", 1e-8}, kWeightDecay},       {},           Decay::Coupled,   adam_update},
      {"adamw",   {{"lr", 0.001}, kBeta1, kBeta2, {"eps", 1e-8}, {"weight_decay", 0.01}}, {},       Decay::Decoupled, adamw_update},
  };
  return table;
}

const OptimizerDef* find_optimizer(const std::string& name) {
  for (const OptimizerDef& o : optimizers())
    if (name == o.name) return &o;
  return nullptr;
}

const std::vector<SettingDef>& penalties() {
  static const std::vector<SettingDef> table = {{"l1", kOnlyWhenSet}, {"l2", kOnlyWhenSet}};
  return table;
}

const SettingDef* find_setting(const std::string& name) {
  // LAYER.l1 and LAYER.l2 are l1 and l2 for one layer's weights.
  const size_t dot = name.rfind('.');
  const std::string base = dot == std::string::npos ? name : name.substr(dot + 1);
  for (const SettingDef& s : penalties())
    if (base == s.name) return &s;
  if (dot != std::string::npos) return nullptr;
  for (const OptimizerDef& o : optimizers())
    for (const SettingDef& s : o.settings)
      if (name == s.name) return &s;
  return nullptr;
}

UpdateBuilder::UpdateBuilder(ir::Program& p, const OptimizerDef& optimizer)
    : p_(p), optimizer_(optimizer), loc_(p.train.loc) {
  for (int id : p.hypers) hypers_[p.graph.node(id).name] = id;  // from Sema: dropout's seed
}

int UpdateBuilder::setting(const std::string& name) {
  bool known = false;
  for (const SettingDef& s : optimizer_.settings) known = known || name == s.name;
  if (!known && !p_.train.hypers.count(name))
    throw std::logic_error(std::string(optimizer_.name) + "'s update reads '" + name + "', not one of its settings");
  return hyper(name);
}

int UpdateBuilder::hyper(const std::string& name) {
  auto it = hypers_.find(name);
  if (it != hypers_.end()) return it->second;
  int id = p_.graph.add_leaf(ir::Op::Hyper, ir::f64_scalar(), name, loc_);
  p_.hypers.push_back(id);
  return hypers_[name] = id;
}

// Scalar nodes are shared: the same op of the same operands is made once.
int UpdateBuilder::scalar(ir::Op op, std::vector<int> inputs) {
  auto key = std::make_pair(op, inputs);
  auto it = scalars_.find(key);
  if (it != scalars_.end()) return it->second;
  return scalars_[key] = add_op(op, std::move(inputs));
}

int UpdateBuilder::state(size_t param_index, const std::string& what, const std::function<int(int)>& next) {
  const ir::Node& n = p_.graph.node(p_.params[param_index]);
  int id = p_.graph.add_leaf(ir::Op::State, n.type, n.name + "." + what, n.loc);
  p_.states.push_back(id);
  p_.state_params.push_back(int(param_index));
  p_.new_states.push_back(next(id));
  return p_.new_states.back();
}

}  // namespace nnc::passes
