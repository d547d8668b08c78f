#include <ostream>

#include "compiler/ir/OpTable.h"
#include "compiler/ir/Program.h"

namespace nnc::ir {

static void print_ids(std::ostream& out, const char* label, const std::vector<int>& ids) {
  if (ids.empty()) return;
  out << "  " << label << ":";
  for (int id : ids) out << " %" << id;
  out << "\n";
}

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
  out << "  input: %" << p.input << "\n";
  if (p.target >= 0) out << "  target: %" << p.target << (p.classes ? " classes=" + std::to_string(p.classes) : "") << "\n";
  if (p.loss >= 0) out << "  loss: %" << p.loss << "\n";
  out << "  output: %" << p.output << "\n";
  print_ids(out, "params", p.params);
  print_ids(out, "grads", p.grads);
  print_ids(out, "states", p.states);
  print_ids(out, "new_params", p.new_params);
  print_ids(out, "new_states", p.new_states);
  print_ids(out, "hypers", p.hypers);
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
  auto is = [&](int id, Op op) { return id >= 0 && id < g.size() && g.node(id).op == op; };
  if (!is(p.input, Op::Input)) return "the input role does not name an input node";
  if (p.target >= 0 && !is(p.target, Op::Target)) return "the target role does not name a target node";
  for (int id : p.params)
    if (!is(id, Op::Param)) return "params role names %" + std::to_string(id) + ", not a param";
  for (int id : p.states)
    if (!is(id, Op::State)) return "states role names %" + std::to_string(id) + ", not a state";
  if (!p.grads.empty() && p.grads.size() != p.params.size()) return "one gradient per param expected";
  for (size_t i = 0; i < p.new_params.size(); ++i)
    if (g.node(p.new_params[i]).type != g.node(p.params[i]).type) return "a param's update changes its type";
  return "";
}

}  // namespace nnc::ir
