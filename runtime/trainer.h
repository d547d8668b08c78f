// The generated program's engine: a model's weights and optimizer state, the
// calls into its compiled pipelines, and the training and evaluation loops.
// main.cpp is the command line over it.
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "runtime/aligned.h"
#include "runtime/dataset.h"
#include "runtime/model.h"
#include "runtime/rng.h"

namespace nnc::rt {

struct Metrics {
  double loss = 0;
  double accuracy = -1;  // < 0 where it does not apply
  int64_t samples = 0;
};

struct TrainOptions {
  int64_t epochs = 1, batch = 32;
  double lr = 0.01, momentum = 0;
  bool shuffle = true;
  uint64_t seed = 0;
  std::string save;         // weights file written after every epoch (atomically)
  std::string log;          // JSON lines, one per epoch
  bool trace = false;       // print every example (batch 1): the course's tables
  bool progress_on_tty = true;
};

class Engine {
 public:
  explicit Engine(const ModelInfo& info);

  const ModelInfo& info() const { return info_; }
  int64_t input_size() const;     // values per sample
  int64_t target_size() const;    // target values per sample (1: a class label)
  int64_t output_size() const;    // prediction values per sample
  int64_t parameter_count() const;

  // Weights: from the initialisers and a seed, or a safetensors file
  // (checked against the model: names, shapes; throws DataError).
  void init_params(uint64_t seed);
  void load_weights(const std::string& path);
  void save_weights(const std::string& path) const;

  // Standardisation (x - mean) / std with statistics of `train`; kept with the
  // weights. Without it (standardize off) inputs pass unchanged.
  void fit_standardizer(const Dataset& train);
  void standardize(Dataset& d) const;

  // Checks that a data set fits the model's input and target (DataError).
  void check_dataset(const Dataset& d) const;

  void train(Dataset& train, const Dataset* test, const TrainOptions& options);
  Metrics evaluate(const Dataset& d, int64_t batch);
  // Predictions for `count` samples of input_size() values each.
  std::vector<float> predict(const float* inputs, int64_t count);

  // One train step on a batch held in the engine's buffers; for bench.
  double bench_train_step(int64_t batch, int steps);
  double bench_predict_latency_us(int calls);

 private:
  // One batch's inputs, targets and outputs, in aligned buffers (aligned.h).
  struct Batch {
    AlignedVector<float> x, t, out;
    AlignedVector<int32_t> labels;
    bool class_targets = false;
    const void* targets() const { return class_targets ? static_cast<const void*>(labels.data()) : t.data(); }
  };
  Batch make_batch(int64_t size) const;
  // Copies samples index[first .. first+count) of d into the batch.
  void gather(const Dataset& d, const std::vector<int64_t>& index, int64_t first, int64_t count, Batch& batch) const;
  // One train step on the batch; the updated weights and state become current.
  float step(Batch& batch, int64_t size, const float* hypers);
  void standardize_rows(float* x, int64_t count) const;
  std::string format_weights() const;  // " name=(w, ...)" per parameter, for --trace

  void ensure_training_state();
  void call(const PipelineInfo& p, const float* x, const void* t, int64_t batch, float* loss, float* output,
            const float* hypers);
  void accumulate_accuracy(const float* outputs, const Dataset& d, const std::vector<int64_t>& index, int64_t first,
                           int64_t count, int64_t& correct) const;
  bool targets_are_binary(const Dataset& d) const;

  const ModelInfo& info_;
  std::vector<AlignedVector<float>> params_, next_params_;  // ping-pong: a step reads one, writes the other
  std::vector<AlignedVector<float>> states_, next_states_;
  std::vector<float> mean_, inv_std_;  // empty: no standardisation
};

}  // namespace nnc::rt
