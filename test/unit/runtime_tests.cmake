# Unit tests of the runtime's parts that need no compiled model (defined in
# runtime/CMakeLists.txt): datasets, safetensors, progress, RNG,
# augmentation, metrics, the train settings' table, ModelInfo look-ups,
# the escaping of echoed bytes, a checkpoint's progress entries.
# The top-level CMakeLists has already run find_package(GTest) and
# enable_testing().
#
# NNC_ROOT is the repository root; it defaults to PROJECT_SOURCE_DIR so the
# fragment also works when included from a scratch project elsewhere.
if(NOT DEFINED NNC_ROOT)
  set(NNC_ROOT "${PROJECT_SOURCE_DIR}")
endif()

include(GoogleTest)
add_executable(nnc_runtime_tests
  ${NNC_ROOT}/test/unit/test_rng.cpp
  ${NNC_ROOT}/test/unit/test_dataset.cpp
  ${NNC_ROOT}/test/unit/test_safetensors.cpp
  ${NNC_ROOT}/test/unit/test_progress.cpp
  ${NNC_ROOT}/test/unit/test_augment.cpp
  ${NNC_ROOT}/test/unit/test_metrics.cpp
  ${NNC_ROOT}/test/unit/test_train_settings.cpp
  ${NNC_ROOT}/test/unit/test_model_info.cpp
  ${NNC_ROOT}/test/unit/test_printable.cpp
  ${NNC_ROOT}/test/unit/test_run_state.cpp
)
target_link_libraries(nnc_runtime_tests PRIVATE nnc_runtime_cli GTest::gtest_main)
gtest_discover_tests(nnc_runtime_tests)
