#include "runtime/model.h"

#include <stdexcept>
#include <string>

namespace nnc::rt {

const PipelineInfo* find_pipeline_if(const ModelInfo& info, const char* name) {
  for (int i = 0; i < info.num_pipelines; ++i)
    if (std::string(info.pipelines[i].name) == name) return &info.pipelines[i];
  return nullptr;
}

const PipelineInfo& find_pipeline(const ModelInfo& info, const char* name) {
  if (const PipelineInfo* p = find_pipeline_if(info, name)) return *p;
  std::string names;
  for (int i = 0; i < info.num_pipelines; ++i) names += (names.empty() ? "" : ", ") + std::string(info.pipelines[i].name);
  throw std::runtime_error("model '" + std::string(info.name) + "' has no pipeline '" + name + "' (it has " +
                           (names.empty() ? "none" : names) + "); rebuild the program with nnc");
}

}  // namespace nnc::rt
