// Semantic analysis: the model's items, walked in order into IR (see
// Sema.h for the steps). Module loading is in Modules.cpp, constant
// evaluation in Constants.cpp, the layers and losses in Layers.cpp, and the
// train section in TrainSection.cpp.
#include "compiler/frontend/Sema.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "compiler/frontend/Layers.h"
#include "compiler/frontend/ModelBuilder.h"
#include "compiler/frontend/NameHints.h"

namespace nnc {
namespace sema {
namespace {

std::string ast_type_text(const ast::TensorType& t) {
  std::string s = t.elem + "[";
  for (size_t i = 0; i < t.dims.size(); ++i) s += (i ? ", " : "") + std::to_string(t.dims[i]);
  return s + "]";
}

}  // namespace

using ast::Expr;
using ir::Op;

std::optional<ir::Program> ModelBuilder::build(const ast::Model& model, const ast::Train* train) {
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
        if (p_.output >= 0 && p_.output == p_.target)
          diags_.error(item.value->loc, "the output is the target '" + p_.graph.node(p_.target).name +
                                            "'; the output is computed from the input: output y");
        break;
    }
  }
  if (!input_declared_) diags_.error(model.loc, "model '" + model.name + "' has no input; declare one: input x: f32[n]");
  if (!loss_item) {  // a class target is compared with logits by cross_entropy, values by squared_error
    const std::string target = p_.target >= 0 ? p_.graph.node(p_.target).name : "t";
    diags_.error(model.loc, "model '" + model.name + "' has no loss; add one: loss " +
                                (p_.classes > 0 ? "cross_entropy" : "squared_error") + "(y, " + target + ")");
  }
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

// -- leaves ----------------------------------------------------------------------

std::optional<ir::Type> ModelBuilder::tensor_type(const ast::TensorType& t, bool allow_class) {
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

void ModelBuilder::declare_input(const ast::ModelItem& item, Scope& scope) {
  if (input_declared_) {
    diags_.error(item.loc, "a model has one input in this version; '" + item.name + "' is the second");
    return;
  }
  input_declared_ = true;
  auto type = tensor_type(item.type, false);
  if (type) p_.input = p_.graph.add_leaf(Op::Input, *type, item.name, item.loc);
  bind(scope, item.name, p_.input, item.loc);  // -1 after an error: uses stay silent
}

void ModelBuilder::declare_target(const ast::ModelItem& item, Scope& scope) {
  if (p_.target >= 0) {
    diags_.error(item.loc, "a model has one target; '" + item.name + "' is the second");
    return;
  }
  if (item.type.elem.empty()) {  // target x: the input itself, as an autoencoder's
    const auto bound = scope.values.find(item.name);
    if (p_.input < 0 || bound == scope.values.end() || bound->second != p_.input) {
      diags_.error(item.loc, "target '" + item.name + "' has no type: give it one (target " + item.name +
                                 ": f32[n]), or name the model's input after it to train on the input itself "
                                 "(target x, as an autoencoder does)");
      target_failed_ = true;
      return;
    }
    p_.target = p_.graph.add_leaf(Op::Target, p_.graph.node(p_.input).type, "target", item.loc);
    p_.target_is_input = true;  // its name is the input's, bound to the input; the node has its own
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

void ModelBuilder::bind(Scope& scope, const std::string& name, int v, const SourceLoc& loc) {
  if (scope.values.count(name) || scope.consts.count(name)) {
    diags_.error(loc, "'" + name + "' is already defined; choose another name");
    return;
  }
  scope.values[name] = v;
}

// -- values ----------------------------------------------------------------------

// Adds an op; a shape error becomes a diagnostic at `loc`, prefixed by `what`.
int ModelBuilder::add(Op op, std::vector<int> inputs, const SourceLoc& loc, const std::string& what,
                      std::vector<int64_t> attrs) {
  for (int in : inputs)
    if (in < 0) return -1;
  // Class labels are indices, not values: only cross_entropy reads them.
  for (int in : inputs)
    if (in == p_.target && p_.classes > 0 && op != Op::CrossEntropy) {
      diags_.error(loc, what + ": '" + p_.graph.node(in).name + "' holds class labels (class[" +
                            std::to_string(p_.classes) + "]), not values; use it only as cross_entropy's target");
      return -1;
    }
  try {
    return p_.graph.add(op, std::move(inputs), loc, std::move(attrs));
  } catch (const ir::ShapeError& e) {
    diags_.error(loc, what + ": " + e.what());
    return -1;
  }
}

std::vector<std::string> ModelBuilder::visible_values(const Scope& scope) const {
  std::vector<std::string> names;
  for (const auto& [name, id] : scope.values) names.push_back(name);
  return names;
}

// Evaluates an expression that denotes a tensor value; -1 after an error.
int ModelBuilder::value(const Expr& e, Scope& scope) {
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
      const LayerDef* layer = find_layer(e.text);
      if (layer && layer->activation) {
        if (e.items.size() != 1 || !e.arg_names[0].empty()) {
          diags_.error(e.loc, e.text + "(...) takes one value: " + e.text + "(x)");
          return -1;
        }
        int v = value(*e.items[0], scope);
        return v < 0 ? -1 : build_layer(*layer, LayerCall{v, e, {}, false, scope});
      }
      if (e.text == "sample_normal") return sample_normal(e, scope);
      if (find_loss(e.text)) {
        diags_.error(e.loc, "'" + e.text + "' is a loss; use it in a loss statement: loss " + e.text + "(y, t)");
        return -1;
      }
      if (const PenaltyDef* def = find_penalty(e.text)) {
        diags_.error(e.loc, "'" + e.text + "' is a term of a loss; add it to the loss statement: loss mse(y, t) + " +
                                def->usage);
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

// -- layers and blocks ------------------------------------------------------------

bool ModelBuilder::is_layer(const std::string& n) const { return find_layer(n) || blocks_.count(n); }

std::vector<std::string> ModelBuilder::layer_names() const {
  std::vector<std::string> names;
  for (const LayerDef& l : layers()) names.push_back(l.name);
  for (const auto& [name, b] : blocks_) names.push_back(name);
  return names;
}

// Applies one chain stage (a layer name or a layer call) to value v.
int ModelBuilder::apply(int v, const Expr& stage, Scope& scope) {
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
  if (const LayerDef* layer = find_layer(name)) {
    std::map<std::string, Const> bound;
    if (!layer->parameters.empty()) {
      auto given = bind_args(name, layer->parameters, args, arg_names, diags_);
      if (!given) return -1;
      bound = std::move(*given);
    }
    return build_layer(*layer, LayerCall{v, stage, bound, !args.empty(), scope});
  }
  auto block = blocks_.find(name);
  if (block != blocks_.end()) return expand_block(*block->second, v, stage, args, arg_names, scope);
  if (scope.values.count(name))
    diags_.error(stage.loc, "'" + name + "' is a value, not a layer; a chain stage must be a layer");
  else if (find_loss(name))
    diags_.error(stage.loc, "'" + name + "' is a loss; use it in a loss statement: loss " + name + "(y, t)");
  else
    diags_.error(stage.loc, "unknown layer '" + name + "'" + unknown_layer_hint(name, layer_names()));
  return -1;
}

int ModelBuilder::build_layer(const LayerDef& layer, const LayerCall& call) {
  bool was_within = compile_cost_ <= kMaxCompileCost;
  compile_cost_ += layer.compile_cost;
  if (compile_cost_ <= kMaxCompileCost) return layer.build(*this, call);
  if (was_within)  // said once; the layers after it are dropped silently
    diags_.error(call.stage.loc,
                 "the model is too deep to compile in reasonable time: its layers' compile cost reaches " +
                     std::to_string(compile_cost_) + " here, past nnc's limit of " + std::to_string(kMaxCompileCost) +
                     " (docs/language.md, section 16); use fewer layers");
  return -1;
}

// The layer's name: `name = "..."`, else the kind and its count (dense0).
// Names key the weights file, so two layers may not share one.
std::optional<std::string> ModelBuilder::layer_name(Scope& scope, const std::string& kind,
                                                    const std::map<std::string, Const>& args, const SourceLoc& loc) {
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

int ModelBuilder::dropout_seed(const SourceLoc& loc) {
  if (dropout_seed_ < 0) {
    dropout_seed_ = p_.graph.add_leaf(Op::Hyper, ir::f64_scalar(), "dropout_seed", loc);
    p_.hypers.push_back(dropout_seed_);
  }
  return dropout_seed_;
}

int ModelBuilder::expand_block(const ast::Block& block, int v, const Expr& stage, const std::vector<Const>& args,
                 const std::vector<std::string>& names, Scope& outer) {
  if (outer.depth > 32) {
    diags_.error(stage.loc, "block '" + block.name + "' expands itself without end");
    return -1;
  }
  std::vector<std::string> params;
  for (const ast::BlockParam& p : block.params) params.push_back(p.name);
  auto bound = bind_args(block.name, params, args, names, diags_);
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
  // An error in the body points into the block; the model's line that used
  // it follows as a note (once, at the outermost block), as C++ compilers
  // add "in instantiation of".
  const int errors_before = diags_.error_count();
  for (const ast::Block::Let& let : block.lets) {
    bind(inner, let.name, value(*let.value, inner), let.loc);
  }
  if (!block.result) {
    diags_.error(block.loc, "block '" + block.name + "' has no return");
    return -1;
  }
  const int result = value(*block.result, inner);
  if (outer.depth == 0 && diags_.error_count() > errors_before)
    diags_.note(stage.loc, "in block '" + block.name + "', used here");
  return result;
}

// -- the loss --------------------------------------------------------------------

namespace {

// The terms of a sum, left to right: a + b + c.
void collect_terms(const Expr& e, std::vector<const Expr*>& terms) {
  if (e.kind == Expr::Kind::Binary && e.op == '+') {
    collect_terms(*e.items[0], terms);
    collect_terms(*e.items[1], terms);
  } else {
    terms.push_back(&e);
  }
}

// Whether e is arithmetic on numbers and named constants: 1 / 784.
bool is_number_expr(const Expr& e, const std::map<std::string, Const>& consts) {
  switch (e.kind) {
    case Expr::Kind::Number: return true;
    case Expr::Kind::Negate: return is_number_expr(*e.items[0], consts);
    case Expr::Kind::Binary: return is_number_expr(*e.items[0], consts) && is_number_expr(*e.items[1], consts);
    case Expr::Kind::Name: {
      auto it = consts.find(e.text);
      return it != consts.end() && it->second.kind == Const::Kind::Number;
    }
    default: return false;
  }
}

// A term's call and the expression of its weight: 0.5 * kl_normal(mu,
// logvar), (1 / 784) * kl_normal(...), or the call alone (nullptr).
std::pair<const Expr*, const Expr*> weighed(const Expr& term, const std::map<std::string, Const>& consts) {
  if (term.kind == Expr::Kind::Binary && term.op == '*' && is_number_expr(*term.items[0], consts))
    return {term.items[1].get(), term.items[0].get()};
  return {&term, nullptr};
}

bool is_call_of(const Expr& e, bool (*known)(const std::string&)) {
  return e.kind == Expr::Kind::Call && known(e.text);
}
bool is_loss_name(const std::string& name) { return find_loss(name) != nullptr; }
bool is_term_name(const std::string& name) { return find_loss(name) || find_penalty(name); }

// A weight as attrs {m, e}, w = m * 10^e, with the fewest digits that give w
// (the op table's weight_of reads it back).
std::vector<int64_t> decimal_attrs(double w) {
  for (int e = 6; e >= -18; --e) {
    const double m = std::round(w / std::pow(10.0, e));
    if (std::abs(m) < 1e12 && std::abs(m * std::pow(10.0, e) - w) <= 1e-12 * std::abs(w)) return {int64_t(m), e};
  }
  return {int64_t(std::llround(w * 1e18)), -18};
}

}  // namespace

// loss TERM + TERM + ...: one loss that compares the output with the target
// (its output is the model's), and any penalty terms, each maybe weighted.
// The backward pass starts at every term (Program::loss_terms).
void ModelBuilder::build_loss(const ast::ModelItem& item, Scope& scope) {
  std::vector<const Expr*> terms;
  collect_terms(*item.value, terms);
  const bool any_known = std::any_of(terms.begin(), terms.end(), [&scope](const Expr* t) {
    return is_call_of(*weighed(*t, scope.consts).first, is_term_name);
  });
  if (!any_known) {  // not a loss at all: the list of losses
    const Expr& e = *item.value;
    std::string name = e.kind == Expr::Kind::Call || e.kind == Expr::Kind::Name ? e.text : "";
    std::vector<std::string> names;
    std::string listed;
    for (const LossDef& l : losses()) names.push_back(l.name);
    for (size_t i = 0; i < names.size(); ++i)
      listed += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i] + "(y, t)";
    diags_.error(e.loc, "a loss is " + listed + (name.empty() ? std::string() : did_you_mean(name, names)));
    return;
  }
  int data_term = -1;
  const Expr* data_expr = nullptr;
  std::vector<int> penalty_terms;
  bool failed = false;
  for (const Expr* term : terms) {
    const auto [call, weight_expr] = weighed(*term, scope.consts);
    const std::optional<double> weight =
        weight_expr ? std::optional<double>(constant(*weight_expr, scope).number) : std::nullopt;
    if (weight && !(*weight > 0)) {
      diags_.error(weight_expr->loc, "a term's weight is a positive number: 0.5 * kl_normal(mu, logvar)");
      failed = true;
    } else if (is_call_of(*call, is_loss_name)) {
      if (data_expr) {
        diags_.error(call->loc, "a loss has one term that compares the output with the target; '" + call->text +
                                    "' is the second");
        failed = true;
      } else if (weight) {
        diags_.error(term->loc, "weigh the penalty terms, not the loss that compares with the target: " +
                                    call->text + "(y, t) + 0.5 * kl_normal(mu, logvar)");
        failed = true;
      } else {
        data_expr = call;
        data_term = loss_of_target(*call, scope);
        failed = failed || data_term < 0;
      }
    } else if (const PenaltyDef* def = call->kind == Expr::Kind::Call ? find_penalty(call->text) : nullptr) {
      const int id = penalty(*def, *call, weight.value_or(1.0), scope);
      if (id < 0) failed = true;
      penalty_terms.push_back(id);
    } else {
      std::vector<std::string> names;
      for (const LossDef& l : losses()) names.push_back(l.name);
      for (const PenaltyDef& d : penalties()) names.push_back(d.name);
      const std::string name = call->kind == Expr::Kind::Call || call->kind == Expr::Kind::Name ? call->text : "";
      diags_.error(term->loc, "a term of a loss is a loss such as mse(y, t), or a penalty: l1_activity(h, weight) "
                              "or kl_normal(mu, logvar); terms are added with +" +
                                  (name.empty() ? std::string() : did_you_mean(name, names)));
      failed = true;
    }
  }
  if (failed) return;
  if (!data_expr) {
    diags_.error(item.value->loc, "a loss needs a term that compares the output with the target, such as mse(y, t)");
    return;
  }
  p_.loss_terms.push_back(data_term);
  p_.loss = data_term;
  for (int id : penalty_terms) {
    p_.loss_terms.push_back(id);
    p_.loss = add(Op::Add, {p_.loss, id}, item.value->loc, "loss");
  }
}

// sample_normal(mu, logvar): a draw from N(mu, exp(logvar)), seeded like dropout.
int ModelBuilder::sample_normal(const Expr& e, Scope& scope) {
  if (e.items.size() != 2 || !e.arg_names[0].empty() || !e.arg_names[1].empty()) {
    diags_.error(e.loc, "sample_normal takes the mean and the log-variance: sample_normal(mu, logvar)");
    return -1;
  }
  const int mu = value(*e.items[0], scope), logvar = value(*e.items[1], scope);
  if (mu < 0 || logvar < 0) return -1;
  return add(Op::SampleNormal, {mu, logvar, dropout_seed(e.loc)}, e.loc, "sample_normal", {random_salt(e.loc)});
}

// A penalty term: its values, then its own weight where it takes one.
int ModelBuilder::penalty(const PenaltyDef& def, const Expr& e, double weight, Scope& scope) {
  const size_t arguments = size_t(def.values) + (def.weight_argument ? 1 : 0);
  bool named = false;
  for (const std::string& n : e.arg_names) named = named || !n.empty();
  if (e.items.size() != arguments || named) {
    diags_.error(e.loc, std::string(def.name) + " takes its operands in order, unnamed: " + def.usage);
    return -1;
  }
  if (def.weight_argument) {
    const Const w = constant(*e.items[size_t(def.values)], scope);
    if (w.kind != Const::Kind::Number || !(w.number >= 0)) {
      diags_.error(e.items[size_t(def.values)]->loc,
                   std::string(def.name) + "'s weight is a number of at least 0: " + def.usage);
      return -1;
    }
    weight *= w.number;
  }
  std::vector<int> operands;
  for (int k = 0; k < def.values; ++k) operands.push_back(value(*e.items[size_t(k)], scope));
  for (int v : operands)
    if (v < 0) return -1;
  return add(def.op, operands, e.loc, def.name, decimal_attrs(weight));
}

int ModelBuilder::loss_of_target(const Expr& e, Scope& scope) {
  const LossDef* loss = find_loss(e.text);
  if (e.items.size() != 2) {
    diags_.error(e.loc, e.text + " takes the output and the target: " + e.text + "(y, t)");
    return -1;
  }
  int y = value(*e.items[0], scope), t = value(*e.items[1], scope);
  if (y < 0 || t < 0) return -1;
  if (loss->op == Op::CrossEntropy && p_.graph.node(y).op == Op::Softmax)
    diags_.warning(e.items[0]->loc, "cross_entropy applies softmax to its logits itself; '" + e.items[0]->text +
                                        "' ends in softmax, so it is applied twice and training learns slowly: "
                                        "give cross_entropy the values before softmax");
  if (p_.target_is_input && t == p_.input) t = p_.target;  // the input as it was read, before any noise
  if (t != p_.target && target_failed_) return -1;
  if (t != p_.target) {
    const std::string input = t == p_.input ? p_.graph.node(p_.input).name : "";
    diags_.error(e.items[1]->loc, "the second operand of " + e.text + " must be the model's target" +
                                      (input.empty() ? "" : "; to train on the input itself, as an autoencoder "
                                                            "does, declare it the target: target " + input));
    return -1;
  }
  bool classes = p_.classes > 0;
  if (loss->classes && !classes) {
    diags_.error(e.items[1]->loc, e.text + " needs a class target (target t: class[n]), got " +
                                      p_.graph.node(t).type.str());
    return -1;
  }
  if (!loss->classes && classes) {
    std::string instead;
    for (const LossDef& l : losses())
      if (l.classes && instead.empty()) instead = l.name;
    diags_.error(e.items[1]->loc, e.text + " needs an f32 target, got class[" + std::to_string(p_.classes) +
                                      "]; use " + instead);
    return -1;
  }
  if (classes && p_.graph.node(y).type != ir::f32({p_.classes}, true)) {
    diags_.error(e.items[0]->loc, e.text + ": logits " + p_.graph.node(y).type.str() + " do not match " +
                                      std::to_string(p_.classes) + " classes (need f32[B, " +
                                      std::to_string(p_.classes) + "])");
    return -1;
  }
  loss_output_ = y;
  return add(loss->op, {y, t}, e.loc, e.text);
}

}  // namespace sema

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
  return sema::ModelBuilder(blocks, diags).build(*model, train);
}

}  // namespace nnc
