// Roles travel with their nodes: a pass that renumbers the graph (dead code
// elimination) rewrites every role field that Program::for_each_role lists,
// and verify() checks each of them. Issue 8's bug: an unused value before a
// frozen layer left the frozen role pointing at the old node numbers.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/ir/OpTable.h"
#include "compiler/ir/Program.h"
#include "compiler/passes/Autodiff.h"
#include "compiler/passes/DeadCode.h"
#include "compiler/passes/Optimizer.h"

namespace {

using nnc::ir::Op;
using nnc::ir::Program;

// x -> (unused: relu, sigmoid); x -> dense(3, frozen) -> sigmoid -> dense(1): squared error.
Program model_with_unused_value() {
  Program p;
  nnc::ir::Graph& g = p.graph;
  p.input = g.add_leaf(Op::Input, nnc::ir::f32({2}, true), "x", {});
  p.target = g.add_leaf(Op::Target, nnc::ir::f32({1}, true), "t", {});
  g.add(Op::Sigmoid, {g.add(Op::Relu, {p.input}, {})}, {});  // unused
  int w0 = g.add_leaf(Op::Param, nnc::ir::f32({2, 3}), "dense0.weight", {});
  int b0 = g.add_leaf(Op::Param, nnc::ir::f32({3}), "dense0.bias", {});
  int h = g.add(Op::Sigmoid, {g.add(Op::BiasAdd, {g.add(Op::MatMul, {p.input, w0}, {}), b0}, {})}, {});
  int w1 = g.add_leaf(Op::Param, nnc::ir::f32({3, 1}), "dense1.weight", {});
  p.output = g.add(Op::MatMul, {h, w1}, {});
  p.loss = g.add(Op::SquaredError, {p.output, p.target}, {});
  p.params = {w0, b0, w1};
  p.frozen = {w0, b0};
  p.train.optimizer = "adam";  // states and derived scalars too
  return p;
}

// What each role names, independent of node numbers: per id, its op, name and type.
using Named = std::map<std::string, std::vector<std::tuple<std::string, std::string, std::string>>>;
Named named_roles(const Program& p) {
  Named named;
  p.for_each_role([&](const char* role, Program::RoleKind, const int* ids, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      if (ids[i] < 0) continue;
      const nnc::ir::Node& n = p.graph.node(ids[i]);
      named[role].emplace_back(nnc::ir::op_name(n.op), n.name, n.type.str());
    }
  });
  return named;
}

TEST(Roles, DeadCodeEliminationKeepsEveryRolesNodes) {
  Program p = model_with_unused_value();
  nnc::passes::differentiate(p);
  nnc::passes::add_optimizer_update(p);
  ASSERT_EQ(nnc::ir::verify(p), "");
  const Named before = named_roles(p);
  const int size_before = p.graph.size();
  nnc::passes::eliminate_dead_code(p);
  ASSERT_LT(p.graph.size(), size_before) << "nothing was removed, so nothing was renumbered";
  EXPECT_EQ(nnc::ir::verify(p), "");
  EXPECT_EQ(named_roles(p), before);
  ASSERT_EQ(p.frozen.size(), 2u);
  EXPECT_EQ(p.graph.node(p.frozen[0]).name, "dense0.weight");
  EXPECT_EQ(p.graph.node(p.frozen[1]).name, "dense0.bias");
}

TEST(Roles, EveryRoleFieldIsListed) {
  Program p = model_with_unused_value();
  nnc::passes::differentiate(p);
  nnc::passes::add_optimizer_update(p);
  std::vector<std::string> roles;
  p.for_each_role([&](const char* role, Program::RoleKind, const int*, size_t) { roles.push_back(role); });
  EXPECT_EQ(roles, (std::vector<std::string>{"input", "target", "loss", "loss_terms", "output", "params", "frozen", "grads", "states",
                                             "new_params", "new_states", "hypers"}));
}

TEST(Roles, VerifyChecksEveryRole) {
  Program p = model_with_unused_value();
  nnc::passes::differentiate(p);
  nnc::passes::add_optimizer_update(p);
  ASSERT_EQ(nnc::ir::verify(p), "");
  auto broken = [&](auto change) {
    Program q = p;
    change(q);
    return nnc::ir::verify(q);
  };
  EXPECT_EQ(broken([](Program& q) { q.frozen[0] = q.loss; }).rfind("frozen role names %", 0), 0u);
  EXPECT_EQ(broken([](Program& q) { q.hypers[0] = q.params[0]; }).rfind("hypers role names %", 0), 0u);
  EXPECT_EQ(broken([](Program& q) { q.states[0] = q.graph.size(); }).rfind("states role names %", 0), 0u);
  EXPECT_EQ(broken([](Program& q) { q.target = q.input; }).rfind("target role names %", 0), 0u);
  EXPECT_NE(broken([](Program& q) { q.hypers.pop_back(); }).find("is in no role"), std::string::npos);
  EXPECT_NE(broken([](Program& q) { q.state_params.pop_back(); }), "");
  EXPECT_NE(broken([](Program& q) { q.new_params.pop_back(); }), "");
  EXPECT_NE(broken([](Program& q) { std::swap(q.grads[0], q.grads[2]); }), "");
  // A frozen node must be one of the params.
  EXPECT_NE(broken([](Program& q) {
              q.frozen[0] = q.graph.add_leaf(Op::Param, nnc::ir::f32({1}), "stray", {});
            }), "");
}

}  // namespace
