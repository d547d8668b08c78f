// What the training loop (trainer.cpp) tells as it runs, and the observers
// that act on it: the progress line, --trace, the weights file (--save),
// the checkpoint, the JSON log, the SVG plot and early stopping. The loop
// steps and keeps account; everything an epoch shows or writes is here.
#pragma once
#include <memory>
#include <vector>

#include "runtime/engine.h"
#include "runtime/trainer.h"

namespace nnc::rt {

// After a train step.
struct StepDone {
  int64_t epoch;
  int64_t first, size;         // the batch: samples [first, first + size) of the epoch's order
  const Engine::Batch& batch;  // its inputs as the step met them, its outputs and targets
  double mean_loss;            // of the epoch so far
  double accuracy;             // of the epoch so far; < 0 where it does not apply
};

// An epoch that finished, after its evaluation and accounting.
struct EpochEnd {
  int64_t epoch;
  const EpochRecord& record;  // training and validation loss and accuracy
  const Metrics* validation;  // nullptr: no validation data
  const Metrics* test;        // nullptr: no test data
  bool better;                // the best validation loss so far
  double lr, seconds;
  int64_t samples;            // trained on in the epoch
  const RunState& state;      // what a checkpoint holds: the history, the best epoch, the steps
};

class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void begin_epoch(int64_t /*epoch*/, int64_t /*samples*/) {}
  virtual void before_step() {}
  virtual void after_step(const StepDone&) {}
  virtual void end_epoch(const EpochEnd&) {}
  // Ctrl-C cut the epoch short: `state` says where it stopped (next_sample).
  virtual void interrupted(const RunState& /*state*/) {}
  // Asked at an epoch's end once all have seen it, unless Ctrl-C stopped
  // training: true ends it (the observer says why).
  virtual bool stops_training(int64_t /*epoch*/, const TrainResult&) { return false; }
  virtual void end_training(const TrainResult&) {}
};

// The observers `o` asks for, in the order they act. `resuming`: the log is
// continued, not started (it is opened here: DataError if it cannot be).
std::vector<std::unique_ptr<TrainObserver>> make_observers(Engine& engine, const TrainOptions& o, bool resuming);

}  // namespace nnc::rt
