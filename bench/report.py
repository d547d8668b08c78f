#!/usr/bin/python3
"""Aggregates the bench runs of bench/run_all.sh into bench/RESULTS.md.

Reads JSON lines (one object per bench run, as printed by `./model bench`,
bench/torch_mlp.py and bench/torch_cnn.py; any mix of models), takes medians
per model and batch size, checks them against the project's bars, turns train
step times into GFLOP/s from each model's multiply-add count (computed here
from its architecture) and a fraction of the measured peak, renders markdown
to --out and prints the summary on stdout. Standard library only.

  /usr/bin/python3 bench/report.py --nnc nnc.jsonl --torch torch.jsonl \
      [--peak peak.json] [--compile compile.jsonl] \
      --out bench/RESULTS.md --commit abc123 --command "bench/run_all.sh 5"

--peak: one JSON object from bench/peak_flops.cpp ({"gflops": X, "threads": T, ...}).
--compile: JSON lines {"model": NAME, "compile_s": [s1, s2, s3]} (nnc's wall time).
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

import sections

# ---- the models -------------------------------------------------------------
# Input shape and the layers that carry multiply-adds (or change the shape):
# ("conv", out_channels, kernel, pad) at stride 1, ("pool", window) with stride
# = window, ("flatten",), ("dense", units). Activations are left out.
ARCH = {
    "fashion_mlp": {
        "input": (784,),
        "layers": [("dense", 256), ("dense", 128), ("dense", 10)],
        "text": "MLP 784-256-128-10, relu after the hidden layers",
    },
    "fashion_lenet": {
        "input": (1, 28, 28),
        "layers": [("conv", 6, 5, 2), ("pool", 2), ("conv", 16, 5, 0), ("pool", 2),
                   ("flatten",), ("dense", 120), ("dense", 84), ("dense", 10)],
        "text": "LeNet-5: conv 6@5x5 pad 2, relu, maxpool 2, conv 16@5x5, relu, maxpool 2, "
                "flatten, dense 120 relu, dense 84 relu, dense 10",
    },
    "fashion_vgg": {
        "input": (1, 28, 28),
        "layers": [("conv", 32, 3, 1), ("conv", 32, 3, 1), ("pool", 2),
                   ("conv", 64, 3, 1), ("conv", 64, 3, 1), ("pool", 2),
                   ("flatten",), ("dense", 256), ("dense", 10)],
        "text": "VGG-style: 2 x conv 32@3x3 pad 1 relu, maxpool 2, 2 x conv 64@3x3 pad 1 relu, "
                "maxpool 2, flatten, dense 256 relu, dense 10",
    },
}

# ---- the bars the project must meet (also written into RESULTS.md) ------------
# train: nnc samples/s over PyTorch samples/s, at least, per batch size;
# latency: PyTorch batch-1 latency over nnc's, at least (None: no bar);
# compile: nnc's compile time in seconds, at most.
BARS = {
    "fashion_mlp": {"train": {32: 1.0, 128: 1.0}, "latency": 3.0},
    "fashion_lenet": {"train": {128: 2.0}, "latency": 4.0, "compile": 20.0},
    "fashion_vgg": {"train": {128: 1.0}, "latency": None},
}
BAR_NOTES = ("The MLP's bar at batch 128 was 0.8x in the earlier issue; the newer one asks "
             "1x, which is the bar checked here.")

KEYS = ("model", "batch", "threads", "train_samples_per_s", "train_step_ms",
        "predict_latency_us")


def macs_per_sample(model):
    """Forward multiply-adds of each weighted layer, for one sample, in order."""
    shape, out = ARCH[model]["input"], []
    for layer in ARCH[model]["layers"]:
        kind = layer[0]
        if kind == "conv":
            _, cout, k, pad = layer
            cin, h, w = shape
            oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
            out.append(oh * ow * cout * cin * k * k)
            shape = (cout, oh, ow)
        elif kind == "pool":
            c, h, w = shape
            shape = (c, h // layer[1], w // layer[1])
        elif kind == "flatten":
            n = 1
            for d in shape:
                n *= d
            shape = (n,)
        elif kind == "dense":
            out.append(shape[0] * layer[1])
            shape = (layer[1],)
        else:
            raise ValueError(f"unknown layer {layer}")
    return out


def train_flop_per_sample(model):
    """2 x (forward + weight gradient + input gradient but the first layer's) MACs."""
    m = macs_per_sample(model)
    return 2 * (3 * sum(m) - m[0])


# ---- reading ----------------------------------------------------------------
def read_runs(path, who):
    runs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"report: {path}:{n}: not JSON ({e}): {line[:120]}")
            if not isinstance(obj, dict):
                sys.exit(f"report: {path}:{n}: not a JSON object: {line[:120]}")
            missing = [k for k in KEYS if k not in obj]
            if missing:
                sys.exit(f"report: {path}:{n}: {who} run lacks {missing}")
            runs.append(obj)
    if not runs:
        sys.exit(f"report: {path}: no runs")
    return runs


def read_json_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def lscpu():
    info = {}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            k, _, v = line.partition(":")
            info[k.strip()] = v.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    name = info.get("Model name", "unknown CPU")
    cores = "?"
    try:
        cores = int(info["Core(s) per socket"]) * int(info["Socket(s)"])
    except (KeyError, ValueError):
        pass
    cpus = info.get("CPU(s)", "?")
    tpc = info.get("Thread(s) per core", "?")
    return f"{name}, {cores} cores ({cpus} logical CPUs, {tpc} thread(s)/core)"


def deb_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# ---- rendering --------------------------------------------------------------
def med(runs, key):
    return statistics.median(r[key] for r in runs)


def spread(runs, key):
    v = [r[key] for r in runs]
    return f"{min(v):,.1f}–{max(v):,.1f}"


def verdict(ok):
    return "yes" if ok else "**NO**"


def model_order(names):
    return [m for m in ARCH if m in names] + sorted(n for n in names if n not in ARCH)


def threads_of(runs):
    return ", ".join(map(str, sorted({r["threads"] for r in runs})))


class Report:
    def __init__(self, nnc, torch, peak, compile_runs):
        self.nnc, self.torch, self.peak, self.compile = nnc, torch, peak, compile_runs
        self.models = model_order({r["model"] for r in nnc + torch})

    def runs(self, model, batch=None):
        pick = lambda rs: [r for r in rs if r["model"] == model and batch in (None, r["batch"])]
        return pick(self.nnc), pick(self.torch)

    def batches(self, model):
        n, t = self.runs(model)
        return sorted({r["batch"] for r in n + t})

    def gflops(self, model, batch, step_ms):
        if model not in ARCH:
            return None
        return train_flop_per_sample(model) * batch / (step_ms / 1e3) / 1e9

    def of_peak(self, g):
        if g is None or not self.peak:
            return "–"
        return f"{100 * g / self.peak['gflops']:.1f}%"

    def summary(self):
        """One row per bar: the table at the top."""
        lines = [
            "| model | measure | nnc | PyTorch | ratio | bar | meets bar |",
            "|---|---|---:|---:|---:|---:|:---:|",
        ]
        for m in self.models:
            bars = BARS.get(m, {})
            for b in self.batches(m):
                n, t = self.runs(m, b)
                if not n or not t:
                    lines.append(f"| {m} | train samples/s, batch {b} | {len(n)} runs | {len(t)} runs "
                                 f"| – | – | missing runs |")
                    continue
                ns, ts = med(n, "train_samples_per_s"), med(t, "train_samples_per_s")
                bar = bars.get("train", {}).get(b)
                lines.append(f"| {m} | train samples/s, batch {b} | {ns:,.0f} | {ts:,.0f} "
                             f"| **{ns / ts:.2f}x** | {'>= %.1fx' % bar if bar else '–'} "
                             f"| {verdict(ns / ts >= bar) if bar else '–'} |")
            n, t = self.runs(m)
            if n and t:
                nl, tl = med(n, "predict_latency_us"), med(t, "predict_latency_us")
                bar = bars.get("latency")
                lines.append(f"| {m} | batch-1 latency µs (PyTorch / nnc) | {nl:,.1f} | {tl:,.1f} "
                             f"| **{tl / nl:.2f}x** | {'>= %.1fx lower' % bar if bar else '–'} "
                             f"| {verdict(tl / nl >= bar) if bar else '–'} |")
            if m in self.compile and bars.get("compile"):
                s, bar = statistics.median(self.compile[m]), bars["compile"]
                lines.append(f"| {m} | nnc compile time s | {s:.1f} | – | – | <= {bar:.0f} s "
                             f"| {verdict(s <= bar)} |")
        return lines

    def flops_table(self):
        lines = [
            "| model | batch | forward MFLOP / sample | train MFLOP / sample | nnc GFLOP/s | nnc of peak "
            "| PyTorch GFLOP/s | PyTorch of peak |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for m in self.models:
            if m not in ARCH:
                continue
            fwd = 2 * sum(macs_per_sample(m)) / 1e6
            tr = train_flop_per_sample(m) / 1e6
            for b in self.batches(m):
                n, t = self.runs(m, b)
                gn = self.gflops(m, b, med(n, "train_step_ms")) if n else None
                gt = self.gflops(m, b, med(t, "train_step_ms")) if t else None
                fmt = lambda g: f"{g:,.1f}" if g is not None else "–"
                lines.append(f"| {m} | {b} | {fwd:,.3f} | {tr:,.3f} | {fmt(gn)} | {self.of_peak(gn)} "
                             f"| {fmt(gt)} | {self.of_peak(gt)} |")
        return lines

    def compile_table(self):
        lines = [
            "| model | seconds (median) | runs | bar | meets bar |",
            "|---|---:|---|---:|:---:|",
        ]
        for m in model_order(set(self.compile)):
            s = self.compile[m]
            bar = BARS.get(m, {}).get("compile")
            lines.append(f"| {m} | {statistics.median(s):.2f} | {', '.join('%.2f' % v for v in s)} "
                         f"| {'<= %.0f s' % bar if bar else '–'} "
                         f"| {verdict(statistics.median(s) <= bar) if bar else '–'} |")
        return lines

    def details(self, m):
        """The per-batch tables of one model, as before: spreads and step times."""
        bars = BARS.get(m, {})
        lines = [f"### {m}" + (f" — {ARCH[m]['text']}" if m in ARCH else ""), ""]
        for b in self.batches(m):
            n, t = self.runs(m, b)
            lines += [f"#### Training, batch {b}, threads {threads_of(n + t)}", ""]
            if not n or not t:
                lines += [f"(missing runs: nnc {len(n)}, PyTorch {len(t)})", ""]
                continue
            ns, ts = med(n, "train_samples_per_s"), med(t, "train_samples_per_s")
            ratio, bar = ns / ts, bars.get("train", {}).get(b)
            lines += [
                "| | nnc | PyTorch | nnc / PyTorch | bar | meets bar |",
                "|---|---:|---:|---:|---:|:---:|",
                f"| samples/s (median of {len(n)} / {len(t)} runs) | {ns:,.0f} | {ts:,.0f} "
                f"| **{ratio:.2f}x** | {'>= %.1fx' % bar if bar else '–'} "
                f"| {verdict(ratio >= bar) if bar else '–'} |",
                f"| samples/s, min–max over runs | {spread(n, 'train_samples_per_s')} "
                f"| {spread(t, 'train_samples_per_s')} | | | |",
                f"| step ms (median) | {med(n, 'train_step_ms'):.4f} | {med(t, 'train_step_ms'):.4f} "
                f"| | | |",
                "",
            ]
        # Batch-1 latency does not depend on --batch: pool the runs of every batch size.
        n, t = self.runs(m)
        if n and t:
            nl, tl = med(n, "predict_latency_us"), med(t, "predict_latency_us")
            ratio, bar = tl / nl, bars.get("latency")
            lines += [
                f"#### Prediction latency, batch 1 (forward + softmax), threads {threads_of(n + t)}",
                "",
                "| | nnc | PyTorch | PyTorch / nnc | bar | meets bar |",
                "|---|---:|---:|---:|---:|:---:|",
                f"| µs (median of {len(n)} / {len(t)} runs) | {nl:,.1f} | {tl:,.1f} "
                f"| **{ratio:.2f}x** | {'>= %.1fx' % bar if bar else '–'} "
                f"| {verdict(ratio >= bar) if bar else '–'} |",
                f"| µs, min–max over runs | {spread(n, 'predict_latency_us')} "
                f"| {spread(t, 'predict_latency_us')} | | | |",
                "",
            ]
        return lines

    def raw_table(self):
        lines = [
            "| model | run | impl | batch | threads | samples/s | step ms | batch-1 latency µs |",
            "|---|---:|---|---:|---:|---:|---:|---:|",
        ]
        for m in self.models:
            for who, runs in zip(("nnc", "PyTorch"), self.runs(m)):
                seen = {}
                for r in runs:
                    seen[r["batch"]] = seen.get(r["batch"], 0) + 1
                    lines.append(f"| {m} | {seen[r['batch']]} | {who} | {r['batch']} | {r['threads']} "
                                 f"| {r['train_samples_per_s']:,.1f} | {r['train_step_ms']:.4f} "
                                 f"| {r['predict_latency_us']:.2f} |")
        return lines


def bar_text(models):
    parts = []
    for m in models:
        b = BARS.get(m)
        if not b:
            continue
        train = " and ".join(f">= {v:g}x PyTorch at batch {k}" for k, v in sorted(b["train"].items()))
        s = f"{m}: training throughput {train}"
        if b.get("latency"):
            s += f"; batch-1 prediction latency >= {b['latency']:g}x lower than PyTorch's"
        if b.get("compile"):
            s += f"; nnc compiles it in <= {b['compile']:g} s"
        parts.append(f"- {s}.")
    return parts


def main():
    p = argparse.ArgumentParser(description="Render bench/RESULTS.md from bench JSON lines.")
    p.add_argument("--nnc", required=True, help="JSON lines from `./model bench`")
    p.add_argument("--torch", required=True, help="JSON lines from bench/torch_*.py")
    p.add_argument("--peak", help="JSON object from bench/peak_flops.cpp")
    p.add_argument("--compile", help="JSON lines {model, compile_s: [...]}")
    p.add_argument("--out", required=True, help="markdown file to write (overwritten)")
    p.add_argument("--commit", default="unknown", help="nnc git commit")
    p.add_argument("--command", default="bench/run_all.sh", help="the command that made the runs")
    p.add_argument("--per-run", default="", help="what one run is, e.g. its arguments")
    a = p.parse_args()

    nnc, torch = read_runs(a.nnc, "nnc"), read_runs(a.torch, "PyTorch")
    peak = None
    if a.peak:
        with open(a.peak) as f:
            peak = json.load(f)
    compile_runs = {}
    if a.compile:
        for obj in read_json_lines(a.compile):
            compile_runs[obj["model"]] = obj["compile_s"]
    rep = Report(nnc, torch, peak, compile_runs)

    blas = sorted({r.get("blas", "unknown") for r in torch})
    tv = sorted({r.get("torch_version", "unknown") for r in torch})
    deb = deb_version("python3-torch")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary, flops = rep.summary(), rep.flops_table()
    peak_line = (f"{peak['gflops']:,.1f} GFLOP/s fp32 on {peak['threads']} thread(s) "
                 f"({peak['gflops_per_thread']:,.1f} per thread; {peak['isa']}, "
                 f"{peak['accumulators']} independent 16-float FMA accumulators per thread, "
                 f"best of {peak['repeats']})" if peak else "not measured")

    md = [
        f"# nnc vs PyTorch on CPU: {', '.join(rep.models)}",
        "",
        "**Bars the project must meet:**",
        "",
        *bar_text(rep.models),
        "",
        BAR_NOTES if "fashion_mlp" in rep.models else "",
        "",
        "Generated by `bench/run_all.sh` (do not edit by hand).",
        "",
        f"- Date: {date}",
        f"- Machine: {lscpu()}",
        f"- Measured fp32 peak (`bench/peak_flops.cpp`): {peak_line}",
        f"- nnc commit: `{a.commit}`",
        f"- PyTorch: {', '.join(tv)}" + (f" (Debian python3-torch {deb})" if deb else ""),
        f"- BLAS PyTorch used (from /proc/self/maps): `{', '.join(blas)}`",
        f"- Command: `{a.command}`",
    ]
    if a.per_run:
        md.append(f"- One run: {a.per_run}")
    md += [
        "- Models: the examples/*.nn of the same names, rebuilt in PyTorch by "
        "bench/torch_mlp.py and bench/torch_cnn.py (layers with bias, cross-entropy on "
        "softmax (mean), SGD with momentum 0.9), random float32 inputs and int64 labels. "
        "`./model bench` steps with lr 0.05, the PyTorch baselines with 0.05 (MLP) and "
        "0.02 (the .nn files' value, CNNs): the value does not change the work.",
        "- Statistic: each run reports the median over its repeats of the mean train-step "
        "time, and the median batch-1 latency; nnc and PyTorch runs alternate, and the "
        "tables give the median over runs. samples/s = batch * 1000 / step ms.",
        "",
        "## Against the bars",
        "",
        *summary,
        "",
        "## Achieved FLOP rate in training",
        "",
        "Counted analytically from each architecture (bench/report.py), multiply-adds (MAC) "
        "of the weighted layers only: per sample, a convolution does out_h * out_w * c_out * "
        "c_in * k * k MACs forward, a dense layer in * out. A training step does, per layer, "
        "the forward MACs once more for the weight gradient and once more for the input "
        "gradient, except the first layer's input gradient, which is not needed:",
        "",
        "    train FLOP / sample = 2 * (3 * sum(forward MAC of each layer) - forward MAC of the first layer)",
        "    GFLOP/s = train FLOP / sample * batch / step seconds / 1e9;  of peak = GFLOP/s / measured peak",
        "",
        "Biases, activations, pooling, the loss and the optimizer update are not counted.",
        "",
        *flops,
        "",
    ]
    if compile_runs:
        md += ["## nnc compile time", "",
               "Wall seconds of `build/compiler/nnc examples/NAME.nn -o build/bench/NAME`, "
               f"{max(len(v) for v in compile_runs.values())} runs each.", "",
               *rep.compile_table(), ""]
    md += ["## Details", ""]
    for m in rep.models:
        md += rep.details(m)
    md += [
        "<details><summary>Raw per-run numbers</summary>",
        "",
        *rep.raw_table(),
        "",
        "</details>",
        "",
    ]
    # The sections other scripts write (bench/sections.py) stay.
    if os.path.exists(a.out):
        with open(a.out) as f:
            for section in sections.kept(f.read()):
                md += [section, ""]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(md))
    print("\n".join(summary + [""] + flops))
    print(f"report: wrote {a.out}")


if __name__ == "__main__":
    main()
