// The command line's side of the train settings' table
// (runtime/train_settings.h): the flags of `train` and `tune`, one per row
// that has one. Apart from the table so that the table needs no CLI11 and
// the compiler can link it.
#pragma once
#include "runtime/train_settings.h"

#include <CLI/CLI.hpp>

namespace nnc::rt {

// The checks of numeric flags, each failure one line in the house form:
// "--batch: must be greater than 0, got 0", "--seed: must be a finite
// number, got nan". CLI11's own say "Value 0 not in range 0.000000 to
// 1797693134862315708...".
CLI::Validator positive_flag();
CLI::Validator non_negative_flag();

// Registers on cmd the flags of the settings that `train` (or `tune`) has;
// they write into s.
void add_setting_flags(CLI::App& cmd, TrainSettings& s, bool tune);

}  // namespace nnc::rt
