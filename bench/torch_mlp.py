#!/usr/bin/python3
"""PyTorch baseline for `nnc`'s `./model bench` on examples/fashion_mlp.nn.

Same model, loss, optimizer and statistics as the generated program's bench:
  MLP 784-256-128-10 (Linear with bias, ReLU after the two hidden layers),
  cross-entropy with softmax fused (mean over the batch),
  SGD(lr=0.05, momentum=0.9), random float32 inputs and random int64 labels.

Prints ONE JSON object on stdout:
  {"model":"fashion_mlp","batch":B,"threads":T,"train_samples_per_s":X,
   "train_step_ms":M,"predict_latency_us":L,"blas":..., ...}
where M = median over R repeats of the mean time of N train steps (after
warm-up), X = B*1000/M, and L = median latency of one batch-1 prediction
(forward + softmax) over many calls.

Run with Debian's interpreter: /usr/bin/python3 bench/torch_mlp.py --batch 32 --threads 2

Its parse_args() and bench() are the harness of the other baselines too
(bench/torch_cnn.py), so that every model is timed the same way.
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse_args(doc=__doc__, add_arguments=None, warmup=20):
    """The arguments every PyTorch bench takes (those of `./model bench`, and a few)."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    if add_arguments:
        add_arguments(p)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--steps", type=int, default=100, help="timed train steps per repeat")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=warmup, help="untimed train steps first")
    p.add_argument("--latency-calls", type=int, default=2000,
                   help="timed batch-1 predictions (after as many/10 warm-up calls)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where the model runs")
    p.add_argument("--compile", action="store_true", help="torch.compile the model (PyTorch 2)")
    a = p.parse_args()
    for name in ("batch", "threads", "steps", "repeats", "latency_calls"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    return a


def time_steps(a, step, wait):
    """Per repeat, the mean ms of a.steps calls of step() after a.warmup
    untimed ones; wait() returns when the work queued so far is done."""
    for _ in range(a.warmup):
        step()
    wait()
    step_ms = []
    for _ in range(a.repeats):
        t0 = time.perf_counter_ns()
        for _ in range(a.steps):
            step()
        wait()
        step_ms.append((time.perf_counter_ns() - t0) / 1e6 / a.steps)
    return step_ms


def time_calls(a, call):
    """The µs of each of a.latency_calls calls of call(), which must return
    when its work is done, after a tenth as many untimed ones."""
    for _ in range(max(10, a.latency_calls // 10)):
        call()
    times = []
    for _ in range(a.latency_calls):
        t0 = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - t0) / 1e3)
    return times


def print_run(a, name, step_ms, latency_us, final_loss, **what_ran):
    """The one JSON line of a baseline run: `./model bench`'s keys (medians
    over repeats and calls), then what ran, then the raw repeats."""
    m = statistics.median(step_ms)
    out = {
        "model": name,
        "batch": a.batch,
        "threads": a.threads,
        "train_samples_per_s": round(a.batch * 1000.0 / m, 1),
        "train_step_ms": round(m, 4),
        "predict_latency_us": round(statistics.median(latency_us), 2),
        **what_ran,
        "steps": a.steps,
        "repeats": a.repeats,
        "train_step_ms_repeats": [round(v, 4) for v in step_ms],
        "final_loss": round(final_loss, 4),
    }
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


def loaded_blas():
    """Paths of the BLAS libraries mapped into this process (call after a matmul).

    The first one is the reference-BLAS-interface library (libblas.so.3, whose
    Debian alternative decides the implementation) when present."""
    paths = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) < 6:
                continue
            path = parts[5].strip()
            base = os.path.basename(path).lower()
            if ("blas" in base or base.startswith("libmkl")) and path not in paths:
                paths.append(path)
    paths.sort(key=lambda s: (not os.path.basename(s).startswith("libblas"), s))
    return paths


def bench(a, name, make_model, input_shape, lr, momentum=0.9, optimizer="sgd", loss="cross_entropy"):
    """Times train steps and batch-1 prediction of make_model(nn) and prints the JSON line.

    make_model gets torch.nn (imported here, after the thread settings) and
    returns the model; inputs are float32 of shape [B, *input_shape].
    optimizer: "sgd" (with momentum) or "adam"; loss: "cross_entropy" on
    random labels (a classifier: predict adds the softmax) or "mse" against
    the input itself (an autoencoder, `target x`)."""
    # Before torch (and its OpenMP / OpenBLAS) is loaded, so every pool agrees.
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)

    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only allowed before any inter-op work; harmless if refused
    torch.manual_seed(a.seed)

    device = torch.device(a.device)
    model = make_model(nn).to(device)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    if a.compile:
        model = torch.compile(model)
    x = torch.rand(a.batch, *input_shape, dtype=torch.float32, device=device)
    y = torch.randint(0, 10, (a.batch,), dtype=torch.int64, device=device) if loss == "cross_entropy" else x
    loss_of = F.cross_entropy if loss == "cross_entropy" else F.mse_loss
    # A GPU runs asynchronously: a timing ends when its queue is empty.
    sync = torch.cuda.synchronize if a.device == "cuda" else (lambda: None)

    def step():
        opt.zero_grad()
        value = loss_of(model(x), y)
        value.backward()
        opt.step()
        return value

    # ---- training throughput ------------------------------------------------
    model.train()
    step_ms = time_steps(a, step, sync)
    final_loss = float(step().detach())

    # ---- batch-1 prediction latency (forward, + softmax for a classifier) ---
    model.eval()
    x1 = torch.rand(1, *input_shape, dtype=torch.float32, device=device)

    def predict():
        y1 = model(x1)
        if loss == "cross_entropy":
            F.softmax(y1, dim=1)
        sync()

    with torch.inference_mode():
        lat_us = time_calls(a, predict)

    blas = loaded_blas()
    print_run(a, name, step_ms, lat_us, final_loss,
              blas=blas[0] if blas else "none mapped (torch built-in gemm)", blas_all=blas,
              impl="pytorch" + (" compiled" if a.compile else ""), device=a.device, torch_version=torch.__version__)

def main():
    a = parse_args()
    bench(a, "fashion_mlp", lambda nn: nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10),
    ), (784,), lr=0.05)


if __name__ == "__main__":
    main()
