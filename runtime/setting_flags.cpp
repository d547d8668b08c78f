#include "runtime/setting_flags.h"

#include <CLI/CLI.hpp>

#include <cstring>
#include <type_traits>
#include <variant>

namespace nnc::rt {

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
            if (def.flag_check == Check::Positive) option->check(CLI::PositiveNumber);
            if (def.flag_check == Check::NonNegative) option->check(CLI::NonNegativeNumber);
          }
        },
        def.field);
  }
}

}  // namespace nnc::rt
