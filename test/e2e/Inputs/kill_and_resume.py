"""Kills a training run with SIGKILL again and again, and resumes it from its
last checkpoint each time; the run must end with the weights of a run that
was never killed, bit for bit, and no kill may cost more than the epoch in
progress.

usage: kill_and_resume.py KILLS SEED -- PROGRAM train ARGS...

ARGS must not name --checkpoint, --save or --resume; they are added here.
Half the kills come at a random moment of the run (seeded by SEED), half the
moment the checkpoint's temporary file appears, that is while a checkpoint
is being written. After each kill the checkpoint left, if any, must load:
the next run resumes from it. Prints one line per kill, then a summary.
"""
import glob
import os
import random
import signal
import subprocess
import sys
import time

from safetensors_file import read_metadata, read_safetensors

kills_wanted, seed = int(sys.argv[1]), int(sys.argv[2])
command = sys.argv[sys.argv.index("--") + 1 :]
rng = random.Random(seed)
work = os.getcwd()


def train(name, resume=False):
    ckpt, weights = os.path.join(work, name + ".ckpt"), os.path.join(work, name + ".safetensors")
    args = command + ["--checkpoint", ckpt, "--save", weights] + (["--resume", ckpt] if resume else [])
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), ckpt, weights


def same_tensors(a, b):
    x, y = read_safetensors(a), read_safetensors(b)
    return x.keys() == y.keys() and all(x[k].tobytes() == y[k].tobytes() for k in x)


# The run never killed, and how long it takes.
start = time.monotonic()
p, _, whole = train("whole")
_, err = p.communicate()
if p.returncode != 0:
    sys.exit(f"kill_and_resume.py: the unbroken run failed: {err.decode()}")
duration = time.monotonic() - start

kills = during_write = chains = 0
while kills < kills_wanted:
    resume = os.path.exists(os.path.join(work, "killed.ckpt"))
    epochs_before = int(read_metadata(os.path.join(work, "killed.ckpt"))["nnc.epochs_done"]) if resume else 0
    p, ckpt, weights = train("killed", resume)
    if kills % 2 == 0:  # a random moment
        when = rng.uniform(0.0, duration)
        try:
            p.wait(timeout=when)
        except subprocess.TimeoutExpired:
            pass
    else:  # the moment a checkpoint starts being written
        deadline = time.monotonic() + 2 * duration
        while p.poll() is None and time.monotonic() < deadline and not os.path.exists(f"{ckpt}.tmp-{p.pid}"):
            pass
    if p.poll() is not None:  # it finished first: a whole chain of resumes is done
        _, err = p.communicate()
        # Killed after the last epoch's checkpoint, the chain was done already:
        # the weights file is written before the checkpoint, so it is final.
        if p.returncode != 0 and b"finished" not in err:
            sys.exit(f"kill_and_resume.py: a resumed run failed: {err.decode()}")
        if not same_tensors(whole, weights):
            sys.exit("kill_and_resume.py: a chain of killed and resumed runs ended with other weights")
        chains += 1
        os.remove(ckpt)
        continue
    p.kill()
    p.wait()
    kills += 1
    # What a killed writer leaves: its temporary file, never a torn checkpoint.
    torn = glob.glob(os.path.join(work, f"killed.*.tmp-{p.pid}"))
    during_write += bool(torn)
    state = "no checkpoint yet"
    if os.path.exists(ckpt):  # whole: it reads, and it has not gone back
        read_safetensors(ckpt)
        done = int(read_metadata(ckpt)["nnc.epochs_done"])
        if done < epochs_before:
            sys.exit(f"kill_and_resume.py: the checkpoint went back from epoch {epochs_before} to {done}")
        state = f"checkpoint after epoch {done}"
    print(f"kill {kills}: {'while writing a checkpoint' if torn else 'between writes'}; {state}")

# The last chain, to the end.
p, ckpt, weights = train("killed", os.path.exists(os.path.join(work, "killed.ckpt")))
_, err = p.communicate()
if p.returncode != 0 and b"finished" not in err:
    sys.exit(f"kill_and_resume.py: the final resumed run failed: {err.decode()}")
if not same_tensors(whole, weights):
    sys.exit("kill_and_resume.py: the resumed run ended with other weights than the unbroken run")
left = glob.glob(os.path.join(work, "*.tmp-*"))
if left:  # the last saves remove what killed saves left
    sys.exit(f"kill_and_resume.py: temporary files of killed saves are left: {left}")
print(f"{kills} kills, {during_write} while a checkpoint was being written; "
      f"{chains + 1} chains resumed to the unbroken run's weights, bit for bit")
