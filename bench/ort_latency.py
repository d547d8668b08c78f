"""ONNX Runtime's batch-1 latency on the three examples, at its best thread
setting: the inference peer of `./model bench`'s predict_latency_us.

The networks are bench/jax_models.py's NETWORKS (the same layers as the .nn
files), written as ONNX graphs (opset 17: Gemm, Conv, Relu, MaxPool, Flatten,
Softmax) with random weights, so no exporter stands between the model and
the runtime. Each is timed with 1 and with --threads intra-op threads
(ORT_ENABLE_ALL graph optimisations, sequential execution); the best median
is reported, with the thread count that gave it.

  .venv-bench/bin/python bench/ort_latency.py --model vgg --threads 2

Prints one JSON object: model, batch 1, predict_latency_us, threads (the
best setting), latency_us_by_threads, impl, ort_version.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

from jax_models import NETWORKS  # imports no JAX at module level


def onnx_model(layers, shape, seed):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    nchw = (1, shape[2], shape[0], shape[1]) if len(shape) == 3 else (1,) + shape
    nodes, inits, x, features = [], [], "x", nchw[1:]
    for i, layer in enumerate(layers):
        y = f"v{i}"
        if layer[0] == "dense":
            fan_in = features[-1]
            inits += [numpy_helper.from_array(rng.uniform(-1, 1, (fan_in, layer[1])).astype(np.float32) / fan_in ** 0.5, f"w{i}"),
                      numpy_helper.from_array(np.zeros(layer[1], np.float32), f"b{i}")]
            nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"], [y]))
            features = (layer[1],)
        elif layer[0] == "conv":
            _, channels, k, pad = layer
            c, h, w = features
            inits += [numpy_helper.from_array(rng.uniform(-1, 1, (channels, c, k, k)).astype(np.float32) / (c * k * k) ** 0.5, f"w{i}"),
                      numpy_helper.from_array(np.zeros(channels, np.float32), f"b{i}")]
            nodes.append(helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [y], kernel_shape=[k, k], pads=[pad] * 4))
            features = (channels, h + 2 * pad - k + 1, w + 2 * pad - k + 1)
        elif layer[0] == "relu":
            nodes.append(helper.make_node("Relu", [x], [y]))
        elif layer[0] == "pool":
            s = layer[1]
            nodes.append(helper.make_node("MaxPool", [x], [y], kernel_shape=[s, s], strides=[s, s]))
            features = (features[0], features[1] // s, features[2] // s)
        elif layer[0] == "flatten":
            nodes.append(helper.make_node("Flatten", [x], [y], axis=1))
            features = (int(np.prod(features)),)
        x = y
    nodes.append(helper.make_node("Softmax", [x], ["probabilities"], axis=1))
    graph = helper.make_graph(nodes, "net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(nchw))],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model.SerializeToString(), nchw


def latency_us(session, x, calls):
    for _ in range(max(10, calls // 10)):
        session.run(None, {"x": x})
    times = []
    for _ in range(calls):
        t0 = time.perf_counter_ns()
        session.run(None, {"x": x})
        times.append((time.perf_counter_ns() - t0) / 1e3)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=sorted(NETWORKS), required=True)
    p.add_argument("--threads", type=int, required=True, help="the most intra-op threads tried")
    p.add_argument("--latency-calls", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.threads < 1 or a.latency_calls < 1:
        p.error("--threads and --latency-calls must be >= 1")
    import onnxruntime as ort

    name, shape, _, layers = NETWORKS[a.model]
    model, nchw = onnx_model(layers, shape, a.seed)
    x = np.random.default_rng(a.seed).random(nchw, dtype=np.float32)
    by_threads = {}
    for threads in sorted({1, a.threads}):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        by_threads[threads] = round(latency_us(session, x, a.latency_calls), 2)
    best = min(by_threads, key=by_threads.get)
    json.dump({"model": name, "batch": 1, "predict_latency_us": by_threads[best], "threads": best,
               "latency_us_by_threads": by_threads, "impl": "onnxruntime", "ort_version": ort.__version__},
              sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
