"""How nnc's compile time grows with a model's depth: the measurement behind
the compile-cost column of the layer table (compiler/frontend/Layers.cpp) and
its limit, kMaxCompileCost (ModelBuilder.h; docs/language.md, "Limits").

    python3 bench/compile_scaling.py [CHAIN ...]      e.g. dense:32 conv:16 tanh:256

Each CHAIN is KIND:N, a chain of N layers of one kind: dense (dense(16) ->
relu, on f32[16]), conv (conv(8, kernel = 3, pad = 1) -> relu, on
f32[4, 16, 16]), tanh or maxpool (parameter-free layers after one dense or
conv layer). Each model is compiled once by build/compiler/nnc to a program
(all four pipelines); the table gives its compile cost as the layer table
counts it, the wall seconds and the peak memory (GNU time). Without
arguments it runs the chains quoted in ModelBuilder.h, about 9 minutes.

Measured 2026-12-07 on an AMD EPYC with 2 cores:

| chain | layers | compile cost | seconds | peak MB |
|---|---:|---:|---:|---:|
| dense x 8 | 17 | 44 | 4.4 | 141 |
| dense x 32 | 65 | 164 | 16.6 | 334 |
| dense x 64 | 129 | 324 | 59.7 | 583 |
| dense x 127 | 255 | 639 | 325.1 | 1191 |
| conv x 8 | 18 | 109 | 7.7 | 180 |
| conv x 16 | 34 | 213 | 16.8 | 274 |
| conv x 32 | 66 | 421 | 70.9 | 473 |
| tanh x 64 | 66 | 72 | 5.0 | 222 |
| tanh x 256 | 258 | 264 | 25.3 | 634 |
| maxpool x 64 | 67 | 81 | 13.4 | 179 |
"""
import os
import subprocess
import sys
import tempfile

NNC = os.path.join(os.path.dirname(__file__), "..", "build", "compiler", "nnc")
COST = {"dense": 4, "conv": 12, "relu": 1, "tanh": 1, "maxpool": 1, "flatten": 1}  # Layers.cpp's column

# kind: (input, stages before the chain, one link of the chain, stages after)
CHAINS = {
    "dense": ("f32[16]", [], "dense(16) -> relu", "dense(4)"),
    "conv": ("f32[4, 16, 16]", [], "conv(8, kernel = 3, pad = 1) -> relu", "flatten -> dense(4)"),
    "tanh": ("f32[16]", ["dense(16)"], "tanh", "dense(4)"),
    "maxpool": ("f32[4, 16, 16]", ["conv(8, kernel = 3, pad = 1)"], "maxpool(1)", "flatten -> dense(4)"),
}


def model(kind, n):
    """The model's source, its number of layers and its compile cost."""
    shape, before, link, after = CHAINS[kind]
    chain = " -> ".join(before + [link] * n + [after])
    layers = [stage.strip().split("(")[0] for stage in chain.split("->")]
    source = (f"model deep {{\n  input x: {shape}\n  target t: class[4]\n  y = x -> {chain}\n"
              f"  loss cross_entropy(y, t)\n}}\ntrain {{\n  optimizer sgd(lr = 0.01)\n  batch 32  seed 1\n}}\n")
    return source, len(layers), sum(COST[layer] for layer in layers)


def measure(kind, n, work):
    source, layers, cost = model(kind, n)
    path = os.path.join(work, f"{kind}{n}.nn")
    with open(path, "w") as f:
        f.write(source)
    run = subprocess.run(["/usr/bin/time", "-f", "%e %M", NNC, path, "-o", path[:-3]],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"compile_scaling: error: nnc failed on {kind}:{n}:\n{run.stderr}")
    seconds, kilobytes = run.stderr.strip().splitlines()[-1].split()
    return layers, cost, float(seconds), int(kilobytes) / 1024


def main():
    chains = sys.argv[1:] or ["dense:8", "dense:32", "dense:64", "dense:127", "conv:8", "conv:16", "conv:32",
                              "tanh:64", "tanh:256", "maxpool:64"]
    print("| chain | layers | compile cost | seconds | peak MB |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for chain in chains:
            kind, n = chain.split(":")
            if kind not in CHAINS:
                sys.exit(f"compile_scaling: error: unknown chain kind '{kind}'; use one of {', '.join(CHAINS)}")
            layers, cost, seconds, mb = measure(kind, int(n), work)
            print(f"| {kind} x {n} | {layers} | {cost} | {seconds:.1f} | {mb:.0f} |", flush=True)


if __name__ == "__main__":
    main()
