#include "compiler/passes/DeadCode.h"

namespace nnc::passes {

void eliminate_dead_code(ir::Program& p) {
  const ir::Graph& old = p.graph;
  // Every role keeps its nodes; for_each_role lists them all, so a new role
  // cannot be dropped or left pointing at another node's old number.
  std::vector<int> roots;
  p.for_each_role([&](const char*, ir::Program::RoleKind, const int* ids, size_t count) {
    roots.insert(roots.end(), ids, ids + count);
  });
  const std::vector<bool> live = old.needed_by(roots);

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
  p.for_each_role([&](const char*, ir::Program::RoleKind, int* ids, size_t count) {
    for (size_t i = 0; i < count; ++i)
      if (ids[i] >= 0) ids[i] = renumbered[size_t(ids[i])];
  });
  p.graph = std::move(kept);
}

}  // namespace nnc::passes
