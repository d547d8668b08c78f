# Runtime support library (datasets, safetensors, progress, RNG, augmentation,
# metrics, plots) and its unit tests. Included from the top-level CMakeLists,
# which has already run find_package(ZLIB/nlohmann_json/GTest) and
# enable_testing().
#
# NNC_ROOT is the repository root; it defaults to PROJECT_SOURCE_DIR so the
# fragment also works when included from a scratch project elsewhere.
if(NOT DEFINED NNC_ROOT)
  set(NNC_ROOT "${PROJECT_SOURCE_DIR}")
endif()

add_library(nnc_runtime_support STATIC
  ${NNC_ROOT}/runtime/dataset.cpp
  ${NNC_ROOT}/runtime/safetensors.cpp
  ${NNC_ROOT}/runtime/progress.cpp
  ${NNC_ROOT}/runtime/file_io.cpp
  ${NNC_ROOT}/runtime/augment.cpp
  ${NNC_ROOT}/runtime/metrics.cpp
  ${NNC_ROOT}/runtime/plot.cpp
)
target_include_directories(nnc_runtime_support PUBLIC ${NNC_ROOT})
target_compile_features(nnc_runtime_support PUBLIC cxx_std_17)
target_link_libraries(nnc_runtime_support PUBLIC ZLIB::ZLIB nlohmann_json::nlohmann_json)
set_target_properties(nnc_runtime_support PROPERTIES POSITION_INDEPENDENT_CODE ON)

include(GoogleTest)
add_executable(nnc_runtime_tests
  ${NNC_ROOT}/test/unit/test_rng.cpp
  ${NNC_ROOT}/test/unit/test_dataset.cpp
  ${NNC_ROOT}/test/unit/test_safetensors.cpp
  ${NNC_ROOT}/test/unit/test_progress.cpp
  ${NNC_ROOT}/test/unit/test_augment.cpp
  ${NNC_ROOT}/test/unit/test_metrics.cpp
)
target_link_libraries(nnc_runtime_tests PRIVATE nnc_runtime_support GTest::gtest_main)
gtest_discover_tests(nnc_runtime_tests)
