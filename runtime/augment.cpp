#include "runtime/augment.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnc::rt {
namespace {

struct Image {
  float* data;
  int64_t channels, height, width;
  float& at(int64_t c, int64_t y, int64_t x) const { return data[(c * height + y) * width + x]; }
  int64_t size() const { return channels * height * width; }
};

// Every pixel from source position (map_y(y), map_x(x)) of a copy; zero where
// that position falls outside.
template <class MapY, class MapX>
void resample(const Image& im, std::vector<float>& scratch, MapY map_y, MapX map_x) {
  scratch.assign(im.data, im.data + im.size());
  for (int64_t c = 0; c < im.channels; ++c)
    for (int64_t y = 0; y < im.height; ++y)
      for (int64_t x = 0; x < im.width; ++x) {
        const int64_t sy = map_y(y), sx = map_x(x);
        const bool inside = sy >= 0 && sy < im.height && sx >= 0 && sx < im.width;
        im.at(c, y, x) = inside ? scratch[size_t((c * im.height + sy) * im.width + sx)] : 0.0f;
      }
}

int64_t uniform_int(Rng& rng, int64_t range) { return int64_t(rng.below(uint64_t(2 * range + 1))) - range; }

}  // namespace

void augment_image(float* data, int64_t channels, int64_t height, int64_t width, const std::vector<AugmentStep>& steps,
                   Rng& rng, std::vector<float>& scratch) {
  const Image im{data, channels, height, width};
  for (const AugmentStep& step : steps) {
    const double s = step.strength;
    if (step.name == "flip") {
      if (rng.below(2) == 0) continue;
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t y = 0; y < height; ++y) std::reverse(&im.at(c, y, 0), &im.at(c, y, 0) + width);
    } else if (step.name == "shift" || step.name == "crop") {
      const int64_t dy = uniform_int(rng, int64_t(s)), dx = uniform_int(rng, int64_t(s));
      resample(im, scratch, [&](int64_t y) { return y - dy; }, [&](int64_t x) { return x - dx; });
    } else if (step.name == "zoom") {
      const double factor = 1 + rng.uniform(float(-s), float(s));
      const double cy = (double(height) - 1) / 2, cx = (double(width) - 1) / 2;
      resample(im, scratch, [&](int64_t y) { return int64_t(std::lround(cy + (double(y) - cy) / factor)); },
               [&](int64_t x) { return int64_t(std::lround(cx + (double(x) - cx) / factor)); });
    } else if (step.name == "brightness") {
      const float delta = rng.uniform(float(-s), float(s));
      for (int64_t k = 0; k < im.size(); ++k) data[k] += delta;
    } else if (step.name == "contrast") {
      const float factor = 1 + rng.uniform(float(-s), float(s));
      double mean = 0;
      for (int64_t k = 0; k < im.size(); ++k) mean += data[k];
      mean /= double(im.size());
      for (int64_t k = 0; k < im.size(); ++k) data[k] = float(mean + (data[k] - mean) * factor);
    } else if (step.name == "noise") {
      for (int64_t k = 0; k < im.size(); ++k) data[k] += float(s) * rng.normal();
    } else {
      throw std::invalid_argument("unknown augmentation '" + step.name + "'");
    }
  }
}

}  // namespace nnc::rt
