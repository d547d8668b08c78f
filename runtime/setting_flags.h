// The command line's side of the train settings' table
// (runtime/train_settings.h): the flags of `train` and `tune`, one per row
// that has one. Apart from the table so that the table needs no CLI11 and
// the compiler can link it.
#pragma once
#include "runtime/train_settings.h"

namespace CLI {
class App;
}

namespace nnc::rt {

// Registers on cmd the flags of the settings that `train` (or `tune`) has;
// they write into s.
void add_setting_flags(CLI::App& cmd, TrainSettings& s, bool tune);

}  // namespace nnc::rt
