#include "compiler/codegen/Schedule.h"

#include <optional>

namespace nnc::codegen {
namespace {

using Halide::Func;
using Halide::RVar;
using Halide::TailStrategy;
using Halide::Var;
using Halide::VarOrRVar;
using ir::Schedule;

// ---- 1. what is materialised ------------------------------------------------------

const char* why_materialised(const ir::Program& p, int id, const std::set<int>& outputs,
                             const std::map<int, std::vector<int>>& users_of) {
  static const std::vector<int> none;
  auto users = [&](int node) -> const std::vector<int>& {
    auto it = users_of.find(node);
    return it == users_of.end() ? none : it->second;
  };
  const ir::Node& n = p.graph.node(id);
  const Schedule kind = ir::op_def(n.op).schedule;
  if (outputs.count(id)) return "pipeline output";
  if (kind == Schedule::Reduce || kind == Schedule::Materialize || kind == Schedule::RowReduce ||
      kind == Schedule::KernelGrad)
    return "its op is always materialised";
  if (users(id).size() > 1) return "used more than once";
  if (users(id).empty()) return nullptr;
  if (kind == Schedule::Gemm || kind == Schedule::Conv) {
    // Its tile lives in the value its chain of single elementwise consumers
    // ends in; every link must keep the product's shape.
    for (int at = id;;) {
      const std::vector<int>& next = users(at);
      if (next.size() != 1 || outputs.count(at)) break;
      const ir::Node& user = p.graph.node(next[0]);
      if (ir::op_def(user.op).schedule != Schedule::Elementwise) break;
      if (user.type != n.type) return "a consumer changes the shape, so it cannot hold the product's tile";
      at = next[0];
    }
  }
  if (ir::op_def(p.graph.node(users(id)[0]).op).schedule != Schedule::Elementwise) return "its consumer reads it many times";
  return nullptr;
}

// ---- tile sizes ----------------------------------------------------------------------

// The vector registers of the target's ISA: 32 with AVX-512 (and on ARM),
// 16 with AVX2 or SSE. A register tile holds at most half of them as
// accumulators, the rest for the operands; past that, LLVM spills.
int vector_registers(const Halide::Target& target) {
  return target.arch != Halide::Target::X86 || target.has_feature(Halide::Target::AVX512) ? 32 : 16;
}

// The largest number up to 8 that divides n and keeps VECTORS x it
// accumulators within half the registers: output channels computed together
// from one load of the input (each its own row of accumulator vectors).
int channel_tile(int64_t n, int vectors, int registers) {
  for (int u = 8; u > 1; --u)
    if (n % u == 0 && vectors * u <= registers / 2) return u;
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

// The largest divisor of n that fits one vector register.
int register_lanes(int64_t n, int vector_width) {
  for (int w = vector_width; w > 1; --w)
    if (n % w == 0) return w;
  return 1;
}

// Splits a sum's innermost reduction dim into vectors of partial sums
// (rfactor), the lanes stored innermost; the caller places and orders them.
Func vector_partial_sums(Func f, const Halide::RDom& r, int lanes, Var lane) {
  RVar outer("row_outer"), inner("row_inner");
  return f.update().split(r.x, outer, inner, lanes, TailStrategy::GuardWithIf).rfactor(inner, lane);
}

struct Context {
  const ir::Program& p;
  std::map<int, ir::Lowered>& funcs;
  const std::map<int, std::vector<Var>>& vars;
  int vector_width;
  int registers;  // vector registers of the ISA (vector_registers)
  std::ostream* log;
  const std::set<int>& outputs;       // the pipeline's outputs
  const std::set<int>& materialised;  // every other node is inlined into its users
  std::map<int, Var> tile_loop;  // materialised node -> the loop its products' tiles live in

  void note(int id, const std::string& text) const {
    if (log) *log << "  %" << id << ": " << text << "\n";
  }
};

// ---- 2-3. loop nests of materialised values ------------------------------------------

// f(j, i): tiles of features (vectorized) x 4 rows (unrolled), parallel over rows.
void schedule_rows(Context& cx, int id) {
  Func f = cx.funcs.at(id).value;
  const std::vector<Var>& v = cx.vars.at(id);
  const int64_t features = cx.p.graph.node(id).type.dims.back();
  int tile_j = feature_tile(features, cx.vector_width);
  // Features that are not a whole number of vectors (120, 84) still take
  // whole vectors: the last tile shifts back to overlap the one before it.
  const bool shift_last = features % tile_j != 0 || (tile_j < cx.vector_width && features > cx.vector_width);
  if (shift_last) tile_j = features >= 2 * cx.vector_width ? 2 * cx.vector_width : cx.vector_width;
  const int rows = 4;
  Var jo("jo"), ji("ji"), io("io"), ii("ii");
  f.split(v[1], io, ii, rows, TailStrategy::GuardWithIf)
      .split(v[0], jo, ji, tile_j, shift_last ? TailStrategy::ShiftInwards : TailStrategy::GuardWithIf)
      .reorder(ji, ii, jo, io)
      .vectorize(ji)
      .unroll(ii)
      .parallel(io);
  cx.tile_loop[id] = jo;
  cx.note(id, "tiles of " + std::to_string(tile_j) + " features x " + std::to_string(rows) +
                  " rows, vectorized over features, parallel over rows");
}

// An image f(s.., c, b) (or a kernel gradient f(kw, kh, ci, co)): a row
// segment in vectors x a few channels (unrolled) innermost, then the rest of
// the row, the other rows, and channels x batch in parallel.
//
// Whether computing node id over more than its extent would read a pipeline
// output beyond its own, directly or through values inlined into it: an
// output's buffer has its exact size, and Halide stops the pipeline there.
bool reads_an_output(const Context& cx, int id) {
  for (int in : cx.p.graph.node(id).inputs)
    if (cx.outputs.count(in) || (!cx.materialised.count(in) && reads_an_output(cx, in))) return true;
  return false;
}

// Rows that are not a whole number of vectors (28, 14, 10 pixels) are
// computed in whole vectors (32, 16, 16) when the value is internal: the
// extra lanes cost nothing, while odd-sized vectors are assembled from pieces
// at every load. Pipeline outputs keep their exact size, and so do the values
// that read one (an MSE's gradient reads the output it compares).
void schedule_image(Context& cx, int id, bool is_output) {
  Func f = cx.funcs.at(id).value;
  const std::vector<Var>& v = cx.vars.at(id);
  const ir::Type& type = cx.p.graph.node(id).type;
  const size_t c = v.size() - 2;  // the channels' Halide index
  const int64_t width = type.dims.back();
  const bool round_up = !is_output && !reads_an_output(cx, id) && width > cx.vector_width / 2 && width % cx.vector_width != 0 &&
                        width <= 4 * cx.vector_width;
  const int tile_w = round_up ? int((width + cx.vector_width - 1) / cx.vector_width * cx.vector_width)
                              : feature_tile(width, cx.vector_width);
  const int vectors = std::max(1, tile_w / cx.vector_width);
  const int unroll_c = channel_tile(type.dims[type.dims.size() - 1 - c], vectors, cx.registers);
  // Narrow rows (one vector) give a product few accumulators per input load;
  // two rows at a time double them, where the registers hold both.
  const bool two_d = c == 2;
  const int rows =
      two_d && 2 * vectors * unroll_c <= cx.registers / 2 && type.dims[type.dims.size() - 2] % 2 == 0 ? 2 : 1;
  Var wo("wo"), wi("wi"), co("co"), ci("ci"), ho("ho"), hi("hi"), outer("outer");
  f.split(v[0], wo, wi, tile_w, round_up ? TailStrategy::RoundUp : TailStrategy::GuardWithIf).split(v[c], co, ci, unroll_c);
  std::vector<VarOrRVar> order{wi, ci};
  if (two_d) {
    f.split(v[1], ho, hi, rows);
    order.insert(order.end(), {hi, wo, ho});
  } else {
    order.push_back(wo);
  }
  order.push_back(co);
  order.push_back(v.back());
  f.reorder(order).vectorize(wi).unroll(ci).fuse(co, v.back(), outer).parallel(outer);
  if (two_d) f.unroll(hi);
  cx.tile_loop[id] = wo;
  cx.note(id, "rows of " + std::to_string(tile_w) + " vectorized, " + std::to_string(unroll_c) + " channels" +
                  (rows > 1 ? " x " + std::to_string(rows) + " rows" : std::string()) +
                  " at a time, parallel over channels x batch");
}

// A vector or small value: vectorized over its last dimension.
void schedule_flat(Context& cx, int id) {
  Func f = cx.funcs.at(id).value;
  const std::vector<Var>& v = cx.vars.at(id);
  const ir::Type& type = cx.p.graph.node(id).type;
  const int64_t inner = type.dims.empty() ? 0 : type.dims.back();
  if (inner >= cx.vector_width) f.vectorize(v[0], cx.vector_width, TailStrategy::GuardWithIf);
  if (type.rank() > 1) f.parallel(v.back());
  cx.note(id, "vectorized over its last dimension");
}

// A reduction's update, in the order that keeps its output vectorized. A
// bias gradient of an image (one sum per channel over every position of a
// 1-D or 2-D image) sums in vectors along rows instead, the lanes added at
// the end.
void schedule_reduction(Context& cx, int id) {
  const ir::Node& n = cx.p.graph.node(id);
  const ir::Lowered& l = cx.funcs.at(id);
  const std::vector<Var>& v = cx.vars.at(id);
  if (!l.value.has_update_definition() || n.type.rank() < 1) return;
  const ir::Type& operand = cx.p.graph.node(n.inputs[0]).type;
  if (n.op == ir::Op::BiasGrad && operand.dims.size() > 1) {
    const int lanes = feature_tile(operand.dims.back(), cx.vector_width);
    Var lane("lane");
    Func partial = vector_partial_sums(l.value, l.reduction, lanes, lane);
    // Lanes innermost, then the rest of each row, the other rows (2-D
    // images only) and the batch; the channel outermost, in parallel.
    std::vector<VarOrRVar> order{lane, RVar("row_outer")};
    for (int d = 1; d < l.reduction.dimensions(); ++d) order.push_back(l.reduction[d]);
    order.push_back(v[0]);
    partial.compute_root().reorder_storage(lane, v[0]).vectorize(lane).parallel(v[0]);
    partial.update().reorder(order).vectorize(lane).parallel(v[0]);
    cx.note(id, "partial sums in vectors of " + std::to_string(lanes) + " positions per channel");
  } else if (n.type.dims.back() >= cx.vector_width) {
    Func(l.value).update().vectorize(v[0], cx.vector_width, TailStrategy::GuardWithIf);
  }
}

// ---- products: accumulators in the register tile of their home -------------------------

void schedule_product(Context& cx, int id, int home) {
  const ir::Node& n = cx.p.graph.node(id);
  const ir::Lowered& l = cx.funcs.at(id);
  const std::vector<Var>& v = cx.vars.at(id);
  auto tile = cx.tile_loop.find(home);
  if (tile == cx.tile_loop.end()) throw std::runtime_error("a product without a tiled home");
  Func acc = l.accumulator, home_func = cx.funcs.at(home).value;
  const size_t c = v.size() - 2;
  if (ir::op_def(n.op).schedule == Schedule::Gemm) {
    // A register tile of features x rows; the sum loops outside it.
    acc.compute_at(home_func, tile->second).vectorize(v[0]).unroll(v[1]);
    acc.update().reorder(v[0], v[1], l.reduction.x).vectorize(v[0]).unroll(v[1]);
  } else if (n.op == ir::Op::ConvGradWeight) {
    // A kernel gradient is small (taps x channels) but sums over every output
    // position of the batch, and its kernel rows are too short to fill a
    // vector. So the sum runs along output rows: per register tile, one
    // vector of partial sums per kernel column and channel, added up at the end.
    const int lanes = register_lanes(cx.p.graph.node(n.inputs[1]).type.dims.back(), cx.vector_width);
    Var lane("lane");
    Func partial = vector_partial_sums(acc, l.reduction, lanes, lane);
    std::vector<Var> storage{lane};
    storage.insert(storage.end(), v.begin(), v.end());
    std::vector<VarOrRVar> order{lane, v[0], v[c], RVar("row_outer")};
    for (int k = 1; k < l.reduction.dimensions(); ++k) order.push_back(l.reduction[k]);
    partial.compute_at(home_func, tile->second).reorder_storage(storage).vectorize(lane).unroll(v[0]).unroll(v[c]);
    partial.update().reorder(order).vectorize(lane).unroll(v[0]).unroll(v[c]);
    acc.compute_at(home_func, tile->second);
    cx.note(id, "partial sums in vectors of " + std::to_string(lanes) + " output positions");
  } else {
    // A row segment x the unrolled channels; the taps loop outside them, so
    // each input load feeds every unrolled channel.
    std::vector<VarOrRVar> order{v[0], v[c]};
    if (c == 2) order.push_back(v[1]);  // the home's rows at a time
    for (int k = 0; k < l.reduction.dimensions(); ++k) order.push_back(l.reduction[k]);
    acc.compute_at(home_func, tile->second).vectorize(v[0]).unroll(v[c]);
    acc.update().reorder(order).vectorize(v[0]).unroll(v[c]);
    if (c == 2) acc.unroll(v[1]), acc.update().unroll(v[1]);
  }
  if (cx.log) {
    *cx.log << "  %" << id << " " << ir::op_name(n.op) << ": accumulates in the register tile of %" << home;
    if (home != id) *cx.log << " (fused: its epilogue is inlined there)";
    *cx.log << "\n";
  }
}

// A kernel gradient (lowered per image, summed over the batch). Chunks of
// images sum into their own copy in parallel (rfactor), the copies added at
// the end. Within an image, a register tile sums over the image's positions,
// in one of two shapes:
//  - many output channels: vectors of channels x every tap (or, for large
//    kernels, one kernel row). Each step loads one vector of dy per channel
//    vector and broadcasts one input value per tap; dy is copied per image
//    with its channels innermost, where the tiles read it from cache.
//  - few output channels (fewer than half a vector): vectors of output
//    positions along a row x a few channels x one kernel row, the lanes
//    added at the end. Each step loads a vector of dy per channel and a
//    shifted vector of the input per tap.
void schedule_kernel_gradient(Context& cx, int id) {
  constexpr int images_per_chunk = 8;
  const int max_accumulators = cx.registers * 3 / 4;  // the tile's operands are one vector and a broadcast
  const ir::Node& n = cx.p.graph.node(id);
  const ir::Type& type = n.type;  // [Cout, Cin, K...]
  const ir::Lowered& l = cx.funcs.at(id);
  const std::vector<Var>& v = cx.vars.at(id);  // Halide order: kernel dims, ci, co
  const size_t spatial = v.size() - 2;
  const Var &ci = v[spatial], &co = v[spatial + 1];
  int64_t taps = 1;
  for (size_t d = 2; d < type.dims.size(); ++d) taps *= type.dims[d];
  const int64_t channels = type.dims[0], kernel_row = type.dims.back();
  const int64_t dy_row = cx.p.graph.node(n.inputs[1]).type.dims.back();
  const bool by_positions = channels < cx.vector_width / 2 && dy_row >= cx.vector_width / 2;

  // The channels of one tile: vectors of them, or a few whole channels.
  int lanes = register_lanes(channels, cx.vector_width), vectors = 1, channel_tile = 0;
  if (by_positions) {
    for (int64_t t = channels; t >= 1 && !channel_tile; --t)
      if (channels % t == 0 && t * kernel_row <= max_accumulators) channel_tile = int(t);
    if (!channel_tile) channel_tile = 1;
    lanes = register_lanes(dy_row, cx.vector_width);
  } else {
    vectors = channels % (2 * lanes) == 0 && 2 * taps <= max_accumulators ? 2 : 1;
    channel_tile = lanes * vectors;
  }
  const bool whole_kernel = !by_positions && vectors * taps <= max_accumulators;

  Var chunk("chunk"), co_outer("co_outer"), co_inner("co_inner");
  RVar chunk_of_images("chunk_of_images"), image("image_in_chunk");
  Func value = l.value;
  Func partial = value.update()
                     .split(l.batch.x, chunk_of_images, image, images_per_chunk, TailStrategy::GuardWithIf)
                     .rfactor(chunk_of_images, chunk);
  std::vector<Var> storage{co};
  storage.insert(storage.end(), v.begin(), v.end() - 1);
  storage.push_back(chunk);
  partial.compute_root().reorder_storage(storage);
  std::vector<VarOrRVar> order{co_inner};
  order.insert(order.end(), v.begin(), v.end() - 2);
  for (VarOrRVar x : {VarOrRVar(ci), VarOrRVar(co_outer), VarOrRVar(image), VarOrRVar(chunk)}) order.push_back(x);
  Halide::Stage update = partial.update();
  update.split(co, co_outer, co_inner, channel_tile).reorder(order).parallel(chunk);
  if (!by_positions) update.vectorize(co_inner, lanes);
  update.unroll(co_inner);
  for (size_t d = 0; d < spatial; ++d) update.unroll(v[d]);

  Func per_image = l.accumulator;  // per_image(co, k..., ci, b)
  const std::vector<Var> pv = per_image.args();
  // The loop the tile is computed in: per input channel (every tap), or per kernel row.
  const Var tile_level = whole_kernel || (by_positions && spatial == 1) ? ci : v[spatial - 1];
  std::vector<VarOrRVar> tile_order{pv[0]};
  tile_order.insert(tile_order.end(), pv.begin() + 1, pv.begin() + 1 + int64_t(spatial));
  if (by_positions) {
    // dy is read where it lies (rows contiguous): no channels-last copy.
    Var lane("lane");
    Func lane_sums = vector_partial_sums(per_image, l.reduction, lanes, lane);
    per_image.compute_at(partial, tile_level);
    std::vector<VarOrRVar> lane_order{lane};
    lane_order.insert(lane_order.end(), tile_order.begin(), tile_order.end());
    lane_order.push_back(RVar("row_outer"));
    for (int d = 1; d < l.reduction.dimensions(); ++d) lane_order.push_back(l.reduction[d]);
    std::vector<Var> lanes_innermost{lane};
    lanes_innermost.insert(lanes_innermost.end(), pv.begin(), pv.end());
    lane_sums.compute_at(partial, tile_level).reorder_storage(lanes_innermost).vectorize(lane).unroll(pv[0]).unroll(pv[1]);
    lane_sums.update().reorder(lane_order).vectorize(lane).unroll(pv[0]).unroll(pv[1]);
  } else {
    per_image.compute_at(partial, tile_level).vectorize(pv[0], lanes).unroll(pv[0]);
    for (int d = 0; d < l.reduction.dimensions(); ++d) tile_order.push_back(l.reduction[d]);
    Halide::Stage sum = per_image.update();
    sum.reorder(tile_order).vectorize(pv[0], lanes).unroll(pv[0]);
    for (size_t d = 1; d <= spatial; ++d) {
      per_image.unroll(pv[d]);
      sum.unroll(pv[d]);
    }
    Func(l.channels_last).compute_at(partial, image).vectorize(l.channels_last.args()[0], lanes);
  }
  cx.note(id, by_positions ? "per image, a tile of vectors of " + std::to_string(lanes) + " positions x " +
                                 std::to_string(channel_tile) + " channels x one kernel row; chunks of " +
                                 std::to_string(images_per_chunk) + " images in parallel"
                           : "per image, a tile of " + std::to_string(vectors) + " x " + std::to_string(lanes) +
                                 " channels x " + (whole_kernel ? "every tap" : "one kernel row") + "; chunks of " +
                                 std::to_string(images_per_chunk) + " images in parallel");
}

// ---- helpers of lowering rules ---------------------------------------------------------

// A helper Func placed the CPU's way: computed once into its own buffer
// (compute_root), images also vectorized along rows and in parallel.
void place_helper(Context& cx, int id, const ir::Helper& h) {
  Func f = h.func;
  const std::vector<Var> v = f.args();
  f.compute_root();
  std::string how;
  switch (h.placement) {
    case ir::Placement::Total: how = "computed once, before its consumer reads it"; break;
    case ir::Placement::PerSample: how = "computed once per sample, not per value that reads it"; break;
    case ir::Placement::PaddedImage:
      f.vectorize(v[0], cx.vector_width, TailStrategy::GuardWithIf).parallel(v.back());
      how = "computed once, so the taps read it without bounds tests; rows vectorized by " +
            std::to_string(cx.vector_width) + ", parallel over the batch";
      break;
    case ir::Placement::PerWindow:
      f.parallel(v.back());
      how = "computed once per window, not per position it covers; parallel over the batch";
      break;
  }
  if (cx.log)
    *cx.log << "  %" << id << " " << ir::op_name(cx.p.graph.node(id).op) << ": helper " << f.name() << " (" << h.what
            << "): " << how << "\n";
}

// ---- the CPU policy ------------------------------------------------------------------

// A materialised value, by its op's schedule kind: a kernel gradient its own
// way, everything else by its shape (rows, images, flat values), with a
// reduction's update ordered to keep it vectorized.
void place_value(Context& cx, int id, bool is_output) {
  const ir::Node& n = cx.p.graph.node(id);
  Func(cx.funcs.at(id).value).compute_root();
  auto by_shape = [&] {
    if (n.type.rank() == 2) schedule_rows(cx, id);
    else if (n.type.rank() >= 3) schedule_image(cx, id, is_output);
    else if (n.type.rank() == 1) schedule_flat(cx, id);
  };
  switch (ir::op_def(n.op).schedule) {
    case Schedule::KernelGrad: schedule_kernel_gradient(cx, id); break;
    case Schedule::Reduce: by_shape(), schedule_reduction(cx, id); break;
    case Schedule::Gemm:
    case Schedule::Conv:
    case Schedule::Elementwise:
    case Schedule::RowReduce:
    case Schedule::Materialize: by_shape(); break;
    case Schedule::Leaf: break;  // leaves are buffers, not lowered
  }
}

// ---- the GPU policy ------------------------------------------------------------------
//
// Blocks and threads where the CPU has parallel loops and vectors: every
// stage of a materialised value (its definition and each update, over the
// update's pure variables) is tiled into 16 x 16 threads over its two
// innermost dimensions (columns x rows of an image), the rest in blocks; a
// 2-D value (features x rows) in 4 x 4 register tiles per thread; a vector
// in blocks of 256 threads; a scalar on one GPU thread. A matrix product or
// convolution keeps its running sums in registers of the thread that
// computes the value it is fused into. A sum over the batch (a loss, a bias
// or kernel gradient) is a block reduction: a block per value it produces,
// its threads each summing a share of the batch into shared memory. Correct
// on every GPU back end (CUDA, and OpenCL on PoCL in the tests). Operands of
// matrix products are not staged in shared memory (docs/language.md, the GPU
// section, says why).

constexpr int kGpuThreads = 16;  // per block dimension: 16 x 16 = 256 threads

// The update's pure variables: those it writes at f(v) (not a reduction's).
std::vector<Var> update_pure_vars(const Func& f, int update) {
  std::vector<Var> pure;
  for (const Halide::Expr& e : f.update_args(update))
    if (const auto* v = e.as<Halide::Internal::Variable>())
      for (const Var& arg : f.args())
        if (arg.name() == v->name) pure.push_back(arg);
  return pure;
}

// Tiles a stage over `v` (innermost first) into blocks and threads; returns
// the innermost thread variable, or nothing for a single thread.
std::optional<Var> gpu_tile_stage(Halide::Stage s, const std::vector<Var>& v) {
  if (v.empty()) {
    s.gpu_single_thread();
    return std::nullopt;
  }
  Var bx("bx"), by("by"), tx("tx"), ty("ty");
  if (v.size() == 1) {
    s.gpu_tile(v[0], bx, tx, kGpuThreads * kGpuThreads, TailStrategy::GuardWithIf);
    return tx;
  }
  s.gpu_tile(v[0], v[1], bx, by, tx, ty, kGpuThreads, kGpuThreads, TailStrategy::GuardWithIf);
  if (v.size() > 2) {  // channels x batch, and further dims: one block dimension
    Var rest = v[2];
    for (size_t d = 3; d < v.size(); ++d) {
      Var fused("fused_" + std::to_string(d));
      s.fuse(rest, v[d], fused);
      rest = fused;
    }
    s.gpu_blocks(rest);
  }
  return tx;
}

// Every stage of a Func computed into its own buffer, on the GPU.
std::optional<Var> gpu_tile_func(Func f) {
  f.compute_root();
  std::optional<Var> thread = gpu_tile_stage(f, f.args());
  for (int u = 0; u < f.num_update_definitions(); ++u) gpu_tile_stage(f.update(u), update_pure_vars(f, u));
  return thread;
}

// A sum over the batch as a block reduction: one block per value of f, its
// 128 threads each summing a share of the batch (the outermost dimension of
// f's sum) into its slot of shared memory, the shares then added by one
// thread. Returns the shares' Func and the loop over a thread's share, where
// a per-image term (a kernel gradient's product) is computed.
constexpr int kGpuReductionThreads = 128;

struct BlockSum {
  Func shares;
  RVar share;
};

BlockSum gpu_block_sum(Func f) {
  f.compute_root();
  gpu_tile_stage(f, f.args());  // the zeros
  const std::vector<RVar> r = f.rvars(0);
  RVar share("batch_share_outer"), thread_of_share("batch_share");
  Var thread("thread"), block("block"), single("single");
  Func shares = f.update()
                    .split(r.back(), share, thread_of_share, kGpuReductionThreads, TailStrategy::GuardWithIf)
                    .rfactor(thread_of_share, thread);
  Halide::Stage sum = f.update();
  const std::vector<Var> pure = update_pure_vars(f, 0);
  if (pure.empty()) {
    sum.split(Var::outermost(), block, single, 1).gpu_blocks(block);
  } else {
    block = pure[0];
    for (size_t d = 1; d < pure.size(); ++d) {
      Var fused("fused_" + std::to_string(d));
      sum.fuse(block, pure[d], fused);
      block = fused;
    }
    sum.gpu_blocks(block);
  }
  shares.compute_at(f, block).gpu_threads(thread);
  shares.update().gpu_threads(thread);
  return {shares, share};
}

// A 2-D value f(j, i) (features x rows): each GPU thread computes a 4 x 4
// register tile of it, 16 x 4 threads a block (64 features x 16 rows), so a
// matrix product fused into it loads 4 + 4 operands per 16 FMAs.
constexpr int kGpuRegisterTile = 4;

std::optional<Var> gpu_register_tiles(Func f) {
  const std::vector<Var> v = f.args();
  Var jo("jo"), io("io"), jt("jt"), it("it"), ji("ji"), ii("ii"), jb("jb"), ib("ib");
  f.compute_root()
      .split(v[0], jo, ji, kGpuRegisterTile, TailStrategy::GuardWithIf)
      .split(v[1], io, ii, kGpuRegisterTile, TailStrategy::GuardWithIf)
      .reorder(ji, ii, jo, io)
      .gpu_tile(jo, io, jb, ib, jt, it, kGpuThreads, kGpuRegisterTile, TailStrategy::GuardWithIf)
      .unroll(ji)
      .unroll(ii);
  for (int u = 0; u < f.num_update_definitions(); ++u) gpu_tile_stage(f.update(u), update_pure_vars(f, u));
  return jt;
}

void gpu_place_value(Context& cx, int id, bool) {
  const ir::Node& n = cx.p.graph.node(id);
  const ir::Lowered& l = cx.funcs.at(id);
  const Schedule kind = ir::op_def(n.op).schedule;
  if (kind == Schedule::KernelGrad || (kind == Schedule::Reduce && l.value.has_update_definition())) {
    BlockSum sum = gpu_block_sum(l.value);
    // A kernel gradient's per-image product sums over the image's positions
    // in a register of the thread whose share the image is in.
    if (kind == Schedule::KernelGrad) Func(l.accumulator).compute_at(sum.shares, sum.share);
    cx.note(id, std::string(kind == Schedule::KernelGrad ? "a GPU block per kernel tap x channel pair"
                                                         : "a GPU block per value") +
                    ", its " + std::to_string(kGpuReductionThreads) +
                    " threads each summing a share of the batch into shared memory, one thread adding the shares");
    return;
  }
  const bool tiles = n.type.rank() == 2;
  if (std::optional<Var> thread = tiles ? gpu_register_tiles(l.value) : gpu_tile_func(l.value))
    cx.tile_loop[id] = *thread;
  if (tiles) {
    cx.note(id, "GPU blocks of 16 x 4 threads, each computing a 4 x 4 register tile (features x rows)");
  } else if (n.type.rank() == 0) {
    cx.note(id, "one GPU thread");
  } else if (n.type.rank() == 1) {
    cx.note(id, "GPU blocks of 256 threads, one value each");
  } else {
    cx.note(id, "GPU blocks of 16 x 16 threads over its two innermost dimensions, one value each");
  }
}

void gpu_place_product(Context& cx, int id, int home) {
  const ir::Node& n = cx.p.graph.node(id);
  auto thread = cx.tile_loop.find(home);
  if (thread == cx.tile_loop.end()) throw std::runtime_error("a product without a GPU thread to live in");
  Func acc = cx.funcs.at(id).accumulator;
  acc.compute_at(cx.funcs.at(home).value, thread->second);
  const std::vector<Var> v = acc.args();
  const bool register_tile = ir::op_def(n.op).schedule == Schedule::Gemm && cx.p.graph.node(home).type.rank() == 2;
  if (register_tile) {  // the thread's 4 x 4 sums, unrolled, the sum's loop outside them
    acc.unroll(v[0]).unroll(v[1]);
    acc.update().reorder(v[0], v[1], cx.funcs.at(id).reduction.x).unroll(v[0]).unroll(v[1]);
  }
  if (cx.log) {
    *cx.log << "  %" << id << " " << ir::op_name(n.op) << ": accumulates in "
            << (register_tile ? "a 4 x 4 register tile" : "a register") << " of each GPU thread of %" << home;
    if (home != id) *cx.log << " (fused: its epilogue is inlined there)";
    *cx.log << "\n";
  }
}

void gpu_place_helper(Context& cx, int id, const ir::Helper& h) {
  // A batch's total (a loss's sum) is a block reduction; the other helpers
  // are values computed once, a thread each.
  const bool batch_sum = h.placement == ir::Placement::Total && Func(h.func).has_update_definition();
  if (batch_sum) gpu_block_sum(h.func);
  else gpu_tile_func(h.func);
  if (cx.log)
    *cx.log << "  %" << id << " " << ir::op_name(cx.p.graph.node(id).op) << ": helper " << Func(h.func).name() << " ("
            << h.what << "): "
            << (batch_sum ? "a GPU block of " + std::to_string(kGpuReductionThreads) +
                                " threads each summing a share of the batch into shared memory"
                          : std::string("computed once on the GPU, 16 x 16 threads per block"))
            << "\n";
}

// ---- the policies ----------------------------------------------------------------------

// ---- the plain policy ----------------------------------------------------------------
//
// For a pipeline that runs rarely and once (probe, after a divergence): each
// materialised value, accumulator and helper in a buffer of its own, in
// plain loops, parallel over the batch. No tiles, vectors or unrolling, so
// LLVM has a fraction of the code to compile.

void plain_place_value(Context& cx, int id, bool) {
  const ir::Lowered& l = cx.funcs.at(id);
  Func value = l.value;
  value.compute_root();
  if (cx.p.graph.node(id).type.batched) value.parallel(cx.vars.at(id).back());
  for (Func f : {l.accumulator, l.channels_last})
    if (f.defined()) f.compute_root();
  if (cx.log) *cx.log << "  %" << id << ": plain loops, parallel over the batch\n";
}

void plain_place_product(Context& cx, int id, int) {
  Func(cx.funcs.at(id).accumulator).compute_root();
  if (cx.log) *cx.log << "  %" << id << " " << ir::op_name(cx.p.graph.node(id).op) << ": accumulates in a buffer\n";
}

void plain_place_helper(Context& cx, int id, const ir::Helper& h) {
  Func(h.func).compute_root();
  if (cx.log) *cx.log << "  %" << id << ": helper " << h.func.name() << " (" << h.what << "): computed once\n";
}

// How a target places each kind of Func once step 1 has chosen what is
// materialised. The policy of a target, one function per kind of Func:
struct TargetPolicy {
  void (*value)(Context&, int id, bool is_output);  // a materialised value, by its op's kind
  void (*product)(Context&, int id, int home);      // a Gemm or Conv's accumulator, in its home
  void (*helper)(Context&, int id, const ir::Helper&);
};

// The one place a pipeline's policy is chosen: a GPU feature (CUDA, OpenCL)
// gets blocks and threads, every other target the CPU's tiles and vectors,
// or plain loops where compile time counts more than speed.
const TargetPolicy& policy_for(const Halide::Target& target, Care care) {
  static const TargetPolicy cpu{place_value, schedule_product, place_helper};
  static const TargetPolicy gpu{gpu_place_value, gpu_place_product, gpu_place_helper};
  static const TargetPolicy plain{plain_place_value, plain_place_product, plain_place_helper};
  if (target.has_gpu_feature()) return gpu;
  return care == Care::Speed ? cpu : plain;
}

}  // namespace

void schedule_pipeline(const ir::Program& p, const std::vector<int>& nodes, const std::set<int>& outputs,
                       std::map<int, ir::Lowered>& funcs, const std::map<int, std::vector<Var>>& vars,
                       const Halide::Target& target, Care care, std::ostream* log) {
  const ir::Graph& g = p.graph;
  std::map<int, std::vector<int>> users;
  for (int id : nodes)
    for (int in : g.node(id).inputs) users[in].push_back(id);

  // 1.
  std::set<int> materialised;
  for (int id : nodes)
    if (const char* why = why_materialised(p, id, outputs, users)) {
      materialised.insert(id);
      if (log) *log << "  %" << id << " " << ir::op_name(g.node(id).op) << ": materialised (" << why << ")\n";
    }

  // 2-3.
  const TargetPolicy& policy = policy_for(target, care);
  Context cx{p,   funcs,        vars, target.natural_vector_size(Halide::Float(32)), vector_registers(target),
             log, outputs, materialised, {}};
  for (int id : materialised) policy.value(cx, id, outputs.count(id) > 0);

  // Products live in the materialised node their (inlined) consumers lead to.
  for (int id : nodes) {
    const Schedule kind = ir::op_def(g.node(id).op).schedule;
    if (kind != Schedule::Gemm && kind != Schedule::Conv) continue;
    int home = id;
    while (!materialised.count(home)) home = users[home].front();
    policy.product(cx, id, home);
  }

  // The helper Funcs the lowering rules defined.
  for (int id : nodes)
    for (const ir::Helper& h : funcs.at(id).helpers) policy.helper(cx, id, h);
}

}  // namespace nnc::codegen
