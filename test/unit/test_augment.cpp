// runtime/augment.cpp: each transform against its definition, checked on
// small images by plain loops.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "runtime/augment.h"

namespace {

using nnc::rt::AugmentStep;
using nnc::rt::Rng;

constexpr int64_t C = 2, H = 5, W = 6;

std::vector<float> ramp_image() {
  std::vector<float> v(C * H * W);
  std::iota(v.begin(), v.end(), 1.0f);  // all distinct, none zero
  return v;
}

std::vector<float> augmented(const std::vector<AugmentStep>& steps, uint64_t seed) {
  std::vector<float> image = ramp_image(), scratch;
  Rng rng(seed);
  nnc::rt::augment_image(image.data(), C, H, W, steps, rng, scratch);
  return image;
}

float at(const std::vector<float>& v, int64_t c, int64_t y, int64_t x) { return v[size_t((c * H + y) * W + x)]; }

// The image moved by (dy, dx), zeros where nothing moved in.
std::vector<float> translated(const std::vector<float>& v, int64_t dy, int64_t dx) {
  std::vector<float> out(v.size(), 0.0f);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x)
        if (y - dy >= 0 && y - dy < H && x - dx >= 0 && x - dx < W) out[size_t((c * H + y) * W + x)] = at(v, c, y - dy, x - dx);
  return out;
}

TEST(Augment, FlipMirrorsRowsOrLeavesTheImage) {
  const std::vector<float> original = ramp_image();
  std::vector<float> mirrored(original.size());
  for (int64_t c = 0; c < C; ++c)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) mirrored[size_t((c * H + y) * W + x)] = at(original, c, y, W - 1 - x);
  int flips = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    std::vector<float> out = augmented({{"flip", 0}}, seed);
    ASSERT_TRUE(out == original || out == mirrored) << "seed " << seed;
    flips += out == mirrored;
  }
  EXPECT_GT(flips, 8);  // about half of 40
  EXPECT_LT(flips, 32);
}

TEST(Augment, ShiftIsATranslationWithinItsRange) {
  for (const char* name : {"shift", "crop"})
    for (uint64_t seed = 0; seed < 30; ++seed) {
      std::vector<float> out = augmented({{name, 2}}, seed);
      bool found = false;
      for (int64_t dy = -2; dy <= 2 && !found; ++dy)
        for (int64_t dx = -2; dx <= 2 && !found; ++dx) found = out == translated(ramp_image(), dy, dx);
      EXPECT_TRUE(found) << name << " seed " << seed;
    }
}

TEST(Augment, ZoomZeroIsTheIdentity) { EXPECT_EQ(augmented({{"zoom", 0}}, 3), ramp_image()); }

TEST(Augment, ZoomKeepsTheCentrePixel) {
  // An odd-sized single-channel check: the centre maps to itself at any factor.
  for (uint64_t seed = 0; seed < 10; ++seed) {
    std::vector<float> image(25), scratch;
    std::iota(image.begin(), image.end(), 1.0f);
    Rng rng(seed);
    nnc::rt::augment_image(image.data(), 1, 5, 5, {{"zoom", 0.5}}, rng, scratch);
    EXPECT_EQ(image[12], 13.0f);
  }
}

TEST(Augment, BrightnessAddsOneValueInRange) {
  const std::vector<float> original = ramp_image();
  std::vector<float> out = augmented({{"brightness", 0.3}}, 5);
  const float delta = out[0] - original[0];
  EXPECT_LE(std::fabs(delta), 0.3f);
  for (size_t k = 0; k < out.size(); ++k) EXPECT_NEAR(out[k] - original[k], delta, 1e-5f);
}

TEST(Augment, ContrastScalesAboutTheMean) {
  const std::vector<float> original = ramp_image();
  std::vector<float> out = augmented({{"contrast", 0.4}}, 9);
  const double mean = std::accumulate(original.begin(), original.end(), 0.0) / double(original.size());
  const double factor = (out[0] - mean) / (original[0] - mean);
  EXPECT_GE(factor, 0.6 - 1e-6);
  EXPECT_LE(factor, 1.4 + 1e-6);
  for (size_t k = 0; k < out.size(); ++k) EXPECT_NEAR(out[k], mean + (original[k] - mean) * factor, 1e-4);
}

TEST(Augment, NoiseHasTheRequestedSpread) {
  std::vector<float> image(100000, 0.5f), scratch;
  Rng rng(11);
  nnc::rt::augment_image(image.data(), 1, 100, 1000, {{"noise", 0.2}}, rng, scratch);
  double sum = 0, sum_sq = 0;
  for (float v : image) sum += v - 0.5, sum_sq += (v - 0.5) * (v - 0.5);
  const double mean = sum / double(image.size()), sd = std::sqrt(sum_sq / double(image.size()) - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(sd, 0.2, 0.005);
}

TEST(Augment, SameSeedSameResult) {
  const std::vector<AugmentStep> steps{{"flip", 0}, {"shift", 1}, {"brightness", 0.1}, {"noise", 0.05}};
  EXPECT_EQ(augmented(steps, 42), augmented(steps, 42));
  EXPECT_NE(augmented(steps, 42), augmented(steps, 43));
}

}  // namespace
