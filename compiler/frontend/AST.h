// The abstract syntax tree of a .nn file: owned, with a source position on
// every node, and no ANTLR types (Parser.cpp is the only file that sees them).
#pragma once
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/frontend/Diagnostics.h"

namespace nnc::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    Number,  // number (is_integer says whether it was written without a point)
    String,  // text
    Name,    // text, possibly dotted: builtin.xor
    Call,    // text(args...), arg_names[i] empty for positional arguments
    List,    // [items...]
    Binary,  // items[0] op items[1], op one of + - * /
    Negate,  // -items[0]
    Chain,   // items[0] -> items[1] -> ...
  };
  Kind kind;
  SourceLoc loc;
  double number = 0;
  bool is_integer = false;
  std::string text;
  char op = 0;
  std::vector<ExprPtr> items;
  std::vector<std::string> arg_names;
  std::vector<SourceLoc> arg_locs;  // Call: where each argument (its name, if named) starts
};

struct TensorType {
  SourceLoc loc;
  std::string elem;  // f32 or class
  std::vector<long long> dims;
};

struct ModelItem {
  enum class Kind { Input, Target, Let, Loss, Output };
  Kind kind;
  SourceLoc loc;
  std::string name;  // Input, Target, Let
  TensorType type;   // Input, Target (a Target's elem is empty in `target x`: the input itself)
  ExprPtr value;     // Let, Loss, Output
};

struct Model {
  SourceLoc loc;
  std::string name;
  std::vector<ModelItem> items;
};

struct BlockParam {
  SourceLoc loc;
  std::string name, type;  // type: int, float, string
  ExprPtr default_value;   // may be null
};

struct Block {
  SourceLoc loc;
  std::string name;
  std::vector<BlockParam> params;   // configuration, given in the call
  std::vector<std::string> inputs;  // values, fed by the chain (first) or call
  struct Let {
    SourceLoc loc;
    std::string name;
    ExprPtr value;
  };
  std::vector<Let> lets;
  ExprPtr result;  // the `return` expression
  SourceLoc result_loc;
};

struct TrainItem {
  SourceLoc loc;
  std::string key;
  ExprPtr value;
};

struct Train {
  SourceLoc loc;
  std::vector<TrainItem> items;
};

struct Import {
  SourceLoc loc;
  std::string target;  // "file.nn" as written, or a stdlib module name
};

struct Module {
  std::string file;
  std::vector<Import> imports;
  std::vector<Model> models;
  std::vector<Block> blocks;
  std::vector<Train> trains;
};

// The stable text form printed by `nnc --emit=ast`.
void print(std::ostream& out, const Module& module);
void print(std::ostream& out, const Expr& expr);

}  // namespace nnc::ast
