// Parsing: .nn text -> ast::Module. The ANTLR parser generated from
// grammar/Nnc.g4 does the work; this file turns its parse tree into the owned
// AST and its syntax errors into nnc diagnostics (never raw ANTLR messages).
#pragma once
#include <optional>
#include <string>

#include "compiler/frontend/AST.h"
#include "compiler/frontend/Diagnostics.h"

namespace nnc {

// Returns no module when the text has syntax errors (all reported to diags).
std::optional<ast::Module> parse_module(const std::string& file, const std::string& text, Diagnostics& diags);

}  // namespace nnc
