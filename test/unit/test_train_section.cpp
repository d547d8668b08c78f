// The train section read by the runtime's train settings' table
// (runtime/train_settings.h): every Key row is a line `name value` that the
// compiler checks by the row's type and check and keeps by name, with no
// code of its own; Part rows have no line; the values reach the program as
// the runtime reads them.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>

#include "compiler/frontend/Sema.h"
#include "runtime/train_settings.h"

namespace {

using nnc::rt::InFile;
using nnc::rt::kNumTrainSettings;
using nnc::rt::kTrainSettings;
using nnc::rt::TrainSettingDef;

// A small model with `train { LINES }`, analysed; diagnostics' text in *errors.
std::optional<nnc::ir::Program> analyzed(const std::string& lines, std::string* errors) {
  const std::string file = ::testing::TempDir() + "train_section.nn";
  std::ofstream(file) << "model m {\n  input x: f32[2]\n  target t: f32[1]\n  y = x -> dense(1)\n"
                         "  loss squared_error(y, t)\n}\ntrain {\n"
                      << lines << "}\n";
  nnc::Diagnostics diags;
  nnc::SemaOptions options;
  auto modules = nnc::load_modules(file, options, diags);
  std::optional<nnc::ir::Program> p;
  if (modules) p = nnc::analyze(*modules, options, diags);
  std::ostringstream text;
  diags.print(text);
  *errors = text.str();
  std::remove(file.c_str());
  if (diags.has_errors()) return std::nullopt;
  return p;
}

// A value every Key row of this type accepts (1 passes each check), as the
// .nn file writes it and as the table's text.
std::pair<std::string, std::string> some_value(const TrainSettingDef& def) {
  return std::visit(
      [](auto member) -> std::pair<std::string, std::string> {
        using T = std::decay_t<decltype(std::declval<nnc::rt::TrainSettings&>().*member)>;
        if constexpr (std::is_same_v<T, bool>) return {"off", "off"};
        else if constexpr (std::is_same_v<T, std::string>) return {"\"x\"", "x"};
        else if constexpr (std::is_same_v<T, double>) return {"2.5", "2.5"};
        else return {"7", "7"};
      },
      def.field);
}

TEST(TrainSection, EveryKeyRowIsALineReadByItsType) {
  std::string lines, errors;
  int keys = 0;
  for (int i = 0; i < kNumTrainSettings; ++i)
    if (kTrainSettings[i].in_file.kind == InFile::Key) {
      lines += std::string("  ") + kTrainSettings[i].name + " " + some_value(kTrainSettings[i]).first + "\n";
      ++keys;
    }
  ASSERT_GE(keys, 6);  // batch, epochs, shuffle, seed, standardize, early_stop
  auto p = analyzed(lines, &errors);
  ASSERT_TRUE(p) << errors;
  EXPECT_EQ(int(p->train.settings.size()), keys);
  for (int i = 0; i < kNumTrainSettings; ++i) {
    const TrainSettingDef& def = kTrainSettings[i];
    if (def.in_file.kind != InFile::Key) continue;
    ASSERT_TRUE(p->train.settings.count(def.name)) << def.name;
    EXPECT_EQ(p->train.settings.at(def.name), some_value(def).second) << def.name;
    nnc::rt::TrainSettings s;
    EXPECT_TRUE(nnc::rt::read_value(s, def, p->train.settings.at(def.name))) << def.name;
  }
}

TEST(TrainSection, APartRowHasNoLineOfItsOwn) {
  for (int i = 0; i < kNumTrainSettings; ++i) {
    const TrainSettingDef& def = kTrainSettings[i];
    if (def.in_file.kind != InFile::Part) continue;
    std::string errors;
    EXPECT_FALSE(analyzed(std::string("  ") + def.name + " 1\n", &errors));
    EXPECT_NE(errors.find(std::string("error: unknown train setting '") + def.name + "'"), std::string::npos) << errors;
  }
}

TEST(TrainSection, NumbersAsTheRuntimeReadsThem) {
  std::string errors;
  auto p = analyzed("  seed 18446744073709549568  epochs 12\n  schedule step(every = 3, gamma = 0.1)\n", &errors);
  ASSERT_TRUE(p) << errors;
  EXPECT_EQ(p->train.settings.at("seed"), "18446744073709549568");  // every digit, no exponent
  EXPECT_EQ(p->train.settings.at("epochs"), "12");
  EXPECT_EQ(p->train.settings.at("schedule"), "step");
  EXPECT_EQ(p->train.settings.at("schedule_every"), "3");
  EXPECT_EQ(p->train.settings.at("schedule_gamma"), "0.10000000000000001");  // reads back as exactly 0.1
  EXPECT_FALSE(p->train.settings.count("batch"));  // not set: the runtime takes the table's default
}

}  // namespace
