// The layer table and the loss table: every layer and loss a .nn file can
// name, one row each, in the manner of the op table (ir/OpTable.h).
//
//   LayerDef  name        what a chain stage writes: dense(10), relu
//             parameters  its arguments in positional order (none: it takes
//                         none, and its rule says so if given some)
//             activation  also callable on a value: relu(x)
//             build       its rule: checks the arguments and the input and
//                         adds the layer's params and ops to the program
//   LossDef   name, the op of the loss, and whether it needs a class target
//
// Sema.cpp reads them for names (is this a layer? did you mean?), dispatch
// and the loss statement. To add a layer: a row and its rule in Layers.cpp
// (with the ops it needs in the op table), a lit test of its IR and of each
// of its diagnostics, and its entry in docs/language.md.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "compiler/frontend/ModelBuilder.h"

namespace nnc::sema {

// One application of a layer: to value `input`, at chain stage `stage`.
struct LayerCall {
  int input;
  const ast::Expr& stage;
  const std::map<std::string, Const>& args;  // bound to the row's parameters
  bool has_args;                             // any argument given at all
  Scope& scope;
};

struct LayerDef {
  const char* name;
  std::vector<std::string> parameters;
  bool activation;
  // What the layer adds to the model's compile time, in the units of
  // kMaxCompileCost (ModelBuilder.h): measured by bench/compile_scaling.py.
  int compile_cost;
  int (*build)(ModelBuilder& b, const LayerCall& call);  // the layer's value, or -1 after a diagnostic
};

struct LossDef {
  const char* name;
  ir::Op op;
  bool classes;  // needs a class target (target t: class[n]) rather than an f32 one
};

// A loss's penalty term (a loss is a sum of terms: one loss above, any
// number of penalties, each maybe weighted: mse(y, x) + 0.5 * kl_normal(mu, logvar)).
struct PenaltyDef {
  const char* name;
  ir::Op op;
  int values;               // value operands
  bool weight_argument;     // a number after the values: l1_activity(h, 1e-4)
  const char* usage;        // for messages
};

const std::vector<LayerDef>& layers();
const LayerDef* find_layer(const std::string& name);
const std::vector<LossDef>& losses();
const LossDef* find_loss(const std::string& name);
const std::vector<PenaltyDef>& penalties();
const PenaltyDef* find_penalty(const std::string& name);

}  // namespace nnc::sema
