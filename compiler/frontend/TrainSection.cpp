// The train section: each `key value` line read into the program's
// TrainConfig, every key and value checked (data sources, the optimizer and
// its settings from the optimizer table, schedule, augmentation, batch,
// epochs, ...). The run-time settings become the generated program's
// defaults; its flags can override them.
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "compiler/frontend/ModelBuilder.h"
#include "compiler/passes/Optimizers.h"

namespace nnc::sema {
namespace fs = std::filesystem;

void ModelBuilder::read_train(const ast::Train& train) {
  ir::TrainConfig& c = p_.train;
  c.loc = train.loc;
  Scope none;
  static const std::vector<std::string> keys = {"data",     "test",       "validation", "optimizer", "batch",
                                                "epochs",   "shuffle",    "seed",       "standardize", "l1",
                                                "l2",       "schedule",   "early_stop", "augment"};
  std::set<std::string> seen;
  for (const ast::TrainItem& item : train.items) {
    Const v = constant(*item.value, none);
    if (!seen.insert(item.key).second) diags_.error(item.loc, "'" + item.key + "' is set twice");
    const bool is_source = v.kind == Const::Kind::String || v.kind == Const::Kind::Symbol;
    if (item.key == "data" || item.key == "test" || (item.key == "validation" && is_source)) {
      if (!is_source) {
        diags_.error(v.loc, item.key + " is a file in quotes, a directory, or a data set name such as builtin.xor");
        continue;
      }
      std::string source = v.text;
      if (v.kind == Const::Kind::String && !source.empty() && !fs::path(source).is_absolute())
        source = (fs::path(train.loc.file).parent_path() / source).lexically_normal().string();
      (item.key == "data" ? c.data : item.key == "test" ? c.test_data : c.validation) = source;
    } else if (item.key == "validation") {
      if (v.kind != Const::Kind::Number || v.number <= 0 || v.number >= 1) {
        diags_.error(v.loc, "validation is a fraction of the training data in (0, 1), such as 0.1, or a data source");
        continue;
      }
      std::ostringstream text;
      text << v.number;
      c.validation = text.str();
    } else if (item.key == "optimizer") {
      read_optimizer(v);
    } else if (item.key == "batch" || item.key == "epochs" || item.key == "seed" || item.key == "early_stop") {
      if (v.kind != Const::Kind::Number || !v.is_integer || v.number < (item.key == "seed" ? 0 : 1)) {
        diags_.error(v.loc, item.key + (item.key == "seed" ? " must be a non-negative integer" : " must be a positive integer"));
        continue;
      }
      if (item.key == "batch") c.batch = int64_t(v.number);
      else if (item.key == "epochs") c.epochs = int64_t(v.number);
      else if (item.key == "early_stop") c.early_stop = int64_t(v.number);
      else c.seed = uint64_t(v.number);
    } else if (item.key == "shuffle" || item.key == "standardize") {
      if (auto on = on_off(v, item.key, diags_)) (item.key == "shuffle" ? c.shuffle : c.standardize) = *on;
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
    } else {
      diags_.error(item.loc, "unknown train setting '" + item.key + "'" + did_you_mean(item.key, keys));
    }
  }
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
  c.schedule = name;
  auto bound = bind_args(name, name == "step" ? std::vector<std::string>{"every", "gamma"} : std::vector<std::string>{},
                         v.items, v.names, diags_);
  if (!bound) return;
  for (const auto& [key, arg] : *bound) {
    if (key == "every" && (arg.kind != Const::Kind::Number || !arg.is_integer || arg.number < 1))
      diags_.error(arg.loc, "every is a positive number of epochs");
    else if (key == "gamma" && (arg.kind != Const::Kind::Number || arg.number <= 0))
      diags_.error(arg.loc, "gamma is a positive factor, such as 0.1");
    else if (key == "every") c.schedule_every = int64_t(arg.number);
    else c.schedule_gamma = arg.number;
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
