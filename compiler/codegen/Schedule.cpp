#include "compiler/codegen/Schedule.h"

namespace nnc::codegen {
namespace {

using Halide::Func;
using Halide::TailStrategy;
using Halide::Var;
using ir::Schedule;

const char* why_materialised(const ir::Program& p, int id, const std::set<int>& outputs,
                             const std::vector<int>& users) {
  const ir::OpDef& def = ir::op_def(p.graph.node(id).op);
  if (outputs.count(id)) return "pipeline output";
  if (def.schedule == Schedule::Reduce || def.schedule == Schedule::Materialize ||
      def.schedule == Schedule::RowReduce)
    return "its op is always materialised";
  if (users.size() > 1) return "used more than once";
  const ir::Node& n = p.graph.node(id);
  if ((def.schedule == Schedule::Gemm || def.schedule == Schedule::Conv) && users.size() == 1 &&
      p.graph.node(users[0]).type != n.type)
    return "its consumer changes the shape, so it cannot hold the product's tile";
  if (users.size() == 1 && ir::op_def(p.graph.node(users[0]).op).schedule != Schedule::Elementwise)
    return "its consumer reads it many times";
  return nullptr;
}

// The largest number up to 8 that divides n: output channels computed
// together from one load of the input (each its own vector of accumulators).
int channel_tile(int64_t n) {
  for (int u = 8; u > 1; --u)
    if (n % u == 0) return u;
  return 1;
}

// The largest of 32, 16, 8 that divides n, else n itself when small (a
// single vector with lanes to spare), else 16 with a guarded tail.
int feature_tile(int64_t n, int vector_width) {
  for (int w : {2 * vector_width, vector_width, vector_width / 2})
    if (w > 0 && n % w == 0) return w;
  if (n <= 2 * vector_width) return int(n);
  return vector_width;
}

}  // namespace

void schedule_pipeline(const ir::Program& p, const std::vector<int>& nodes, const std::set<int>& outputs,
                       std::map<int, ir::Lowered>& funcs, const std::map<int, std::vector<Var>>& vars,
                       const Halide::Target& target, std::ostream* log) {
  const ir::Graph& g = p.graph;
  const int vector_width = target.natural_vector_size(Halide::Float(32));
  std::set<int> in_pipeline(nodes.begin(), nodes.end());
  std::map<int, std::vector<int>> users;
  for (int id : nodes)
    for (int in : g.node(id).inputs) users[in].push_back(id);

  // 1. Materialised or inlined.
  std::set<int> materialised;
  for (int id : nodes)
    if (const char* why = why_materialised(p, id, outputs, users[id])) {
      materialised.insert(id);
      if (log) *log << "  %" << id << " " << ir::op_name(g.node(id).op) << ": materialised (" << why << ")\n";
    }

  // The materialised node whose loop nest an inlined node ends up in.
  auto home_of = [&](int id) {
    while (!materialised.count(id)) id = users[id].front();
    return id;
  };

  // 2-3. Loop nests of materialised values.
  std::map<int, std::pair<Var, Var>> tile_of;  // materialised 2-D node -> (jo, io) tile loops
  for (int id : materialised) {
    Func f = funcs.at(id).value;
    const ir::Type& type = g.node(id).type;
    const std::vector<Var>& v = vars.at(id);
    f.compute_root();
    if (type.rank() == 2) {
      const int64_t features = type.dims.back();
      const int tile_j = feature_tile(features, vector_width);
      const int rows = 4;
      Var jo("jo"), ji("ji"), io("io"), ii("ii");
      f.split(v[1], io, ii, rows, TailStrategy::GuardWithIf)
          .split(v[0], jo, ji, tile_j, TailStrategy::GuardWithIf)
          .reorder(ji, ii, jo, io)
          .vectorize(ji)
          .unroll(ii)
          .parallel(io);
      tile_of[id] = {jo, io};
      if (log) *log << "  %" << id << ": tiles of " << tile_j << " features x " << rows << " rows, vectorized over features, parallel over rows\n";
    } else if (type.rank() >= 3) {
      // An image f(s.., c, b): rows of the innermost spatial dim in vectors,
      // a few channels at a time (unrolled), channels x batch in parallel.
      const int64_t width = type.dims.back();
      const size_t c = v.size() - 2;  // Halide index of the channels (a weight gradient: its inputs)
      const int64_t c_size = type.dims[type.dims.size() - 1 - c];
      const int tile_w = feature_tile(width, vector_width), unroll_c = channel_tile(c_size);
      Var wo("wo"), wi("wi"), co("co"), ci("ci"), outer("outer");
      f.split(v[0], wo, wi, tile_w, TailStrategy::GuardWithIf).split(v[c], co, ci, unroll_c);
      // The tile (a row segment x the unrolled channels) innermost, then the
      // rest of the row, the other rows, and channels x batch in parallel.
      std::vector<Halide::VarOrRVar> order{wi, ci, wo};
      for (size_t k = 1; k < c; ++k) order.push_back(v[k]);
      order.push_back(co);
      order.push_back(v.back());
      f.reorder(order).vectorize(wi).unroll(ci).fuse(co, v.back(), outer).parallel(outer);
      tile_of[id] = {wo, outer};
      if (log) *log << "  %" << id << ": rows of " << tile_w << " vectorized, " << unroll_c << " channels at a time, parallel over channels x batch\n";
    } else if (type.rank() >= 1) {
      const int64_t inner = type.batched && type.dims.empty() ? 0 : type.dims.back();
      if (inner >= vector_width) f.vectorize(v[0], vector_width, TailStrategy::GuardWithIf);
      if (type.rank() > 1) f.parallel(v.back());
      if (log) *log << "  %" << id << ": vectorized over its last dimension\n";
    }
    // A reduction's update: sum in the order that keeps the output vectorized.
    const ir::Lowered& l = funcs.at(id);
    const ir::Type& operand = g.node(g.node(id).inputs.empty() ? id : g.node(id).inputs[0]).type;
    if (g.node(id).op == ir::Op::BiasGrad && operand.dims.size() > 1) {
      // A bias gradient of an image: one sum per channel over every position.
      // Vector partial sums along rows (rfactor), the lanes added at the end.
      const int lanes = feature_tile(operand.dims.back(), vector_width);
      Halide::RVar row_outer("row_outer"), row_inner("row_inner");
      Var lane("lane");
      Func partial = f.update()
                         .split(l.reduction.x, row_outer, row_inner, lanes, TailStrategy::GuardWithIf)
                         .rfactor(row_inner, lane);
      partial.compute_root().reorder_storage(lane, v[0]).vectorize(lane).parallel(v[0]);
      partial.update().reorder(lane, row_outer, l.reduction.y, l.reduction.z, v[0]).vectorize(lane).parallel(v[0]);
      if (log) *log << "  %" << id << ": partial sums in vectors of " << lanes << " positions per channel\n";
    } else if (ir::op_def(g.node(id).op).schedule == Schedule::Reduce && f.has_update_definition() && type.rank() >= 1) {
      auto update = f.update();
      if (type.dims.back() >= vector_width) update.vectorize(v[0], vector_width, TailStrategy::GuardWithIf);
    }
  }

  // Matrix products: the accumulator lives in the register tile of the
  // materialised value that consumes the product.
  for (int id : nodes) {
    const ir::Lowered& l = funcs.at(id);
    Schedule kind = ir::op_def(g.node(id).op).schedule;
    if (kind != Schedule::Gemm && kind != Schedule::Conv) continue;
    int home = home_of(id);
    auto tile = tile_of.find(home);
    if (tile == tile_of.end()) throw std::runtime_error("a product without a tiled home");
    Func acc = l.accumulator;
    const std::vector<Var>& v = vars.at(id);
    if (kind == Schedule::Gemm) {
      acc.compute_at(funcs.at(home).value, tile->second.first).vectorize(v[0]).unroll(v[1]);
      acc.update().reorder(v[0], v[1], l.reduction.x).vectorize(v[0]).unroll(v[1]);
    } else if (g.node(id).op == ir::Op::ConvGradWeight) {
      // A kernel gradient is small (taps x channels) but sums over every
      // output position of the batch; its kernel rows are too short to fill
      // a vector. So the sum runs along output rows instead: per register
      // tile, one vector of partial sums per kernel column and channel
      // (rfactor, the lanes stored innermost), added up once at the end.
      const int64_t out_width = g.node(g.node(id).inputs[1]).type.dims.back();
      // One register per partial-sum vector: the largest divisor of the row
      // that fits, so kernel columns x channels of them stay in registers.
      int lanes = 1;
      for (int w = vector_width; w > 1 && lanes == 1; --w)
        if (out_width % w == 0) lanes = w;
      const size_t c = v.size() - 2;
      Halide::RVar row_outer("row_outer"), row_inner("row_inner");
      Var lane("lane");
      Func partial = acc.update()
                         .split(l.reduction.x, row_outer, row_inner, lanes, TailStrategy::GuardWithIf)
                         .rfactor(row_inner, lane);
      std::vector<Var> storage{lane};
      storage.insert(storage.end(), v.begin(), v.end());
      std::vector<Halide::VarOrRVar> order{lane, v[0], v[c], row_outer};
      for (int k = 1; k < l.reduction.dimensions(); ++k) order.push_back(l.reduction[k]);
      Func home_func = funcs.at(home).value;
      partial.compute_at(home_func, tile->second.first).reorder_storage(storage).vectorize(lane).unroll(v[0]).unroll(v[c]);
      partial.update().reorder(order).vectorize(lane).unroll(v[0]).unroll(v[c]);
      acc.compute_at(home_func, tile->second.first);
      if (log) *log << "  %" << id << " conv_grad_weight: partial sums in vectors of " << lanes << " output positions\n";
    } else {
      // Accumulators for one row tile x the unrolled channels; the taps loop
      // outside them, so each input load feeds every unrolled channel.
      const size_t c = v.size() - 2;
      std::vector<Halide::VarOrRVar> order{v[0], v[c]};
      for (int k = 0; k < l.reduction.dimensions(); ++k) order.push_back(l.reduction[k]);
      acc.compute_at(funcs.at(home).value, tile->second.first).vectorize(v[0]).unroll(v[c]);
      acc.update().reorder(order).vectorize(v[0]).unroll(v[c]);
    }
    if (log) {
      *log << "  %" << id << " " << ir::op_name(g.node(id).op) << ": accumulates in the register tile of %" << home;
      if (home != id) *log << " (fused: its epilogue is inlined there)";
      *log << "\n";
    }
  }
  (void)in_pipeline;
}

}  // namespace nnc::codegen
