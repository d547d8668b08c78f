"""Recomputes, in double precision, the weights that closed_form.nn has after
STEPS training steps, from the update rules as docs/language.md (section 7)
states them, and compares them with a weights file the program saved. It
knows nothing the program computes: only the data (the CSV), the start
weights (the literals of closed_form.nn, repeated below) and the settings
given here. Standard library only; the weights file is read by hand.

usage: closed_form.py DATA.csv WEIGHTS.safetensors STEPS OPTIMIZER [NAME=VALUE...]
  OPTIMIZER  sgd, adagrad, rmsprop, adam or adamw
  NAME       an optimizer setting (lr, momentum, nesterov, rho, beta1, beta2,
             eps, weight_decay), a model penalty (l1, l2) or a layer's
             (dense0.l1, dense0.l2, dense1.l1, dense1.l2); unset ones take the
             docs' defaults, penalties 0
Every saved value must lie within 1e-6 of the reference, relative to
max(1, |reference|).
"""
import json
import math
import struct
import sys

# closed_form.nn: x: f32[3] -> dense(2) -> dense(2), both biases start at 0.
START = {
    "dense0.weight": [[0.5, -0.3], [0.2, 0.4], [-0.6, 0.1]],
    "dense0.bias": [0.0, 0.0],
    "dense1.weight": [[0.7, -0.2], [0.3, 0.9]],
    "dense1.bias": [0.0, 0.0],
}
DEFAULTS = {
    "sgd": {"lr": 0.01, "momentum": 0.0, "nesterov": 0.0},
    "adagrad": {"lr": 0.01, "eps": 1e-10},
    "rmsprop": {"lr": 0.01, "rho": 0.99, "eps": 1e-8},
    "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
}
TOLERANCE = 1e-6
# A gradient or weight this close to 0 could change sign under float
# rounding (adam's first step is lr * sign(g), l1's term is l1 * sign(w)):
# the data must keep every one of them away from 0, or the check is unsound.
MARGIN = 1e-4


def read_safetensors(path):
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    data = blob[8 + n :]
    tensors = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", (name, t["dtype"])
        begin, end = t["data_offsets"]
        tensors[name] = list(struct.unpack(f"<{(end - begin) // 4}f", data[begin:end]))
    return tensors


def read_csv(path):
    rows = [[float(v) for v in line.split(",")] for line in open(path) if line.strip() and not line.startswith("#")]
    return [r[:3] for r in rows], [r[3:] for r in rows]


def matmul(a, w):  # a: [B][in], w: [in][out]
    return [[sum(row[i] * w[i][j] for i in range(len(w))) for j in range(len(w[0]))] for row in a]


def gradients(p, xs, ts):
    """The gradients of squared_error = (1/B) sum_b 1/2 sum_k (t - y)^2."""
    b = len(xs)
    h = [[v + p["dense0.bias"][j] for j, v in enumerate(row)] for row in matmul(xs, p["dense0.weight"])]
    y = [[v + p["dense1.bias"][j] for j, v in enumerate(row)] for row in matmul(h, p["dense1.weight"])]
    dy = [[(y[s][k] - ts[s][k]) / b for k in range(2)] for s in range(b)]
    w1 = p["dense1.weight"]
    dh = [[sum(dy[s][k] * w1[j][k] for k in range(2)) for j in range(2)] for s in range(b)]
    return {
        "dense1.weight": [[sum(h[s][i] * dy[s][k] for s in range(b)) for k in range(2)] for i in range(2)],
        "dense1.bias": [sum(dy[s][k] for s in range(b)) for k in range(2)],
        "dense0.weight": [[sum(xs[s][i] * dh[s][j] for s in range(b)) for j in range(2)] for i in range(3)],
        "dense0.bias": [sum(dh[s][j] for s in range(b)) for j in range(2)],
    }


def flat(v):
    return [x for row in v for x in row] if isinstance(v[0], list) else list(v)


def as_matrix(name, values):
    """A weight [in, 2] back from its row-major values; a bias as it is."""
    return [values[i : i + 2] for i in range(0, len(values), 2)] if name.endswith("weight") else values


def sign(w):
    return (w > 0) - (w < 0)


def reference(opt, s, xs, ts, steps):
    params = {name: flat(v) for name, v in START.items()}
    state = {name: {"a": [0.0] * len(v), "b": [0.0] * len(v)} for name, v in params.items()}
    for t in range(1, steps + 1):
        grads = {n: flat(g) for n, g in gradients({n: as_matrix(n, v) for n, v in params.items()}, xs, ts).items()}
        for name, p in params.items():
            layer, kind = name.split(".")
            g = list(grads[name])
            if kind == "weight":
                # A layer's penalty (dense0.l2) takes the place of the model's (l2).
                l1 = s.get(layer + ".l1", s.get("l1", 0.0))
                l2 = s.get(layer + ".l2", s.get("l2", 0.0))
                assert all(abs(w) > MARGIN for w in p) or l1 == 0, f"{name}: a weight near 0 at step {t}"
                g = [gi + l2 * w + l1 * sign(w) for gi, w in zip(g, p)]
            if opt != "adamw" and "weight_decay" in s:
                g = [gi + s["weight_decay"] * w for gi, w in zip(g, p)]
            assert all(abs(gi) > MARGIN for gi in g), f"{name}: a gradient near 0 at step {t}: {g}"
            a, b = state[name]["a"], state[name]["b"]
            lr = s["lr"]
            for i, gi in enumerate(g):
                if opt == "sgd":
                    a[i] = s["momentum"] * a[i] + gi
                    step = gi + s["momentum"] * a[i] if s["nesterov"] else a[i]
                    p[i] -= lr * step
                elif opt == "adagrad":
                    a[i] += gi * gi
                    p[i] -= lr * gi / (math.sqrt(a[i]) + s["eps"])
                elif opt == "rmsprop":
                    a[i] = s["rho"] * a[i] + (1 - s["rho"]) * gi * gi
                    p[i] -= lr * gi / (math.sqrt(a[i]) + s["eps"])
                else:
                    a[i] = s["beta1"] * a[i] + (1 - s["beta1"]) * gi
                    b[i] = s["beta2"] * b[i] + (1 - s["beta2"]) * gi * gi
                    m_hat, v_hat = a[i] / (1 - s["beta1"] ** t), b[i] / (1 - s["beta2"] ** t)
                    decayed = (1 - lr * s["weight_decay"]) * p[i] if opt == "adamw" else p[i]
                    p[i] = decayed - lr * m_hat / (math.sqrt(v_hat) + s["eps"])
    return params


def main():
    data, weights, steps, opt = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    settings = dict(DEFAULTS[opt])
    for arg in sys.argv[5:]:
        name, value = arg.split("=")
        settings[name] = float(value)
    xs, ts = read_csv(data)
    expected = reference(opt, settings, xs, ts, steps)
    saved = read_safetensors(weights)
    failed = False
    for name, want in expected.items():
        got = saved[name]
        start = flat(START[name])
        for i, (g, w) in enumerate(zip(got, want)):
            ok = abs(g - w) <= TOLERANCE * max(1.0, abs(w))
            failed |= not ok
            print(f"{name}[{i}]: saved {g:.9g}, closed form {w:.9g} (start {start[i]:g}){'' if ok else '  <-- differs'}")
    sys.exit(1 if failed else 0)


main()
