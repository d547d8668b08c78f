# The lit + FileCheck suite (test/lit): every compiler stage (--emit) and
# every diagnostic. Included from test/CMakeLists.txt; run with `ctest -L lit`.
add_test(NAME lit COMMAND ${PROJECT_SOURCE_DIR}/.venv/bin/lit -sv ${PROJECT_SOURCE_DIR}/test/lit)
set_tests_properties(lit PROPERTIES
  ENVIRONMENT "NNC_BIN=$<TARGET_FILE:nnc>;NNC_BUILD_DIR=${PROJECT_BINARY_DIR}"
  LABELS "lit")
