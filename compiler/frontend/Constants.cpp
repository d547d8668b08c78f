// Constant evaluation and argument binding (see Constants.h).
#include "compiler/frontend/Constants.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "compiler/frontend/NameHints.h"

namespace nnc::sema {

using ast::Expr;

Const constant(const Expr& e, const std::map<std::string, Const>& consts, Diagnostics& diags) {
  Const c;
  c.loc = e.loc;
  switch (e.kind) {
    case Expr::Kind::Number:
      c.kind = Const::Kind::Number, c.number = e.number, c.is_integer = e.is_integer;
      if (!(std::fabs(e.number) <= double(std::numeric_limits<float>::max()))) {
        diags.error(e.loc, "this number is out of the range of f32 (at most about 3.4e38)");
        c.number = 0;
      }
      break;
    case Expr::Kind::String: c.kind = Const::Kind::String, c.text = e.text; break;
    case Expr::Kind::Name: {
      auto it = consts.find(e.text);
      if (it != consts.end()) {
        c = it->second;
        c.loc = e.loc;
      } else {
        c.kind = Const::Kind::Symbol, c.text = e.text;
      }
      break;
    }
    case Expr::Kind::List:
      c.kind = Const::Kind::List;
      for (const auto& item : e.items) c.items.push_back(constant(*item, consts, diags));
      break;
    case Expr::Kind::Call:
      c.kind = Const::Kind::Call, c.text = e.text, c.names = e.arg_names;
      for (size_t i = 0; i < e.items.size(); ++i) {
        c.items.push_back(constant(*e.items[i], consts, diags));
        c.items.back().name_loc = e.arg_locs[i];
      }
      break;
    case Expr::Kind::Negate: {
      c = constant(*e.items[0], consts, diags);
      if (c.kind != Const::Kind::Number) diags.error(e.loc, "only numbers can be negated here");
      c.number = -c.number;
      break;
    }
    case Expr::Kind::Binary: {
      Const a = constant(*e.items[0], consts, diags), b = constant(*e.items[1], consts, diags);
      if (a.kind != Const::Kind::Number || b.kind != Const::Kind::Number) {
        diags.error(e.loc, "arithmetic in an argument needs numbers");
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
    case Expr::Kind::Chain: diags.error(e.loc, "a chain is not an argument value"); break;
  }
  return c;
}

std::optional<std::map<std::string, Const>> bind_args(const std::string& callee,
                                                      const std::vector<std::string>& params,
                                                      const std::vector<Const>& args,
                                                      const std::vector<std::string>& names, Diagnostics& diags) {
  std::map<std::string, Const> bound;
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string key = names[i];
    if (key.empty()) {
      if (i >= params.size()) {
        diags.error(args[i].loc, callee + " takes at most " + std::to_string(params.size()) + " arguments");
        return std::nullopt;
      }
      key = params[i];
    } else if (std::find(params.begin(), params.end(), key) == params.end()) {
      diags.error(args[i].name_loc, callee + " has no argument '" + key + "'" + unknown_argument_hint(key, params));
      ok = false;
      continue;
    }
    if (bound.count(key)) {
      diags.error(args[i].name_loc, "argument '" + key + "' of " + callee + " is given twice");
      ok = false;
    }
    bound[key] = args[i];
  }
  if (!ok) return std::nullopt;
  return bound;
}

std::optional<bool> on_off(const Const& v, const std::string& what, Diagnostics& diags) {
  if (v.kind != Const::Kind::Symbol || (v.text != "on" && v.text != "off")) {
    diags.error(v.loc, what + " is on or off");
    return std::nullopt;
  }
  return v.text == "on";
}

Const integer(int64_t value) {
  Const c;
  c.number = double(value), c.is_integer = true;
  return c;
}

// One positive (or non-negative) integer per spatial dim: a single number
// means the same for every dim.
std::optional<std::vector<int64_t>> per_dim(const Const& c, size_t n, const std::string& what, int64_t least,
                                            const std::string& context, Diagnostics& diags) {
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
    diags.error(c.loc, what + " must be " + (least > 0 ? "a positive integer" : "a non-negative integer") +
                            (n > 1 ? " (or a list of " + std::to_string(n) + ")" : std::string()) + ", got " + problem +
                            context);
    return std::nullopt;
  }
  return out;
}

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

}  // namespace nnc::sema
