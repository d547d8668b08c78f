// The memory of compiled pipelines. Every train step asks Halide for the
// same intermediate buffers again (activations, gradients: megabytes for
// images), so instead of malloc and free per step the blocks are kept and
// handed out again by size: after the first step no call allocates.
#include "runtime/halide_memory.h"

#include <HalideRuntime.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include "runtime/aligned.h"

namespace {

struct BlockCache {
  std::mutex mutex;
  std::unordered_multimap<size_t, void*> free_blocks;  // size -> block
  std::unordered_map<void*, size_t> sizes;             // every block handed out
};

BlockCache& cache() {
  static BlockCache* c = new BlockCache;  // never destroyed: pipelines may free at exit
  return *c;
}

void* cached_malloc(void*, size_t size) {
  size = (size + nnc::rt::kBufferAlignment - 1) / nnc::rt::kBufferAlignment * nnc::rt::kBufferAlignment;
  BlockCache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free_blocks.find(size);
    if (it != c.free_blocks.end()) {
      void* block = it->second;
      c.free_blocks.erase(it);
      return block;
    }
  }
  void* block = std::aligned_alloc(nnc::rt::kBufferAlignment, size ? size : nnc::rt::kBufferAlignment);
  if (block) {
    std::lock_guard<std::mutex> lock(c.mutex);
    c.sizes[block] = size;
  }
  return block;
}

void cached_free(void*, void* block) {
  if (!block) return;
  BlockCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.free_blocks.emplace(c.sizes.at(block), block);
}

}  // namespace

namespace nnc::rt {

void use_block_cache() {
  halide_set_custom_malloc(cached_malloc);
  halide_set_custom_free(cached_free);
}

}  // namespace nnc::rt
