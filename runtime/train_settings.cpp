#include "runtime/train_settings.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace nnc::rt {

using S = TrainSettings;
constexpr Check None = Check::None, Positive = Check::Positive, NonNegative = Check::NonNegative;
constexpr FlagOn TrainAndTune = FlagOn::TrainAndTune, TrainOnly = FlagOn::TrainOnly;
constexpr InFile Key(Check check = None) { return {InFile::Key, check}; }
constexpr InFile Custom = {InFile::Custom, None}, Part = {InFile::Part, None};

// To add a setting: a member of TrainSettings and a row here, then its use
// (trainer, data sources, ...) and its tests (test_train_settings.cpp; a lit
// test of its diagnostics where its check is new). That is all: the compiler
// reads a Key row's `name value` line by its type and check
// (compiler/frontend/TrainSection.cpp, read_setting), the generated program
// carries the value by name (compiler/codegen/Emit.cpp), and the flag, `info`
// and the default come from the row. Only a Custom row needs a rule of its
// own in TrainSection.cpp.
//
// early_stop: the .nn file turns it on with a patience of 1 or more (off is
// leaving the line out), while the flag's 0 turns the model's off.
const TrainSettingDef kTrainSettings[] = {
    {"data", &S::data, "", "--data", None, TrainAndTune, Custom,
     "training data: builtin.NAME, fashion_mnist, an IDX directory or a CSV file"},
    {"test", &S::test, "", "--test", None, TrainOnly, Custom,
     "data evaluated after every epoch (default: the data set's test split)"},
    {"validation", &S::validation, "", "--val", None, TrainAndTune, Custom,
     "validation data: a fraction of the training data held out (0.1) or a data source"},
    {"batch", &S::batch, "32", "--batch", Positive, TrainAndTune, Key(Positive), "samples per train step"},
    {"epochs", &S::epochs, "1", "--epochs", Positive, TrainAndTune, Key(Positive), "passes over the training data"},
    {"shuffle", &S::shuffle, "on", "--no-shuffle", None, TrainAndTune, Key(), "keep the data in file order"},
    {"seed", &S::seed, "0", "--seed", None, TrainAndTune, Key(NonNegative),
     "seed of the initial weights, the data order and the validation split"},
    {"standardize", &S::standardize, "on", "", None, TrainAndTune, Key(),
     "inputs (x - mean) / std, statistics of the training data"},
    {"schedule", &S::schedule, "constant", "", None, TrainAndTune, Custom,
     "the learning rate per epoch: constant, step, cosine"},
    {"schedule_every", &S::schedule_every, "1", "", None, TrainAndTune, Part, "step schedule: every this many epochs ..."},
    {"schedule_gamma", &S::schedule_gamma, "0.1", "", None, TrainAndTune, Part,
     "... the learning rate is multiplied by this"},
    {"early_stop", &S::early_stop, "0", "--early-stop", NonNegative, TrainAndTune, Key(Positive),
     "stop after N epochs without a better validation loss"},
};
const int kNumTrainSettings = int(sizeof kTrainSettings / sizeof kTrainSettings[0]);

const TrainSettingDef* find_train_setting(const std::string& name) {
  for (const TrainSettingDef& def : kTrainSettings)
    if (name == def.name) return &def;
  return nullptr;
}

bool read_value(TrainSettings& s, const TrainSettingDef& def, const std::string& text) {
  return std::visit(
      [&](auto member) {
        using T = std::decay_t<decltype(s.*member)>;
        if constexpr (std::is_same_v<T, std::string>) {
          s.*member = text;
          return true;
        } else if constexpr (std::is_same_v<T, bool>) {
          if (text != "on" && text != "off") return false;
          s.*member = text == "on";
          return true;
        } else {
          char* end = nullptr;
          errno = 0;
          T v{};
          if constexpr (std::is_same_v<T, uint64_t>)
            if (text[0] == '-') return false;  // strtoull would wrap it around
          if constexpr (std::is_same_v<T, double>) v = std::strtod(text.c_str(), &end);
          else if constexpr (std::is_same_v<T, uint64_t>) v = std::strtoull(text.c_str(), &end, 10);
          else v = std::strtoll(text.c_str(), &end, 10);
          if (text.empty() || *end != '\0' || errno != 0) return false;
          s.*member = v;
          return true;
        }
      },
      def.field);
}

namespace {

std::string value_text(const TrainSettings& s, const TrainSettingDef& def) {
  return std::visit(
      [&](auto member) -> std::string {
        using T = std::decay_t<decltype(s.*member)>;
        if constexpr (std::is_same_v<T, std::string>) return (s.*member).empty() ? "(none)" : s.*member;
        else if constexpr (std::is_same_v<T, bool>) return s.*member ? "on" : "off";
        else {
          std::ostringstream v;
          v << s.*member;
          return v.str();
        }
      },
      def.field);
}

}  // namespace

TrainSettings train_settings_with(const SettingValues& values) {
  TrainSettings s;
  auto set = [&](const TrainSettingDef& def, const std::string& text) {
    if (!read_value(s, def, text))
      throw std::logic_error(std::string("the train setting ") + def.name + " has the value '" + text +
                             "', which is not of its type; rebuild the program with nnc");
  };
  for (const TrainSettingDef& def : kTrainSettings) set(def, def.default_value);
  for (const auto& [name, value] : values) {
    const TrainSettingDef* def = find_train_setting(name);
    if (!def)
      throw std::logic_error("the model names a train setting '" + name +
                             "' this runtime does not know; rebuild the program with nnc");
    set(*def, value);
  }
  return s;
}

TrainSettings model_train_settings(const ModelInfo& info) {
  SettingValues values;
  for (int i = 0; i < info.num_train_defaults; ++i) values.emplace_back(info.train_defaults[i].name, info.train_defaults[i].value);
  return train_settings_with(values);
}

std::string describe_settings(const TrainSettings& s) {
  std::string text;
  for (const TrainSettingDef& def : kTrainSettings)
    text += (text.empty() ? "" : ", ") + std::string(def.name) + " " + value_text(s, def);
  return text;
}

}  // namespace nnc::rt
