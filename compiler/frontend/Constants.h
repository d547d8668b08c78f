// Constant evaluation and argument binding: what the arguments of layers,
// blocks and train settings evaluate to at compile time (numbers, strings,
// names, lists, calls), and the helpers that match them to parameters and
// check their kinds. Every problem is a diagnostic at the argument.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/AST.h"
#include "compiler/frontend/Diagnostics.h"

namespace nnc::sema {

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

// Evaluates a compile-time argument; a name bound in `consts` (a block's
// configuration) is replaced by its value, any other name is a Symbol.
Const constant(const ast::Expr& e, const std::map<std::string, Const>& consts, Diagnostics& diags);

// Matches call arguments to parameter names (positional first, then named).
std::optional<std::map<std::string, Const>> bind_args(const std::string& callee,
                                                      const std::vector<std::string>& params,
                                                      const std::vector<Const>& args,
                                                      const std::vector<std::string>& names, Diagnostics& diags);

// on or off.
std::optional<bool> on_off(const Const& v, const std::string& what, Diagnostics& diags);

// An integer constant (a default argument).
Const integer(int64_t value);

// One positive (or non-negative) integer per spatial dim: a single number
// means the same for every dim.
std::optional<std::vector<int64_t>> per_dim(const Const& c, size_t n, const std::string& what, int64_t least,
                                            const std::string& context, Diagnostics& diags);

// Flattens a (nested) list literal, checking it is rectangular.
bool flatten_list(const Const& c, std::vector<float>& out, std::vector<int64_t>& shape, size_t depth);

}  // namespace nnc::sema
