# End-to-end tests: compile an example with nnc, run the program, check what
# it prints and the weights it saves. Run by ctest (test e2e) with NNC_BIN set.
import os
import lit.formats

config.name = "nnc-e2e"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["Inputs", "course"]

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
nnc = os.path.abspath(os.environ.get("NNC_BIN", os.path.join(root, "build", "compiler", "nnc")))
# Scratch files go to the build tree, not next to the tests.
config.test_exec_root = os.path.join(os.path.dirname(os.path.dirname(nnc)), "test", "e2e-output")
config.substitutions.append(("%nnc", nnc))
config.substitutions.append(("%builddir", os.path.dirname(os.path.dirname(nnc))))
config.substitutions.append(("%examples", os.path.join(root, "examples")))
config.substitutions.append(("%inputs", os.path.join(os.path.dirname(__file__), "Inputs")))
config.substitutions.append(("%python", os.path.join(root, ".venv", "bin", "python")))
config.environment["PATH"] = os.pathsep.join(["/usr/lib/llvm-14/bin", config.environment.get("PATH", "")])
# nnc's cache of the Halide runtime (RuntimeCache.h) in the build tree, not
# in the home of whoever runs the tests.
config.environment["NNC_CACHE_DIR"] = os.path.join(os.path.dirname(os.path.dirname(nnc)), "test", "nnc-cache")
# Two cores: Halide uses both; lit runs tests one after another (-j1 in ctest).
