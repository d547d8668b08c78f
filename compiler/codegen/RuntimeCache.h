// The Halide runtime's object code, kept between compiles. It depends only on
// Halide's version and the target, yet generating it costs a second of every
// compile (LLVM optimises the whole runtime), so nnc keeps each one it makes
// in a cache directory and copies it from there next time:
//
//   $NNC_CACHE_DIR if set (set but empty: no cache), else
//   $XDG_CACHE_HOME/nnc, else $HOME/.cache/nnc.
//
// A cache that cannot be read or written is not an error: the runtime is
// generated as before. Entries are written whole (a temporary file renamed),
// so compiles running side by side never see half of one.
#pragma once
#include <Halide.h>

#include <string>

namespace nnc::codegen {

// Writes the Halide runtime for TARGET to the object file OBJECT. True when
// it came from the cache.
bool write_halide_runtime(const Halide::Target& target, const std::string& object);

}  // namespace nnc::codegen
