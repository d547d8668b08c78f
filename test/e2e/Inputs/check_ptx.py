"""Assembles every PTX module of `nnc --emit=ptx` output with the CUDA
toolkit's ptxas for each GPU architecture given, so PTX that a GPU's driver
would reject fails here. Prints the modules and kernels assembled.
Usage: check_ptx.py FILE.ptx sm_80 [sm_90 ...]"""
import os
import shutil
import subprocess
import sys
import tempfile

ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if not os.path.exists(ptxas):
    sys.exit("check_ptx: no ptxas (the CUDA toolkit's); install it, or put it on PATH")
modules = open(sys.argv[1]).read().split("// pipeline ")[1:]
assert modules, "no PTX modules in " + sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    for module in modules:
        name, text = module.split("\n", 1)
        path = os.path.join(tmp, name.split()[0] + ".ptx")
        open(path, "w").write(text)
        for arch in sys.argv[2:]:
            subprocess.run([ptxas, "-arch=" + arch, path, "-o", os.devnull], check=True)
        print(f"{name}: {text.count('.entry')} kernels assembled for {' '.join(sys.argv[2:])}")
