// The train settings: the values of the .nn file's train section that the
// runtime uses (data, batch, epochs, seed, ...), each of which a flag of
// `train` and `tune` may change. kTrainSettings describes every one once -
// its name, where its value lives (and so its type), its default, its flag,
// how the .nn file writes it and its help - and everything else is read from
// it: the compiler's reading of the train section
// (compiler/frontend/TrainSection.cpp) and the values it emits by name
// (ModelInfo::train_defaults), the flags (runtime/setting_flags.h) and what
// `info` prints (describe_settings).
//
// This file and its .cpp are plain data and text: no command line, no model.
// The compiler links them too (runtime/CMakeLists.txt, nnc_train_settings).
//
// The optimizer and its settings (lr, momentum, ...) are not here: they are
// compiled into the train step (ModelInfo::settings, `--set`).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/model.h"

namespace nnc::rt {

// Data sets are evaluated in batches of the training batch, or of this
// many where that is smaller: evaluation_batch. nnc --autoschedule compiles
// evaluate for it.
constexpr int64_t kMinEvaluateBatch = 256;
inline int64_t evaluation_batch(int64_t train_batch) {
  return train_batch > kMinEvaluateBatch ? train_batch : kMinEvaluateBatch;
}

// The values: model_train_settings() (the members' initial values are
// placeholders; the table's defaults are the defaults).
struct TrainSettings {
  std::string data;        // training data: builtin.NAME, fashion_mnist, an IDX directory or a CSV file
  std::string test;        // evaluated after every epoch; "": the data set's own test split, if any
  std::string validation;  // a fraction of the training data ("0.1"), a data source, or "" for none
  int64_t batch = 0, epochs = 0;
  bool shuffle = false;
  uint64_t seed = 0;
  bool standardize = false;  // inputs (x - mean) / std, with statistics of the training data
  std::string schedule;      // the learning rate per epoch: constant, step, cosine
  int64_t schedule_every = 0;   // step: every this many epochs ...
  double schedule_gamma = 0;    // ... the rate is multiplied by this
  int64_t early_stop = 0;       // patience in epochs without a better validation loss; 0: off
};

// Where a setting's value lives, which is also its type. A bool is written
// on|off; a flag of a bool setting takes no value and turns it on, or off
// when its name starts with --no-.
using SettingField = std::variant<std::string TrainSettings::*, bool TrainSettings::*, int64_t TrainSettings::*,
                                  uint64_t TrainSettings::*, double TrainSettings::*>;

// What a number must be: above 0, or 0 and above.
enum class Check { None, Positive, NonNegative };
enum class FlagOn { TrainAndTune, TrainOnly };  // the commands that have the flag

// How the .nn train section writes a setting.
struct InFile {
  enum Kind {
    Key,     // a line `name value` of its own; the compiler checks the value by its type and `check`
    Custom,  // a line of its own with a rule of its own in compiler/frontend/TrainSection.cpp
    Part,    // no line of its own: another key's value writes it (schedule step(every, gamma))
  } kind;
  Check check;  // Key: what the value must be
};

struct TrainSettingDef {
  const char* name;          // as the .nn train section and model_info.cpp write it
  SettingField field;
  const char* default_value;  // where the model's values leave it out
  const char* flag;           // "" where the command line cannot change it
  Check flag_check;           // what the flag accepts
  FlagOn on;
  InFile in_file;
  const char* help;
};

extern const TrainSettingDef kTrainSettings[];
extern const int kNumTrainSettings;

// The row of that name, or nullptr.
const TrainSettingDef* find_train_setting(const std::string& name);

// Reads `text` ("32", "on", "builtin.xor") into the setting's member of s;
// false if it does not read as the member's type (or is out of its range).
bool read_value(TrainSettings& s, const TrainSettingDef& def, const std::string& text);

// The table's defaults, overridden by the model's values. A name the table
// does not know, or a value that does not read as its type, means the program
// was built by another nnc than its runtime: std::logic_error.
TrainSettings model_train_settings(const ModelInfo& info);
// The same from (name, value as text) pairs, applied in their order: the
// model's, or the .nn file's as the compiler holds them.
using SettingValues = std::vector<std::pair<std::string, std::string>>;
TrainSettings train_settings_with(const SettingValues& values);

// "data builtin.xor, test (none), ..., early_stop 0": every setting, in table order.
std::string describe_settings(const TrainSettings& s);

}  // namespace nnc::rt
