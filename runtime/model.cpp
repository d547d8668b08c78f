#include "runtime/model.h"

#include <stdexcept>
#include <string>

namespace nnc::rt {

const PipelineInfo& find_pipeline(const ModelInfo& info, const char* name) {
  std::string names;
  for (int i = 0; i < info.num_pipelines; ++i) {
    if (std::string(info.pipelines[i].name) == name) return info.pipelines[i];
    names += (names.empty() ? "" : ", ") + std::string(info.pipelines[i].name);
  }
  throw std::runtime_error("model '" + std::string(info.name) + "' has no pipeline '" + name + "' (it has " +
                           (names.empty() ? "none" : names) + "); rebuild the program with nnc");
}

}  // namespace nnc::rt
