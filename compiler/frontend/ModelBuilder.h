// The model builder: the state of semantic analysis while one model's IR is
// built. Its work is in three files, one job each:
//   Sema.cpp          the model's items: leaves, names, values, chains,
//                     blocks and the loss
//   Layers.cpp        the layer and loss tables: what each layer builds
//   TrainSection.cpp  the train section, read into TrainConfig
// Internal to the front end; Sema.h is its interface.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/AST.h"
#include "compiler/frontend/Constants.h"
#include "compiler/frontend/Diagnostics.h"
#include "compiler/ir/Program.h"

namespace nnc::rt {
struct TrainSettingDef;  // runtime/train_settings.h
}

namespace nnc::sema {

struct LayerDef;   // Layers.h
struct PenaltyDef;
struct LayerCall;

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

// The most a model's layers may add to its compile time, blocks expanded
// (docs/language.md, "Limits"): each layer adds its row's compile cost
// (Layers.cpp). Halide's lowering and LLVM's code generation grow faster
// than the number of stages, about as cost^2.5: on 2 cores (AMD EPYC) a
// chain of 64 dense layers with relus (cost 324) compiled in 60 s, one of 127
// (cost 639) in 325 s and 1.2 GB, and one of 32 convolutions with relus (cost
// 421) in 71 s (bench/compile_scaling.py). Past the limit a compile would
// take half an hour and more, so the layer that passes it is an error.
constexpr int kMaxCompileCost = 640;
inline std::string too_large(const std::string& what) {
  return what + " is too large: a tensor holds at most 2147483647 values";
}

class ModelBuilder {
 public:
  ModelBuilder(const std::map<std::string, const ast::Block*>& blocks, Diagnostics& diags)
      : blocks_(blocks), diags_(diags) {}

  std::optional<ir::Program> build(const ast::Model& model, const ast::Train* train);

  // -- for the layer table's rules (Layers.cpp) -------------------------------------------
  ir::Program& program() { return p_; }
  Diagnostics& diags() { return diags_; }
  // Adds an op; a shape error becomes a diagnostic at `loc`, prefixed by `what`.
  int add(ir::Op op, std::vector<int> inputs, const SourceLoc& loc, const std::string& what,
          std::vector<int64_t> attrs = {});
  // The layer's name: `name = "..."`, else the kind and its count (dense0).
  // Names key the weights file, so two layers may not share one.
  std::optional<std::string> layer_name(Scope& scope, const std::string& kind,
                                        const std::map<std::string, Const>& args, const SourceLoc& loc);
  // The Hyper node every dropout, mask and noise reads, made by the first.
  int dropout_seed(const SourceLoc& loc);
  // A random layer's salt, its source position: two such layers draw apart.
  static int64_t random_salt(const SourceLoc& loc) { return int64_t(loc.line) * 1000 + loc.col; }

 private:
  // -- Sema.cpp ------------------------------------------------------------------------------
  std::optional<ir::Type> tensor_type(const ast::TensorType& t, bool allow_class);
  void declare_input(const ast::ModelItem& item, Scope& scope);
  void declare_target(const ast::ModelItem& item, Scope& scope);
  void bind(Scope& scope, const std::string& name, int v, const SourceLoc& loc);
  std::vector<std::string> visible_values(const Scope& scope) const;
  int value(const ast::Expr& e, Scope& scope);
  bool is_layer(const std::string& n) const;
  std::vector<std::string> layer_names() const;
  int apply(int v, const ast::Expr& stage, Scope& scope);
  // Every layer is made here: the layer table's rule, after the model's
  // compile cost is checked against kMaxCompileCost.
  int build_layer(const LayerDef& layer, const LayerCall& call);
  int expand_block(const ast::Block& block, int v, const ast::Expr& stage, const std::vector<Const>& args,
                   const std::vector<std::string>& names, Scope& outer);
  void build_loss(const ast::ModelItem& item, Scope& scope);
  int loss_of_target(const ast::Expr& e, Scope& scope);  // mse(y, t): the term that compares with the target
  int penalty(const PenaltyDef& def, const ast::Expr& e, double weight, Scope& scope);
  int sample_normal(const ast::Expr& e, Scope& scope);
  Const constant(const ast::Expr& e, const Scope& scope) { return sema::constant(e, scope.consts, diags_); }

  // -- TrainSection.cpp ------------------------------------------------------------------------
  void read_train(const ast::Train& train);
  void read_setting(const rt::TrainSettingDef& def, const Const& v);
  void read_optimizer(const Const& v);
  void read_schedule(const Const& v);
  void read_augment(const Const& v);

  const std::map<std::string, const ast::Block*>& blocks_;
  Diagnostics& diags_;
  ir::Program p_;
  int loss_output_ = -1;
  int dropout_seed_ = -1;
  bool input_declared_ = false;
  bool target_failed_ = false;  // a target declared with an error: its uses stay silent
  int compile_cost_ = 0;  // of the layers made so far, for kMaxCompileCost
  std::map<std::string, SourceLoc> layer_names_;  // parameter name prefixes in use
};

}  // namespace nnc::sema
