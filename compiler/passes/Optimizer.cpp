#include "compiler/passes/Optimizer.h"

#include <stdexcept>

namespace nnc::passes {

using ir::Op;

void add_optimizer_update(ir::Program& p) {
  if (p.train.optimizer != "sgd") throw std::runtime_error("unknown optimizer '" + p.train.optimizer + "'");
  ir::Graph& g = p.graph;
  const SourceLoc& loc = p.train.loc;
  int lr = g.add_leaf(Op::Hyper, ir::f32({}), "lr", loc);
  int momentum = g.add_leaf(Op::Hyper, ir::f32({}), "momentum", loc);
  p.hypers = {lr, momentum};
  for (size_t i = 0; i < p.params.size(); ++i) {
    const ir::Node param = g.node(p.params[i]);
    int velocity = g.add_leaf(Op::State, param.type, param.name + ".velocity", param.loc);
    int new_velocity = g.add(Op::SgdVelocity, {velocity, p.grads[i], momentum}, param.loc);
    int new_param = g.add(Op::SgdParam, {p.params[i], new_velocity, lr}, param.loc);
    p.states.push_back(velocity);
    p.new_states.push_back(new_velocity);
    p.new_params.push_back(new_param);
  }
}

}  // namespace nnc::passes
