# Compiler unit tests (GoogleTest), included from test/CMakeLists.txt.
#   test_ops.cpp       every op of the op table: forward against a plain C++
#                      reference, gradient rule against finite differences,
#                      shape rules' errors
#   test_autodiff.cpp  passes::differentiate and the SGD update end to end
#                      through codegen::lower_program, JIT-compiled in process
#   test_roles.cpp     roles survive dead code elimination; verify() checks each
#   test_scheduled_gradients.cpp  every op's gradient through the real
#                      schedules (every schedule kind) against finite
#                      differences, and the probe pipeline
#   test_train_section.cpp  the train section read by the runtime's table of
#                      train settings, by each row's type and check
include(GoogleTest)
add_executable(nnc_compiler_tests
  ${PROJECT_SOURCE_DIR}/test/unit/test_ops.cpp
  ${PROJECT_SOURCE_DIR}/test/unit/test_autodiff.cpp
  ${PROJECT_SOURCE_DIR}/test/unit/test_roles.cpp
  ${PROJECT_SOURCE_DIR}/test/unit/test_scheduled_gradients.cpp
  ${PROJECT_SOURCE_DIR}/test/unit/test_train_section.cpp)
target_link_libraries(nnc_compiler_tests PRIVATE nnc_compiler GTest::gtest_main)
gtest_discover_tests(nnc_compiler_tests DISCOVERY_TIMEOUT 60)
