// Semantic analysis: AST -> graph IR.
//
// Steps, in order, and the file of each:
//  1. Load the main file and, transitively, its imports: a path relative to
//     the importing file, else a module name looked up on the search path
//     (stdlib/ first). Each file is parsed once; import cycles are harmless.
//     (Modules.cpp)
//  2. Collect the blocks of every loaded file (a name defined twice is an error).
//  3. Pick the model (the main file's only one, or the one named). (Sema.cpp)
//  4. Walk the model's items in order, building IR nodes: inputs and targets
//     become leaves, each chain stage applies a layer (a row of the layer
//     table, or a block) to the value before it, names are bound to values.
//     Every layer's shape rule runs as its node is made, so a shape error
//     points at the stage that caused it and names both shapes. (Sema.cpp;
//     the layers and losses in Layers.cpp, argument values in Constants.cpp)
//  5. Read the train section into TrainConfig, checking every key and value.
//     (TrainSection.cpp)
// All errors go to Diagnostics; analysis continues past an error where it
// can so that one run reports several.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/AST.h"
#include "compiler/frontend/Diagnostics.h"
#include "compiler/ir/Program.h"

namespace nnc {

struct SemaOptions {
  std::vector<std::string> search_path;  // directories holding importable .nn modules
  std::string model_name;                // empty: the main file's only model
};

// Loads and parses `file` and its imports. The main module is first.
std::optional<std::vector<ast::Module>> load_modules(const std::string& file, const SemaOptions& options,
                                                     Diagnostics& diags);

// Builds the forward program (inputs, params, loss, output) of the model.
std::optional<ir::Program> analyze(const std::vector<ast::Module>& modules, const SemaOptions& options,
                                   Diagnostics& diags);

}  // namespace nnc
