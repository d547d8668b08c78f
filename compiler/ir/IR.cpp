#include "compiler/ir/IR.h"

#include <sstream>

#include "compiler/ir/OpTable.h"

namespace nnc::ir {

int64_t Type::elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::string Type::str() const {
  std::string s = dtype == DType::F32 ? "f32[" : dtype == DType::F64 ? "f64[" : "i32[";
  bool first = true;
  if (batched) s += "B", first = false;
  for (int64_t d : dims) s += (first ? "" : ", ") + std::to_string(d), first = false;
  return s + "]";
}

Type f32(std::vector<int64_t> dims, bool batched) { return Type{DType::F32, batched, std::move(dims)}; }
Type f64_scalar() { return Type{DType::F64, false, {}}; }

std::string Init::str() const {
  std::ostringstream s;
  switch (kind) {
    case Kind::Zeros: s << "zeros"; break;
    case Kind::Constant: s << "constant(" << a << ")"; break;
    case Kind::Uniform: s << "uniform(" << a << ", " << b << ")"; break;
    case Kind::Normal: s << "normal(" << a << ")"; break;
    case Kind::Glorot: s << "glorot"; break;
    case Kind::He: s << "he"; break;
    case Kind::Literal:
      s << "[";
      for (size_t i = 0; i < values.size(); ++i) s << (i ? ", " : "") << values[i];
      s << "]";
      break;
  }
  return s.str();
}

std::vector<bool> Graph::needed_by(const std::vector<int>& roots) const {
  std::vector<bool> needed(nodes_.size(), false);
  for (int id : roots)
    if (id >= 0) needed[size_t(id)] = true;
  for (int id = size() - 1; id >= 0; --id)
    if (needed[size_t(id)])
      for (int in : node(id).inputs) needed[size_t(in)] = true;
  return needed;
}

int Graph::add(Op op, std::vector<int> inputs, SourceLoc loc, std::vector<int64_t> attrs) {
  std::vector<const Type*> types;
  for (int id : inputs) types.push_back(&node(id).type);
  const OpDef& def = op_def(op);
  if (def.arity != int(inputs.size()))
    throw ShapeError(std::string(def.name) + " takes " + std::to_string(def.arity) + " operands, given " +
                     std::to_string(inputs.size()));
  Node n;
  n.id = size();
  n.op = op;
  n.inputs = std::move(inputs);
  n.type = def.shape(types, attrs);
  n.attrs = std::move(attrs);
  n.loc = std::move(loc);
  nodes_.push_back(std::move(n));
  return nodes_.back().id;
}

int Graph::add_leaf(Op op, Type type, std::string name, SourceLoc loc, Init init) {
  Node n;
  n.id = size();
  n.op = op;
  n.type = std::move(type);
  n.name = std::move(name);
  n.loc = std::move(loc);
  n.init = std::move(init);
  nodes_.push_back(std::move(n));
  return nodes_.back().id;
}

}  // namespace nnc::ir
