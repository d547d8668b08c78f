"""Renders bench/peers.sh's runs into the "peers" section of bench/RESULTS.md:
nnc against PyTorch 2 eager, torch.compile and JAX jit in training, and
against ONNX Runtime in batch-1 latency, with issue 11's bars.

  python bench/peers_report.py --dir bench/out/peers --command "bash bench/peers.sh 3"

Reads DIR/{nnc,torch,compiled,jax,ort}.jsonl and DIR/peak.json; prints the
section and writes it through bench/sections.py. The FLOP counts and the
machine's description are bench/report.py's.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

import report

PEERS = {"torch": "PyTorch 2 eager", "compiled": "torch.compile", "jax": "JAX jit"}
# Issue 11's bars: training >= 2x the best peer; this share of the FMA peak
# at batch 128; batch-1 latency >= 2x lower than ONNX Runtime's best.
TRAIN_BAR, LATENCY_BAR = 2.0, 2.0
PEAK_BAR = {"fashion_mlp": 0.65, "fashion_vgg": 0.70, "fashion_lenet": 0.45}


def runs(directory, who):
    path = os.path.join(directory, who + ".jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def median_of(rs, model, key, batch=None):
    v = [r[key] for r in rs if r["model"] == model and batch in (None, r["batch"])]
    return statistics.median(v) if v else None


def verdict(ok):
    return "yes" if ok else "**NO**"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--per-run", default="")
    a = p.parse_args()
    data = {who: runs(a.dir, who) for who in ("nnc", *PEERS, "ort")}
    with open(os.path.join(a.dir, "peak.json")) as f:
        peak = json.load(f)["gflops"]
    models = report.model_order({r["model"] for r in data["nnc"]})
    versions = sorted({f"torch {r['torch_version']}" for r in data["torch"]} |
                      {f"jax {r['jax_version']}" for r in data["jax"]} |
                      {f"onnxruntime {r['ort_version']}" for r in data["ort"]})

    train = ["| model | batch | nnc | " + " | ".join(PEERS.values()) + " | nnc / best peer | bar | meets bar "
             "| nnc of peak | best peer of peak | peak bar | meets bar |",
             "|---|---:|---:|" + "---:|" * len(PEERS) + "---:|---:|:---:|---:|---:|---:|:---:|"]
    for m in models:
        for b in sorted({r["batch"] for r in data["nnc"] if r["model"] == m}):
            n = median_of(data["nnc"], m, "train_samples_per_s", b)
            peers = {who: median_of(data[who], m, "train_samples_per_s", b) for who in PEERS}
            best = max((v for v in peers.values() if v), default=None)
            cells = " | ".join(f"{v:,.0f}" if v else "–" for v in peers.values())
            share = lambda s: report.train_flop_per_sample(m) * s / 1e9 / peak
            bar = PEAK_BAR.get(m) if b == 128 else None
            train.append(
                f"| {m} | {b} | {n:,.0f} | {cells} | **{n / best:.2f}x** | >= {TRAIN_BAR:g}x | "
                f"{verdict(n / best >= TRAIN_BAR)} | {100 * share(n):.0f}% | {100 * share(best):.0f}% | "
                f"{f'>= {100 * bar:.0f}%' if bar else '–'} | {verdict(share(n) >= bar) if bar else '–'} |")

    latency = ["| model | nnc µs | PyTorch 2 eager µs | torch.compile µs | JAX jit µs | ONNX Runtime µs (threads) "
               "| ONNX Runtime / nnc | bar | meets bar |",
               "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for m in models:
        n = median_of(data["nnc"], m, "predict_latency_us")
        o = median_of(data["ort"], m, "predict_latency_us")
        peers = " | ".join(f"{v:,.1f}" if v else "–" for v in
                           (median_of(data[who], m, "predict_latency_us") for who in PEERS))
        threads = sorted({r["threads"] for r in data["ort"] if r["model"] == m})
        latency.append(f"| {m} | {n:,.1f} | {peers} | {o:,.1f} ({', '.join(map(str, threads))}) | "
                       f"**{o / n:.2f}x** | >= {LATENCY_BAR:g}x | {verdict(o / n >= LATENCY_BAR)} |")

    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    section = "\n".join([
        "<!-- peers: written by bench/peers.sh; do not edit by hand -->",
        "## Against the strongest peers: PyTorch 2, torch.compile, JAX, ONNX Runtime (issue 11)",
        "",
        f"`{a.command}`, {date}, {report.lscpu()}; FMA peak {peak:,.1f} GFLOP/s (`bench/peak_flops.cpp`). "
        f"{', '.join(versions)}. {a.per_run}. Medians over runs in rotating order; the same networks "
        "(bench/jax_models.py's NETWORKS; bench/torch_*.py), random data, SGD with momentum.",
        "",
        "Training, samples/s; the share of the FMA peak counts FLOPs as the table above does.",
        "",
        *train,
        "",
        "Batch-1 latency (forward and softmax); ONNX Runtime at its best of 1 and THREADS intra-op threads.",
        "",
        *latency,
        "<!-- /peers -->",
    ])
    print(section)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "sections.py"), "peers"],
                   input=section, text=True, check=True)


if __name__ == "__main__":
    main()
