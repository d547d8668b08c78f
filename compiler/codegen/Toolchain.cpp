#include "compiler/codegen/Toolchain.h"

#include <cstdlib>
#include <filesystem>

namespace nnc::codegen {
namespace fs = std::filesystem;

namespace {

std::string from_env(const char* name, const std::string& otherwise) {
  const char* value = std::getenv(name);
  return value && *value ? value : otherwise;
}

Toolchain find_toolchain() {
  Toolchain t{NNC_CXX_COMPILER, fs::path(NNC_DEFAULT_RUNTIME_LIB).parent_path().string(), NNC_INCLUDE_DIR,
              NNC_DEFAULT_STDLIB_DIR, NNC_SANITIZE_FLAGS};
  std::error_code error;
  const fs::path prefix = fs::read_symlink("/proc/self/exe", error).parent_path().parent_path();
  if (!error && fs::exists(prefix / "lib/nnc/libnnc_runtime_core.a")) {  // an installed nnc
    t.runtime_dir = (prefix / "lib/nnc").string();
    t.include_dir = (prefix / "include/nnc").string();
    t.stdlib_dir = (prefix / "share/nnc/stdlib").string();
  }
  t.cxx = from_env("NNC_CXX", t.cxx);
  t.runtime_dir = from_env("NNC_RUNTIME_DIR", t.runtime_dir);
  t.include_dir = from_env("NNC_INCLUDE_DIR", t.include_dir);
  t.stdlib_dir = from_env("NNC_STDLIB_DIR", t.stdlib_dir);
  if (!t.sanitize.empty()) t.cxx += " " + t.sanitize;
  return t;
}

}  // namespace

const Toolchain& toolchain() {
  static const Toolchain t = find_toolchain();
  return t;
}

}  // namespace nnc::codegen
