"""JAX baselines for `nnc`'s `./model bench`: the three examples, jit-compiled.

  --model mlp     examples/fashion_mlp.nn    (SGD lr 0.05, momentum 0.9)
  --model lenet   examples/fashion_lenet.nn  (SGD lr 0.02, momentum 0.9)
  --model vgg     examples/fashion_vgg.nn    (SGD lr 0.02, momentum 0.9)

The networks of bench/torch_mlp.py and bench/torch_cnn.py written in plain
jax.numpy and jax.lax (no framework on top): dense layers and convolutions
with bias, PyTorch's initialisation, cross-entropy on log-softmax (mean),
SGD with momentum as torch.optim.SGD does it (v = m v + g; w -= lr v).
Images are NHWC, the layout XLA's CPU back end is fastest with. The train
step (forward, gradient, update) is one jax.jit function whose parameter and
velocity buffers are donated, so it updates in place as nnc does.

Same arguments, statistics and JSON keys as bench/torch_mlp.py. Run with the
bench environment's interpreter (NNC_WITH_BENCH=1 scripts/setup.sh):
  .venv-bench/bin/python bench/jax_models.py --model lenet --batch 128 --threads 2
"""
import os

import torch_mlp  # the shared harness (arguments, timing, the JSON line), next to this file

# kind, settings: ("dense", units), ("conv", channels, kernel, pad), ("relu",), ("pool", 2), ("flatten",)
NETWORKS = {
    "mlp": ("fashion_mlp", (784,), 0.05,
            [("dense", 256), ("relu",), ("dense", 128), ("relu",), ("dense", 10)]),
    "lenet": ("fashion_lenet", (28, 28, 1), 0.02,
              [("conv", 6, 5, 2), ("relu",), ("pool", 2), ("conv", 16, 5, 0), ("relu",), ("pool", 2),
               ("flatten",), ("dense", 120), ("relu",), ("dense", 84), ("relu",), ("dense", 10)]),
    "vgg": ("fashion_vgg", (28, 28, 1), 0.02,
            [("conv", 32, 3, 1), ("relu",), ("conv", 32, 3, 1), ("relu",), ("pool", 2),
             ("conv", 64, 3, 1), ("relu",), ("conv", 64, 3, 1), ("relu",), ("pool", 2),
             ("flatten",), ("dense", 256), ("relu",), ("dense", 10)]),
}


def main():
    a = torch_mlp.parse_args(
        __doc__, lambda p: p.add_argument("--model", choices=sorted(NETWORKS), required=True), warmup=5)
    # Before jax is loaded: XLA reads its thread count once.
    os.environ["XLA_FLAGS"] = (f"--xla_cpu_multi_thread_eigen={'true' if a.threads > 1 else 'false'} "
                               f"intra_op_parallelism_threads={a.threads}")
    os.environ["JAX_PLATFORMS"] = "cpu"
    import jax
    import jax.numpy as jnp
    from jax import lax

    name, shape, lr, layers = NETWORKS[a.model]
    key = jax.random.PRNGKey(a.seed)

    # Parameters, initialised as PyTorch does: uniform in +-1/sqrt(fan_in).
    params, features = [], shape
    for layer in layers:
        if layer[0] == "dense":
            fan_in = features[-1]
            key, kw, kb = jax.random.split(key, 3)
            bound = 1.0 / fan_in ** 0.5
            params.append((jax.random.uniform(kw, (fan_in, layer[1]), jnp.float32, -bound, bound),
                           jax.random.uniform(kb, (layer[1],), jnp.float32, -bound, bound)))
            features = (layer[1],)
        elif layer[0] == "conv":
            _, channels, k, pad = layer
            h, w, c = features
            fan_in = c * k * k
            key, kw, kb = jax.random.split(key, 3)
            bound = 1.0 / fan_in ** 0.5
            params.append((jax.random.uniform(kw, (k, k, c, channels), jnp.float32, -bound, bound),
                           jax.random.uniform(kb, (channels,), jnp.float32, -bound, bound)))
            features = (h + 2 * pad - k + 1, w + 2 * pad - k + 1, channels)
        elif layer[0] == "pool":
            h, w, c = features
            features = (h // layer[1], w // layer[1], c)
        elif layer[0] == "flatten":
            features = (features[0] * features[1] * features[2],)

    def forward(params, x):
        weights = iter(params)
        for layer in layers:
            if layer[0] == "dense":
                w, b = next(weights)
                x = x @ w + b
            elif layer[0] == "conv":
                w, b = next(weights)
                pad = layer[3]
                x = lax.conv_general_dilated(x, w, (1, 1), [(pad, pad), (pad, pad)],
                                             dimension_numbers=("NHWC", "HWIO", "NHWC")) + b
            elif layer[0] == "relu":
                x = jnp.maximum(x, 0.0)
            elif layer[0] == "pool":
                s = layer[1]
                x = lax.reduce_window(x, -jnp.inf, lax.max, (1, s, s, 1), (1, s, s, 1), "VALID")
            elif layer[0] == "flatten":
                x = x.reshape(x.shape[0], -1)
        return x

    def loss_of(params, x, y):
        logp = jax.nn.log_softmax(forward(params, x))
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    @jax.jit
    def predict(params, x):
        return jax.nn.softmax(forward(params, x))

    def step(params, velocity, x, y):
        loss, grads = jax.value_and_grad(loss_of)(params, x, y)
        velocity = jax.tree_util.tree_map(lambda v, g: 0.9 * v + g, velocity, grads)
        params = jax.tree_util.tree_map(lambda p, v: p - lr * v, params, velocity)
        return params, velocity, loss

    step = jax.jit(step, donate_argnums=(0, 1))

    key, kx, ky = jax.random.split(key, 3)
    x = jax.random.uniform(kx, (a.batch,) + shape, jnp.float32)
    y = jax.random.randint(ky, (a.batch,), 0, 10)
    velocity = jax.tree_util.tree_map(jnp.zeros_like, params)

    # ---- training throughput ------------------------------------------------
    state = {"params": params, "velocity": velocity}

    def train_step():
        state["params"], state["velocity"], state["loss"] = step(state["params"], state["velocity"], x, y)

    step_ms = torch_mlp.time_steps(a, train_step, lambda: jax.block_until_ready(state["params"]))

    # ---- batch-1 prediction latency (forward + softmax) ---------------------
    x1 = x[:1]
    lat_us = torch_mlp.time_calls(a, lambda: predict(state["params"], x1).block_until_ready())
    torch_mlp.print_run(a, name, step_ms, lat_us, float(state["loss"]),
                        impl="jax jit", device="cpu", jax_version=jax.__version__)


if __name__ == "__main__":
    main()
