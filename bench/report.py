#!/usr/bin/python3
"""Aggregates the bench runs of bench/run_mlp.sh into bench/RESULTS.md.

Reads JSON lines (one object per bench run, as printed by `./model bench` and
bench/torch_mlp.py), takes medians per batch size, renders markdown to --out
and prints the summary tables on stdout. Standard library only.

  /usr/bin/python3 bench/report.py --nnc nnc.jsonl --torch torch.jsonl \
      --out bench/RESULTS.md --commit abc123 --command "bench/run_mlp.sh 5"
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

# The bar the project must meet (also written into the RESULTS.md header).
BAR_TRAIN = {32: 1.0, 128: 0.8}   # nnc samples/s over PyTorch samples/s, at least
BAR_LATENCY = 3.0                 # PyTorch batch-1 latency over nnc's, at least
KEYS = ("model", "batch", "threads", "train_samples_per_s", "train_step_ms",
        "predict_latency_us")


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


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def spread(runs, key):
    v = [r[key] for r in runs]
    return f"{min(v):,.1f}–{max(v):,.1f}"


def verdict(ok):
    return "yes" if ok else "**NO**"


def summary(nnc, torch):
    """The per-batch tables, as markdown lines."""
    lines = []
    batches = sorted({r["batch"] for r in nnc} | {r["batch"] for r in torch})
    for b in batches:
        n = [r for r in nnc if r["batch"] == b]
        t = [r for r in torch if r["batch"] == b]
        threads = sorted({r["threads"] for r in n + t})
        lines.append(f"### Training, batch {b}, threads {', '.join(map(str, threads))}")
        lines.append("")
        if not n or not t:
            lines.append(f"(missing runs: nnc {len(n)}, PyTorch {len(t)})")
            lines.append("")
            continue
        ns, ts = med(n, "train_samples_per_s"), med(t, "train_samples_per_s")
        ratio = ns / ts
        bar = BAR_TRAIN.get(b)
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
    nl, tl = med(nnc, "predict_latency_us"), med(torch, "predict_latency_us")
    ratio = tl / nl
    threads = sorted({r["threads"] for r in nnc + torch})
    lines += [
        f"### Prediction latency, batch 1 (forward + softmax), threads {', '.join(map(str, threads))}",
        "",
        "| | nnc | PyTorch | PyTorch / nnc | bar | meets bar |",
        "|---|---:|---:|---:|---:|:---:|",
        f"| µs (median of {len(nnc)} / {len(torch)} runs) | {nl:,.1f} | {tl:,.1f} "
        f"| **{ratio:.2f}x** | >= {BAR_LATENCY:.1f}x | {verdict(ratio >= BAR_LATENCY)} |",
        f"| µs, min–max over runs | {spread(nnc, 'predict_latency_us')} "
        f"| {spread(torch, 'predict_latency_us')} | | | |",
        "",
    ]
    return lines


def raw_table(nnc, torch):
    lines = [
        "| run | impl | batch | threads | samples/s | step ms | batch-1 latency µs |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for who, runs in (("nnc", nnc), ("PyTorch", torch)):
        seen = {}
        for r in runs:
            seen[r["batch"]] = seen.get(r["batch"], 0) + 1
            lines.append(f"| {seen[r['batch']]} | {who} | {r['batch']} | {r['threads']} "
                         f"| {r['train_samples_per_s']:,.1f} | {r['train_step_ms']:.4f} "
                         f"| {r['predict_latency_us']:.2f} |")
    return lines


def main():
    p = argparse.ArgumentParser(description="Render bench/RESULTS.md from bench JSON lines.")
    p.add_argument("--nnc", required=True, help="JSON lines from `./fashion_mlp bench`")
    p.add_argument("--torch", required=True, help="JSON lines from bench/torch_mlp.py")
    p.add_argument("--out", required=True, help="markdown file to write (overwritten)")
    p.add_argument("--commit", default="unknown", help="nnc git commit")
    p.add_argument("--command", default="bench/run_mlp.sh", help="the command that made the runs")
    p.add_argument("--per-run", default="", help="what one run is, e.g. its arguments")
    a = p.parse_args()

    nnc, torch = read_runs(a.nnc, "nnc"), read_runs(a.torch, "PyTorch")
    blas = sorted({r.get("blas", "unknown") for r in torch})
    tv = sorted({r.get("torch_version", "unknown") for r in torch})
    deb = deb_version("python3-torch")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tables = summary(nnc, torch)

    md = [
        "# nnc vs PyTorch: fashion_mlp (784-256-128-10 MLP) on CPU",
        "",
        "**Bar the project must meet:** training throughput >= 1x PyTorch at batch 32 "
        "and >= 0.8x at batch 128; batch-1 prediction latency >= 3x lower than PyTorch's.",
        "",
        "Generated by `bench/run_mlp.sh` (do not edit by hand).",
        "",
        f"- Date: {date}",
        f"- Machine: {lscpu()}",
        f"- nnc commit: `{a.commit}`",
        f"- PyTorch: {', '.join(tv)}" + (f" (Debian python3-torch {deb})" if deb else ""),
        f"- BLAS PyTorch used (from /proc/self/maps): `{', '.join(blas)}`",
        f"- Command: `{a.command}`",
    ]
    if a.per_run:
        md.append(f"- One run: {a.per_run}")
    md += [
        "- Model: MLP 784-256-128-10, ReLU, cross-entropy on softmax (mean), "
        "SGD lr 0.05 momentum 0.9, random float32 inputs and int64 labels.",
        "- Statistic: each run reports the median over its repeats of the mean train-step "
        "time, and the median batch-1 latency; nnc and PyTorch runs alternate, and the "
        "tables give the median over runs. samples/s = batch * 1000 / step ms.",
        "",
        "## Results",
        "",
        *tables,
        "<details><summary>Raw per-run numbers</summary>",
        "",
        *raw_table(nnc, torch),
        "",
        "</details>",
        "",
    ]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(md))
    print("\n".join(tables))
    print(f"report: wrote {a.out}")


if __name__ == "__main__":
    main()
