// What the runtime looks up in a generated ModelInfo by name: its pipelines,
// each for a device.
#include "runtime/model.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace nnc::rt {
namespace {

int pipeline_a(void**) { return 1; }
int pipeline_b(void**) { return 2; }

// A model "m" with these pipelines and nothing else.
template <size_t N>
ModelInfo model_with(const PipelineInfo (&pipelines)[N]) {
  ModelInfo info{};
  info.name = "m";
  info.num_pipelines = int(N);
  info.pipelines = pipelines;
  return info;
}

TEST(ModelInfoPipelines, FoundByNameAndDeviceInAnyOrder) {
  const PipelineInfo pipelines[] = {{"train_step", "cpu", 0, pipeline_b, 0, nullptr},
                                    {"predict", "cuda", 0, pipeline_b, 0, nullptr},
                                    {"predict", "cpu", 0, pipeline_a, 0, nullptr}};
  const ModelInfo info = model_with(pipelines);
  EXPECT_EQ(&find_pipeline(info, "predict", "cpu"), &pipelines[2]);
  EXPECT_EQ(&find_pipeline(info, "predict", "cuda"), &pipelines[1]);
  EXPECT_EQ(&find_pipeline(info, "train_step", "cpu"), &pipelines[0]);
  EXPECT_EQ(find_pipeline_if(info, "train_step", "cuda"), nullptr);
}

// nnc --autoschedule: a variant for one batch size is called for that size
// only, and never found by name alone.
TEST(ModelInfoPipelines, ABatchVariantServesItsBatchOnly) {
  const PipelineInfo pipelines[] = {{"predict", "cpu", 1, pipeline_b, 0, nullptr},
                                    {"predict", "cpu", 0, pipeline_a, 0, nullptr},
                                    {"predict", "cuda", 1, pipeline_b, 0, nullptr}};
  const ModelInfo info = model_with(pipelines);
  const PipelineInfo& any = find_pipeline(info, "predict", "cpu");
  EXPECT_EQ(&any, &pipelines[1]);
  EXPECT_EQ(&for_batch(info, any, 1), &pipelines[0]);
  EXPECT_EQ(&for_batch(info, any, 2), &pipelines[1]);
  EXPECT_EQ(&for_batch(info, any, 0), &pipelines[1]);
}

TEST(ModelInfoPipelines, AMissingOneIsAClearError) {
  const PipelineInfo pipelines[] = {{"predict", "cpu", 0, pipeline_a, 0, nullptr},
                                    {"evaluate", "cpu", 0, pipeline_b, 0, nullptr}};
  ModelInfo info = model_with(pipelines);
  try {
    find_pipeline(info, "probe", "cpu");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "model 'm' has no pipeline 'probe' on cpu (it has predict on cpu, evaluate on cpu); rebuild the program "
              "with nnc");
  }
  info.num_pipelines = 0;
  EXPECT_THROW(find_pipeline(info, "predict", "cpu"), std::runtime_error);
}

}  // namespace
}  // namespace nnc::rt
