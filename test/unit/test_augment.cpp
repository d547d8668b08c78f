// runtime/augment.cpp: each transform against its definition, checked on
// small images by plain loops; and, over many seeds, each transform changes
// images at the rate and by the amounts its definition (augment.h) says:
// a transform that did nothing, or always the same thing, fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
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

// ---- Rates and amounts over many seeds ----------------------------------
// Each seed gives one draw; the counts are compared with their expected
// values within 4 standard deviations of a binomial count (the seeds are
// fixed, so these checks are deterministic; 4 sigma leaves room for any
// change of the generator that keeps its distribution).
constexpr int kSeeds = 2000;

// |count - n p| <= 4 sqrt(n p (1 - p))
void expect_binomial(int count, int n, double p, const std::string& what) {
  const double sigma = std::sqrt(n * p * (1 - p));
  EXPECT_NEAR(count, n * p, 4 * sigma) << what << ": " << count << " of " << n << ", expected about " << n * p;
}

// Draws in [lo, hi] spread evenly: each quarter of the range holds about a
// quarter of them, their mean is the middle, their variance (hi - lo)^2 / 12,
// and the extremes come near both ends.
void expect_uniform(const std::vector<double>& draws, double lo, double hi, double slack, const std::string& what) {
  const size_t n = draws.size();
  std::array<int, 4> quarters{};
  double sum = 0, sum_sq = 0;
  for (double d : draws) {
    ASSERT_GE(d, lo - slack) << what;
    ASSERT_LE(d, hi + slack) << what;
    quarters[size_t(std::clamp(int((d - lo) / (hi - lo) * 4), 0, 3))]++;
    sum += d, sum_sq += d * d;
  }
  for (int q = 0; q < 4; ++q) expect_binomial(quarters[size_t(q)], int(n), 0.25, what + " quarter " + std::to_string(q));
  const double mean = sum / double(n), var = sum_sq / double(n) - mean * mean, width = hi - lo;
  EXPECT_NEAR(mean, (lo + hi) / 2, 4 * width / std::sqrt(12.0 * double(n))) << what << " mean";
  EXPECT_NEAR(var, width * width / 12, 0.1 * width * width / 12) << what << " variance";
  EXPECT_LT(*std::min_element(draws.begin(), draws.end()), lo + 0.01 * width) << what << " lowest";
  EXPECT_GT(*std::max_element(draws.begin(), draws.end()), hi - 0.01 * width) << what << " highest";
}

TEST(AugmentRates, FlipMirrorsHalfTheImages) {
  const std::vector<float> original = ramp_image();
  int flips = 0;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) flips += augmented({{"flip", 0}}, seed) != original;
  expect_binomial(flips, kSeeds, 0.5, "flipped");
}

// shift(k) and crop(k): (dy, dx) uniform over the (2k+1)^2 whole-pixel
// translations, so a fraction 1/(2k+1)^2 of the images stays as it was.
TEST(AugmentRates, ShiftIsUniformOverItsTranslations) {
  for (const char* name : {"shift", "crop"})
    for (int64_t k : {1, 2}) {
      std::map<std::pair<int64_t, int64_t>, int> counts;
      for (uint64_t seed = 0; seed < kSeeds; ++seed) {
        const std::vector<float> out = augmented({{name, double(k)}}, seed);
        int matches = 0;
        for (int64_t dy = -k; dy <= k; ++dy)
          for (int64_t dx = -k; dx <= k; ++dx)
            if (out == translated(ramp_image(), dy, dx)) counts[{dy, dx}]++, matches++;
        ASSERT_EQ(matches, 1) << name << "(" << k << ") seed " << seed << ": not one translation within the range";
      }
      const int cells = int((2 * k + 1) * (2 * k + 1));
      for (int64_t dy = -k; dy <= k; ++dy)
        for (int64_t dx = -k; dx <= k; ++dx)
          expect_binomial(counts[{dy, dx}], kSeeds, 1.0 / cells,
                          std::string(name) + "(" + std::to_string(k) + ") by (" + std::to_string(dy) + ", " +
                              std::to_string(dx) + ")");
    }
}

// zoom(f): the pixel at distance d from the centre comes from distance
// d / factor (nearest pixel, zeros from outside), with factor uniform in
// [1 - f, 1 + f], the same along both axes. Images whose values encode
// their own position give back the source of every pixel. A row of 2001
// pixels pins 1 / factor to an interval about 1e-3 wide (each pixel's
// rounding bounds it); a 101x101 image zoomed from the same seed (the
// factor is drawn first, whatever the size) must then fit that interval in
// every pixel, along both axes.
struct Interval {
  double lo = -INFINITY, hi = INFINITY;
  // source = round(centre + d * slope) bounds slope.
  void fit(double d, double source, double centre) {
    if (d == 0) return;
    const double a = (source - centre - 0.5) / d, b = (source - centre + 0.5) / d;
    lo = std::max(lo, std::min(a, b) - 1e-9), hi = std::min(hi, std::max(a, b) + 1e-9);
  }
  bool admits(double d, double source, double centre) const {
    const double a = centre + d * lo, b = centre + d * hi;
    return source >= std::min(a, b) - 0.5 - 1e-9 && source <= std::max(a, b) + 0.5 + 1e-9;
  }
};

std::vector<float> zoomed(int64_t height, int64_t width, double f, uint64_t seed) {
  std::vector<float> image(size_t(height * width)), scratch;
  for (int64_t k = 0; k < height * width; ++k) image[size_t(k)] = float(k + 1);
  Rng rng(seed);
  nnc::rt::augment_image(image.data(), 1, height, width, {{"zoom", f}}, rng, scratch);
  return image;
}

TEST(AugmentRates, ZoomScalesByAFactorUniformInItsRange) {
  constexpr int64_t Long = 2001, N = 101;
  const double f = 0.4, c = 50;
  std::vector<double> factors;
  int unchanged = 0;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    Interval slope;
    const std::vector<float> row = zoomed(1, Long, f, seed);
    for (int64_t x = 0; x < Long; ++x)
      if (row[size_t(x)] != 0) slope.fit(double(x - Long / 2), double(row[size_t(x)]) - 1, double(Long / 2));
    ASSERT_LE(slope.lo, slope.hi) << "seed " << seed << ": no one factor explains the row";
    ASSERT_LT(slope.hi - slope.lo, 2e-3) << "seed " << seed;
    const double factor = 2 / (slope.lo + slope.hi);
    factors.push_back(factor);

    const std::vector<float> image = zoomed(N, N, f, seed);
    int zeros = 0;
    for (int64_t y = 0; y < N; ++y)
      for (int64_t x = 0; x < N; ++x) {
        const float v = image[size_t(y * N + x)];
        if (v == 0) {
          zeros++;
          continue;
        }
        const double source_y = double((int64_t(v) - 1) / N), source_x = double((int64_t(v) - 1) % N);
        ASSERT_TRUE(slope.admits(double(y) - c, source_y, c)) << "seed " << seed << " y " << y << " from " << source_y;
        ASSERT_TRUE(slope.admits(double(x) - c, source_x, c)) << "seed " << seed << " x " << x << " from " << source_x;
      }
    unchanged += zeros == 0 && std::equal(image.begin(), image.end(), zoomed(N, N, 0, seed).begin());
    // Zooming in fills the image; zooming out leaves a zero border, the
    // pixels whose source lies outside: about N - N factor of each row.
    if (factor >= 1) EXPECT_EQ(zeros, 0) << "seed " << seed;
    else EXPECT_NEAR(std::sqrt(double(N * N - zeros)), double(N) * factor, 2.0) << "seed " << seed;
  }
  expect_uniform(factors, 1 - f, 1 + f, 2e-3, "zoom factor");
  // Only a factor in (50 / 50.5, 50 / 49.5), where even the outermost
  // pixel (d = 50) stays, leaves a 101x101 image as it was.
  expect_binomial(unchanged, 1000, (50 / 49.5 - 50 / 50.5) / (2 * f), "zoom images unchanged");
}

// brightness(d): every value of an image moves by the same delta, uniform
// in [-d, d].
TEST(AugmentRates, BrightnessDeltaIsUniformInItsRange) {
  const std::vector<float> original = ramp_image();
  const double d = 0.3;
  std::vector<double> deltas;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    const std::vector<float> out = augmented({{"brightness", d}}, seed);
    const double delta = double(out[0]) - double(original[0]);
    for (size_t k = 0; k < out.size(); ++k) ASSERT_NEAR(out[k] - original[k], delta, 1e-5) << "seed " << seed;
    deltas.push_back(delta);
  }
  expect_uniform(deltas, -d, d, 1e-5, "brightness delta");
  EXPECT_LE(std::count_if(deltas.begin(), deltas.end(), [](double x) { return std::fabs(x) < 1e-4; }), 2);
}

// contrast(f): the distance of every value from the image's mean scales by
// one factor, uniform in [1 - f, 1 + f]; the mean stays.
TEST(AugmentRates, ContrastFactorIsUniformInItsRange) {
  const std::vector<float> original = ramp_image();
  const double mean = std::accumulate(original.begin(), original.end(), 0.0) / double(original.size());
  const double f = 0.4;
  std::vector<double> factors;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    const std::vector<float> out = augmented({{"contrast", f}}, seed);
    const double factor = (out[0] - mean) / (original[0] - mean);
    for (size_t k = 0; k < out.size(); ++k)
      ASSERT_NEAR(out[k], mean + (original[k] - mean) * factor, 1e-4) << "seed " << seed;
    EXPECT_NEAR(std::accumulate(out.begin(), out.end(), 0.0) / double(out.size()), mean, 1e-4);
    factors.push_back(factor);
  }
  expect_uniform(factors, 1 - f, 1 + f, 1e-5, "contrast factor");
}

// noise(s): independent N(0, s^2) per value, for any s; 0 leaves the image.
TEST(AugmentRates, NoiseIsIndependentWithTheRequestedSpread) {
  for (double s : {0.05, 0.5}) {
    std::vector<float> image(100000, 0.5f), scratch;
    Rng rng(7);
    nnc::rt::augment_image(image.data(), 1, 100, 1000, {{"noise", s}}, rng, scratch);
    double sum = 0, sum_sq = 0, neighbours = 0;
    for (size_t k = 0; k < image.size(); ++k) {
      const double e = image[k] - 0.5;
      sum += e, sum_sq += e * e;
      if (k + 1 < image.size()) neighbours += e * (image[k + 1] - 0.5);
    }
    const double n = double(image.size()), mean = sum / n, sd = std::sqrt(sum_sq / n - mean * mean);
    EXPECT_NEAR(mean, 0.0, 4 * s / std::sqrt(n)) << "noise " << s;
    EXPECT_NEAR(sd, s, 0.02 * s) << "noise " << s;
    EXPECT_NEAR(neighbours / (n - 1) / (sd * sd), 0.0, 0.02) << "noise " << s << ": neighbours correlated";
    // About 68.3% of normal draws lie within one standard deviation.
    const auto within = std::count_if(image.begin(), image.end(), [&](float v) { return std::fabs(v - 0.5) <= s; });
    expect_binomial(int(within), int(n), 0.6827, "within one sd");
  }
  EXPECT_EQ(augmented({{"noise", 0}}, 3), ramp_image());
}

TEST(Augment, SameSeedSameResult) {
  const std::vector<AugmentStep> steps{{"flip", 0}, {"shift", 1}, {"brightness", 0.1}, {"noise", 0.05}};
  EXPECT_EQ(augmented(steps, 42), augmented(steps, 42));
  EXPECT_NE(augmented(steps, 42), augmented(steps, 43));
}

}  // namespace
