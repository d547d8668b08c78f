#include "runtime/model.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace nnc::rt {

namespace {
// The batch is compared first: every pipeline call looks for its batch's
// variant, and a model without --autoschedule has none, so that search
// costs one integer comparison per pipeline.
const PipelineInfo* find(const ModelInfo& info, const char* name, const char* device, int64_t batch) {
  for (int i = 0; i < info.num_pipelines; ++i) {
    const PipelineInfo& p = info.pipelines[i];
    if (p.batch == batch && std::strcmp(p.name, name) == 0 && std::strcmp(p.device, device) == 0) return &p;
  }
  return nullptr;
}
}  // namespace

const PipelineInfo* find_pipeline_if(const ModelInfo& info, const char* name, const char* device) {
  return find(info, name, device, 0);
}

const PipelineInfo& for_batch(const ModelInfo& info, const PipelineInfo& p, int64_t batch) {
  const PipelineInfo* fixed = find(info, p.name, p.device, batch);
  return fixed ? *fixed : p;
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
