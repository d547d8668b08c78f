#include "compiler/frontend/Sema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "compiler/frontend/Parser.h"

namespace nnc {
namespace fs = std::filesystem;
using ast::Expr;
using ir::Op;

// ---- 1. loading files ------------------------------------------------------------

static std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

static std::string resolve_import(const ast::Import& imp, const std::string& from_file,
                                  const std::vector<std::string>& search_path) {
  std::vector<fs::path> candidates;
  fs::path target = imp.target;
  if (target.extension() != ".nn") {
    // A module name: a.b means a/b.nn on the search path.
    std::string rel = imp.target;
    for (char& c : rel)
      if (c == '.') c = '/';
    target = rel + ".nn";
  }
  candidates.push_back(fs::path(from_file).parent_path() / target);
  for (const std::string& dir : search_path) candidates.push_back(fs::path(dir) / target);
  for (const fs::path& c : candidates)
    if (fs::is_regular_file(c)) return c.lexically_normal().string();
  return "";
}

std::optional<std::vector<ast::Module>> load_modules(const std::string& file, const SemaOptions& options,
                                                     Diagnostics& diags) {
  std::vector<ast::Module> modules;
  std::set<std::string> loaded;
  std::vector<std::pair<std::string, SourceLoc>> pending{{file, SourceLoc{file, 0, 0}}};
  bool ok = true;
  while (!pending.empty()) {
    auto [path, imported_at] = pending.front();
    pending.erase(pending.begin());
    std::string key = fs::weakly_canonical(path).string();
    if (!loaded.insert(key).second) continue;
    std::optional<std::string> text = read_file(path);
    if (!text) {
      diags.error(imported_at.valid() ? imported_at : SourceLoc{path, 0, 0},
                  "cannot read '" + path + "': " + std::strerror(errno));
      ok = false;
      continue;
    }
    std::optional<ast::Module> m = parse_module(path, *text, diags);
    if (!m) {
      ok = false;
      continue;
    }
    for (const ast::Import& imp : m->imports) {
      std::string found = resolve_import(imp, path, options.search_path);
      if (found.empty()) {
        diags.error(imp.loc, "cannot find module '" + imp.target +
                                 "'; looked next to this file and in the stdlib (add a directory with -I DIR)");
        ok = false;
      } else {
        pending.push_back({found, imp.loc});
      }
    }
    modules.push_back(std::move(*m));
  }
  if (!ok) return std::nullopt;
  return modules;
}

// ---- 4. the model ------------------------------------------------------------------

namespace {

// A compile-time argument value: what layer and block arguments evaluate to.
struct Const {
  enum class Kind { Number, String, Symbol, List, Call } kind = Kind::Number;
  SourceLoc loc;
  SourceLoc name_loc;            // as an argument: where `name =` (or the value) starts
  double number = 0;
  bool is_integer = false;
  std::string text;              // String, Symbol, Call
  std::vector<Const> items;      // List items, Call arguments
  std::vector<std::string> names;  // Call argument names
  std::string describe() const {
    switch (kind) {
      case Kind::Number: return is_integer ? "an integer" : "a number";
      case Kind::String: return "a string";
      case Kind::Symbol: return "the name '" + text + "'";
      case Kind::List: return "a list";
      case Kind::Call: return "a call of '" + text + "'";
    }
    return "";
  }
};

// Names visible while building: values, and a block's configuration.
struct Scope {
  std::map<std::string, int> values;
  std::map<std::string, Const> consts;
  std::string prefix;                    // parameter name prefix inside a block
  std::map<std::string, int> counters;   // per layer kind, for parameter names
  int depth = 0;                         // block nesting, to stop runaway recursion
};

// Halide indexes buffers with 32-bit integers.
constexpr long long kMaxElements = 2147483647;
std::string too_large(const std::string& what) {
  return what + " is too large: a tensor holds at most 2147483647 values";
}
std::string ast_type_text(const ast::TensorType& t) {
  std::string s = t.elem + "[";
  for (size_t i = 0; i < t.dims.size(); ++i) s += (i ? ", " : "") + std::to_string(t.dims[i]);
  return s + "]";
}

const std::vector<std::string> kActivations = {"step", "sigmoid", "tanh", "relu", "linear", "softmax"};
const std::vector<std::string> kLosses = {"squared_error", "mse", "binary_cross_entropy", "cross_entropy"};
const std::vector<std::string> kLayers = {"dense", "conv", "maxpool", "avgpool", "flatten", "dropout"};

class ModelBuilder {
 public:
  ModelBuilder(const std::map<std::string, const ast::Block*>& blocks, Diagnostics& diags)
      : blocks_(blocks), diags_(diags) {}

  std::optional<ir::Program> build(const ast::Model& model, const ast::Train* train) {
    p_.name = model.name;
    p_.source_file = model.loc.file;
    Scope scope;
    const ast::ModelItem* loss_item = nullptr;
    const ast::ModelItem* output_item = nullptr;
    for (const ast::ModelItem& item : model.items) {
      switch (item.kind) {
        case ast::ModelItem::Kind::Input: declare_input(item, scope); break;
        case ast::ModelItem::Kind::Target: declare_target(item, scope); break;
        case ast::ModelItem::Kind::Let: {
          // Bound even when it failed (-1), so later uses stay silent
          // instead of reporting the name as unknown.
          bind(scope, item.name, value(*item.value, scope), item.loc);
          break;
        }
        case ast::ModelItem::Kind::Loss:
          if (loss_item) diags_.error(item.loc, "a model has one loss; this is the second");
          loss_item = &item;
          build_loss(item, scope);
          break;
        case ast::ModelItem::Kind::Output:
          output_item = &item;
          p_.output = value(*item.value, scope);
          break;
      }
    }
    if (!input_declared_) diags_.error(model.loc, "model '" + model.name + "' has no input; declare one: input x: f32[n]");
    if (!loss_item) diags_.error(model.loc, "model '" + model.name + "' has no loss; add one: loss squared_error(y, t)");
    if (!output_item && loss_output_ >= 0) {
      p_.output = loss_output_;
      // A classifier's prediction is the probability of each class.
      if (p_.classes > 0) p_.output = add(Op::Softmax, {loss_output_}, loss_item->loc, "softmax");
    }
    if (train) read_train(*train);
    else p_.train.loc = model.loc;
    if (diags_.has_errors()) return std::nullopt;
    return std::move(p_);
  }

 private:
  // -- leaves --------------------------------------------------------------------------
  std::optional<ir::Type> tensor_type(const ast::TensorType& t, bool allow_class) {
    long long elements = 1;
    for (long long d : t.dims) {
      if (d <= 0) {
        diags_.error(t.loc, "dimensions must be positive, got " + std::to_string(d));
        return std::nullopt;
      }
      elements = d > kMaxElements ? kMaxElements + 1 : std::min(elements * d, kMaxElements + 1);
    }
    if (elements > kMaxElements) {
      diags_.error(t.loc, too_large(ast_type_text(t)));
      return std::nullopt;
    }
    if (t.elem == "f32") return ir::f32(std::vector<int64_t>(t.dims.begin(), t.dims.end()), true);
    if (t.elem == "class" && allow_class) {
      if (t.dims.size() != 1 || t.dims[0] < 2) {
        diags_.error(t.loc, "a class target names its number of classes: class[10]");
        return std::nullopt;
      }
      return ir::Type{ir::DType::I32, true, {}};
    }
    diags_.error(t.loc, "unknown element type '" + t.elem + "'" +
                            did_you_mean(t.elem, allow_class ? std::vector<std::string>{"f32", "class"}
                                                             : std::vector<std::string>{"f32"}) +
                            (allow_class ? "" : " (inputs are f32)"));
    return std::nullopt;
  }

  void declare_input(const ast::ModelItem& item, Scope& scope) {
    if (input_declared_) {
      diags_.error(item.loc, "a model has one input in this version; '" + item.name + "' is the second");
      return;
    }
    input_declared_ = true;
    auto type = tensor_type(item.type, false);
    if (type) p_.input = p_.graph.add_leaf(Op::Input, *type, item.name, item.loc);
    bind(scope, item.name, p_.input, item.loc);  // -1 after an error: uses stay silent
  }

  void declare_target(const ast::ModelItem& item, Scope& scope) {
    if (p_.target >= 0) {
      diags_.error(item.loc, "a model has one target; '" + item.name + "' is the second");
      return;
    }
    auto type = tensor_type(item.type, true);
    if (!type) {
      bind(scope, item.name, -1, item.loc);  // uses stay silent
      return;
    }
    if (type->dtype == ir::DType::I32) p_.classes = item.type.dims[0];
    p_.target = p_.graph.add_leaf(Op::Target, *type, item.name, item.loc);
    bind(scope, item.name, p_.target, item.loc);
  }

  void bind(Scope& scope, const std::string& name, int v, const SourceLoc& loc) {
    if (scope.values.count(name) || scope.consts.count(name)) {
      diags_.error(loc, "'" + name + "' is already defined; choose another name");
      return;
    }
    scope.values[name] = v;
  }

  // -- values ----------------------------------------------------------------------------
  // Adds an op; a shape error becomes a diagnostic at `loc`, prefixed by `what`.
  int add(Op op, std::vector<int> inputs, const SourceLoc& loc, const std::string& what,
          std::vector<int64_t> attrs = {}) {
    for (int in : inputs)
      if (in < 0) return -1;
    try {
      return p_.graph.add(op, std::move(inputs), loc, std::move(attrs));
    } catch (const ir::ShapeError& e) {
      diags_.error(loc, what + ": " + e.what());
      return -1;
    }
  }

  std::vector<std::string> visible_values(const Scope& scope) const {
    std::vector<std::string> names;
    for (const auto& [name, id] : scope.values) names.push_back(name);
    return names;
  }

  // Evaluates an expression that denotes a tensor value; -1 after an error.
  int value(const Expr& e, Scope& scope) {
    switch (e.kind) {
      case Expr::Kind::Name: {
        auto it = scope.values.find(e.text);
        if (it != scope.values.end()) return it->second;
        if (is_layer(e.text))
          diags_.error(e.loc, "'" + e.text + "' is a layer, not a value; apply it to one: x -> " + e.text);
        else
          diags_.error(e.loc, "unknown value '" + e.text + "'" + did_you_mean(e.text, visible_values(scope)));
        return -1;
      }
      case Expr::Kind::Chain: {
        int v = value(*e.items[0], scope);
        for (size_t i = 1; i < e.items.size() && v >= 0; ++i) v = apply(v, *e.items[i], scope);
        return v;
      }
      case Expr::Kind::Binary: {
        int a = value(*e.items[0], scope), b = value(*e.items[1], scope);
        static const std::map<char, std::pair<Op, const char*>> ops = {
            {'+', {Op::Add, "cannot add"}}, {'-', {Op::Sub, "cannot subtract"}}, {'*', {Op::Mul, "cannot multiply"}}};
        auto it = ops.find(e.op);
        if (it == ops.end()) {
          diags_.error(e.loc, std::string("'") + e.op + "' is not defined on tensors; use +, - or *");
          return -1;
        }
        if (a < 0 || b < 0) return -1;
        const ir::Type &ta = p_.graph.node(a).type, &tb = p_.graph.node(b).type;
        if (ta != tb) {
          diags_.error(e.loc, std::string(it->second.second) + " " + ta.str() + " and " + tb.str() +
                                  ": shapes differ");
          return -1;
        }
        return add(it->second.first, {a, b}, e.loc, it->second.second);
      }
      case Expr::Kind::Negate: return add(Op::Neg, {value(*e.items[0], scope)}, e.loc, "negation");
      case Expr::Kind::Call: {
        // f(v): an activation applied to a value, or a block with its inputs.
        if (activation_op(e.text) || e.text == "linear") {
          if (e.items.size() != 1 || !e.arg_names[0].empty()) {
            diags_.error(e.loc, e.text + "(...) takes one value: " + e.text + "(x)");
            return -1;
          }
          int v = value(*e.items[0], scope);
          return v < 0 ? -1 : activation(e.text, v, e.loc);
        }
        if (is_loss(e.text)) {
          diags_.error(e.loc, "'" + e.text + "' is a loss; use it in a loss statement: loss " + e.text + "(y, t)");
          return -1;
        }
        diags_.error(e.loc, is_layer(e.text) ? "layer '" + e.text + "' needs an input: x -> " + e.text + "(...)"
                                             : "unknown function '" + e.text + "'" + did_you_mean(e.text, layer_names()));
        return -1;
      }
      case Expr::Kind::Number:
      case Expr::Kind::String:
      case Expr::Kind::List:
        diags_.error(e.loc, "expected a tensor value here, found a constant");
        return -1;
    }
    return -1;
  }

  // -- layers --------------------------------------------------------------------------
  static std::optional<Op> activation_op(const std::string& name) {
    static const std::map<std::string, Op> ops = {
        {"step", Op::Step}, {"sigmoid", Op::Sigmoid}, {"tanh", Op::Tanh}, {"relu", Op::Relu}, {"softmax", Op::Softmax}};
    auto it = ops.find(name);
    if (it == ops.end()) return std::nullopt;
    return it->second;
  }
  static bool is_loss(const std::string& n) { return std::find(kLosses.begin(), kLosses.end(), n) != kLosses.end(); }
  bool is_layer(const std::string& n) const {
    return std::find(kLayers.begin(), kLayers.end(), n) != kLayers.end() ||
           std::find(kActivations.begin(), kActivations.end(), n) != kActivations.end() || blocks_.count(n);
  }
  std::vector<std::string> layer_names() const {
    std::vector<std::string> names = kActivations;
    names.insert(names.end(), kLayers.begin(), kLayers.end());
    for (const auto& [name, b] : blocks_) names.push_back(name);
    return names;
  }

  int activation(const std::string& name, int v, const SourceLoc& loc) {
    if (name == "linear") return v;  // the identity: a linear neuron's output
    return add(*activation_op(name), {v}, loc, name);
  }

  // Applies one chain stage (a layer name or a layer call) to value v.
  int apply(int v, const Expr& stage, Scope& scope) {
    if (stage.kind != Expr::Kind::Name && stage.kind != Expr::Kind::Call) {
      diags_.error(stage.loc, "expected a layer after '->', e.g. dense(10) or relu");
      return -1;
    }
    const std::string& name = stage.text;
    std::vector<Const> args;
    std::vector<std::string> arg_names;
    if (stage.kind == Expr::Kind::Call) {
      for (size_t i = 0; i < stage.items.size(); ++i) {
        args.push_back(constant(*stage.items[i], scope));
        args.back().name_loc = stage.arg_locs[i];
        arg_names.push_back(stage.arg_names[i]);
      }
    }
    if (activation_op(name) || name == "linear") {
      if (!args.empty()) diags_.error(stage.loc, "'" + name + "' takes no arguments");
      return activation(name, v, stage.loc);
    }
    if (name == "dense") return dense(v, stage, args, arg_names, scope);
    if (name == "conv") return conv(v, stage, args, arg_names, scope);
    if (name == "maxpool" || name == "avgpool") return pool(name, v, stage, args, arg_names);
    if (name == "flatten") return flatten(v, stage, args);
    if (name == "dropout") return dropout(v, stage, args, arg_names);
    auto block = blocks_.find(name);
    if (block != blocks_.end()) return expand_block(*block->second, v, stage, args, arg_names, scope);
    if (scope.values.count(name))
      diags_.error(stage.loc, "'" + name + "' is a value, not a layer; a chain stage must be a layer");
    else if (is_loss(name))
      diags_.error(stage.loc, "'" + name + "' is a loss; use it in a loss statement: loss " + name + "(y, t)");
    else
      diags_.error(stage.loc, "unknown layer '" + name + "'" + did_you_mean(name, layer_names()));
    return -1;
  }

  // Matches call arguments to parameter names (positional first, then named).
  std::optional<std::map<std::string, Const>> bind_args(const std::string& callee,
                                                        const std::vector<std::string>& params,
                                                        const std::vector<Const>& args,
                                                        const std::vector<std::string>& names) {
    std::map<std::string, Const> bound;
    bool ok = true;
    for (size_t i = 0; i < args.size(); ++i) {
      std::string key = names[i];
      if (key.empty()) {
        if (i >= params.size()) {
          diags_.error(args[i].loc, callee + " takes at most " + std::to_string(params.size()) + " arguments");
          return std::nullopt;
        }
        key = params[i];
      } else if (std::find(params.begin(), params.end(), key) == params.end()) {
        diags_.error(args[i].name_loc, callee + " has no argument '" + key + "'" + did_you_mean(key, params));
        ok = false;
        continue;
      }
      if (bound.count(key)) {
        diags_.error(args[i].name_loc, "argument '" + key + "' of " + callee + " is given twice");
        ok = false;
      }
      bound[key] = args[i];
    }
    if (!ok) return std::nullopt;
    return bound;
  }

  // The layer's name: `name = "..."`, else the kind and its count (dense0).
  // Names key the weights file, so two layers may not share one.
  std::optional<std::string> layer_name(Scope& scope, const std::string& kind, const std::map<std::string, Const>& args,
                                        const SourceLoc& loc) {
    std::string name;
    SourceLoc at = loc;
    auto it = args.find("name");
    if (it != args.end()) {
      if (it->second.kind != Const::Kind::String || it->second.text.empty()) {
        diags_.error(it->second.loc, "a layer name is a non-empty string: name = \"fc1\"");
        return std::nullopt;
      }
      name = scope.prefix + it->second.text;
      at = it->second.loc;
    } else {
      name = scope.prefix + kind + std::to_string(scope.counters[kind]++);
    }
    auto [previous, fresh] = layer_names_.emplace(name, at);
    if (!fresh) {
      diags_.error(at, "layer name '" + name + "' is already used at " + previous->second.str() + "; choose another");
      return std::nullopt;
    }
    return name;
  }

  // dense(units, weight = glorot, bias = zeros, name = "...")
  int dense(int v, const Expr& stage, const std::vector<Const>& args, const std::vector<std::string>& names,
            Scope& scope) {
    auto bound = bind_args("dense", {"units", "weight", "bias", "name", "l1", "l2", "frozen"}, args, names);
    if (!bound) return -1;
    auto units = bound->find("units");
    if (units == bound->end() || units->second.kind != Const::Kind::Number || !units->second.is_integer ||
        units->second.number < 1) {
      diags_.error(units == bound->end() ? stage.loc : units->second.loc,
                   "dense needs a positive number of units: dense(10)");
      return -1;
    }
    const ir::Type& in = p_.graph.node(v).type;
    if (!in.batched || in.dims.size() != 1 || in.dtype != ir::DType::F32) {
      diags_.error(stage.loc, "dense needs a flat input f32[B, n], got " + in.str());
      return -1;
    }
    if (units->second.number > double(kMaxElements)) {  // before it is made an integer
      diags_.error(units->second.loc, too_large("a weight f32[" + std::to_string(in.dims[0]) + ", ...]"));
      return -1;
    }
    int64_t n_in = in.dims[0], n_out = int64_t(units->second.number);
    std::optional<std::string> layer = layer_name(scope, "dense", *bound, stage.loc);
    if (!layer) return -1;
    return weighted_layer(v, Op::MatMul, "dense", *layer, {n_in, n_out}, n_in, n_out, *bound, stage.loc, {});
  }

  // A layer's parameters and ops: the weight (initialised with the fans
  // Glorot and He need), the op applying it, and the bias - one per output
  // feature or channel - unless bias = off.
  int weighted_layer(int v, Op op, const std::string& what, const std::string& name, const std::vector<int64_t>& w_shape,
                     int64_t fan_in, int64_t fan_out, const std::map<std::string, Const>& bound, const SourceLoc& loc,
                     std::vector<int64_t> attrs) {
    const int64_t n_out = op == Op::MatMul ? w_shape[1] : w_shape[0];
    if (ir::f32(w_shape).elements() > kMaxElements) {
      diags_.error(loc, too_large("the weight " + ir::f32(w_shape).str()));
      return -1;
    }
    auto w_init = init_of(bound, "weight", init_of_kind(ir::Init::Kind::Glorot), w_shape);
    auto b_init = init_of(bound, "bias", init_of_kind(ir::Init::Kind::Zeros), {n_out});
    if (!w_init || !b_init) return -1;
    w_init->fan_in = fan_in, w_init->fan_out = fan_out;
    auto frozen = layer_settings(bound, name);
    if (!frozen) return -1;
    int w = p_.graph.add_leaf(Op::Param, ir::f32(w_shape), name + ".weight", loc, *w_init);
    p_.params.push_back(w);
    if (*frozen) p_.frozen.insert(w);
    int y = add(op, {v, w}, loc, what, std::move(attrs));
    if (b_init->kind == ir::Init::Kind::Constant && std::isnan(b_init->a)) return y;  // bias = off
    int b = p_.graph.add_leaf(Op::Param, ir::f32({n_out}), name + ".bias", loc, *b_init);
    p_.params.push_back(b);
    if (*frozen) p_.frozen.insert(b);
    return add(Op::BiasAdd, {y, b}, loc, what);
  }

  // A weighted layer's l1 = X, l2 = X (its weights' own penalties, the
  // run-time settings LAYER.l1 and LAYER.l2) and frozen = on (never
  // trained). Returns whether the layer is frozen.
  std::optional<bool> layer_settings(const std::map<std::string, Const>& bound, const std::string& layer) {
    bool frozen = false, ok = true;
    for (const char* key : {"l1", "l2"}) {
      auto it = bound.find(key);
      if (it == bound.end()) continue;
      if (it->second.kind != Const::Kind::Number || it->second.number < 0) {
        diags_.error(it->second.loc, std::string(key) + " is a non-negative number: " + key + " = 0.0001");
        ok = false;
        continue;
      }
      p_.train.hypers[layer + "." + key] = it->second.number;
    }
    auto frozen_arg = bound.find("frozen");
    if (frozen_arg != bound.end()) {
      auto on = on_off(frozen_arg->second, "frozen");
      if (!on) ok = false;
      else frozen = *on;
    }
    if (!ok) return std::nullopt;
    return frozen;
  }

  std::optional<bool> on_off(const Const& v, const std::string& what) {
    if (v.kind != Const::Kind::Symbol || (v.text != "on" && v.text != "off")) {
      diags_.error(v.loc, what + " is on or off");
      return std::nullopt;
    }
    return v.text == "on";
  }

  // dropout(p): zeroes each value with probability p while training (the
  // kept ones scaled by 1 / (1 - p)); the identity in predict and evaluate.
  int dropout(int v, const Expr& stage, const std::vector<Const>& args, const std::vector<std::string>& names) {
    auto bound = bind_args("dropout", {"p"}, args, names);
    if (!bound) return -1;
    auto p = bound->find("p");
    if (p == bound->end() || p->second.kind != Const::Kind::Number || p->second.number < 0 || p->second.number >= 1) {
      diags_.error(p == bound->end() ? stage.loc : p->second.loc,
                   "dropout needs a probability in [0, 1) of dropping each value: dropout(0.5)");
      return -1;
    }
    if (dropout_seed_ < 0) {
      dropout_seed_ = p_.graph.add_leaf(Op::Hyper, ir::f32({}), "dropout_seed", stage.loc);
      p_.hypers.push_back(dropout_seed_);
    }
    return add(Op::Dropout, {v, dropout_seed_}, stage.loc, "dropout", {int64_t(std::llround(p->second.number * 1e6))});
  }

  static Const integer(int64_t value) {
    Const c;
    c.number = double(value), c.is_integer = true;
    return c;
  }

  // One positive (or non-negative) integer per spatial dim: a single number
  // means the same for every dim.
  std::optional<std::vector<int64_t>> per_dim(const Const& c, size_t n, const std::string& what, int64_t least,
                                              const std::string& context) {
    std::vector<Const> items = c.kind == Const::Kind::List ? c.items : std::vector<Const>(n, c);
    std::string problem = items.size() == n ? "" : "a list of " + std::to_string(items.size());
    std::vector<int64_t> out;
    for (const Const& item : items) {
      bool fits = item.kind == Const::Kind::Number && item.is_integer && item.number >= double(least) && item.number < 1e6;
      if (!fits && problem.empty()) {
        std::ostringstream shown;
        shown << item.number;
        problem = item.kind == Const::Kind::Number ? shown.str() : item.describe();
      }
      out.push_back(fits ? int64_t(item.number) : 0);
    }
    if (!problem.empty()) {
      diags_.error(c.loc, what + " must be " + (least > 0 ? "a positive integer" : "a non-negative integer") +
                              (n > 1 ? " (or a list of " + std::to_string(n) + ")" : std::string()) + ", got " + problem +
                              context);
      return std::nullopt;
    }
    return out;
  }

  // The image an image layer applies to: f32[B, channels, length] or
  // f32[B, channels, height, width]; returns its number of spatial dims.
  std::optional<size_t> image_dims(int v, const std::string& layer, const SourceLoc& loc) {
    const ir::Type& in = p_.graph.node(v).type;
    if (!in.batched || in.dtype != ir::DType::F32 || in.dims.size() < 2 || in.dims.size() > 3) {
      diags_.error(loc, layer + " needs an image f32[B, channels, height, width] or f32[B, channels, length], got " + in.str());
      return std::nullopt;
    }
    return in.dims.size() - 1;
  }

  // conv(channels, kernel = k, stride = 1, pad = 0 | same, weight = glorot, bias = zeros, name = "...")
  int conv(int v, const Expr& stage, const std::vector<Const>& args, const std::vector<std::string>& names, Scope& scope) {
    auto bound = bind_args("conv", {"channels", "kernel", "stride", "pad", "weight", "bias", "name", "l1", "l2", "frozen"},
                           args, names);
    if (!bound) return -1;
    auto channels = bound->find("channels");
    auto kernel = bound->find("kernel");
    if (channels == bound->end() || kernel == bound->end()) {
      diags_.error(stage.loc, "conv needs output channels and a kernel size: conv(6, kernel = 5)");
      return -1;
    }
    auto n = image_dims(v, "conv", stage.loc);
    if (!n) return -1;
    const std::string on = "; the input is " + p_.graph.node(v).type.str();
    auto out_channels = per_dim(channels->second, 1, "the number of channels", 1, on);
    auto k = per_dim(kernel->second, *n, "the kernel size", 1, on);
    auto stride = per_dim(bound->count("stride") ? bound->at("stride") : integer(1), *n, "the stride", 1, on);
    std::optional<std::vector<int64_t>> pad;
    auto pad_arg = bound->find("pad");
    if (pad_arg != bound->end() && pad_arg->second.kind == Const::Kind::Symbol && pad_arg->second.text == "same") {
      // Keeps the size at stride 1: (k - 1) / 2 on each side, for odd kernels.
      if (k) {
        pad.emplace();
        for (int64_t kd : *k) pad->push_back((kd - 1) / 2);
        if (std::any_of(k->begin(), k->end(), [](int64_t kd) { return kd % 2 == 0; })) {
          diags_.error(pad_arg->second.loc, "pad = same needs an odd kernel size; give the padding as a number");
          pad.reset();
        }
      }
    } else {
      pad = per_dim(pad_arg != bound->end() ? pad_arg->second : integer(0), *n, "the padding", 0, on);
    }
    if (!out_channels || !k || !stride || !pad) return -1;
    const ir::Type& in = p_.graph.node(v).type;
    std::vector<int64_t> w_shape{(*out_channels)[0], in.dims[0]};
    int64_t taps = 1;
    for (int64_t kd : *k) w_shape.push_back(kd), taps *= kd;
    std::vector<int64_t> attrs = *stride;
    attrs.insert(attrs.end(), pad->begin(), pad->end());
    std::optional<std::string> layer = layer_name(scope, "conv", *bound, stage.loc);
    if (!layer) return -1;
    return weighted_layer(v, Op::Conv, "conv", *layer, w_shape, in.dims[0] * taps, w_shape[0] * taps, *bound,
                          stage.loc, attrs);
  }

  // maxpool(window, stride = window), avgpool(window, stride = window)
  int pool(const std::string& kind, int v, const Expr& stage, const std::vector<Const>& args,
           const std::vector<std::string>& names) {
    auto bound = bind_args(kind, {"window", "stride"}, args, names);
    if (!bound) return -1;
    auto window_arg = bound->find("window");
    if (window_arg == bound->end()) {
      diags_.error(stage.loc, kind + " needs a window size: " + kind + "(2)");
      return -1;
    }
    auto n = image_dims(v, kind, stage.loc);
    if (!n) return -1;
    const std::string on = "; the input is " + p_.graph.node(v).type.str();
    auto window = per_dim(window_arg->second, *n, "the window", 1, on);
    auto stride = per_dim(bound->count("stride") ? bound->at("stride") : window_arg->second, *n, "the stride", 1, on);
    if (!window || !stride) return -1;
    std::vector<int64_t> attrs = *window;
    attrs.insert(attrs.end(), stride->begin(), stride->end());
    return add(kind == "maxpool" ? Op::MaxPool : Op::AvgPool, {v}, stage.loc, kind, attrs);
  }

  // flatten: an image (or any shape) as one row of features per sample.
  int flatten(int v, const Expr& stage, const std::vector<Const>& args) {
    if (!args.empty()) diags_.error(stage.loc, "flatten takes no arguments");
    const ir::Type& in = p_.graph.node(v).type;
    if (in.dims.size() <= 1) {
      diags_.error(stage.loc, "flatten of " + in.str() + ", which is already flat; remove the flatten");
      return -1;
    }
    return add(Op::Reshape, {v}, stage.loc, "flatten", {in.elements()});
  }

  static ir::Init init_of_kind(ir::Init::Kind kind) {
    ir::Init init;
    init.kind = kind;
    return init;
  }

  // Flattens a (nested) list literal, checking it is rectangular.
  bool flatten_list(const Const& c, std::vector<float>& out, std::vector<int64_t>& shape, size_t depth) {
    if (c.kind == Const::Kind::Number) {
      if (depth != shape.size() && !shape.empty()) return false;
      out.push_back(float(c.number));
      return true;
    }
    if (c.kind != Const::Kind::List) return false;
    if (depth == shape.size()) shape.push_back(int64_t(c.items.size()));
    else if (shape[depth] != int64_t(c.items.size())) return false;
    for (const Const& item : c.items)
      if (!flatten_list(item, out, shape, depth + 1)) return false;
    return true;
  }

  // A parameter's initialiser: zeros, glorot, he, uniform(lo, hi), normal(std),
  // a number (every element), a list literal of the parameter's shape (or its
  // flattening), or `off` (bias only: no parameter).
  std::optional<ir::Init> init_of(const std::optional<std::map<std::string, Const>>& args, const std::string& key,
                                  ir::Init fallback, const std::vector<int64_t>& shape) {
    auto it = args->find(key);
    if (it == args->end()) return fallback;
    const Const& c = it->second;
    ir::Init init;
    std::string shape_text = ir::f32(shape).str();
    int64_t count = ir::f32(shape).elements();
    switch (c.kind) {
      case Const::Kind::Number: init.kind = ir::Init::Kind::Constant, init.a = c.number; return init;
      case Const::Kind::Symbol: {
        static const std::map<std::string, ir::Init::Kind> named = {
            {"zeros", ir::Init::Kind::Zeros}, {"glorot", ir::Init::Kind::Glorot}, {"he", ir::Init::Kind::He}};
        if (c.text == "off" && key == "bias") {
          init.kind = ir::Init::Kind::Constant, init.a = std::nan("");
          return init;
        }
        auto n = named.find(c.text);
        if (n != named.end()) return init_of_kind(n->second);
        diags_.error(c.loc, "unknown initialiser '" + c.text + "'" +
                                did_you_mean(c.text, {"zeros", "glorot", "he", "uniform", "normal", "off"}) +
                                "; use zeros, glorot, he, uniform(lo, hi), normal(std), a number or a list");
        return std::nullopt;
      }
      case Const::Kind::Call: {
        bool numbers = true;
        for (const Const& a : c.items) numbers = numbers && a.kind == Const::Kind::Number;
        if (c.text == "uniform" && c.items.size() == 2 && numbers && c.items[0].number < c.items[1].number) {
          init.kind = ir::Init::Kind::Uniform, init.a = c.items[0].number, init.b = c.items[1].number;
          return init;
        }
        if (c.text == "normal" && c.items.size() == 1 && numbers && c.items[0].number > 0) {
          init.kind = ir::Init::Kind::Normal, init.a = c.items[0].number;
          return init;
        }
        diags_.error(c.loc, "bad initialiser " + c.text + "(...); use uniform(lo, hi) with lo < hi or normal(std) with std > 0");
        return std::nullopt;
      }
      case Const::Kind::List: {
        std::vector<int64_t> list_shape;
        init.kind = ir::Init::Kind::Literal;
        bool rectangular = flatten_list(c, init.values, list_shape, 0);
        if (!rectangular) {
          diags_.error(c.loc, "the " + key + " list is not rectangular; every row needs the same length");
          return std::nullopt;
        }
        if (int64_t(init.values.size()) != count || (list_shape.size() > 1 && list_shape != shape)) {
          diags_.error(c.loc, "the " + key + " list has shape " + ir::f32(list_shape).str() + ", the layer needs " +
                                  shape_text + " (" + std::to_string(count) + " values)");
          return std::nullopt;
        }
        return init;
      }
      case Const::Kind::String:
        diags_.error(c.loc, "an initialiser is not a string; use zeros, glorot, he, uniform(lo, hi), a number or a list");
        return std::nullopt;
    }
    return std::nullopt;
  }

  // Evaluates a compile-time argument, substituting block configuration.
  Const constant(const Expr& e, const Scope& scope) {
    Const c;
    c.loc = e.loc;
    switch (e.kind) {
      case Expr::Kind::Number:
        c.kind = Const::Kind::Number, c.number = e.number, c.is_integer = e.is_integer;
        if (!(std::fabs(e.number) <= double(std::numeric_limits<float>::max()))) {
          diags_.error(e.loc, "this number is out of the range of f32 (at most about 3.4e38)");
          c.number = 0;
        }
        break;
      case Expr::Kind::String: c.kind = Const::Kind::String, c.text = e.text; break;
      case Expr::Kind::Name: {
        auto it = scope.consts.find(e.text);
        if (it != scope.consts.end()) {
          c = it->second;
          c.loc = e.loc;
        } else {
          c.kind = Const::Kind::Symbol, c.text = e.text;
        }
        break;
      }
      case Expr::Kind::List:
        c.kind = Const::Kind::List;
        for (const auto& item : e.items) c.items.push_back(constant(*item, scope));
        break;
      case Expr::Kind::Call:
        c.kind = Const::Kind::Call, c.text = e.text, c.names = e.arg_names;
        for (size_t i = 0; i < e.items.size(); ++i) {
          c.items.push_back(constant(*e.items[i], scope));
          c.items.back().name_loc = e.arg_locs[i];
        }
        break;
      case Expr::Kind::Negate: {
        c = constant(*e.items[0], scope);
        if (c.kind != Const::Kind::Number) diags_.error(e.loc, "only numbers can be negated here");
        c.number = -c.number;
        break;
      }
      case Expr::Kind::Binary: {
        Const a = constant(*e.items[0], scope), b = constant(*e.items[1], scope);
        if (a.kind != Const::Kind::Number || b.kind != Const::Kind::Number) {
          diags_.error(e.loc, "arithmetic in an argument needs numbers");
          break;
        }
        c.kind = Const::Kind::Number;
        c.is_integer = a.is_integer && b.is_integer && e.op != '/';
        c.number = e.op == '+' ? a.number + b.number
                 : e.op == '-' ? a.number - b.number
                 : e.op == '*' ? a.number * b.number
                               : a.number / b.number;
        break;
      }
      case Expr::Kind::Chain: diags_.error(e.loc, "a chain is not an argument value"); break;
    }
    return c;
  }

  // -- blocks ----------------------------------------------------------------------------
  int expand_block(const ast::Block& block, int v, const Expr& stage, const std::vector<Const>& args,
                   const std::vector<std::string>& names, Scope& outer) {
    if (outer.depth > 32) {
      diags_.error(stage.loc, "block '" + block.name + "' expands itself without end");
      return -1;
    }
    std::vector<std::string> params;
    for (const ast::BlockParam& p : block.params) params.push_back(p.name);
    auto bound = bind_args(block.name, params, args, names);
    if (!bound) return -1;
    Scope inner;
    inner.depth = outer.depth + 1;
    // dense_relu0, or vgg16_0 where the name ends in a digit.
    const char* joint = std::isdigit(static_cast<unsigned char>(block.name.back())) ? "_" : "";
    inner.prefix = outer.prefix + block.name + joint + std::to_string(outer.counters[block.name]++) + ".";
    for (const ast::BlockParam& p : block.params) {
      auto it = bound->find(p.name);
      if (it != bound->end()) inner.consts[p.name] = it->second;
      else if (p.default_value) inner.consts[p.name] = constant(*p.default_value, outer);
      else {
        diags_.error(stage.loc, "block '" + block.name + "' needs argument '" + p.name + "'");
        return -1;
      }
      const Const& c = inner.consts[p.name];
      bool fits = p.type == "int"     ? c.kind == Const::Kind::Number && c.is_integer
                : p.type == "float"   ? c.kind == Const::Kind::Number
                : p.type == "string"  ? c.kind == Const::Kind::String
                                      : true;
      if (!fits) diags_.error(c.loc, "argument '" + p.name + "' of " + block.name + " must be " + p.type + ", got " + c.describe());
    }
    if (block.inputs.size() != 1) {
      diags_.error(block.loc, "a block used in a chain takes one input value");
      return -1;
    }
    inner.values[block.inputs[0]] = v;
    for (const ast::Block::Let& let : block.lets) {
      bind(inner, let.name, value(*let.value, inner), let.loc);
    }
    if (!block.result) {
      diags_.error(block.loc, "block '" + block.name + "' has no return");
      return -1;
    }
    return value(*block.result, inner);
  }

  // -- loss --------------------------------------------------------------------------------
  void build_loss(const ast::ModelItem& item, Scope& scope) {
    const Expr& e = *item.value;
    if (e.kind != Expr::Kind::Call || !is_loss(e.text)) {
      std::string name = e.kind == Expr::Kind::Call || e.kind == Expr::Kind::Name ? e.text : "";
      diags_.error(e.loc, "a loss is squared_error(y, t), mse(y, t), binary_cross_entropy(y, t) or cross_entropy(y, t)" +
                              (name.empty() ? std::string() : did_you_mean(name, kLosses)));
      return;
    }
    if (e.items.size() != 2) {
      diags_.error(e.loc, e.text + " takes the output and the target: " + e.text + "(y, t)");
      return;
    }
    int y = value(*e.items[0], scope), t = value(*e.items[1], scope);
    if (y < 0 || t < 0) return;
    if (t != p_.target) {
      diags_.error(e.items[1]->loc, "the second operand of " + e.text + " must be the model's target");
      return;
    }
    bool classes = p_.classes > 0;
    if (e.text == "cross_entropy" && !classes) {
      diags_.error(e.items[1]->loc, "cross_entropy needs a class target (target t: class[n]), got " +
                                        p_.graph.node(t).type.str());
      return;
    }
    if (e.text != "cross_entropy" && classes) {
      diags_.error(e.items[1]->loc, e.text + " needs an f32 target, got class[" + std::to_string(p_.classes) +
                                        "]; use cross_entropy");
      return;
    }
    if (classes && p_.graph.node(y).type != ir::f32({p_.classes}, true)) {
      diags_.error(e.items[0]->loc, "cross_entropy: logits " + p_.graph.node(y).type.str() + " do not match " +
                                        std::to_string(p_.classes) + " classes (need f32[B, " +
                                        std::to_string(p_.classes) + "])");
      return;
    }
    const Op op = e.text == "cross_entropy" ? Op::CrossEntropy
                  : e.text == "mse"         ? Op::MeanSquaredError
                  : e.text == "binary_cross_entropy" ? Op::BinaryCrossEntropy
                                                     : Op::SquaredError;
    p_.loss = add(op, {y, t}, e.loc, e.text);
    loss_output_ = y;
  }

  // -- 5. the train section --------------------------------------------------------------
  void read_train(const ast::Train& train) {
    ir::TrainConfig& c = p_.train;
    c.loc = train.loc;
    Scope none;
    static const std::vector<std::string> keys = {"data",     "test",       "validation", "optimizer", "batch",
                                                  "epochs",   "shuffle",    "seed",       "standardize", "l1",
                                                  "l2",       "schedule",   "early_stop", "augment"};
    std::set<std::string> seen;
    for (const ast::TrainItem& item : train.items) {
      Const v = constant(*item.value, none);
      if (!seen.insert(item.key).second) diags_.error(item.loc, "'" + item.key + "' is set twice");
      const bool is_source = v.kind == Const::Kind::String || v.kind == Const::Kind::Symbol;
      if (item.key == "data" || item.key == "test" || (item.key == "validation" && is_source)) {
        if (!is_source) {
          diags_.error(v.loc, item.key + " is a file in quotes, a directory, or a data set name such as builtin.xor");
          continue;
        }
        std::string source = v.text;
        if (v.kind == Const::Kind::String && !source.empty() && !fs::path(source).is_absolute())
          source = (fs::path(train.loc.file).parent_path() / source).lexically_normal().string();
        (item.key == "data" ? c.data : item.key == "test" ? c.test_data : c.validation) = source;
      } else if (item.key == "validation") {
        if (v.kind != Const::Kind::Number || v.number <= 0 || v.number >= 1) {
          diags_.error(v.loc, "validation is a fraction of the training data in (0, 1), such as 0.1, or a data source");
          continue;
        }
        std::ostringstream text;
        text << v.number;
        c.validation = text.str();
      } else if (item.key == "optimizer") {
        read_optimizer(v);
      } else if (item.key == "batch" || item.key == "epochs" || item.key == "seed" || item.key == "early_stop") {
        if (v.kind != Const::Kind::Number || !v.is_integer || v.number < (item.key == "seed" ? 0 : 1)) {
          diags_.error(v.loc, item.key + (item.key == "seed" ? " must be a non-negative integer" : " must be a positive integer"));
          continue;
        }
        if (item.key == "batch") c.batch = int64_t(v.number);
        else if (item.key == "epochs") c.epochs = int64_t(v.number);
        else if (item.key == "early_stop") c.early_stop = int64_t(v.number);
        else c.seed = uint64_t(v.number);
      } else if (item.key == "shuffle" || item.key == "standardize") {
        if (auto on = on_off(v, item.key)) (item.key == "shuffle" ? c.shuffle : c.standardize) = *on;
      } else if (item.key == "l1" || item.key == "l2") {
        if (v.kind != Const::Kind::Number || v.number < 0) {
          diags_.error(v.loc, item.key + " is a non-negative number: the penalty on every weight of the model");
          continue;
        }
        c.hypers[item.key] = v.number;
      } else if (item.key == "schedule") {
        read_schedule(v);
      } else if (item.key == "augment") {
        read_augment(v);
      } else {
        diags_.error(item.loc, "unknown train setting '" + item.key + "'" + did_you_mean(item.key, keys));
      }
    }
  }

  // optimizer NAME(settings): each setting a run-time default; a missing one
  // takes PyTorch's default.
  void read_optimizer(const Const& v) {
    static const std::map<std::string, std::vector<std::pair<std::string, double>>> optimizers = {
        {"sgd", {{"lr", 0.01}, {"momentum", 0}, {"weight_decay", -1}}},
        {"adagrad", {{"lr", 0.01}, {"eps", 1e-10}, {"weight_decay", -1}}},
        {"rmsprop", {{"lr", 0.01}, {"rho", 0.99}, {"eps", 1e-8}, {"weight_decay", -1}}},
        {"adam", {{"lr", 0.001}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", -1}}},
        {"adamw", {{"lr", 0.001}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", 0.01}}},
    };
    ir::TrainConfig& c = p_.train;
    std::string name = v.kind == Const::Kind::Call || v.kind == Const::Kind::Symbol ? v.text : "";
    auto found = optimizers.find(name);
    if (found == optimizers.end()) {
      diags_.error(v.loc, "unknown optimizer" + (name.empty() ? std::string() : " '" + name + "'") +
                              did_you_mean(name, {"sgd", "adagrad", "rmsprop", "adam", "adamw"}) +
                              "; the optimizers are sgd, adagrad, rmsprop, adam and adamw");
      return;
    }
    c.optimizer = name;
    std::vector<std::string> params;
    for (const auto& [key, value] : found->second) params.push_back(key);
    if (name == "sgd") params.push_back("nesterov");
    auto bound = bind_args(name, params, v.items, v.names);
    if (!bound) return;
    // The optimizer's defaults join the settings the model and the train
    // section already made (penalties), replacing only lr's placeholder.
    for (const auto& [key, value] : found->second)
      if (value >= 0) c.hypers[key] = value;  // weight_decay: only where set (or adamw's)
    for (const auto& [key, arg] : *bound) {
      if (key == "nesterov") {
        if (auto on = on_off(arg, key)) c.nesterov = *on;
        continue;
      }
      if (arg.kind != Const::Kind::Number || arg.number < 0) {
        diags_.error(arg.loc, key + " must be a non-negative number");
        continue;
      }
      c.hypers[key] = arg.number;
    }
    if (c.nesterov && c.hypers["momentum"] <= 0)
      diags_.error(v.loc, "nesterov needs a momentum above 0: sgd(lr = 0.01, momentum = 0.9, nesterov = on)");
  }

  // schedule constant | cosine | step(every = N, gamma = X)
  void read_schedule(const Const& v) {
    ir::TrainConfig& c = p_.train;
    const std::string name = v.kind == Const::Kind::Call || v.kind == Const::Kind::Symbol ? v.text : "";
    if (name != "constant" && name != "cosine" && name != "step") {
      diags_.error(v.loc, "a schedule is constant, cosine or step(every = 3, gamma = 0.1)" + did_you_mean(name, {"constant", "cosine", "step"}));
      return;
    }
    c.schedule = name;
    auto bound = bind_args(name, name == "step" ? std::vector<std::string>{"every", "gamma"} : std::vector<std::string>{},
                           v.items, v.names);
    if (!bound) return;
    for (const auto& [key, arg] : *bound) {
      if (key == "every" && (arg.kind != Const::Kind::Number || !arg.is_integer || arg.number < 1))
        diags_.error(arg.loc, "every is a positive number of epochs");
      else if (key == "gamma" && (arg.kind != Const::Kind::Number || arg.number <= 0))
        diags_.error(arg.loc, "gamma is a positive factor, such as 0.1");
      else if (key == "every") c.schedule_every = int64_t(arg.number);
      else c.schedule_gamma = arg.number;
    }
  }

  // augment [flip, shift(2), crop(2), zoom(0.1), brightness(0.1), contrast(0.1), noise(0.05)]
  void read_augment(const Const& v) {
    static const std::map<std::string, double> kinds = {{"flip", 0},       {"shift", 2},    {"crop", 2},
                                                        {"zoom", 0.1},     {"brightness", 0.1}, {"contrast", 0.1},
                                                        {"noise", 0.05}};
    std::vector<Const> items = v.kind == Const::Kind::List ? v.items : std::vector<Const>{v};
    for (const Const& item : items) {
      const std::string name = item.kind == Const::Kind::Call || item.kind == Const::Kind::Symbol ? item.text : "";
      auto kind = kinds.find(name);
      if (kind == kinds.end()) {
        std::vector<std::string> names;
        for (const auto& [k, d] : kinds) names.push_back(k);
        diags_.error(item.loc, "unknown augmentation" + (name.empty() ? std::string() : " '" + name + "'") +
                                   did_you_mean(name, names) +
                                   "; augment takes flip, shift(pixels), crop(padding), zoom(fraction), "
                                   "brightness(delta), contrast(fraction), noise(stddev)");
        continue;
      }
      double strength = kind->second;
      if (!item.items.empty()) {
        const Const& a = item.items[0];
        if (item.items.size() > 1 || a.kind != Const::Kind::Number || a.number < 0 || name == "flip") {
          diags_.error(a.loc, name == "flip" ? "flip takes no argument (it mirrors left and right)"
                                             : name + " takes one non-negative number");
          continue;
        }
        strength = a.number;
      }
      if ((name == "shift" || name == "crop") && strength != std::floor(strength)) {
        diags_.error(item.items[0].loc, name + " takes a whole number of pixels");
        continue;
      }
      p_.train.augment.emplace_back(name, strength);
    }
    if (!p_.train.augment.empty() && p_.input >= 0) {
      const ir::Type& in = p_.graph.node(p_.input).type;
      if (in.dims.size() != 3)
        diags_.error(v.loc, "augment works on images f32[channels, height, width]; the input is " + in.str());
    }
  }

  const std::map<std::string, const ast::Block*>& blocks_;
  Diagnostics& diags_;
  ir::Program p_;
  int loss_output_ = -1;
  int dropout_seed_ = -1;  // the Hyper node every dropout reads, made by the first
  bool input_declared_ = false;
  std::map<std::string, SourceLoc> layer_names_;  // parameter name prefixes in use
};

}  // namespace

std::optional<ir::Program> analyze(const std::vector<ast::Module>& modules, const SemaOptions& options,
                                   Diagnostics& diags) {
  // 2. Blocks from every file.
  std::map<std::string, const ast::Block*> blocks;
  for (const ast::Module& m : modules)
    for (const ast::Block& b : m.blocks) {
      auto [it, fresh] = blocks.emplace(b.name, &b);
      if (!fresh) {
        diags.error(b.loc, "block '" + b.name + "' is already defined at " + it->second->loc.str());
      }
    }
  // 3. The model and its train section, from the main file.
  const ast::Module& main = modules.front();
  const ast::Model* model = nullptr;
  for (const ast::Model& m : main.models)
    if (options.model_name.empty() ? true : m.name == options.model_name) {
      if (model && options.model_name.empty()) {
        diags.error(m.loc, "this file has several models; choose one with --model NAME");
        return std::nullopt;
      }
      model = &m;
    }
  if (!model) {
    std::vector<std::string> names;
    for (const ast::Model& m : main.models) names.push_back(m.name);
    diags.error(SourceLoc{main.file, 1, 1},
                options.model_name.empty() ? "no model in this file; write one: model name { ... }"
                                           : "no model named '" + options.model_name + "'" +
                                                 did_you_mean(options.model_name, names));
    return std::nullopt;
  }
  if (main.trains.size() > 1) diags.error(main.trains[1].loc, "a file has one train section; this is the second");
  const ast::Train* train = main.trains.empty() ? nullptr : &main.trains.front();
  // 4-5.
  return ModelBuilder(blocks, diags).build(*model, train);
}

}  // namespace nnc
