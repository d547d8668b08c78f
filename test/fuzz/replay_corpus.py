#!/usr/bin/env python3
"""Feeds every input of the fuzz corpora to the real programs, the way a user
would meet it: nnc on a .nn file, a generated program on a CSV, IDX,
safetensors or checkpoint file, and predict on words. Each must end cleanly
(issue 12's bar): exit 0, or exit 1-125 with 'error:' in what it printed and
no raw control byte; never a signal. The harnesses check the same inside the
process; this checks the whole program around them.

  replay_corpus.py --nnc NNC --tiny TINY --work DIR

TINY is test/e2e/Inputs/tiny_classifier.nn compiled (2 inputs, 3 classes),
the shape the CSV and predict harnesses read first.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")  # \t and \n are layout


def files(name):
    folder = os.path.join(HERE, "corpus", name)
    return sorted(os.path.join(folder, f) for f in os.listdir(folder))


def clean(cmd, cwd):
    """'' when CMD ends cleanly, else what is wrong."""
    try:
        r = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "no answer in 60 s"
    if r.returncode < 0:
        return f"killed by signal {-r.returncode}"
    if r.returncode == 0:
        return ""
    if not 1 <= r.returncode <= 125:
        return f"exit {r.returncode}"
    if b"error:" not in r.stderr:
        return f"exit {r.returncode} without 'error:': {r.stderr[-300:]!r}"
    if RAW_CONTROL.search(r.stderr):
        return f"a raw control byte in: {r.stderr[-300:]!r}"
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nnc", required=True)
    ap.add_argument("--tiny", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    weights = os.path.join(work, "tiny.safetensors")
    runs = []  # (corpus input, command, directory)

    for f in files("frontend"):
        runs.append((f, [a.nnc, f, "--emit=grad"], work))
    for f in files("csv"):
        runs.append((f, [a.tiny, "train", "--data", f, "--epochs", "1", "--save", weights], work))
    for k, f in enumerate(files("idx")):
        # As the images of a data set, and as its labels beside valid images.
        for role, partner in (("images", "labels"), ("labels", "images")):
            d = os.path.join(work, f"idx{k}-{role}")
            os.makedirs(d, exist_ok=True)
            shutil.copy(f, os.path.join(d, f"train-{role}-idx{3 if role == 'images' else 1}-ubyte"))
            shutil.copy(os.path.join(HERE, "corpus", "idx", partner),
                        os.path.join(d, f"train-{partner}-idx{3 if partner == 'images' else 1}-ubyte"))
            runs.append((f, [a.tiny, "eval", "--weights", weights, "--data", d], work))
    for f in files("safetensors"):
        runs.append((f, [a.tiny, "eval", "--weights", f, "--data", "builtin.xor"], work))
        runs.append((f, [a.tiny, "train", "--resume", f, "--epochs", "3", "--checkpoint",
                         os.path.join(work, "c.ckpt"), "--save", os.path.join(work, "s.safetensors")], work))
    for k, f in enumerate(files("predict_args")):
        text = open(f, "rb").read()
        first, _, rest = text.partition(b"\n")
        d = os.path.join(work, f"predict{k}")
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "in.csv"), "wb").write(rest)
        # As the harness reads them; a NUL cannot be in an argument at all.
        words = [w.replace(b"/", b"_") for w in first.replace(b"\0", b"").split(b" ") if w]
        runs.append((f, [a.tiny, "predict", "--weights", weights] + words, d))

    # The weights the runs above read: one short training run first.
    subprocess.run([a.tiny, "train", "--data", os.path.join(HERE, "corpus", "csv", "header_comment.csv"),
                    "--save", weights], cwd=work, check=True, capture_output=True)
    bad = []
    for f, cmd, cwd in runs:
        problem = clean(cmd, cwd)
        if problem:
            bad.append(f"{os.path.relpath(f, HERE)}: {' '.join(map(str, cmd[1:]))[:120]}: {problem}")
    print(f"replayed {len(runs)} runs of {sum(len(files(n)) for n in os.listdir(os.path.join(HERE, 'corpus')))} "
          f"corpus inputs: {len(runs) - len(bad)} clean")
    for b in bad:
        print("NOT CLEAN:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
