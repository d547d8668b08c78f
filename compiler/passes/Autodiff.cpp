#include "compiler/passes/Autodiff.h"

#include <stdexcept>

#include "compiler/ir/OpTable.h"

namespace nnc::passes {

using ir::Graph;
using ir::Node;
using ir::Op;

void differentiate(ir::Program& p) {
  Graph& g = p.graph;
  const int forward_size = g.size();

  // 1. Which nodes lie between a param and the loss.
  std::vector<bool> depends_on_param(size_t(forward_size), false);
  for (int id : p.params) depends_on_param[size_t(id)] = true;
  for (const Node& n : g.nodes())
    for (int in : n.inputs)
      if (depends_on_param[size_t(in)]) depends_on_param[size_t(n.id)] = true;

  // 2-3. Gradients flow backwards, summed where a value has several users.
  std::vector<int> grad(size_t(forward_size), -1);
  auto accumulate = [&](int node, int contribution, const SourceLoc& loc) {
    int& slot = grad[size_t(node)];
    slot = slot < 0 ? contribution : g.add(Op::Add, {slot, contribution}, loc);
  };
  // The backward pass starts at each loss term, whose rule needs no incoming
  // gradient (the seed 1 is implicit); the sum of the terms passes nothing.
  std::vector<bool> term(size_t(forward_size), false);
  for (int id : p.loss_terms) term[size_t(id)] = true;
  if (p.loss_terms.empty()) term[size_t(p.loss)] = true;
  for (int id = p.loss; id >= 0; --id) {
    if (!depends_on_param[size_t(id)]) continue;
    // Copy: adding nodes may move the graph's storage.
    const Node n = g.node(id);
    if (n.op == Op::Param) continue;
    if (!term[size_t(id)] && grad[size_t(id)] < 0) continue;  // does not reach the loss
    const ir::OpDef& def = ir::op_def(n.op);
    if (!def.gradient)
      throw SourceError(n.loc, std::string("cannot differentiate '") + def.name + "'");
    std::vector<int> operand_grads = def.gradient(g, n, grad[size_t(id)]);
    for (size_t k = 0; k < n.inputs.size(); ++k)
      if (operand_grads[k] >= 0 && depends_on_param[size_t(n.inputs[k])])
        accumulate(n.inputs[k], operand_grads[k], n.loc);
  }

  p.grads.clear();
  for (int id : p.params) {
    if (grad[size_t(id)] < 0)
      throw SourceError(g.node(id).loc, "parameter '" + g.node(id).name +
                                            "' does not affect the loss; use its layer's output on the way to "
                                            "the loss, or remove the layer");
    p.grads.push_back(grad[size_t(id)]);
  }
}

}  // namespace nnc::passes
