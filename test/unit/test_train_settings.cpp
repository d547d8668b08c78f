// The train settings' table (runtime/train_settings.h): the model's values
// read by name over the table's defaults, the flags registered from it, and
// the text `info` prints.
#include "runtime/setting_flags.h"
#include "runtime/train_settings.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace nnc::rt {
namespace {

// A ModelInfo with only the train defaults set: all the table reads.
ModelInfo model_with(const std::vector<TrainDefault>& defaults) {
  ModelInfo info{};
  info.name = "m";
  info.num_train_defaults = int(defaults.size());
  info.train_defaults = defaults.data();
  return info;
}

TEST(TrainSettings, TableDefaultsWhereTheModelGivesNone) {
  const std::vector<TrainDefault> none;
  const TrainSettings s = model_train_settings(model_with(none));
  EXPECT_EQ(s.data, "");
  EXPECT_EQ(s.batch, 32);
  EXPECT_EQ(s.epochs, 1);
  EXPECT_TRUE(s.shuffle);
  EXPECT_EQ(s.seed, 0u);
  EXPECT_TRUE(s.standardize);
  EXPECT_EQ(s.schedule, "constant");
  EXPECT_EQ(s.schedule_every, 1);
  EXPECT_EQ(s.schedule_gamma, 0.1);
  EXPECT_EQ(s.early_stop, 0);
}

TEST(TrainSettings, ModelValuesByNameOfEveryType) {
  const std::vector<TrainDefault> given = {
      {"data", "builtin.xor"}, {"test", "t.csv"},        {"validation", "0.2"},      {"batch", "4"},
      {"epochs", "50"},        {"shuffle", "off"},       {"seed", "18446744073709551615"},
      {"standardize", "off"},  {"schedule", "step"},     {"schedule_every", "3"},
      {"schedule_gamma", "0.10000000000000001"},         {"early_stop", "2"}};
  const TrainSettings s = model_train_settings(model_with(given));
  EXPECT_EQ(s.data, "builtin.xor");
  EXPECT_EQ(s.test, "t.csv");
  EXPECT_EQ(s.validation, "0.2");
  EXPECT_EQ(s.batch, 4);
  EXPECT_EQ(s.epochs, 50);
  EXPECT_FALSE(s.shuffle);
  EXPECT_EQ(s.seed, 18446744073709551615ull);
  EXPECT_FALSE(s.standardize);
  EXPECT_EQ(s.schedule, "step");
  EXPECT_EQ(s.schedule_every, 3);
  EXPECT_EQ(s.schedule_gamma, 0.1);  // 17 digits read back exactly
  EXPECT_EQ(s.early_stop, 2);
  EXPECT_EQ(describe_settings(s),
            "data builtin.xor, test t.csv, validation 0.2, batch 4, epochs 50, shuffle off, "
            "seed 18446744073709551615, standardize off, schedule step, schedule_every 3, schedule_gamma 0.1, "
            "early_stop 2");
}

TEST(TrainSettings, EveryRowHasANameAndHelp) {
  for (int i = 0; i < kNumTrainSettings; ++i) {
    EXPECT_STRNE(kTrainSettings[i].name, "");
    EXPECT_STRNE(kTrainSettings[i].help, "") << kTrainSettings[i].name;
    for (int k = 0; k < i; ++k) EXPECT_STRNE(kTrainSettings[i].name, kTrainSettings[k].name);
  }
}

TEST(TrainSettings, AnUnknownNameOrABadValueIsAnotherNncsProgram) {
  const std::vector<TrainDefault> unknown = {{"batchsize", "4"}};
  EXPECT_THROW(model_train_settings(model_with(unknown)), std::logic_error);
  for (const TrainDefault& bad : std::vector<TrainDefault>{
           {"batch", "four"}, {"batch", "4.5"}, {"batch", ""}, {"shuffle", "yes"}, {"seed", "1e3"}, {"seed", "-1"}, {"schedule_gamma", "x"}}) {
    const std::vector<TrainDefault> one = {bad};
    EXPECT_THROW(model_train_settings(model_with(one)), std::logic_error) << bad.name << " " << bad.value;
  }
}

// Parses ARGS with the flags of `train` (or `tune`) over the table's defaults.
TrainSettings parsed(std::vector<std::string> args, bool tune) {
  const std::vector<TrainDefault> none;
  TrainSettings s = model_train_settings(model_with(none));
  CLI::App app;
  add_setting_flags(app, s, tune);
  args.insert(args.begin(), "model");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  app.parse(int(argv.size()), argv.data());
  return s;
}

TEST(TrainSettings, FlagsWriteTheirSettings) {
  const TrainSettings s = parsed({"--data", "d.csv", "--val", "0.1", "--batch", "8", "--epochs", "3", "--no-shuffle",
                                  "--seed", "7", "--early-stop", "2", "--test", "t.csv"},
                                 false);
  EXPECT_EQ(s.data, "d.csv");
  EXPECT_EQ(s.validation, "0.1");
  EXPECT_EQ(s.batch, 8);
  EXPECT_EQ(s.epochs, 3);
  EXPECT_FALSE(s.shuffle);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.early_stop, 2);
  EXPECT_EQ(s.test, "t.csv");
  EXPECT_TRUE(parsed({}, false).shuffle);
}

TEST(TrainSettings, FlagChecksAndScopes) {
  EXPECT_THROW(parsed({"--batch", "0"}, false), CLI::ValidationError);
  EXPECT_THROW(parsed({"--epochs", "-1"}, false), CLI::ValidationError);
  EXPECT_THROW(parsed({"--early-stop", "-1"}, false), CLI::ValidationError);
  EXPECT_EQ(parsed({"--early-stop", "0"}, false).early_stop, 0);
  EXPECT_THROW(parsed({"--test", "t.csv"}, true), CLI::ExtrasError);  // tune scores on validation data only
  EXPECT_THROW(parsed({"--standardize"}, false), CLI::ExtrasError);   // compiled into the model's statistics
}

}  // namespace
}  // namespace nnc::rt
