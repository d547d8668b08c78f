// Storage for every buffer handed to a compiled pipeline. Halide emits
// aligned vector loads and stores (vmovaps) for dense buffers, so their
// start must be aligned like Halide's own allocations: 128 bytes.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace nnc::rt {

constexpr std::size_t kBufferAlignment = 128;

template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    std::size_t bytes = (n * sizeof(T) + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
    void* p = std::aligned_alloc(kBufferAlignment, bytes ? bytes : kBufferAlignment);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

}  // namespace nnc::rt
