// The generated program's engine: a model's weights and optimizer state, the
// calls into its compiled pipelines, and the training and evaluation loops.
// main.cpp is the command line over it.
#pragma once
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/aligned.h"
#include "runtime/augment.h"
#include "runtime/dataset.h"
#include "runtime/metrics.h"
#include "runtime/model.h"
#include "runtime/plot.h"
#include "runtime/rng.h"
#include "runtime/safetensors.h"

namespace nnc::rt {

struct Metrics {
  double loss = 0;
  double accuracy = -1;  // < 0 where it does not apply
  int64_t samples = 0;
};

// Training stopped because a value stopped being finite (the message says where).
struct TrainingDiverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TrainOptions {
  int64_t epochs = 1, batch = 32;
  std::map<std::string, double> settings;  // the model's run-time settings: lr, momentum, ...
  bool shuffle = true;
  uint64_t seed = 0;
  std::string schedule = "constant";  // the learning rate per epoch: constant, step, cosine
  int64_t schedule_every = 1;
  double schedule_gamma = 0.1;
  int64_t early_stop = 0;             // patience in epochs (needs validation data); 0: off
  std::vector<AugmentStep> augment;   // applied to each training image as it is gathered
  std::vector<bool> frozen;           // per param: left unchanged by the steps
  std::string save;         // weights: after every epoch, or at each better validation loss
  std::string checkpoint;   // weights, optimizer state, RNG and progress: every epoch and on Ctrl-C
  std::string resume;       // a checkpoint to continue from, exactly
  std::string log;          // JSON lines, one per epoch
  std::string plot;         // an SVG of the loss and accuracy curves
  bool trace = false;       // print every example (batch 1): the course's tables
  bool progress_on_tty = true;
  bool quiet = false;       // no per-epoch lines (grid search)
};

struct TrainResult {
  std::vector<EpochRecord> history;
  int64_t best_epoch = 0;  // by validation loss; 0 without validation
  double best_val_loss = INFINITY, best_val_accuracy = -1;
  bool stopped_early = false;
  bool interrupted = false;  // Ctrl-C: a checkpoint was saved, training stopped
  int64_t interrupted_epoch = 0, interrupted_sample = 0;  // where (sample 0: at the epoch's end)
};

// What --init loaded from another model's weights, and what it left.
struct InitReport {
  std::vector<std::string> loaded, not_in_file, other_shape;
};

class Engine {
 public:
  explicit Engine(const ModelInfo& info);

  const ModelInfo& info() const { return info_; }
  int64_t input_size() const;     // values per sample
  int64_t target_size() const;    // target values per sample (1: a class label)
  int64_t output_size() const;    // prediction values per sample
  int64_t parameter_count() const;

  // The run-time settings this model has (lr, momentum, beta1, ...) with the
  // .nn file's defaults.
  std::map<std::string, double> default_settings() const;

  // Weights: from the initialisers and a seed, or a safetensors file
  // (checked against the model: names, shapes; throws DataError).
  void init_params(uint64_t seed);
  void load_weights(const std::string& path);
  void load_weights(const TensorFile& file, const std::string& path);  // path: for messages
  void save_weights(const std::string& path) const;
  // Fine-tuning: the tensors of PATH whose names and shapes match, and its
  // input statistics when it has them.
  InitReport init_from(const std::string& path);
  bool has_standardizer() const { return !mean_.empty(); }
  void clear_standardizer() { mean_.clear(), std_.clear(), inv_std_.clear(); }
  // The params of a layer ("dense0") or the param of that name; throws
  // DataError naming the layers when there is none.
  std::vector<int> params_named(const std::string& name) const;

  // Standardisation (x - mean) / std with statistics of `train`; kept with the
  // weights. Without it (standardize off) inputs pass unchanged.
  void fit_standardizer(const Dataset& train);
  void standardize(Dataset& d) const;

  // Checks that a data set fits the model's input and target (DataError).
  void check_dataset(const Dataset& d) const;

  // Trains on `train` (raw inputs: each batch is augmented, then
  // standardised), reporting `validation` and `test` after every epoch.
  TrainResult train(const Dataset& train, const Dataset* validation, const Dataset* test, const TrainOptions& options);
  // The loss and accuracy of d; with `confusion`, also counts every
  // prediction into it (class targets only).
  Metrics evaluate(const Dataset& d, int64_t batch, Confusion* confusion = nullptr);
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
  // Where a run stands: what a checkpoint holds besides the tensors.
  struct RunState {
    int64_t epochs_done = 0;
    int64_t next_sample = 0;           // > 0: the next epoch was interrupted here
    std::array<uint64_t, 4> order_rng{};  // the data order's generator at the start of that epoch
    int64_t steps = 0;                 // train steps taken (Adam's t)
    double loss_sum = 0;               // of the interrupted epoch so far
    int64_t correct = 0;
    TrainResult result;
  };

  Batch make_batch(int64_t size) const;
  // Copies samples index[first .. first+count) of d into the batch.
  void gather(const Dataset& d, const std::vector<int64_t>& index, int64_t first, int64_t count, Batch& batch) const;
  // One train step on the batch; the updated weights and state become
  // current, except frozen params'.
  float step(Batch& batch, int64_t size, const std::vector<float>& hypers, const std::vector<bool>& frozen);
  std::vector<float> hyper_values(const TrainOptions& o, double lr, int64_t step) const;
  double scheduled_lr(const TrainOptions& o, int64_t epoch) const;
  void standardize_rows(float* x, int64_t count) const;
  std::string format_weights() const;  // " name=(w, ...)" per parameter, for --trace
  // The first param (in model order) holding a value that is not finite; -1 if none.
  int first_non_finite_param() const;
  // After a step that went wrong: "; the first value that is not finite is ...".
  std::string where_not_finite(Batch& batch, int64_t size, const std::vector<bool>& frozen);

  TensorFile weights_file() const;  // the params and the input statistics
  void set_standardizer(std::vector<float> mean, std::vector<float> std_dev);
  void save_checkpoint(const std::string& path, const RunState& state) const;
  RunState load_checkpoint(const std::string& path);

  void ensure_training_state();
  void call(const PipelineInfo& p, const float* x, const void* t, int64_t batch, float* loss, float* output,
            const float* hypers, float* const* probes = nullptr);
  void accumulate_accuracy(const float* outputs, const Dataset& d, const std::vector<int64_t>& index, int64_t first,
                           int64_t count, int64_t& correct, Confusion* confusion) const;
  bool targets_are_binary(const Dataset& d) const;

  const ModelInfo& info_;
  std::vector<AlignedVector<float>> params_, next_params_;  // ping-pong: a step reads one, writes the other
  std::vector<AlignedVector<float>> states_, next_states_;
  std::vector<float> mean_, std_, inv_std_;  // empty: no standardisation
};

}  // namespace nnc::rt
