#include "compiler/frontend/Parser.h"

#include <antlr4-runtime.h>

#include "runtime/printable.h"

#include "NncLexer.h"
#include "NncParser.h"

namespace nnc {
namespace {

using grammar::NncLexer;
using grammar::NncParser;

// How a token kind reads in an error message.
std::string describe_token_type(size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case NncParser::ID: return "a name";
    case NncParser::INT: return "an integer";
    case NncParser::NUMBER: return "a number";
    case NncParser::STRING: return "a string";
    default: return vocabulary.getLiteralName(type);  // already quoted: '->'
  }
}

std::string describe_token(const antlr4::Token* token) {
  if (!token || token->getType() == antlr4::Token::EOF) return "end of file";
  return "'" + printable(token->getText()) + "'";  // escaped, and cut after 40 characters
}

class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorListener(const std::string& file, const std::string& text, Diagnostics& diags)
      : file_(file), diags_(diags) {
    // Line lengths, so an error at the end of the file can point just past
    // its last character instead of at a line that does not exist.
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i)
      if (i == text.size() || text[i] == '\n') {
        if (i > start || i < text.size()) line_lengths_.push_back(int(i - start));
        start = i + 1;
      }
  }

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line, size_t column,
                   const std::string& /*antlr_message*/, std::exception_ptr) override {
    SourceLoc loc{file_, int(line), int(column) + 1};
    if (loc.line > int(line_lengths_.size()) && !line_lengths_.empty()) {
      loc.line = int(line_lengths_.size());
      loc.col = line_lengths_.back() + 1;
    }
    std::string message;
    if (offending && offending->getType() == NncLexer::UNKNOWN) {
      message = "unexpected character " + describe_token(offending);
    } else {
      message = "unexpected " + describe_token(offending);
      if (auto* parser = dynamic_cast<antlr4::Parser*>(recognizer)) {
        const std::string hint = likely_slip(*parser, offending);
        std::vector<std::string> expected;
        for (size_t type : parser->getExpectedTokens().toList())
          if (type != NncLexer::UNKNOWN) expected.push_back(describe_token_type(type, parser->getVocabulary()));
        message += hint.empty() ? expected_list(expected) : hint;
      }
    }
    // ANTLR may report the same position twice while recovering.
    if (loc.line == last_.line && loc.col == last_.col) return;
    last_ = loc;
    diags_.error(loc, message);
  }

 private:
  // What a newcomer most likely meant, where the tokens around the error
  // show a known slip; "" otherwise (then the message lists what the
  // grammar expected there).
  static std::string likely_slip(antlr4::Parser& parser, const antlr4::Token* offending) {
    if (!offending) return "";
    antlr4::TokenStream* tokens = parser.getTokenStream();
    const antlr4::Token* before = tokens->LT(-1);
    const antlr4::Token* before_that = tokens->LT(-2);
    const auto is = [](const antlr4::Token* t, size_t type) { return t && t->getType() == type; };
    const auto ends_value = [&](const antlr4::Token* t) {
      return is(t, NncLexer::ID) || is(t, NncLexer::INT) || is(t, NncLexer::NUMBER) || (t && t->getText() == ")");
    };
    // `epochs = 3` in a train section: settings are `name value`.
    if (offending->getText() == "=" && is(before, NncLexer::ID) && inside<NncParser::TrainItemContext>(parser)) {
      const antlr4::Token* value = tokens->LT(2);
      const bool shown = is(value, NncLexer::ID) || is(value, NncLexer::INT) || is(value, NncLexer::NUMBER) ||
                         is(value, NncLexer::STRING);
      return "; a train setting takes no '=': write " + before->getText() + " " +
             (shown ? value->getText() : "VALUE");  // Diagnostics escapes a STRING's bytes
    }
    // `y = x dense(3)` or `... dense(3) relu -> ...`: two stages side by side.
    if ((offending->getText() == "(" || offending->getText() == "->") && is(before, NncLexer::ID) &&
        ends_value(before_that))
      return "; is a '->' missing before '" + before->getText() + "'? The stages of a chain are joined by '->'";
    return "";
  }
  template <class Rule>
  static bool inside(antlr4::Parser& parser) {
    for (antlr4::tree::ParseTree* c = parser.getContext(); c; c = c->parent)
      if (dynamic_cast<Rule*>(c)) return true;
    return false;
  }
  static std::string expected_list(const std::vector<std::string>& expected) {
    if (expected.empty() || expected.size() > 6) return "";
    std::string s = "; expected ";
    for (size_t i = 0; i < expected.size(); ++i) {
      if (i) s += i + 1 == expected.size() ? " or " : ", ";
      s += expected[i];
    }
    return s;
  }
  std::string file_;
  Diagnostics& diags_;
  std::vector<int> line_lengths_;
  SourceLoc last_;
};

// How deep the recursive parts of a file may go, so that no input, however
// contrived, overflows the stack of the parser or of the passes that walk
// the tree. Far beyond any network written by hand: a layer nests a few
// brackets deep and a statement holds a few operators.
constexpr int kMaxNesting = 256;     // brackets, calls and signs, one inside another
constexpr int kMaxOperators = 2000;  // '+', '-', '*', '/' in one statement (a left-deep tree)

struct TooDeep {
  antlr4::Token* at;
};

// The grammar's parser, counting the `unary` rules in progress around a new
// one (each bracket, call argument and sign nests one more): past
// kMaxNesting it stops with TooDeep at the token that went too deep.
class NestingParser : public NncParser {
 public:
  using NncParser::NncParser;
  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    if (rule == RuleUnary) {
      int depth = 1;
      for (antlr4::tree::ParseTree* c = getContext(); c; c = c->parent) {
        auto* r = dynamic_cast<antlr4::ParserRuleContext*>(c);
        if (r && r->getRuleIndex() == RuleUnary && ++depth > kMaxNesting) throw TooDeep{getCurrentToken()};
      }
    }
    NncParser::enterRule(ctx, state, rule);
  }
};

// Walks the parse tree (known to be free of syntax errors) into the AST. A
// statement with more than kMaxOperators operators stops it with TooDeep.
class AstBuilder {
 public:
  explicit AstBuilder(std::string file) : file_(std::move(file)) {}

  ast::Module build(NncParser::FileContext* ctx) {
    ast::Module m;
    m.file = file_;
    for (auto* top : ctx->topLevel()) {
      if (auto* imp = top->importDecl()) {
        ast::Import i{loc(imp), ""};
        if (imp->STRING()) i.target = unquote(imp->STRING()->getText());
        else i.target = imp->qualifiedName()->getText();
        m.imports.push_back(std::move(i));
      } else if (auto* model = top->modelDecl()) {
        m.models.push_back(build_model(model));
      } else if (auto* block = top->blockDecl()) {
        m.blocks.push_back(build_block(block));
      } else if (auto* train = top->trainDecl()) {
        ast::Train t{loc(train), {}};
        for (auto* item : train->trainItem())
          t.items.push_back({loc(item), item->key->getText(), expr(item->expr())});
        m.trains.push_back(std::move(t));
      }
    }
    return m;
  }

 private:
  SourceLoc loc(antlr4::ParserRuleContext* ctx) const { return loc(ctx->getStart()); }
  SourceLoc loc(antlr4::Token* t) const { return {file_, int(t->getLine()), int(t->getCharPositionInLine()) + 1}; }

  static std::string unquote(const std::string& s) {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      if (s[i] == '\\' && i + 2 < s.size()) ++i;
      out += s[i];
    }
    return out;
  }

  ast::TensorType tensor_type(NncParser::TensorTypeContext* ctx) {
    ast::TensorType t{loc(ctx), ctx->elem->getText(), {}};
    // strtoll saturates out-of-range numbers; Sema reports them as too large.
    for (auto* d : ctx->INT()) t.dims.push_back(std::strtoll(d->getText().c_str(), nullptr, 10));
    return t;
  }

  ast::Model build_model(NncParser::ModelDeclContext* ctx) {
    ast::Model m{loc(ctx->name), ctx->name->getText(), {}};
    for (auto* item : ctx->modelItem()) {
      ast::ModelItem it;
      it.loc = loc(item);
      if (auto* c = dynamic_cast<NncParser::InputDeclContext*>(item)) {
        it.kind = ast::ModelItem::Kind::Input, it.name = c->name->getText(), it.type = tensor_type(c->tensorType());
        it.loc = loc(c->name);
      } else if (auto* c = dynamic_cast<NncParser::TargetDeclContext*>(item)) {
        it.kind = ast::ModelItem::Kind::Target, it.name = c->name->getText();
        if (c->tensorType()) it.type = tensor_type(c->tensorType());  // none: target x, the input itself
        it.loc = loc(c->name);
      } else if (auto* c = dynamic_cast<NncParser::LetDeclContext*>(item)) {
        it.kind = ast::ModelItem::Kind::Let, it.name = c->name->getText(), it.value = expr(c->expr());
      } else if (auto* c = dynamic_cast<NncParser::LossDeclContext*>(item)) {
        it.kind = ast::ModelItem::Kind::Loss, it.value = expr(c->expr());
      } else if (auto* c = dynamic_cast<NncParser::OutputDeclContext*>(item)) {
        it.kind = ast::ModelItem::Kind::Output, it.value = expr(c->expr());
      }
      m.items.push_back(std::move(it));
    }
    return m;
  }

  ast::Block build_block(NncParser::BlockDeclContext* ctx) {
    ast::Block b;
    b.loc = loc(ctx->name);
    b.name = ctx->name->getText();
    if (auto* ps = ctx->blockParams())
      for (auto* p : ps->blockParam())
        b.params.push_back({loc(p), p->name->getText(), p->type->getText(), p->expr() ? expr(p->expr()) : nullptr});
    for (auto* id : ctx->valueParams()->ID()) b.inputs.push_back(id->getText());
    for (auto* item : ctx->blockItem()) {
      if (auto* let = dynamic_cast<NncParser::BlockLetContext*>(item)) {
        b.lets.push_back({loc(let), let->name->getText(), expr(let->expr())});
      } else if (auto* ret = dynamic_cast<NncParser::BlockReturnContext*>(item)) {
        b.result = expr(ret->expr());
        b.result_loc = loc(ret);
      }
    }
    return b;
  }

  ast::ExprPtr make(ast::Expr::Kind kind, SourceLoc l) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->loc = std::move(l);
    return e;
  }

  ast::ExprPtr expr(NncParser::ExprContext* ctx) {
    if (expr_depth_ == 0) operators_ = 0;  // a statement's expression begins
    struct Nested {
      int& depth;
      explicit Nested(int& d) : depth(++d) {}
      ~Nested() { --depth; }
    } nested(expr_depth_);
    auto stages = ctx->additive();
    if (stages.size() == 1) return additive(stages[0]);
    auto chain = make(ast::Expr::Kind::Chain, loc(ctx));
    for (auto* s : stages) chain->items.push_back(additive(s));
    return chain;
  }

  template <class Operand, class Ctx, class Fn>
  ast::ExprPtr left_assoc(Ctx* ctx, const std::vector<Operand*>& operands, Fn&& operand) {
    ast::ExprPtr result = operand(operands[0]);
    for (size_t i = 1; i < operands.size(); ++i) {
      if (++operators_ > kMaxOperators) throw TooDeep{ctx->op[i - 1]};
      auto bin = make(ast::Expr::Kind::Binary, loc(ctx->op[i - 1]));
      bin->op = ctx->op[i - 1]->getText()[0];
      bin->items.push_back(std::move(result));
      bin->items.push_back(operand(operands[i]));
      result = std::move(bin);
    }
    return result;
  }

  ast::ExprPtr additive(NncParser::AdditiveContext* ctx) {
    return left_assoc(ctx, ctx->multiplicative(), [this](auto* m) { return multiplicative(m); });
  }
  ast::ExprPtr multiplicative(NncParser::MultiplicativeContext* ctx) {
    return left_assoc(ctx, ctx->unary(), [this](auto* u) { return unary(u); });
  }

  ast::ExprPtr unary(NncParser::UnaryContext* ctx) {
    if (auto* neg = dynamic_cast<NncParser::NegateContext*>(ctx)) {
      ast::ExprPtr operand = unary(neg->unary());
      // Fold "-3" into a number so literal weights read naturally.
      if (operand->kind == ast::Expr::Kind::Number) {
        operand->number = -operand->number;
        operand->loc = loc(neg);
        return operand;
      }
      auto e = make(ast::Expr::Kind::Negate, loc(neg));
      e->items.push_back(std::move(operand));
      return e;
    }
    return primary(static_cast<NncParser::PlainContext*>(ctx)->primary());
  }

  ast::ExprPtr primary(NncParser::PrimaryContext* ctx) {
    if (auto* c = dynamic_cast<NncParser::NumberLitContext*>(ctx)) {
      auto e = make(ast::Expr::Kind::Number, loc(c));
      e->number = std::strtod(c->NUMBER()->getText().c_str(), nullptr);  // saturates to inf
      return e;
    }
    if (auto* c = dynamic_cast<NncParser::IntLitContext*>(ctx)) {
      auto e = make(ast::Expr::Kind::Number, loc(c));
      e->number = std::strtod(c->INT()->getText().c_str(), nullptr);
      e->is_integer = true;
      return e;
    }
    if (auto* c = dynamic_cast<NncParser::StringLitContext*>(ctx)) {
      auto e = make(ast::Expr::Kind::String, loc(c));
      e->text = unquote(c->STRING()->getText());
      return e;
    }
    if (auto* c = dynamic_cast<NncParser::CallContext*>(ctx)) {
      auto e = make(ast::Expr::Kind::Call, loc(c));
      e->text = c->qualifiedName()->getText();
      if (auto* args = c->arguments())
        for (auto* a : args->argument()) {
          e->arg_names.push_back(a->name ? a->name->getText() : "");
          e->arg_locs.push_back(a->name ? loc(a->name) : loc(a));
          e->items.push_back(expr(a->expr()));
        }
      return e;
    }
    if (auto* c = dynamic_cast<NncParser::NameRefContext*>(ctx)) {
      auto e = make(ast::Expr::Kind::Name, loc(c));
      e->text = c->qualifiedName()->getText();
      return e;
    }
    if (auto* c = dynamic_cast<NncParser::ParensContext*>(ctx)) return expr(c->expr());
    auto* c = static_cast<NncParser::ListLitContext*>(ctx);
    auto e = make(ast::Expr::Kind::List, loc(c));
    for (auto* item : c->expr()) e->items.push_back(expr(item));
    return e;
  }

  std::string file_;
  int expr_depth_ = 0;  // expr() calls in progress: 0 between statements
  int operators_ = 0;   // binary operators of the statement being built
};

}  // namespace

std::optional<ast::Module> parse_module(const std::string& file, const std::string& text, Diagnostics& diags) {
  diags.add_source(file, text);
  std::unique_ptr<antlr4::ANTLRInputStream> stream;
  try {
    stream = std::make_unique<antlr4::ANTLRInputStream>(text);
  } catch (const std::exception&) {  // ANTLR decodes UTF-8 and throws on bad bytes
    diags.error(SourceLoc{file, 0, 0}, "the file is not UTF-8 text; save it as UTF-8");
    return std::nullopt;
  }
  antlr4::ANTLRInputStream& input = *stream;
  NncLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  NestingParser parser(&tokens);
  SyntaxErrorListener listener(file, text, diags);
  lexer.removeErrorListeners();
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  auto too_deep = [&](const TooDeep& e, const std::string& what) {
    diags.error(SourceLoc{file, int(e.at->getLine()), int(e.at->getCharPositionInLine()) + 1},
                what + "; give the inner parts names of their own (h = ..., then use h)");
    return std::nullopt;
  };
  int errors_before = diags.error_count();
  NncParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const TooDeep& e) {
    return too_deep(e, "brackets, calls and signs nested more than " + std::to_string(kMaxNesting) + " deep");
  }
  if (diags.error_count() > errors_before) return std::nullopt;
  try {
    return AstBuilder(file).build(tree);
  } catch (const TooDeep& e) {
    return too_deep(e, "more than " + std::to_string(kMaxOperators) + " operators in one statement");
  }
}

}  // namespace nnc
