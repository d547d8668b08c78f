#include "compiler/frontend/AST.h"

#include <sstream>

namespace nnc::ast {

static std::string format_number(double v) {
  std::ostringstream s;
  s.precision(9);
  s << v;
  return s.str();
}

void print(std::ostream& out, const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Number: out << format_number(e.number); break;
    case Expr::Kind::String: out << '"' << e.text << '"'; break;
    case Expr::Kind::Name: out << e.text; break;
    case Expr::Kind::Call:
      out << e.text << "(";
      for (size_t i = 0; i < e.items.size(); ++i) {
        if (i) out << ", ";
        if (!e.arg_names[i].empty()) out << e.arg_names[i] << " = ";
        print(out, *e.items[i]);
      }
      out << ")";
      break;
    case Expr::Kind::List:
      out << "[";
      for (size_t i = 0; i < e.items.size(); ++i) {
        if (i) out << ", ";
        print(out, *e.items[i]);
      }
      out << "]";
      break;
    case Expr::Kind::Binary:
      out << "(";
      print(out, *e.items[0]);
      out << " " << e.op << " ";
      print(out, *e.items[1]);
      out << ")";
      break;
    case Expr::Kind::Negate:
      out << "-";
      print(out, *e.items[0]);
      break;
    case Expr::Kind::Chain:
      for (size_t i = 0; i < e.items.size(); ++i) {
        if (i) out << " -> ";
        print(out, *e.items[i]);
      }
      break;
  }
}

static void print_type(std::ostream& out, const TensorType& t) {
  out << t.elem << "[";
  for (size_t i = 0; i < t.dims.size(); ++i) out << (i ? ", " : "") << t.dims[i];
  out << "]";
}

void print(std::ostream& out, const Module& m) {
  out << "module " << m.file << "\n";
  for (const Import& i : m.imports) out << "  import \"" << i.target << "\"  @" << i.loc.line << ":" << i.loc.col << "\n";
  for (const Block& b : m.blocks) {
    out << "  block " << b.name << "(";
    for (size_t i = 0; i < b.params.size(); ++i) {
      out << (i ? ", " : "") << b.params[i].name << ": " << b.params[i].type;
      if (b.params[i].default_value) out << " = ", print(out, *b.params[i].default_value);
    }
    out << ")(";
    for (size_t i = 0; i < b.inputs.size(); ++i) out << (i ? ", " : "") << b.inputs[i];
    out << ")  @" << b.loc.line << ":" << b.loc.col << "\n";
    for (const Block::Let& l : b.lets) {
      out << "    let " << l.name << " = ";
      print(out, *l.value);
      out << "  @" << l.loc.line << ":" << l.loc.col << "\n";
    }
    if (b.result) {
      out << "    return ";
      print(out, *b.result);
      out << "  @" << b.result_loc.line << ":" << b.result_loc.col << "\n";
    }
  }
  for (const Model& model : m.models) {
    out << "  model " << model.name << "  @" << model.loc.line << ":" << model.loc.col << "\n";
    for (const ModelItem& it : model.items) {
      out << "    ";
      switch (it.kind) {
        case ModelItem::Kind::Input: out << "input " << it.name << ": "; print_type(out, it.type); break;
        case ModelItem::Kind::Target: out << "target " << it.name << ": "; print_type(out, it.type); break;
        case ModelItem::Kind::Let: out << "let " << it.name << " = "; print(out, *it.value); break;
        case ModelItem::Kind::Loss: out << "loss "; print(out, *it.value); break;
        case ModelItem::Kind::Output: out << "output "; print(out, *it.value); break;
      }
      out << "  @" << it.loc.line << ":" << it.loc.col << "\n";
    }
  }
  for (const Train& t : m.trains) {
    out << "  train  @" << t.loc.line << ":" << t.loc.col << "\n";
    for (const TrainItem& it : t.items) {
      out << "    " << it.key << " ";
      print(out, *it.value);
      out << "  @" << it.loc.line << ":" << it.loc.col << "\n";
    }
  }
}

}  // namespace nnc::ast
