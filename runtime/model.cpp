#include "runtime/model.h"

#include <stdexcept>
#include <string>

namespace nnc::rt {

const PipelineInfo* find_pipeline_if(const ModelInfo& info, const char* name, const char* device) {
  for (int i = 0; i < info.num_pipelines; ++i)
    if (std::string(info.pipelines[i].name) == name && std::string(info.pipelines[i].device) == device)
      return &info.pipelines[i];
  return nullptr;
}

const PipelineInfo& find_pipeline(const ModelInfo& info, const char* name, const char* device) {
  if (const PipelineInfo* p = find_pipeline_if(info, name, device)) return *p;
  std::string names;
  for (int i = 0; i < info.num_pipelines; ++i)
    names += (names.empty() ? "" : ", ") + std::string(info.pipelines[i].name) + " on " + info.pipelines[i].device;
  throw std::runtime_error("model '" + std::string(info.name) + "' has no pipeline '" + name + "' on " + device + " (it has " +
                           (names.empty() ? "none" : names) + "); rebuild the program with nnc");
}

}  // namespace nnc::rt
