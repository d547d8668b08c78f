// The layer and loss tables (see Layers.h) and each layer's rule.
#include "compiler/frontend/Layers.h"

#include <algorithm>
#include <cmath>

namespace nnc::sema {
namespace {

using ast::Expr;
using ir::Op;

ir::Init init_of_kind(ir::Init::Kind kind) {
  ir::Init init;
  init.kind = kind;
  return init;
}

// A parameter's initialiser: zeros, glorot, he, uniform(lo, hi), normal(std),
// a number (every element), a list literal of the parameter's shape (or its
// flattening), or `off` (bias only: no parameter).
std::optional<ir::Init> init_of(ModelBuilder& b, const std::map<std::string, Const>& args, const std::string& key,
                                ir::Init fallback, const std::vector<int64_t>& shape) {
  auto it = args.find(key);
  if (it == args.end()) return fallback;
  const Const& c = it->second;
  ir::Init init;
  std::string shape_text = ir::f32(shape).str();
  int64_t count = ir::f32(shape).elements();
  switch (c.kind) {
    case Const::Kind::Number: init.kind = ir::Init::Kind::Constant, init.a = c.number; return init;
    case Const::Kind::Symbol: {
      static const std::map<std::string, ir::Init::Kind> named = {
          {"zeros", ir::Init::Kind::Zeros}, {"glorot", ir::Init::Kind::Glorot}, {"he", ir::Init::Kind::He}};
      if (c.text == "off" && key == "bias") {
        init.kind = ir::Init::Kind::Constant, init.a = std::nan("");
        return init;
      }
      auto n = named.find(c.text);
      if (n != named.end()) return init_of_kind(n->second);
      b.diags().error(c.loc, "unknown initialiser '" + c.text + "'" +
                              did_you_mean(c.text, {"zeros", "glorot", "he", "uniform", "normal", "off"}) +
                              "; use zeros, glorot, he, uniform(lo, hi), normal(std), a number or a list");
      return std::nullopt;
    }
    case Const::Kind::Call: {
      bool numbers = true;
      for (const Const& a : c.items) numbers = numbers && a.kind == Const::Kind::Number;
      if (c.text == "uniform" && c.items.size() == 2 && numbers && c.items[0].number < c.items[1].number) {
        init.kind = ir::Init::Kind::Uniform, init.a = c.items[0].number, init.b = c.items[1].number;
        return init;
      }
      if (c.text == "normal" && c.items.size() == 1 && numbers && c.items[0].number > 0) {
        init.kind = ir::Init::Kind::Normal, init.a = c.items[0].number;
        return init;
      }
      b.diags().error(c.loc, "bad initialiser " + c.text + "(...); use uniform(lo, hi) with lo < hi or normal(std) with std > 0");
      return std::nullopt;
    }
    case Const::Kind::List: {
      std::vector<int64_t> list_shape;
      init.kind = ir::Init::Kind::Literal;
      bool rectangular = flatten_list(c, init.values, list_shape, 0);
      if (!rectangular) {
        b.diags().error(c.loc, "the " + key + " list is not rectangular; every row needs the same length");
        return std::nullopt;
      }
      if (int64_t(init.values.size()) != count || (list_shape.size() > 1 && list_shape != shape)) {
        b.diags().error(c.loc, "the " + key + " list has shape " + ir::f32(list_shape).str() + ", the layer needs " +
                                shape_text + " (" + std::to_string(count) + " values)");
        return std::nullopt;
      }
      return init;
    }
    case Const::Kind::String:
      b.diags().error(c.loc, "an initialiser is not a string; use zeros, glorot, he, uniform(lo, hi), a number or a list");
      return std::nullopt;
  }
  return std::nullopt;
}

// A weighted layer's l1 = X, l2 = X (its weights' own penalties, the
// run-time settings LAYER.l1 and LAYER.l2) and frozen = on (never
// trained). Returns whether the layer is frozen.
std::optional<bool> layer_settings(ModelBuilder& b, const std::map<std::string, Const>& bound, const std::string& layer) {
  bool frozen = false, ok = true;
  for (const char* key : {"l1", "l2"}) {
    auto it = bound.find(key);
    if (it == bound.end()) continue;
    if (it->second.kind != Const::Kind::Number || it->second.number < 0) {
      b.diags().error(it->second.loc, std::string(key) + " is a non-negative number: " + key + " = 0.0001");
      ok = false;
      continue;
    }
    b.program().train.hypers[layer + "." + key] = it->second.number;
  }
  auto frozen_arg = bound.find("frozen");
  if (frozen_arg != bound.end()) {
    auto on = on_off(frozen_arg->second, "frozen", b.diags());
    if (!on) ok = false;
    else frozen = *on;
  }
  if (!ok) return std::nullopt;
  return frozen;
}

// A layer's parameters and ops: the weight (initialised with the fans
// Glorot and He need), the op applying it, and the bias - one per output
// feature or channel - unless bias = off.
int weighted_layer(ModelBuilder& b, int v, Op op, const std::string& what, const std::string& name,
                   const std::vector<int64_t>& w_shape, int64_t fan_in, int64_t fan_out,
                   const std::map<std::string, Const>& bound, const SourceLoc& loc, std::vector<int64_t> attrs) {
  const int64_t n_out = op == Op::MatMul || op == Op::ConvTranspose ? w_shape[1] : w_shape[0];  // [in, out, ...] or [out, in, ...]
  if (ir::f32(w_shape).elements() > kMaxElements) {
    b.diags().error(loc, too_large("the weight " + ir::f32(w_shape).str()));
    return -1;
  }
  auto w_init = init_of(b, bound, "weight", init_of_kind(ir::Init::Kind::Glorot), w_shape);
  auto b_init = init_of(b, bound, "bias", init_of_kind(ir::Init::Kind::Zeros), {n_out});
  if (!w_init || !b_init) return -1;
  w_init->fan_in = fan_in, w_init->fan_out = fan_out;
  auto frozen = layer_settings(b, bound, name);
  if (!frozen) return -1;
  int w = b.program().graph.add_leaf(Op::Param, ir::f32(w_shape), name + ".weight", loc, *w_init);
  b.program().params.push_back(w);
  if (*frozen) b.program().frozen.push_back(w);
  int y = b.add(op, {v, w}, loc, what, std::move(attrs));
  if (b_init->kind == ir::Init::Kind::Constant && std::isnan(b_init->a)) return y;  // bias = off
  int bias = b.program().graph.add_leaf(Op::Param, ir::f32({n_out}), name + ".bias", loc, *b_init);
  b.program().params.push_back(bias);
  if (*frozen) b.program().frozen.push_back(bias);
  return b.add(Op::BiasAdd, {y, bias}, loc, what);
}

// The argument NAME of a layer that cannot do without it, or nullptr after an
// error at the stage that says how to give it (HOW).
const Const* required_arg(ModelBuilder& b, const LayerCall& c, const std::string& name, const std::string& how) {
  auto it = c.args.find(name);
  if (it != c.args.end()) return &it->second;
  b.diags().error(c.stage.loc, how);
  return nullptr;
}

// The image an image layer applies to: f32[B, channels, length] or
// f32[B, channels, height, width]; returns its number of spatial dims.
std::optional<size_t> image_dims(ModelBuilder& b, int v, const std::string& layer, const SourceLoc& loc) {
  const ir::Type& in = b.program().graph.node(v).type;
  if (!in.batched || in.dtype != ir::DType::F32 || in.dims.size() < 2 || in.dims.size() > 3) {
    b.diags().error(loc, layer + " needs an image f32[B, channels, height, width] or f32[B, channels, length], got " + in.str());
    return std::nullopt;
  }
  // The model's input straight into a convolution: a shape that is legal but
  // most likely an image written the way other tools write it.
  const ir::Node& node = b.program().graph.node(v);
  const std::vector<int64_t>& d = in.dims;
  if (node.op == ir::Op::Input && d.size() == 2 && d[0] == d[1] && d[0] >= 8)
    b.diags().warning(loc, layer + " reads '" + node.name + "' " + in.str() + " as " + std::to_string(d[0]) +
                               " channels of a 1-D signal of length " + std::to_string(d[1]) +
                               "; if it is an image, give it its channels first: f32[1, " + std::to_string(d[0]) +
                               ", " + std::to_string(d[1]) + "]");
  if (node.op == ir::Op::Input && d.size() == 3 && (d[2] == 1 || d[2] == 3) && d[0] > 4 && d[1] > 4)
    b.diags().warning(loc, layer + " reads '" + node.name + "' " + in.str() + " as " + std::to_string(d[0]) +
                               " channels of " + std::to_string(d[1]) + "x" + std::to_string(d[2]) +
                               " images; if the last dimension holds the channels, write them first: f32[" +
                               std::to_string(d[2]) + ", " + std::to_string(d[0]) + ", " + std::to_string(d[1]) + "]");
  return in.dims.size() - 1;
}

// dense(units, weight = glorot, bias = zeros, name = "...")
int dense(ModelBuilder& b, const LayerCall& c) {
  const int v = c.input;
  const Expr& stage = c.stage;
  const std::map<std::string, Const>* bound = &c.args;
  auto units = bound->find("units");
  if (units == bound->end() || units->second.kind != Const::Kind::Number || !units->second.is_integer ||
      units->second.number < 1) {
    b.diags().error(units == bound->end() ? stage.loc : units->second.loc,
                 "dense needs a positive number of units: dense(10)");
    return -1;
  }
  const ir::Type& in = b.program().graph.node(v).type;
  if (!in.batched || in.dims.size() != 1 || in.dtype != ir::DType::F32) {
    // An image (or signal) into dense: the course's networks flatten first.
    const bool image = in.batched && in.dims.size() > 1 && in.dtype == ir::DType::F32;
    b.diags().error(stage.loc, "dense needs a flat input f32[B, n], got " + in.str() +
                                   (image ? "; add flatten before it: -> flatten -> dense(...)" : ""));
    return -1;
  }
  if (units->second.number > double(kMaxElements)) {  // before it is made an integer
    b.diags().error(units->second.loc, too_large("a weight f32[" + std::to_string(in.dims[0]) + ", ...]"));
    return -1;
  }
  int64_t n_in = in.dims[0], n_out = int64_t(units->second.number);
  std::optional<std::string> layer = b.layer_name(c.scope, "dense", *bound, stage.loc);
  if (!layer) return -1;
  return weighted_layer(b, v, Op::MatMul, "dense", *layer, {n_in, n_out}, n_in, n_out, *bound, stage.loc, {});
}

// The arguments conv and conv_transpose share: channels, kernel, stride and
// pad (a number, one per spatial dimension, or `same`).
struct ConvGeometry {
  int64_t channels = 0;
  std::vector<int64_t> kernel, stride, pad;
  int64_t taps = 1;  // the kernel's size
  // The convolution's attrs: the strides, then the pads.
  std::vector<int64_t> strides_and_pads() const {
    std::vector<int64_t> attrs = stride;
    attrs.insert(attrs.end(), pad.begin(), pad.end());
    return attrs;
  }
};

std::optional<ConvGeometry> conv_geometry(ModelBuilder& b, const LayerCall& c, const std::string& kind) {
  const int v = c.input;
  const Expr& stage = c.stage;
  const std::map<std::string, Const>* bound = &c.args;
  auto channels = bound->find("channels");
  auto kernel = bound->find("kernel");
  if (channels == bound->end() || kernel == bound->end()) {
    b.diags().error(stage.loc, kind + " needs output channels and a kernel size: " + kind + "(6, kernel = 5)");
    return std::nullopt;
  }
  auto n = image_dims(b, v, kind, stage.loc);
  if (!n) return std::nullopt;
  const std::string on = "; the input is " + b.program().graph.node(v).type.str();
  auto out_channels = per_dim(channels->second, 1, "the number of channels", 1, on, b.diags());
  auto k = per_dim(kernel->second, *n, "the kernel size", 1, on, b.diags());
  auto stride = per_dim(bound->count("stride") ? bound->at("stride") : integer(1), *n, "the stride", 1, on, b.diags());
  std::optional<std::vector<int64_t>> pad;
  auto pad_arg = bound->find("pad");
  if (pad_arg != bound->end() && pad_arg->second.kind == Const::Kind::Symbol && pad_arg->second.text == "same") {
    // Keeps the size at stride 1: (k - 1) / 2 on each side, for odd kernels.
    if (k) {
      pad.emplace();
      for (int64_t kd : *k) pad->push_back((kd - 1) / 2);
      if (std::any_of(k->begin(), k->end(), [](int64_t kd) { return kd % 2 == 0; })) {
        b.diags().error(pad_arg->second.loc, "pad = same needs an odd kernel size; give the padding as a number");
        pad.reset();
      }
    }
  } else {
    pad = per_dim(pad_arg != bound->end() ? pad_arg->second : integer(0), *n, "the padding", 0, on, b.diags());
  }
  if (!out_channels || !k || !stride || !pad) return std::nullopt;
  ConvGeometry g{(*out_channels)[0], *k, *stride, *pad};
  for (int64_t kd : g.kernel) g.taps *= kd;
  return g;
}

// conv(channels, kernel = k, stride = 1, pad = 0 | same, weight = glorot, bias = zeros, name = "...")
int conv(ModelBuilder& b, const LayerCall& c) {
  const std::optional<ConvGeometry> g = conv_geometry(b, c, "conv");
  if (!g) return -1;
  const ir::Type& in = b.program().graph.node(c.input).type;
  std::vector<int64_t> w_shape{g->channels, in.dims[0]};
  w_shape.insert(w_shape.end(), g->kernel.begin(), g->kernel.end());
  std::optional<std::string> layer = b.layer_name(c.scope, "conv", c.args, c.stage.loc);
  if (!layer) return -1;
  return weighted_layer(b, c.input, Op::Conv, "conv", *layer, w_shape, in.dims[0] * g->taps, g->channels * g->taps,
                        c.args, c.stage.loc, g->strides_and_pads());
}

// conv_transpose(channels, kernel = k, stride = 1, pad = 0 | same,
// output_padding = 0, ...): the transpose of conv, which multiplies the
// size by the stride: out = (in - 1) stride - 2 pad + kernel + output_padding
// (PyTorch's ConvTranspose; its weight is [in channels, out channels, kernel...]).
int conv_transpose(ModelBuilder& b, const LayerCall& c) {
  const std::optional<ConvGeometry> g = conv_geometry(b, c, "conv_transpose");
  if (!g) return -1;
  const ir::Type& in = b.program().graph.node(c.input).type;
  const size_t n = g->kernel.size();
  const std::string on = "; the input is " + in.str();
  auto extra = per_dim(c.args.count("output_padding") ? c.args.at("output_padding") : integer(0), n,
                       "the output padding", 0, on, b.diags());
  if (!extra) return -1;
  std::vector<int64_t> attrs = g->strides_and_pads();  // then the output's size
  for (size_t d = 0; d < n; ++d) {
    const int64_t size = (in.dims[1 + d] - 1) * g->stride[d] - 2 * g->pad[d] + g->kernel[d] + (*extra)[d];
    if ((*extra)[d] >= g->stride[d]) {
      b.diags().error(c.args.at("output_padding").loc,
                      "the output padding must be smaller than the stride (" + std::to_string(g->stride[d]) +
                          "): it adds the rows that a strided convolution of the output would not read");
      return -1;
    }
    if (size < 1) {
      b.diags().error(c.stage.loc, "conv_transpose's output would have size " + std::to_string(size) +
                                       "; use less padding" + on);
      return -1;
    }
    attrs.push_back(size);
  }
  std::vector<int64_t> w_shape{in.dims[0], g->channels};
  w_shape.insert(w_shape.end(), g->kernel.begin(), g->kernel.end());
  std::optional<std::string> layer = b.layer_name(c.scope, "conv_transpose", c.args, c.stage.loc);
  if (!layer) return -1;
  return weighted_layer(b, c.input, Op::ConvTranspose, "conv_transpose", *layer, w_shape, in.dims[0] * g->taps,
                        g->channels * g->taps, c.args, c.stage.loc, attrs);
}

// maxpool(window, stride = window), avgpool(window, stride = window)
int pool(ModelBuilder& b, const LayerCall& c) {
  const int v = c.input;
  const Expr& stage = c.stage;
  const std::string& kind = stage.text;
  const Const* window_arg = required_arg(b, c, "window", kind + " needs a window size: " + kind + "(2)");
  if (!window_arg) return -1;
  auto n = image_dims(b, v, kind, stage.loc);
  if (!n) return -1;
  const std::string on = "; the input is " + b.program().graph.node(v).type.str();
  auto window = per_dim(*window_arg, *n, "the window", 1, on, b.diags());
  auto stride = per_dim(c.args.count("stride") ? c.args.at("stride") : *window_arg, *n, "the stride", 1, on, b.diags());
  if (!window || !stride) return -1;
  std::vector<int64_t> attrs = *window;
  attrs.insert(attrs.end(), stride->begin(), stride->end());
  return b.add(kind == "maxpool" ? Op::MaxPool : Op::AvgPool, {v}, stage.loc, kind, attrs);
}

// upsample(scale): each value repeated `scale` times along each spatial
// dimension (nearest neighbour), to grow an image in a decoder.
int upsample(ModelBuilder& b, const LayerCall& c) {
  const Const* scale_arg = required_arg(b, c, "scale", "upsample needs a scale: upsample(2) doubles the height and the width");
  if (!scale_arg) return -1;
  auto n = image_dims(b, c.input, "upsample", c.stage.loc);
  if (!n) return -1;
  const std::string on = "; the input is " + b.program().graph.node(c.input).type.str();
  auto scale = per_dim(*scale_arg, *n, "the scale", 1, on, b.diags());
  if (!scale) return -1;
  return b.add(Op::Upsample, {c.input}, c.stage.loc, "upsample", *scale);
}

// global_avgpool: each channel's mean over all its positions, an image
// f32[B, C, H, W] (or f32[B, C, L]) to features f32[B, C] (a ResNet's head).
// An avgpool whose window is the whole image, then the channels as a row.
int global_avgpool(ModelBuilder& b, const LayerCall& c) {
  const Expr& stage = c.stage;
  if (c.has_args) {
    b.diags().error(stage.loc, "global_avgpool takes no arguments: the window is the whole image");
    return -1;
  }
  if (!image_dims(b, c.input, "global_avgpool", stage.loc)) return -1;
  const std::vector<int64_t> dims = b.program().graph.node(c.input).type.dims;  // C, then the spatial sizes
  std::vector<int64_t> attrs(dims.begin() + 1, dims.end());                    // the window: all of it
  attrs.insert(attrs.end(), dims.begin() + 1, dims.end());                     // the stride: the same
  const int pooled = b.add(Op::AvgPool, {c.input}, stage.loc, "global_avgpool", attrs);
  return b.add(Op::Reshape, {pooled}, stage.loc, "global_avgpool", {dims[0]});
}

// flatten: an image (or any shape) as one row of features per sample.
int flatten(ModelBuilder& b, const LayerCall& c) {
  const int v = c.input;
  const Expr& stage = c.stage;
  if (c.has_args) b.diags().error(stage.loc, "flatten takes no arguments");
  const ir::Type& in = b.program().graph.node(v).type;
  if (in.dims.size() <= 1) {
    b.diags().error(stage.loc, "flatten of " + in.str() + ", which is already flat; remove the flatten");
    return -1;
  }
  return b.add(Op::Reshape, {v}, stage.loc, "flatten", {in.elements()});
}

// reshape(shape): each sample's values in another shape with as many values,
// in the same (row-major) order: features to an image, [784] to [1, 28, 28],
// as a decoder needs. The inverse of flatten.
int reshape(ModelBuilder& b, const LayerCall& c) {
  const Const* shape_arg = required_arg(b, c, "shape", "reshape needs the shape of a sample: reshape([1, 28, 28])");
  if (!shape_arg) return -1;
  const Const& given = *shape_arg;
  const size_t rank = given.kind == Const::Kind::List ? given.items.size() : 1;
  if (rank < 1 || rank > 3) {
    b.diags().error(given.loc, "reshape's shape has 1 to 3 sizes (channels, height, width), got " +
                                   std::to_string(rank));
    return -1;
  }
  auto dims = per_dim(given, rank, "each size of the shape", 1, "", b.diags());
  if (!dims) return -1;
  const ir::Type& in = b.program().graph.node(c.input).type;
  int64_t values = 1;
  for (int64_t d : *dims) values *= d;
  if (values != in.elements()) {
    b.diags().error(given.loc, "reshape to " + ir::Type{in.dtype, true, *dims}.str() + " needs " +
                                   std::to_string(values) + " values per sample, but the input " + in.str() + " has " +
                                   std::to_string(in.elements()));
    return -1;
  }
  return b.add(Op::Reshape, {c.input}, c.stage.loc, "reshape", *dims);
}

// dropout(p): zeroes each value with probability p while training (the
// kept ones scaled by 1 / (1 - p)); the identity in predict and evaluate.
int dropout(ModelBuilder& b, const LayerCall& c) {
  const int v = c.input;
  const Expr& stage = c.stage;
  const std::map<std::string, Const>* bound = &c.args;
  auto p = bound->find("p");
  if (p == bound->end() || p->second.kind != Const::Kind::Number || p->second.number < 0 || p->second.number >= 1) {
    b.diags().error(p == bound->end() ? stage.loc : p->second.loc,
                 "dropout needs a probability in [0, 1) of dropping each value: dropout(0.5)");
    return -1;
  }
  return b.add(Op::Dropout, {v, b.dropout_seed(stage.loc)}, stage.loc, "dropout", {int64_t(std::llround(p->second.number * 1e6))});
}

// mask(p) and noise(std): a denoising autoencoder's corruption of its input
// (OpTable.cpp says when they act).
int corruption(ModelBuilder& b, const LayerCall& c, Op op, const std::string& name, double most, const char* how) {
  const Const* arg = required_arg(b, c, name == "mask" ? "p" : "std", how);
  if (!arg) return -1;
  if (arg->kind != Const::Kind::Number || arg->number < 0 || arg->number >= most) {
    b.diags().error(arg->loc, how);
    return -1;
  }
  return b.add(op, {c.input, b.dropout_seed(c.stage.loc)}, c.stage.loc, name,
               {int64_t(std::llround(arg->number * 1e6)), ModelBuilder::random_salt(c.stage.loc)});
}
int mask(ModelBuilder& b, const LayerCall& c) {
  return corruption(b, c, Op::Mask, "mask", 1, "mask needs a probability in [0, 1) of zeroing each value: mask(0.3)");
}
int noise(ModelBuilder& b, const LayerCall& c) {
  return corruption(b, c, Op::Noise, "noise", 1000,
                    "noise needs a standard deviation in [0, 1000) of the Gaussian noise it adds: noise(0.3)");
}

// An activation: its op applied to the input; linear is the identity (a
// linear neuron's output).
template <Op op>
int activation(ModelBuilder& b, const LayerCall& c) {
  if (c.has_args) b.diags().error(c.stage.loc, "'" + c.stage.text + "' takes no arguments");
  return b.add(op, {c.input}, c.stage.loc, c.stage.text);
}
int linear(ModelBuilder& b, const LayerCall& c) {
  if (c.has_args) b.diags().error(c.stage.loc, "'" + c.stage.text + "' takes no arguments");
  return c.input;
}

}  // namespace

const std::vector<LayerDef>& layers() {
  static const std::vector<LayerDef> table = {
      // name      parameters (positional order)                                                          activation, compile cost, build
      {"step",    {},                                                                                     true,  1,   activation<Op::Step>},
      {"sigmoid", {},                                                                                     true,  1,   activation<Op::Sigmoid>},
      {"tanh",    {},                                                                                     true,  1,   activation<Op::Tanh>},
      {"relu",    {},                                                                                     true,  1,   activation<Op::Relu>},
      {"linear",  {},                                                                                     true,  1,   linear},
      {"softmax", {},                                                                                     true,  1,   activation<Op::Softmax>},
      {"dense",   {"units", "weight", "bias", "name", "l1", "l2", "frozen"},                              false, 4,   dense},
      {"conv",    {"channels", "kernel", "stride", "pad", "weight", "bias", "name", "l1", "l2", "frozen"}, false, 12,  conv},
      {"conv_transpose", {"channels", "kernel", "stride", "pad", "output_padding", "weight", "bias", "name", "l1", "l2", "frozen"},
                                                                                                          false, 12,  conv_transpose},
      {"maxpool", {"window", "stride"},                                                                   false, 1,   pool},
      {"avgpool", {"window", "stride"},                                                                   false, 1,   pool},
      {"global_avgpool", {},                                                                              false, 1,   global_avgpool},
      {"upsample", {"scale"},                                                                             false, 1,   upsample},
      {"flatten", {},                                                                                     false, 1,   flatten},
      {"reshape", {"shape"},                                                                              false, 1,   reshape},
      {"dropout", {"p"},                                                                                  false, 1,   dropout},
      {"mask",    {"p"},                                                                                  false, 1,   mask},
      {"noise",   {"std"},                                                                                false, 1,   noise},
  };
  return table;
}

const LayerDef* find_layer(const std::string& name) {
  for (const LayerDef& l : layers())
    if (name == l.name) return &l;
  return nullptr;
}

const std::vector<LossDef>& losses() {
  static const std::vector<LossDef> table = {
      // name                    op                       class target
      {"squared_error",        Op::SquaredError,       false},
      {"mse",                  Op::MeanSquaredError,   false},
      {"binary_cross_entropy", Op::BinaryCrossEntropy, false},
      {"cross_entropy",        Op::CrossEntropy,       true},
  };
  return table;
}

const std::vector<PenaltyDef>& penalties() {
  static const std::vector<PenaltyDef> table = {
      // name          op                values weight argument usage
      {"l1_activity", Op::L1Activity, 1,     true,            "l1_activity(h, weight)"},
      {"kl_normal",   Op::KlNormal,   2,     false,           "kl_normal(mu, logvar)"},
  };
  return table;
}

const PenaltyDef* find_penalty(const std::string& name) {
  for (const PenaltyDef& p : penalties())
    if (name == p.name) return &p;
  return nullptr;
}

const LossDef* find_loss(const std::string& name) {
  for (const LossDef& l : losses())
    if (name == l.name) return &l;
  return nullptr;
}

}  // namespace nnc::sema
