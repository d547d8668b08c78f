#include "runtime/setting_flags.h"

#include "runtime/printable.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstring>
#include <type_traits>
#include <variant>

namespace nnc::rt {
namespace {

// A number's check: "" where `ok` holds, else what is wrong with it.
CLI::Validator number_check(const char* rule, bool (*ok)(double)) {
  return CLI::Validator(
      [rule, ok](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value)) return "'" + printable(text) + "' is not a number";
        if (!std::isfinite(value)) return "must be a finite number, got " + text;
        if (!ok(value)) return std::string("must be ") + rule + ", got " + text;
        return "";
      },
      "", rule);
}

}  // namespace

CLI::Validator positive_flag() {
  return number_check("greater than 0", [](double v) { return v > 0; });
}

CLI::Validator non_negative_flag() {
  return number_check("0 or more", [](double v) { return v >= 0; });
}

void add_setting_flags(CLI::App& cmd, TrainSettings& s, bool tune) {
  for (int i = 0; i < kNumTrainSettings; ++i) {
    const TrainSettingDef& def = kTrainSettings[i];
    if (!def.flag[0] || (tune && def.on == FlagOn::TrainOnly)) continue;
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(s.*member)>;
          if constexpr (std::is_same_v<T, bool>) {
            const bool value = std::strncmp(def.flag, "--no-", 5) != 0;
            cmd.add_flag_callback(def.flag, [&s, member, value] { s.*member = value; }, def.help);
          } else {
            CLI::Option* option = cmd.add_option(def.flag, s.*member, def.help);
            if constexpr (std::is_arithmetic_v<T>) {
              if (def.flag_check == Check::Positive) option->check(positive_flag());
              else if (def.flag_check == Check::NonNegative) option->check(non_negative_flag());
              else option->check(number_check("a number", [](double) { return true; }));
            }
          }
        },
        def.field);
  }
}

}  // namespace nnc::rt
