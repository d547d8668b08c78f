// Buffers for compiled pipelines, kept and reused across calls (see the .cpp).
#pragma once

namespace nnc::rt {

// Routes Halide's allocations through the block cache. Call once, before
// the first pipeline runs.
void use_block_cache();

}  // namespace nnc::rt
