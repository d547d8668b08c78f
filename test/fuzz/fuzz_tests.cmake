# The fuzz harnesses (test/fuzz): libFuzzer needs clang, so they are a CMake
# project of their own, built by clang beside the main build, and each runs
# for a minute under the ctest label `fuzz` (included from test/CMakeLists.txt).
include(ExternalProject)
find_program(NNC_CLANGXX NAMES clang++ clang++-14 REQUIRED)
ExternalProject_Add(nnc_fuzzers
  SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}
  BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${NNC_CLANGXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo
             -DNNC_ROOT=${PROJECT_SOURCE_DIR} -DNNC_GRAMMAR_DIR=${CMAKE_BINARY_DIR}/grammar/generated
             -DHalide_DIR=${Halide_DIR}
  BUILD_ALWAYS ON         # its sources are ours: rebuild whenever they change
  INSTALL_COMMAND ""
  DEPENDS nnc_grammar)    # the generated parser it compiles

foreach(harness frontend csv idx safetensors predict_args)
  add_test(NAME fuzz/${harness}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh ${CMAKE_BINARY_DIR}/fuzz ${harness} 60)
  set_tests_properties(fuzz/${harness} PROPERTIES LABELS fuzz TIMEOUT 300)
endforeach()
