#include "compiler/passes/DeadCode.h"

namespace nnc::passes {

void eliminate_dead_code(ir::Program& p) {
  const ir::Graph& old = p.graph;
  std::vector<bool> live(size_t(old.size()), false);
  auto mark = [&](int id) {
    if (id >= 0) live[size_t(id)] = true;
  };
  for (int id : {p.input, p.target, p.loss, p.output}) mark(id);
  for (const auto* ids : {&p.params, &p.grads, &p.states, &p.new_params, &p.new_states, &p.hypers})
    for (int id : *ids) mark(id);
  // Creation order is topological, so one backward sweep reaches every operand.
  for (int id = old.size() - 1; id >= 0; --id)
    if (live[size_t(id)])
      for (int in : old.node(id).inputs) live[size_t(in)] = true;

  ir::Graph kept;
  std::vector<int> renumbered(size_t(old.size()), -1);
  for (const ir::Node& n : old.nodes()) {
    if (!live[size_t(n.id)]) continue;
    if (n.inputs.empty()) {
      renumbered[size_t(n.id)] = kept.add_leaf(n.op, n.type, n.name, n.loc, n.init);
    } else {
      std::vector<int> inputs;
      for (int in : n.inputs) inputs.push_back(renumbered[size_t(in)]);
      renumbered[size_t(n.id)] = kept.add(n.op, inputs, n.loc, n.attrs);
    }
  }
  auto remap = [&](int& id) {
    if (id >= 0) id = renumbered[size_t(id)];
  };
  for (int* id : {&p.input, &p.target, &p.loss, &p.output}) remap(*id);
  for (auto* ids : {&p.params, &p.grads, &p.states, &p.new_params, &p.new_states, &p.hypers})
    for (int& id : *ids) remap(id);
  p.graph = std::move(kept);
}

}  // namespace nnc::passes
