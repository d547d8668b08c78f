#include "compiler/codegen/RuntimeCache.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace nnc::codegen {
namespace fs = std::filesystem;

namespace {

// The cache directory, or "" for none.
fs::path cache_dir() {
  if (const char* dir = std::getenv("NNC_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "nnc";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "nnc";
  return "";
}

// An object file, not an empty or foreign file left where an entry should be.
bool is_object(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

}  // namespace

bool write_halide_runtime(const Halide::Target& target, const std::string& object) {
  const fs::path dir = cache_dir();
  const fs::path entry = dir.empty() ? fs::path() :
      dir / ("halide-" + std::to_string(HALIDE_VERSION_MAJOR) + "." + std::to_string(HALIDE_VERSION_MINOR) + "." +
             std::to_string(HALIDE_VERSION_PATCH) + "-runtime-" + target.to_string() + ".o");
  std::error_code error;
  if (!entry.empty() && is_object(entry) &&
      fs::copy_file(entry, object, fs::copy_options::overwrite_existing, error))
    return true;
  Halide::compile_standalone_runtime(object, target);
  if (entry.empty()) return false;
  // Into the cache through a temporary of this process's own; a failure
  // anywhere leaves the cache as it was.
  const fs::path temporary = entry.string() + ".tmp" + std::to_string(getpid());
  fs::create_directories(dir, error);
  if (!error && fs::copy_file(object, temporary, fs::copy_options::overwrite_existing, error))
    fs::rename(temporary, entry, error);
  if (error) fs::remove(temporary, error);
  return false;
}

}  // namespace nnc::codegen
