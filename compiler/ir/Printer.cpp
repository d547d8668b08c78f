#include <algorithm>
#include <map>
#include <ostream>
#include <string>

#include "compiler/ir/OpTable.h"
#include "compiler/ir/Program.h"

namespace nnc::ir {

void print(std::ostream& out, const Program& p) {
  out << "model " << p.name << " {\n";
  for (const Node& n : p.graph.nodes()) {
    out << "  %" << n.id << " = " << op_name(n.op);
    if (n.inputs.empty()) {
      out << " \"" << n.name << "\"";
      if (n.op == Op::Param) out << " init=" << n.init.str();
    } else {
      out << "(";
      for (size_t i = 0; i < n.inputs.size(); ++i) out << (i ? ", %" : "%") << n.inputs[i];
      out << ")";
    }
    if (!n.attrs.empty()) {
      out << " attrs=[";
      for (size_t i = 0; i < n.attrs.size(); ++i) out << (i ? ", " : "") << n.attrs[i];
      out << "]";
    }
    out << " : " << n.type.str();
    if (n.loc.valid()) out << "    # " << n.loc.str();
    out << "\n";
  }
  out << "  roles:\n";
  p.for_each_role([&](const char* role, Program::RoleKind, const int* ids, size_t count) {
    if (count == 0 || ids[0] < 0) return;  // unset: no target, no loss, no gradients yet
    if (std::string(role) == "loss_terms" && count == 1) return;  // the loss itself
    out << "  " << role << ":";
    for (size_t i = 0; i < count; ++i) out << " %" << ids[i];
    if (std::string(role) == "target" && p.classes) out << " classes=" << p.classes;
    if (std::string(role) == "target" && p.target_is_input) out << " (the input)";
    out << "\n";
  });
  out << "}\n";
}

// Graphviz: one node per IR node (leaves as ellipses: the input, the
// target, each param; ops as boxes with their result type), an edge per
// operand. Labels escape quotes (names are identifiers; "\\n" is dot's line break).
void print_dot(std::ostream& out, const Program& p) {
  auto quoted = [](const std::string& text) {
    std::string s = "\"";
    for (char c : text) {
      if (c == '"') s += '\\';
      s += c;
    }
    return s + "\"";
  };
  out << "digraph " << quoted(p.name) << " {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (const Node& n : p.graph.nodes()) {
    std::string label = n.inputs.empty() ? n.name : std::string(op_name(n.op));
    label += "\\n" + n.type.str();
    std::string style = n.op == Op::Param ? "shape=ellipse, style=filled, fillcolor=\"#fff2cc\""
                        : n.inputs.empty() ? "shape=ellipse, style=filled, fillcolor=\"#dae8fc\""
                        : n.id == p.loss   ? "shape=box, style=\"rounded,filled\", fillcolor=\"#f8cecc\""
                                           : "shape=box, style=rounded";
    std::string where = n.loc.valid() ? ", tooltip=" + quoted(n.loc.str()) : "";
    out << "  n" << n.id << " [label=" << quoted(label) << ", " << style << where << "];\n";
  }
  for (const Node& n : p.graph.nodes())
    for (int in : n.inputs) out << "  n" << in << " -> n" << n.id << ";\n";
  out << "}\n";
}

std::string verify(const Program& p) {
  const Graph& g = p.graph;
  for (const Node& n : g.nodes()) {
    const OpDef& def = op_def(n.op);
    std::string where = "%" + std::to_string(n.id) + " (" + def.name + ")";
    if (int(n.inputs.size()) != def.arity) return where + ": wrong number of operands";
    std::vector<const Type*> types;
    for (int in : n.inputs) {
      if (in < 0 || in >= n.id) return where + ": operand %" + std::to_string(in) + " does not precede it";
      types.push_back(&g.node(in).type);
    }
    if (def.arity == 0) continue;
    try {
      if (def.shape(types, n.attrs) != n.type) return where + ": type " + n.type.str() + " disagrees with its shape rule";
    } catch (const ShapeError& e) {
      return where + ": " + e.what();
    }
  }
  // Every role names nodes of the graph, of its kind; a single role may be unset (-1),
  // except the input.
  std::string problem;
  p.for_each_role([&](const char* role, Program::RoleKind kind, const int* ids, size_t count) {
    static const std::map<Program::RoleKind, std::pair<Op, const char*>> leaf = {
        {Program::RoleKind::Input, {Op::Input, "an input"}},   {Program::RoleKind::Target, {Op::Target, "a target"}},
        {Program::RoleKind::Param, {Op::Param, "a param"}},    {Program::RoleKind::State, {Op::State, "a state"}},
        {Program::RoleKind::Hyper, {Op::Hyper, "a hyper"}}};
    for (size_t i = 0; i < count && problem.empty(); ++i) {
      const int id = ids[i];
      if (id == -1 && count == 1 && kind != Program::RoleKind::Input) continue;
      const std::string named = std::string(role) + " role names %" + std::to_string(id);
      if (id < 0 || id >= g.size()) problem = named + ", not a node";
      else if (kind != Program::RoleKind::Any && g.node(id).op != leaf.at(kind).first)
        problem = named + ", not " + leaf.at(kind).second;
    }
  });
  if (!problem.empty()) return problem;
  // ... and every leaf has its role, or no pipeline would receive its value.
  std::vector<bool> in_role(size_t(g.size()), false);
  p.for_each_role([&](const char*, Program::RoleKind kind, const int* ids, size_t count) {
    if (kind != Program::RoleKind::Any)
      for (size_t i = 0; i < count; ++i)
        if (ids[i] >= 0) in_role[size_t(ids[i])] = true;
  });
  for (const Node& n : g.nodes())
    if (n.inputs.empty() && !in_role[size_t(n.id)])
      return "%" + std::to_string(n.id) + " (" + op_name(n.op) + " \"" + n.name + "\") is in no role";
  for (int id : p.frozen)
    if (std::find(p.params.begin(), p.params.end(), id) == p.params.end())
      return "frozen role names %" + std::to_string(id) + ", which is not in params";
  if (!p.grads.empty() && p.grads.size() != p.params.size()) return "one gradient per param expected";
  for (size_t i = 0; i < p.grads.size(); ++i)
    if (g.node(p.grads[i]).type != g.node(p.params[i]).type) return "a param's gradient has another type";
  if (!p.new_params.empty() && p.new_params.size() != p.params.size()) return "one update per param expected";
  for (size_t i = 0; i < p.new_params.size(); ++i)
    if (g.node(p.new_params[i]).type != g.node(p.params[i]).type) return "a param's update changes its type";
  if (p.new_states.size() != p.states.size() || p.state_params.size() != p.states.size())
    return "one update and one param per state expected";
  for (size_t i = 0; i < p.states.size(); ++i) {
    if (p.state_params[i] < 0 || size_t(p.state_params[i]) >= p.params.size())
      return "state " + std::to_string(i) + " belongs to no param";
    if (g.node(p.new_states[i]).type != g.node(p.states[i]).type) return "a state's update changes its type";
  }
  if (p.loss >= 0 && g.node(p.loss).type != f32({})) return "the loss is not a scalar";
  return "";
}

}  // namespace nnc::ir
