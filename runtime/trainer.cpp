// The training loop, written as a recipe: for every epoch, for every batch,
// gather it, augment and standardise it, take a train step, account for its
// loss; at the epoch's end evaluate, account, and tell the observers
// (observers.h), which report, log, plot and save. Ctrl-C is caught by one
// handler (CtrlC) and acted on in one place (TrainingLoop::stop_interrupted).
#include "runtime/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <memory>
#include <numeric>

#include "runtime/observers.h"
#include "runtime/rng.h"

namespace nnc::rt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

// The learning rate of an epoch (from 1) under the schedule.
double scheduled_lr(const TrainOptions& o, int64_t epoch) {
  const double lr = o.settings.at("lr");
  if (o.schedule == "step") return lr * std::pow(o.schedule_gamma, double((epoch - 1) / o.schedule_every));
  if (o.schedule == "cosine") return lr * 0.5 * (1 + std::cos(M_PI * double(epoch - 1) / double(o.epochs)));
  return lr;
}

// ---- the loop ----------------------------------------------------------------------

namespace {

// Ctrl-C during training: the loop finishes its batch, saves a checkpoint
// and returns. The handler is installed only while train() runs.
std::atomic<bool> ctrl_c_pressed{false};
extern "C" void note_ctrl_c(int) { ctrl_c_pressed = true; }

class CtrlC {
 public:
  CtrlC() : previous_(std::signal(SIGINT, note_ctrl_c)) { ctrl_c_pressed = false; }
  ~CtrlC() { std::signal(SIGINT, previous_); }
  CtrlC(const CtrlC&) = delete;
  CtrlC& operator=(const CtrlC&) = delete;
  bool pressed() const { return ctrl_c_pressed; }

 private:
  void (*previous_)(int);
};

class TrainingLoop {
 public:
  TrainingLoop(Engine& engine, const Dataset& data, const Dataset* validation, const Dataset* test,
               const TrainOptions& o);
  TrainResult run();

 private:
  int64_t train_epoch(int64_t epoch);
  void prepare_batch(int64_t epoch, int64_t first, int64_t size);
  float train_step(int64_t epoch, int64_t first, int64_t size);
  void finish_epoch(int64_t epoch);
  void stop_interrupted(int64_t epoch, int64_t samples_done);

  Engine& engine_;
  const Dataset& data_;
  const Dataset* validation_;
  const Dataset* test_;
  const TrainOptions& o_;
  const int64_t batch_;                   // the batch size; the last batch of an epoch may be smaller
  const bool accuracy_applies_;
  const std::vector<int64_t> image_dims_;  // of an input, for augmentation
  Engine::Batch buffers_;
  std::vector<float> scratch_;             // augmentation's
  RunState st_;                            // what a checkpoint holds
  Rng order_rng_;                          // the data order's stream, apart from the weights'
  std::vector<int64_t> order_;             // this epoch's order of the samples
  // The epoch in progress.
  double lr_ = 0;
  Clock::time_point start_;
  double loss_sum_ = 0;
  int64_t correct_ = 0;
  Metrics validation_metrics_, test_metrics_;
  std::vector<std::unique_ptr<TrainObserver>> observers_;
  CtrlC ctrl_c_;
};

TrainingLoop::TrainingLoop(Engine& engine, const Dataset& data, const Dataset* validation, const Dataset* test,
                           const TrainOptions& o)
    : engine_(engine), data_(data), validation_(validation), test_(test), o_(o),
      batch_(std::min(o.batch, data.count)),
      accuracy_applies_(engine.targets_are_binary(data)),
      image_dims_(engine.info().input_dims, engine.info().input_dims + engine.info().input_rank),
      order_rng_(o.seed ^ 0x9e3779b97f4a7c15ull),
      order_(size_t(data.count)) {
  engine_.ensure_training_state();
  if (o.early_stop > 0 && !validation)
    throw DataError("early stopping watches the validation loss: give validation data (--val FRACTION or FILE)");
  buffers_ = engine_.make_batch(batch_, Engine::Use::train);
  if (!o.resume.empty()) {
    st_ = engine_.load_checkpoint(o.resume);
    order_rng_.set_state(st_.order_rng);
    if (st_.next_sample >= data.count)
      throw DataError(o.resume + ": this checkpoint stopped at sample " + std::to_string(st_.next_sample) +
                      " of an epoch, but the data has " + std::to_string(data.count) +
                      " samples; resume with the data it was trained on");
    if (st_.epochs_done >= o.epochs)
      throw DataError(o.resume + ": this checkpoint has finished " + std::to_string(st_.epochs_done) +
                      " epochs already; pass --epochs N with N above that to train on");
  }
  observers_ = make_observers(engine_, o_, st_.epochs_done > 0);
}

TrainResult TrainingLoop::run() {
  for (int64_t epoch = st_.epochs_done + 1; epoch <= o_.epochs; ++epoch) {
    const int64_t done = train_epoch(epoch);  // every sample, unless Ctrl-C came first
    if (done == data_.count) finish_epoch(epoch);
    if (ctrl_c_.pressed()) {  // in the epoch, or in its evaluation
      stop_interrupted(epoch, done);
      break;
    }
    bool stop = false;
    for (auto& observer : observers_) stop = stop || observer->stops_training(epoch, st_.result);
    if (stop) {
      st_.result.stopped_early = true;
      break;
    }
  }
  for (auto& observer : observers_) observer->end_training(st_.result);
  return st_.result;
}

// One epoch over the shuffled data, from where an interrupted run stopped;
// returns the samples done: all of them, unless Ctrl-C cut it short.
int64_t TrainingLoop::train_epoch(int64_t epoch) {
  st_.order_rng = order_rng_.state();  // an interruption in this epoch resumes from its shuffle
  std::iota(order_.begin(), order_.end(), 0);
  if (o_.shuffle) order_rng_.shuffle(order_);
  lr_ = scheduled_lr(o_, epoch);
  start_ = Clock::now();
  for (auto& observer : observers_) observer->begin_epoch(epoch, data_.count);
  const int64_t resume_at = st_.next_sample;
  loss_sum_ = resume_at > 0 ? st_.loss_sum : 0;
  correct_ = resume_at > 0 ? st_.correct : 0;
  for (int64_t first = resume_at; first < data_.count; first += batch_) {
    const int64_t size = std::min(batch_, data_.count - first);
    prepare_batch(epoch, first, size);  // gather, augment, standardise
    for (auto& observer : observers_) observer->before_step();
    const float loss = train_step(epoch, first, size);  // step; stop if it went wrong
    loss_sum_ += double(loss) * double(size);             // account
    if (accuracy_applies_) engine_.accumulate_accuracy(buffers_.out.data(), data_, order_, first, size, correct_, nullptr);
    const int64_t done = first + size;
    const StepDone step{epoch, first, size, buffers_, loss_sum_ / double(done),
                        accuracy_applies_ ? double(correct_) / double(done) : -1};
    for (auto& observer : observers_) observer->after_step(step);
    if (ctrl_c_.pressed() && done < data_.count) return done;
  }
  st_.next_sample = 0;
  return data_.count;
}

// Gathers the batch in this epoch's order, augments each image (seeded by
// the run, the epoch and the sample: the same after --resume) and
// standardises it.
void TrainingLoop::prepare_batch(int64_t epoch, int64_t first, int64_t size) {
  engine_.gather(data_, order_, first, size, buffers_);
  if (!o_.augment.empty() && image_dims_.size() == 3)
    for (int64_t s = 0; s < size; ++s) {
      Rng sample_rng(mix(mix(o_.seed, uint64_t(epoch)), uint64_t(first + s)));
      augment_image(&buffers_.x[size_t(s * engine_.input_size())], image_dims_[0], image_dims_[1], image_dims_[2],
                    o_.augment, sample_rng, scratch_);
    }
  engine_.standardize_rows(buffers_.x.data(), size);
}

// The step, and its loss; training stops with TrainingDiverged, naming the
// first value that is not finite, when it went wrong.
float TrainingLoop::train_step(int64_t epoch, int64_t first, int64_t size) {
  const float loss = engine_.step(buffers_, size, engine_.hyper_values(o_.settings, o_.seed, lr_, ++st_.steps), o_.frozen);
  // Weights that stopped being finite show in the next step's loss; the
  // last step of an epoch is checked before anything is saved.
  const bool epoch_ends = first + size >= data_.count;
  if (std::isfinite(loss) && !(epoch_ends && engine_.first_non_finite_param() >= 0)) return loss;
  const std::string loss_text = std::isnan(loss) ? "nan" : std::to_string(loss);
  const std::string kept =
      std::ifstream(o_.checkpoint).good() ? "; " + o_.checkpoint + " keeps the last epoch that finished" : "";
  throw TrainingDiverged("training diverged in epoch " + std::to_string(epoch) + ", batch " +
                         std::to_string(first / batch_ + 1) + ": the loss is " + loss_text +
                         engine_.where_not_finite(buffers_, size, o_.frozen) + "; lower the learning rate (--lr)" + kept);
}

// The epoch's end: evaluation, the account of the run (its history, the
// best epoch by validation loss, where the next epoch starts), then the
// observers.
void TrainingLoop::finish_epoch(int64_t epoch) {
  const double seconds = seconds_since(start_);
  const int64_t eval_batch = evaluation_batch(batch_);
  EpochRecord record;
  record.epoch = epoch;
  record.loss = loss_sum_ / double(data_.count);
  record.accuracy = accuracy_applies_ ? double(correct_) / double(data_.count) : NAN;
  if (validation_) {
    validation_metrics_ = engine_.evaluate(*validation_, eval_batch);
    record.val_loss = validation_metrics_.loss;
    record.val_accuracy = validation_metrics_.accuracy >= 0 ? validation_metrics_.accuracy : NAN;
  }
  if (test_) test_metrics_ = engine_.evaluate(*test_, eval_batch);

  TrainResult& r = st_.result;
  r.history.push_back(record);
  const bool better = validation_ && record.val_loss < r.best_val_loss;
  if (better) {
    r.best_val_loss = record.val_loss, r.best_epoch = epoch;
    r.best_val_accuracy = std::isnan(record.val_accuracy) ? -1 : record.val_accuracy;
  }
  st_.epochs_done = epoch;
  st_.order_rng = order_rng_.state();  // where the next epoch's shuffle starts

  const EpochEnd end{epoch, r.history.back(), validation_ ? &validation_metrics_ : nullptr,
                     test_ ? &test_metrics_ : nullptr, better, lr_, seconds, data_.count, st_};
  for (auto& observer : observers_) observer->end_epoch(end);
}

// Ctrl-C: at an epoch's end its checkpoint is already written; in the middle
// of one, the checkpoint says where to continue.
void TrainingLoop::stop_interrupted(int64_t epoch, int64_t samples_done) {
  st_.result.interrupted = true;
  st_.result.interrupted_epoch = epoch;
  if (samples_done == data_.count) return;
  st_.next_sample = samples_done, st_.loss_sum = loss_sum_, st_.correct = correct_;
  st_.result.interrupted_sample = samples_done;
  for (auto& observer : observers_) observer->interrupted(st_);
}

}  // namespace

TrainResult train(Engine& engine, const Dataset& data, const Dataset* validation, const Dataset* test,
                  const TrainOptions& options) {
  return TrainingLoop(engine, data, validation, test, options).run();
}

}  // namespace nnc::rt
