// Pictures as standalone SVG files, readable in any browser: the training
// curves of `train --plot` and the confusion matrix of `eval --plot`.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/metrics.h"

namespace nnc::rt {

// One epoch's numbers; a value < 0 (or NAN) is absent and not drawn.
struct EpochRecord {
  int64_t epoch = 0;
  double loss = NAN, accuracy = NAN;          // training
  double val_loss = NAN, val_accuracy = NAN;  // validation
};

// Two panels, loss and accuracy against the epoch, training and validation.
std::string training_curves_svg(const std::string& title, const std::vector<EpochRecord>& history);

// The confusion matrix as a heat map, counts written in the cells.
std::string confusion_svg(const std::string& title, const Confusion& confusion);

}  // namespace nnc::rt
