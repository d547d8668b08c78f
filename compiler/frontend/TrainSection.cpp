// The train section: each `key value` line read into the program's
// TrainConfig, every key and value checked. Most keys are rows of the
// runtime's train settings' table (runtime/train_settings.h), read here by
// the row's type and check; the others have a rule of their own below: data
// sources, the optimizer and its settings (from the optimizer table), l1/l2,
// the schedule and augmentation. The run-time settings become the generated
// program's defaults; its flags can override them.
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <set>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "compiler/frontend/ModelBuilder.h"
#include "compiler/frontend/NameHints.h"
#include "compiler/passes/Optimizers.h"
#include "runtime/train_settings.h"

namespace nnc::sema {
namespace fs = std::filesystem;

namespace {

// The keys of their own rule that are no row of the table.
const char* const kOwnKeys[] = {"optimizer", "l1", "l2", "augment"};

// Every key a train section may have, for "did you mean": the table's rows
// that have a line of their own, then the keys above.
std::vector<std::string> train_keys() {
  std::vector<std::string> keys;
  for (int i = 0; i < rt::kNumTrainSettings; ++i)
    if (rt::kTrainSettings[i].in_file.kind != rt::InFile::Part) keys.push_back(rt::kTrainSettings[i].name);
  keys.insert(keys.end(), std::begin(kOwnKeys), std::end(kOwnKeys));
  return keys;
}

// A number as the table reads it: whole numbers with every digit ("1000",
// not "1e+03"), others with 17 significant digits, which read back exactly.
std::string number_text(double v) {
  std::ostringstream text;
  v += 0.0;  // -0 is 0
  if (std::isfinite(v) && v == std::floor(v)) text << std::fixed << std::setprecision(0) << v;
  else text << std::setprecision(17) << v;
  return text.str();
}

bool passes(rt::Check check, double v) {
  return check == rt::Check::Positive ? v > 0 : check == rt::Check::NonNegative ? v >= 0 : true;
}

// What a Key row's value must be, as the error says it.
std::string expected(const rt::TrainSettingDef& def) {
  const rt::Check check = def.in_file.check;
  const char* sign = check == rt::Check::Positive ? "a positive " : check == rt::Check::NonNegative ? "a non-negative " : "";
  return std::visit(
      [&](auto member) -> std::string {
        using T = std::decay_t<decltype(std::declval<rt::TrainSettings&>().*member)>;
        if constexpr (std::is_same_v<T, bool>) return " is on or off";
        else if constexpr (std::is_same_v<T, std::string>) return " is a name or a text in quotes";
        else if constexpr (std::is_same_v<T, double>) return std::string(" must be ") + (*sign ? sign : "a ") + "number";
        else return std::string(" must be ") + (*sign ? sign : "an ") + "integer";
      },
      def.field);
}

}  // namespace

void ModelBuilder::read_train(const ast::Train& train) {
  ir::TrainConfig& c = p_.train;
  c.loc = train.loc;
  Scope none;
  std::set<std::string> seen;
  for (const ast::TrainItem& item : train.items) {
    Const v = constant(*item.value, none);
    if (!seen.insert(item.key).second) diags_.error(item.loc, "'" + item.key + "' is set twice");
    const rt::TrainSettingDef* setting = rt::find_train_setting(item.key);
    const bool is_source = v.kind == Const::Kind::String || v.kind == Const::Kind::Symbol;
    if (item.key == "data" || item.key == "test" || (item.key == "validation" && is_source)) {
      if (!is_source) {
        diags_.error(v.loc, item.key + " is a file in quotes, a directory, or a data set name such as builtin.xor");
        continue;
      }
      std::string source = v.text;
      if (v.kind == Const::Kind::String && !source.empty() && !fs::path(source).is_absolute())
        source = (fs::path(train.loc.file).parent_path() / source).lexically_normal().string();
      c.settings[item.key] = source;
    } else if (item.key == "validation") {
      if (v.kind != Const::Kind::Number || v.number <= 0 || v.number >= 1) {
        diags_.error(v.loc, "validation is a fraction of the training data in (0, 1), such as 0.1, or a data source");
        continue;
      }
      std::ostringstream text;
      text << v.number;
      c.settings["validation"] = text.str();
    } else if (item.key == "optimizer") {
      read_optimizer(v);
    } else if (item.key == "l1" || item.key == "l2") {
      if (v.kind != Const::Kind::Number || v.number < 0) {
        diags_.error(v.loc, item.key + " is a non-negative number: the penalty on every weight of the model");
        continue;
      }
      c.hypers[item.key] = v.number;
    } else if (item.key == "schedule") {
      read_schedule(v);
    } else if (item.key == "augment") {
      read_augment(v);
    } else if (setting && setting->in_file.kind == rt::InFile::Key) {
      read_setting(*setting, v);
    } else if (setting && setting->in_file.kind == rt::InFile::Custom) {
      throw std::logic_error("the train setting '" + item.key + "' has a rule of its own (runtime/train_settings.cpp) "
                             "but read_train has none");
    } else {
      diags_.error(item.loc, "unknown train setting '" + item.key + "'" + unknown_setting_hint(item.key, train_keys()));
    }
  }
}

// A Key row's `name value`: the value must be of the row's type (read as the
// runtime reads it, so it is in its range too) and pass the row's check.
void ModelBuilder::read_setting(const rt::TrainSettingDef& def, const Const& v) {
  const bool is_bool = std::holds_alternative<bool rt::TrainSettings::*>(def.field);
  const bool is_real = std::holds_alternative<double rt::TrainSettings::*>(def.field);
  const bool is_number = !is_bool && !std::holds_alternative<std::string rt::TrainSettings::*>(def.field);
  bool ok = false;
  std::string text;
  if (is_number) {
    text = number_text(v.number);
    ok = v.kind == Const::Kind::Number && (is_real || v.is_integer) && passes(def.in_file.check, v.number);
  } else {
    text = v.text;
    ok = is_bool ? v.kind == Const::Kind::Symbol : v.kind == Const::Kind::String || v.kind == Const::Kind::Symbol;
  }
  rt::TrainSettings value;
  if (!ok || !rt::read_value(value, def, text)) {
    diags_.error(v.loc, def.name + expected(def));
    return;
  }
  p_.train.settings[def.name] = text;
}

// optimizer NAME(settings): a row of the optimizer table. The settings
// given here become the run-time defaults; the optimizer pass fills in
// the table's defaults for the rest.
void ModelBuilder::read_optimizer(const Const& v) {
  ir::TrainConfig& c = p_.train;
  std::string name = v.kind == Const::Kind::Call || v.kind == Const::Kind::Symbol ? v.text : "";
  const passes::OptimizerDef* optimizer = passes::find_optimizer(name);
  if (!optimizer) {
    std::vector<std::string> names;
    std::string listed;
    for (const passes::OptimizerDef& o : passes::optimizers()) names.push_back(o.name);
    for (size_t i = 0; i < names.size(); ++i)
      listed += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    diags_.error(v.loc, "unknown optimizer" + (name.empty() ? std::string() : " '" + name + "'") +
                            did_you_mean(name, names) + "; the optimizers are " + listed);
    return;
  }
  c.optimizer = name;
  std::vector<std::string> params;
  for (const passes::SettingDef& s : optimizer->settings) params.push_back(s.name);
  for (const char* s : optimizer->switches) params.push_back(s);
  auto bound = bind_args(name, params, v.items, v.names, diags_);
  if (!bound) return;
  for (const auto& [key, arg] : *bound) {
    if (key == "nesterov") {
      if (auto on = on_off(arg, key, diags_)) c.nesterov = *on;
      continue;
    }
    const passes::SettingDef& setting = *passes::find_setting(key);
    if (arg.kind != Const::Kind::Number || arg.number < 0) {
      diags_.error(arg.loc, key + " must be a non-negative number");
      continue;
    }
    if (!setting.allows(arg.number)) {
      diags_.error(arg.loc, key + " must lie in " + setting.range());
      continue;
    }
    c.hypers[key] = arg.number;
  }
  auto momentum = c.hypers.find("momentum");
  if (c.nesterov && (momentum == c.hypers.end() ? passes::find_setting("momentum")->default_value : momentum->second) <= 0)
    diags_.error(v.loc, "nesterov needs a momentum above 0: sgd(lr = 0.01, momentum = 0.9, nesterov = on)");
}

// schedule constant | cosine | step(every = N, gamma = X)
void ModelBuilder::read_schedule(const Const& v) {
  ir::TrainConfig& c = p_.train;
  const std::string name = v.kind == Const::Kind::Call || v.kind == Const::Kind::Symbol ? v.text : "";
  if (name != "constant" && name != "cosine" && name != "step") {
    diags_.error(v.loc, "a schedule is constant, cosine or step(every = 3, gamma = 0.1)" + did_you_mean(name, {"constant", "cosine", "step"}));
    return;
  }
  c.settings["schedule"] = name;
  auto bound = bind_args(name, name == "step" ? std::vector<std::string>{"every", "gamma"} : std::vector<std::string>{},
                         v.items, v.names, diags_);
  if (!bound) return;
  for (const auto& [key, arg] : *bound) {
    if (key == "every" && (arg.kind != Const::Kind::Number || !arg.is_integer || arg.number < 1))
      diags_.error(arg.loc, "every is a positive number of epochs");
    else if (key == "gamma" && (arg.kind != Const::Kind::Number || arg.number <= 0))
      diags_.error(arg.loc, "gamma is a positive factor, such as 0.1");
    else c.settings[key == "every" ? "schedule_every" : "schedule_gamma"] = number_text(arg.number);
  }
}

// augment [flip, shift(2), crop(2), zoom(0.1), brightness(0.1), contrast(0.1), noise(0.05)]
void ModelBuilder::read_augment(const Const& v) {
  static const std::map<std::string, double> kinds = {{"flip", 0},       {"shift", 2},    {"crop", 2},
                                                      {"zoom", 0.1},     {"brightness", 0.1}, {"contrast", 0.1},
                                                      {"noise", 0.05}};
  std::vector<Const> items = v.kind == Const::Kind::List ? v.items : std::vector<Const>{v};
  for (const Const& item : items) {
    const std::string name = item.kind == Const::Kind::Call || item.kind == Const::Kind::Symbol ? item.text : "";
    auto kind = kinds.find(name);
    if (kind == kinds.end()) {
      std::vector<std::string> names;
      for (const auto& [k, d] : kinds) names.push_back(k);
      diags_.error(item.loc, "unknown augmentation" + (name.empty() ? std::string() : " '" + name + "'") +
                                 did_you_mean(name, names) +
                                 "; augment takes flip, shift(pixels), crop(padding), zoom(fraction), "
                                 "brightness(delta), contrast(fraction), noise(stddev)");
      continue;
    }
    double strength = kind->second;
    if (!item.items.empty()) {
      const Const& a = item.items[0];
      if (item.items.size() > 1 || a.kind != Const::Kind::Number || a.number < 0 || name == "flip") {
        diags_.error(a.loc, name == "flip" ? "flip takes no argument (it mirrors left and right)"
                                           : name + " takes one non-negative number");
        continue;
      }
      strength = a.number;
    }
    if ((name == "shift" || name == "crop") && strength != std::floor(strength)) {
      diags_.error(item.items[0].loc, name + " takes a whole number of pixels");
      continue;
    }
    p_.train.augment.emplace_back(name, strength);
  }
  if (!p_.train.augment.empty() && p_.input >= 0) {
    const ir::Type& in = p_.graph.node(p_.input).type;
    if (in.dims.size() != 3)
      diags_.error(v.loc, "augment works on images f32[channels, height, width]; the input is " + in.str());
  }
}

}  // namespace nnc::sema
