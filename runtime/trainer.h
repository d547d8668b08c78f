// The training loop over an Engine (engine.h): epochs of batches, each
// gathered, augmented, standardised and stepped on, with observers
// (observers.h) that report, log, plot and save after every epoch.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "runtime/augment.h"
#include "runtime/engine.h"
#include "runtime/train_settings.h"

namespace nnc::rt {

// What train() is asked to do: the train settings (batch, epochs, seed,
// schedule, ...; train_settings.h) and what only the command line sets.
struct TrainOptions : TrainSettings {
  std::map<std::string, double> settings;  // the model's run-time settings: lr, momentum, ...
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

// The learning rate of an epoch (from 1) under the schedule (o.schedule).
double scheduled_lr(const TrainOptions& o, int64_t epoch);

// Trains on `train` (raw inputs: each batch is augmented, then
// standardised), reporting `validation` and `test` (standardised) after
// every epoch. Ctrl-C stops it after the batch it is in, with a checkpoint.
TrainResult train(Engine& engine, const Dataset& train, const Dataset* validation, const Dataset* test,
                  const TrainOptions& options);

}  // namespace nnc::rt
