// Data augmentation for images [channels, height, width], applied to each
// training sample as its batch is gathered, so every epoch sees new
// variants. Each step draws from the Rng it is given: the trainer seeds one
// per sample from the run's seed, the epoch and the sample's place in it, so a
// run (and a resumed run) is reproducible.
//
//   flip           mirror left-right with probability 1/2
//   shift(s)       translate by whole pixels, each axis uniform in [-s, s], zeros enter
//   crop(p)        pad by p zeros and cut a random window of the original size
//                  (the same transform as shift(p), named as papers name it)
//   zoom(f)        scale about the centre by a factor uniform in [1 - f, 1 + f]
//                  (nearest pixel; zeros outside)
//   brightness(d)  add a value uniform in [-d, d]
//   contrast(f)    scale the distance from the image's mean by [1 - f, 1 + f]
//   noise(s)       add Gaussian noise of standard deviation s to every value
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/rng.h"

namespace nnc::rt {

struct AugmentStep {
  std::string name;
  double strength = 0;
};

// Applies `steps` in order to one image, in place. scratch: reused storage.
void augment_image(float* image, int64_t channels, int64_t height, int64_t width,
                   const std::vector<AugmentStep>& steps, Rng& rng, std::vector<float>& scratch);

}  // namespace nnc::rt
