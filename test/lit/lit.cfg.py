# lit configuration for nnc's regression tests (lit + FileCheck).
#
#   NNC_BIN=build/compiler/nnc .venv/bin/lit -sv test/lit
#
# ctest sets NNC_BIN (see lit_tests.cmake). Each test is a .nn file whose
# RUN: lines invoke %nnc and pipe the output into FileCheck.
import os
import sys

import lit.formats

config.name = 'nnc'
# lit 23 (the .venv's) rejects ShTest(True), the external shell, as
# deprecated; the internal shell runs pipes, 2>&1 and `not` the same way.
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = ['.nn']
config.excludes = ['Inputs']

config.test_source_root = os.path.dirname(__file__)
repo_root = os.path.abspath(os.path.join(config.test_source_root, '..', '..'))

# Temporary files (%t) go to the build tree, never next to the sources.
build_dir = os.environ.get('NNC_BUILD_DIR') or os.path.join(repo_root, 'build')
config.test_exec_root = os.path.join(build_dir, 'test', 'lit')

nnc_bin = os.environ.get('NNC_BIN')
if not nnc_bin:
    default = os.path.join(repo_root, 'build', 'compiler', 'nnc')
    if os.path.exists(default):
        nnc_bin = default
    else:
        lit_config.fatal('set NNC_BIN to the nnc binary (e.g. build/compiler/nnc)')
nnc_bin = os.path.abspath(nnc_bin)

# FileCheck, not and count come from LLVM 14.
llvm_bin = '/usr/lib/llvm-14/bin'
config.environment['PATH'] = os.pathsep.join([llvm_bin, os.environ.get('PATH', '')])
for var in ('HOME', 'TMPDIR', 'LD_LIBRARY_PATH'):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# nnc's cache of the Halide runtime (RuntimeCache.h) in the build tree, not
# in the home of whoever runs the tests.
config.environment['NNC_CACHE_DIR'] = os.path.join(os.path.dirname(os.path.dirname(nnc_bin)), 'test', 'nnc-cache')

config.substitutions.append(('%nnc', nnc_bin))
config.substitutions.append(('%python', sys.executable))
config.substitutions.append(('%examples', os.path.join(repo_root, 'examples')))
config.substitutions.append(('%stdlib', os.path.join(repo_root, 'stdlib')))
