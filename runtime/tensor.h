// A tensor that the compiled pipelines read or write across calls (a param,
// an optimizer state): memory on the host and, when the engine runs on a
// GPU, a copy on the device that Halide allocates at the first call and
// keeps in step by its dirty bits. Host code goes through read() and
// write(), which copy only when the other side changed: a training run on a
// GPU moves weights to the host for a checkpoint, not for every step.
#pragma once
#include <HalideBuffer.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/aligned.h"

namespace nnc::rt {

class Tensor {
 public:
  // `dims` row-major, as ModelInfo has them; Halide's dims are the reverse.
  Tensor(const int64_t* dims, int rank) : host_(size_t(count(dims, rank)), 0.0f) {
    std::vector<int> sizes;
    for (int i = rank - 1; i >= 0; --i) sizes.push_back(int(dims[i]));
    buffer_ = Halide::Runtime::Buffer<float>(host_.data(), sizes);
    buffer_.set_host_dirty();  // the zeros are the values: a device copy starts from them
  }
  Tensor(Tensor&&) = default;
  Tensor& operator=(Tensor&&) = default;

  size_t size() const { return host_.size(); }
  // The values, from the device first if a pipeline changed them there.
  const float* read() const {
    buffer_.copy_to_host();
    return host_.data();
  }
  // The values to change on the host; the device copy follows at the next call.
  float* write() {
    buffer_.copy_to_host();  // a partial write keeps the rest
    buffer_.set_host_dirty();
    return host_.data();
  }
  void assign(const float* values) { std::copy_n(values, size(), write()); }
  halide_buffer_t* raw() { return buffer_.raw_buffer(); }

 private:
  static int64_t count(const int64_t* dims, int rank) {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
  AlignedVector<float> host_;
  mutable Halide::Runtime::Buffer<float> buffer_;  // over host_; read() syncs it
};

}  // namespace nnc::rt
