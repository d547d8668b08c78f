#include "compiler/passes/Optimizer.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "compiler/passes/Optimizers.h"

namespace nnc::passes {
namespace {

// g + l2 p + l1 sign(p) for a weight whose layer or model sets l1 or l2.
int penalised_gradient(UpdateBuilder& b, const ir::Program& p, size_t i, int grad) {
  const std::string& name = p.graph.node(p.params[i]).name;
  const std::string suffix = ".weight";
  if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return grad;
  const std::string layer = name.substr(0, name.size() - suffix.size());
  for (const std::string kind : {"l2", "l1"}) {
    // The layer's own setting (LAYER.l2) takes the place of the model's (l2).
    const std::string own = layer + "." + kind;
    const std::string setting = p.train.hypers.count(own) ? own : kind;
    if (!p.train.hypers.count(setting)) continue;
    int term = kind == "l2" ? p.params[i] : b.sign(p.params[i]);
    grad = b.add(grad, b.scale(term, b.setting(setting)));
  }
  return grad;
}

}  // namespace

void add_optimizer_update(ir::Program& p) {
  const OptimizerDef* optimizer = find_optimizer(p.train.optimizer);
  if (!optimizer) throw std::logic_error("unknown optimizer '" + p.train.optimizer + "'");
  for (const SettingDef& s : optimizer->settings)
    if (!std::isnan(s.default_value)) p.train.hypers.emplace(s.name, s.default_value);  // keeps what is set
  UpdateBuilder b(p, *optimizer);
  b.lr();  // the first scalar, whatever the optimizer
  const bool coupled_decay = optimizer->decay == OptimizerDef::Decay::Coupled && p.train.hypers.count("weight_decay");
  for (size_t i = 0; i < p.params.size(); ++i) {
    int grad = penalised_gradient(b, p, i, p.grads[i]);
    if (coupled_decay) grad = b.add(grad, b.scale(p.params[i], b.setting("weight_decay")));
    p.new_params.push_back(optimizer->update(b, i, grad));
  }
}

}  // namespace nnc::passes
