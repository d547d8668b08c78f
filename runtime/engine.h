// A model's engine: its weights, optimizer state and input statistics; the
// calls into its compiled pipelines (a train step, evaluation, prediction);
// its weights and checkpoint files. Every generated library holds it: the C
// API (c_api.h) and the program's command line (trainer.h, commands.h) are
// its two clients.
#pragma once
#include <array>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/aligned.h"
#include "runtime/dataset.h"
#include "runtime/metrics.h"
#include "runtime/model.h"
#include "runtime/plot.h"
#include "runtime/safetensors.h"
#include "runtime/tensor.h"

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

// Training asked of a model compiled with --inference-only.
struct NotCompiledForTraining : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TrainResult {
  std::vector<EpochRecord> history;
  int64_t best_epoch = 0;  // by validation loss; 0 without validation
  double best_val_loss = INFINITY, best_val_accuracy = -1;
  bool stopped_early = false;
  bool interrupted = false;  // Ctrl-C: a checkpoint was saved, training stopped
  int64_t interrupted_epoch = 0, interrupted_sample = 0;  // where (sample 0: at the epoch's end)
};

// Where a run stands: what a checkpoint holds besides the tensors.
struct RunState {
  int64_t epochs_done = 0;
  int64_t next_sample = 0;              // > 0: the next epoch was interrupted here
  std::array<uint64_t, 4> order_rng{};  // the data order's generator at the start of that epoch
  int64_t steps = 0;                    // train steps taken (Adam's t)
  double loss_sum = 0;                  // of the interrupted epoch so far
  int64_t correct = 0;
  TrainResult result;
};

// The run state as a checkpoint's metadata entries (nnc.*), and read back
// from them with every entry checked: a missing or damaged one is a
// DataError naming it (run_state.cpp).
std::map<std::string, std::string> run_state_metadata(const RunState& state);
RunState run_state_of(const TensorFile& file, const std::string& path);

// What --init loaded from another model's weights, and what it left.
struct InitReport {
  std::vector<std::string> loaded, not_in_file, other_shape;
  bool no_input_statistics = false;  // the model standardises, the file has none
};

class Engine {
 public:
  explicit Engine(const ModelInfo& info);

  const ModelInfo& info() const { return info_; }
  bool trains() const { return train_step_ != nullptr; }  // false: compiled with --inference-only
  // Where the pipelines run: cpu, or the model's GPU (ModelInfo::gpu), whose
  // availability the caller has checked (devices.h). Before any call.
  void set_device(const std::string& device, const std::string& description);
  const std::string& device() const { return device_; }
  const std::string& device_description() const { return device_description_; }  // "NVIDIA H200 (cuda)"
  int64_t input_size() const;     // values per sample
  int64_t target_size() const;    // target values per sample (1: a class label)
  int64_t output_size() const;    // prediction values per sample
  int64_t parameter_count() const;

  // The run-time settings this model has (lr, momentum, beta1, ...) with the
  // .nn file's defaults.
  std::map<std::string, double> default_settings() const;

  // A param's values in row-major order (parameter_count of them), out or in.
  void read_param(int param, float* values) const;
  void write_param(int param, const float* values);

  // Weights: from the initialisers and a seed, or a safetensors file
  // (checked against the model: names, shapes, and the input statistics of a
  // model that standardises its inputs; throws DataError).
  void init_params(uint64_t seed);
  void load_weights(const std::string& path);
  void load_weights(const TensorFile& file, const std::string& path);  // path: for messages
  void save_weights(const std::string& path) const;
  // Fine-tuning: the tensors of PATH whose names and shapes match, and its
  // input statistics when it has them.
  InitReport init_from(const std::string& path);
  bool has_standardizer() const { return !mean_.empty(); }
  bool standardizes() const { return standardizes_; }  // the train section's standardize on
  void clear_standardizer() { mean_.clear(), std_.clear(), inv_std_.clear(); }
  // The params of a layer ("dense0") or the param of that name; throws
  // DataError naming the layers when there is none.
  std::vector<int> params_named(const std::string& name) const;

  // Standardisation (x - mean) / std with statistics of `train`; kept with the
  // weights. Without it (standardize off) inputs pass unchanged.
  void fit_standardizer(const Dataset& train);
  void fit_standardizer(const float* inputs, int64_t count);
  void standardize(Dataset& d) const;
  void standardize_rows(float* x, int64_t count) const;

  // Checks that a data set fits the model's input and target (DataError).
  void check_dataset(const Dataset& d) const;

  // The loss and accuracy of d; with `confusion`, also counts every
  // prediction into it (class targets only).
  Metrics evaluate(const Dataset& d, int64_t batch, Confusion* confusion = nullptr);
  // Predictions for `count` samples of input_size() values each (raw:
  // standardised here), into `outputs` (count * output_size() values).
  void predict(const float* inputs, int64_t count, float* outputs);
  std::vector<float> predict(const float* inputs, int64_t count);
  // The mean loss of `count` raw samples and their targets (int32 class
  // labels, or target_size() floats each).
  float evaluate_batch(const float* inputs, const void* targets, int64_t count);

  // ---- what the training loop (trainer.cpp) drives ----

  // One batch's inputs, targets and outputs, in aligned buffers (aligned.h).
  struct Batch {
    AlignedVector<float> x, t, out;
    AlignedVector<int32_t> labels;
    bool class_targets = false;
    const void* targets() const { return class_targets ? static_cast<const void*>(labels.data()) : t.data(); }
  };
  // The buffers of a batch of SIZE samples for a train step (or for predict
  // and evaluate). A batch whose step would need more memory than the
  // machine has available (ModelInfo's estimate) is a DataError first.
  enum class Use { train, predict };
  Batch make_batch(int64_t size, Use use) const;
  // "up to 213 kB per sample for a train step ..." for info.
  std::string memory_text(int64_t default_batch) const;
  // Copies samples index[first .. first+count) of d into the batch.
  void gather(const Dataset& d, const std::vector<int64_t>& index, int64_t first, int64_t count, Batch& batch) const;
  // Training needs the step's outputs and the optimizer state; inference
  // does not. Throws NotCompiledForTraining for an --inference-only model.
  void ensure_training_state();
  // One train step on the batch; the updated weights and state become
  // current, except frozen params'.
  float step(Batch& batch, int64_t size, const std::vector<double>& hypers, const std::vector<bool>& frozen);
  // The train step's scalars, in the pipeline's order, at step t (from 1):
  // the learning rate, t, dropout's seed (from the run's seed and t) and the
  // run-time settings.
  std::vector<double> hyper_values(const std::map<std::string, double>& settings, uint64_t seed, double lr,
                                   int64_t t) const;
  // Counts the right predictions of a batch (and into `confusion`).
  void accumulate_accuracy(const float* outputs, const Dataset& d, const std::vector<int64_t>& index, int64_t first,
                           int64_t count, int64_t& correct, Confusion* confusion) const;
  // Accuracy applies: class labels, or targets all 0 or 1.
  bool targets_are_binary(const Dataset& d) const;
  std::string format_weights() const;  // " name=(w, ...)" per parameter, for --trace
  // The first param (in model order) holding a value that is not finite; -1 if none.
  int first_non_finite_param() const;
  // After a step that went wrong: "; the first value that is not finite is ...".
  std::string where_not_finite(Batch& batch, int64_t size, const std::vector<bool>& frozen);

  // Checkpoints (checkpoint.cpp): the weights file with the optimizer state
  // and where the run stands.
  void save_checkpoint(const std::string& path, const RunState& state) const;
  RunState load_checkpoint(const std::string& path);

 private:
  TensorFile weights_file() const;  // the params and the input statistics
  const float* standardized(const float* inputs, int64_t count);
  void standardize_rows(const float* x, int64_t count, float* out) const;
  void set_standardizer(std::vector<float> mean, std::vector<float> std_dev);
  void call(const PipelineInfo& p, const float* x, const void* t, int64_t batch, float* loss, float* output,
            const double* hypers, float* const* probes = nullptr);

  const ModelInfo& info_;
  const PipelineInfo *predict_, *evaluate_;
  const PipelineInfo *train_step_, *probe_;  // null: compiled with --inference-only
  std::string device_ = "cpu", device_description_ = "cpu";
  const bool standardizes_;  // the model's train section: standardize on
  std::vector<Tensor> params_, next_params_;  // ping-pong: a step reads one, writes the other
  std::vector<Tensor> states_, next_states_;
  std::vector<float> mean_, std_, inv_std_;  // empty: no standardisation
  AlignedVector<float> standardized_, scratch_out_;  // predict's and evaluate_batch's, reused
};

// "(v, v, ...)", as --trace prints vectors; "null" for a value that is not finite.
std::string format_vector(const float* v, int64_t n);
// v with `digits` significant digits, or `non_finite` for inf and nan.
inline std::string number_text(double v, int digits, const char* non_finite) {
  if (!std::isfinite(v)) return non_finite;
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}
// A number as the JSON log writes it: 8 significant digits, null if not finite.
inline std::string json_number(double v) { return number_text(v, 8, "null"); }

}  // namespace nnc::rt
