// Finding a value that is not finite, fast enough to run on every train
// step's weights and every C API call's inputs.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace nnc::rt {

// The index of the first value of v[0..n) that is inf or nan, or -1. Those
// are the floats whose exponent bits are all set: an OR over integers,
// which vectorises where std::isfinite does not, says whether there is one;
// a second pass says where.
inline int64_t first_non_finite(const float* v, int64_t n) {
  uint32_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &v[i], sizeof bits);
    any |= uint32_t((bits & 0x7f800000u) == 0x7f800000u);
  }
  if (!any) return -1;
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(v[i])) return i;
  return -1;
}

}  // namespace nnc::rt
