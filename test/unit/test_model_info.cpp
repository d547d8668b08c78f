// What the runtime looks up in a generated ModelInfo by name: its pipelines.
#include "runtime/model.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace nnc::rt {
namespace {

int pipeline_a(void**) { return 1; }
int pipeline_b(void**) { return 2; }

TEST(ModelInfoPipelines, FoundByNameInAnyOrder) {
  const PipelineInfo pipelines[] = {{"train_step", pipeline_b, 0, nullptr}, {"predict", pipeline_a, 0, nullptr}};
  ModelInfo info{};
  info.name = "m";
  info.num_pipelines = 2;
  info.pipelines = pipelines;
  EXPECT_EQ(&find_pipeline(info, "predict"), &pipelines[1]);
  EXPECT_EQ(&find_pipeline(info, "train_step"), &pipelines[0]);
}

TEST(ModelInfoPipelines, AMissingOneIsAClearError) {
  const PipelineInfo pipelines[] = {{"predict", pipeline_a, 0, nullptr}, {"evaluate", pipeline_b, 0, nullptr}};
  ModelInfo info{};
  info.name = "m";
  info.num_pipelines = 2;
  info.pipelines = pipelines;
  try {
    find_pipeline(info, "probe");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "model 'm' has no pipeline 'probe' (it has predict, evaluate); rebuild the program with nnc");
  }
  info.num_pipelines = 0;
  EXPECT_THROW(find_pipeline(info, "predict"), std::runtime_error);
}

}  // namespace
}  // namespace nnc::rt
