// What nnc tells the runtime about a compiled model. nnc writes one of these
// as C++ (model_info.cpp in the build directory of each program) and links
// it with the runtime library; the runtime knows nothing else about the model.
#pragma once
#include <cstdint>

namespace nnc::rt {

enum class InitKind { Zeros, Constant, Uniform, Normal, Glorot, He, Literal };

struct ParamInfo {
  const char* name;       // "dense0.weight": the safetensors key
  int rank;
  int64_t dims[4];        // row-major
  InitKind init;
  double a, b;            // Constant: a; Uniform: [a, b); Normal: stddev a
  int64_t fan_in, fan_out;  // Glorot, He: the values each weight connects (kernel taps included)
  const float* literal;   // Literal: rank-product values
  const char* where;      // "model.nn:5:12", for messages
  bool frozen;            // frozen = on in the .nn file: training leaves it as it is
};

struct StateInfo {
  const char* name;       // "dense0.weight.velocity", "dense0.weight.moment1"
  int param;              // the param it has the shape of
};

// A run-time setting of training (lr, momentum, beta1, weight_decay, l2,
// ...) with its default from the .nn file (or the optimizer table) and the
// values it may take, [min, max] or [min, max); flags and tune --grid change it.
struct SettingInfo {
  const char* name;
  double default_value;
  double min, max;
  bool max_excluded;
};

// A run-time scalar of the train step, by name: lr, step (the step count t,
// from 1), dropout_seed, or a setting.
struct HyperInfo {
  const char* name;
};

// A value of the forward pass that the probe pipeline returns (per sample).
struct ProbeInfo {
  const char* op;     // "relu", "conv", ...
  const char* where;  // "model.nn:5:12": the layer it belongs to
  int rank;
  int64_t dims[4];
};

struct Augmentation {
  const char* name;  // flip, shift, crop, zoom, brightness, contrast, noise
  double strength;
};

enum class ArgKind { Input, Target, Param, State, Hyper, OutLoss, OutOutput, OutParam, OutState, OutProbe };

struct ArgInfo {
  ArgKind kind;
  int index;
};

// One AOT-compiled Halide pipeline, called through its argv entry point:
// buffers as halide_buffer_t*, scalars as pointers to their value.
struct PipelineInfo {
  int (*call)(void** args);
  int num_args;
  const ArgInfo* args;
};

struct TrainDefaults {
  const char* data;
  const char* test_data;
  const char* validation;  // a fraction ("0.1"), a data source, or "" for none
  const char* optimizer;   // sgd, adagrad, rmsprop, adam, adamw
  bool nesterov;
  int64_t batch, epochs;
  bool shuffle;
  uint64_t seed;
  bool standardize;
  const char* schedule;    // constant, step, cosine
  int64_t schedule_every;
  double schedule_gamma;
  int64_t early_stop;      // patience in epochs; 0: off
  int num_augment;
  const Augmentation* augment;
};

struct ModelInfo {
  const char* name;
  const char* source_file;
  int input_rank;           // per sample
  int64_t input_dims[4];
  int64_t classes;          // > 0: the target is a class index in [0, classes)
  int target_rank;          // f32 targets: their per-sample shape
  int64_t target_dims[4];
  int output_rank;          // the prediction's per-sample shape
  int64_t output_dims[4];
  bool output_is_probability;  // the prediction is softmax(logits)
  int num_params;
  const ParamInfo* params;
  int num_states;
  const StateInfo* states;
  int num_settings;
  const SettingInfo* settings;
  int num_hypers;
  const HyperInfo* hypers;
  PipelineInfo predict, evaluate, train_step;
  PipelineInfo probe;       // every forward value, for finding where training diverged
  int num_probes;
  const ProbeInfo* probes;
  TrainDefaults defaults;
  const char* target;       // the Halide target the pipelines were compiled for
};

// Values in a tensor of row-major `dims`.
inline int64_t elements(const int64_t* dims, int rank) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= dims[i];
  return n;
}

}  // namespace nnc::rt

// Defined in the generated model_info.cpp.
extern "C" const nnc::rt::ModelInfo* nnc_model_info();
