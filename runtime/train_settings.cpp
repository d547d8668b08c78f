#include "runtime/train_settings.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace nnc::rt {

using S = TrainSettings;
constexpr FlagCheck None = FlagCheck::None, Positive = FlagCheck::Positive, NonNegative = FlagCheck::NonNegative;
constexpr FlagOn TrainAndTune = FlagOn::TrainAndTune, TrainOnly = FlagOn::TrainOnly;

// To add a setting: a member of TrainSettings, a row here, its value in the
// compiler's TrainConfig emitted by name (compiler/codegen/Emit.cpp,
// model_info_source), and its use.
const TrainSettingDef kTrainSettings[] = {
    {"data", &S::data, "", "--data", None, TrainAndTune,
     "training data: builtin.NAME, fashion_mnist, an IDX directory or a CSV file"},
    {"test", &S::test, "", "--test", None, TrainOnly, "data evaluated after every epoch (default: the data set's test split)"},
    {"validation", &S::validation, "", "--val", None, TrainAndTune,
     "validation data: a fraction of the training data held out (0.1) or a data source"},
    {"batch", &S::batch, "32", "--batch", Positive, TrainAndTune, "samples per train step"},
    {"epochs", &S::epochs, "1", "--epochs", Positive, TrainAndTune, "passes over the training data"},
    {"shuffle", &S::shuffle, "on", "--no-shuffle", None, TrainAndTune, "keep the data in file order"},
    {"seed", &S::seed, "0", "--seed", None, TrainAndTune, "seed of the initial weights, the data order and the validation split"},
    {"standardize", &S::standardize, "on", "", None, TrainAndTune, "inputs (x - mean) / std, statistics of the training data"},
    {"schedule", &S::schedule, "constant", "", None, TrainAndTune, "the learning rate per epoch: constant, step, cosine"},
    {"schedule_every", &S::schedule_every, "1", "", None, TrainAndTune, "step schedule: every this many epochs ..."},
    {"schedule_gamma", &S::schedule_gamma, "0.1", "", None, TrainAndTune, "... the learning rate is multiplied by this"},
    {"early_stop", &S::early_stop, "0", "--early-stop", NonNegative, TrainAndTune,
     "stop after N epochs without a better validation loss"},
};
const int kNumTrainSettings = int(sizeof kTrainSettings / sizeof kTrainSettings[0]);

namespace {

const TrainSettingDef* find_setting(const std::string& name) {
  for (const TrainSettingDef& def : kTrainSettings)
    if (name == def.name) return &def;
  return nullptr;
}

// Reads `text` into the setting's field; false if it is not of its type.
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

TrainSettings model_train_settings(const ModelInfo& info) {
  TrainSettings s;
  auto set = [&](const TrainSettingDef& def, const std::string& text) {
    if (!read_value(s, def, text))
      throw std::logic_error(std::string("the train setting ") + def.name + " has the value '" + text +
                             "', which is not of its type; rebuild the program with nnc");
  };
  for (const TrainSettingDef& def : kTrainSettings) set(def, def.default_value);
  for (int i = 0; i < info.num_train_defaults; ++i) {
    const TrainDefault& d = info.train_defaults[i];
    const TrainSettingDef* def = find_setting(d.name);
    if (!def)
      throw std::logic_error(std::string("the model names a train setting '") + d.name +
                             "' this runtime does not know; rebuild the program with nnc");
    set(*def, d.value);
  }
  return s;
}

void add_setting_flags(CLI::App& cmd, TrainSettings& s, bool tune) {
  for (const TrainSettingDef& def : kTrainSettings) {
    if (!def.flag[0] || (tune && def.on == FlagOn::TrainOnly)) continue;
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(s.*member)>;
          if constexpr (std::is_same_v<T, bool>) {
            const bool value = std::strncmp(def.flag, "--no-", 5) != 0;
            cmd.add_flag_callback(def.flag, [&s, member, value] { s.*member = value; }, def.help);
          } else {
            CLI::Option* option = cmd.add_option(def.flag, s.*member, def.help);
            if (def.check == FlagCheck::Positive) option->check(CLI::PositiveNumber);
            if (def.check == FlagCheck::NonNegative) option->check(CLI::NonNegativeNumber);
          }
        },
        def.field);
  }
}

std::string describe_settings(const TrainSettings& s) {
  std::string text;
  for (const TrainSettingDef& def : kTrainSettings)
    text += (text.empty() ? "" : ", ") + std::string(def.name) + " " + value_text(s, def);
  return text;
}

}  // namespace nnc::rt
