// What nnc tells the runtime about a compiled model. nnc writes one of these
// as C++ (MODEL_model.cpp, with the C API's entry points, compiled into each
// generated library as nnc_MODEL_model_info()); the runtime knows nothing
// else about the model.
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
// buffers as halide_buffer_t*, scalars as pointers to their value. The
// runtime finds each by its name (find_pipeline), the name
// compiler/codegen/Lower.cpp gives it: predict, evaluate, train_step, probe.
// Their symbols are nnc_MODEL_NAME_argv, so two models link into one program.
struct PipelineInfo {
  const char* name;
  const char* device;     // cpu, or the GPU API it runs on: cuda, opencl
  int64_t batch;          // 0: any batch; > 0: this batch only, scheduled by Halide's
                          //   autoscheduler for it (nnc --autoschedule; for_batch picks it)
  int (*call)(void** args);
  int num_args;
  const ArgInfo* args;
};

// The value a train setting has in the .nn file, by name and as text ("32",
// "on", "builtin.xor"). runtime/train_settings.cpp holds each name's type and
// its default where the list leaves it out.
struct TrainDefault {
  const char* name;
  const char* value;
};

struct ModelInfo {
  const char* name;
  const char* api_prefix;   // the C API's prefix: the library's name (fashion_mlp_create, ...)
  const char* source_file;
  int input_rank;           // per sample
  int64_t input_dims[4];
  int64_t classes;          // > 0: the target is a class index in [0, classes)
  int target_rank;          // f32 targets: their per-sample shape
  int64_t target_dims[4];
  bool target_is_input;     // `target x` (autoencoders): the targets are the inputs as the data holds them
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
  int num_pipelines;
  const PipelineInfo* pipelines;
  int num_probes;           // the values the probe pipeline returns: every forward value,
  const ProbeInfo* probes;  //   for finding where training diverged
  const char* optimizer;    // sgd, adagrad, rmsprop, adam, adamw: compiled into train_step
  bool nesterov;
  int num_train_defaults;
  const TrainDefault* train_defaults;
  int num_augment;          // applied in this order to each training image
  const Augmentation* augment;
  const char* target;       // the Halide target the pipelines were compiled for
  const char* gpu;          // "": CPU only; cuda or opencl: every pipeline also for that GPU (nnc --gpu)
  // Memory per sample of the batch, at most (every batched value stored
  // once; Halide stores fewer): of a train step, and of predict or evaluate.
  // A batch that would not fit is refused before anything is allocated.
  int64_t train_bytes_per_sample;
  int64_t predict_bytes_per_sample;
};

// Values in a tensor of row-major `dims`.
inline int64_t elements(const int64_t* dims, int rank) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= dims[i];
  return n;
}

// The pipeline of that name for a device (runtime/model.cpp); a missing one
// is a std::runtime_error naming the ones the model has.
const PipelineInfo& find_pipeline(const ModelInfo& info, const char* name, const char* device);
// The same, or null: train_step and probe are absent with --inference-only.
const PipelineInfo* find_pipeline_if(const ModelInfo& info, const char* name, const char* device);
// The pipeline to call for `batch` samples: p's variant for exactly that
// batch where the model has one (nnc --autoschedule), else p.
const PipelineInfo& for_batch(const ModelInfo& info, const PipelineInfo& p, int64_t batch);

}  // namespace nnc::rt
