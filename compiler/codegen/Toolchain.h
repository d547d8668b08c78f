// Where nnc finds what it builds libraries and programs from: the C++
// compiler, the runtime's archives, the headers and templates the generated
// sources include, and the standard library of .nn modules. Two layouts:
// the build tree (paths fixed at build time) and an installed prefix (paths
// beside the nnc binary: PREFIX/bin/nnc, PREFIX/lib/nnc, PREFIX/include/nnc,
// PREFIX/share/nnc/stdlib), which wins when it is there. The environment
// overrides each: NNC_CXX, NNC_RUNTIME_DIR, NNC_INCLUDE_DIR, NNC_STDLIB_DIR.
#pragma once
#include <string>

namespace nnc::codegen {

struct Toolchain {
  std::string cxx;                // compiles the model's source and links
  std::string runtime_dir;        // libnnc_runtime_core.a, libnnc_runtime_cli.a
  std::string include_dir;        // runtime/model.h, runtime/c_api.h, runtime/c_api/*.in
  std::string stdlib_dir;         // the modules `import` finds first
  // A sanitized nnc (scripts/test.sh --sanitize) builds the code it
  // generates with the same sanitizers, since its runtime archives are
  // instrumented: these flags, in `cxx` and in what linking needs. Else "".
  std::string sanitize;
};

const Toolchain& toolchain();

}  // namespace nnc::codegen
