"""Predicts with a library nnc wrote, from Python through ctypes (the
standard library only), printing what `./MODEL predict` prints.

    nnc examples/fashion_mlp.nn --lib -o out/fashion_mlp
    python3 predict.py out/libfashion_mlp.so --weights fashion_mlp.safetensors INPUT...

INPUT: numbers, or CSV files with one input per row. The library's name
(libNAME.so) is the prefix of its functions.
"""
import argparse
import ctypes
import os
import sys


def load(path):
    """The library, with the signatures of the calls used here."""
    lib = ctypes.CDLL(os.path.abspath(path))
    name = os.path.basename(path)[3:].split(".so")[0]  # libNAME.so -> NAME
    f = lambda function: getattr(lib, name + "_" + function)
    handle = ctypes.c_void_p
    signatures = {
        "create": (ctypes.c_int, [ctypes.c_uint64, ctypes.POINTER(handle)]),
        "destroy": (None, [handle]),
        "last_error": (ctypes.c_char_p, [handle]),
        "load_weights": (ctypes.c_int, [handle, ctypes.c_char_p]),
        "input_shape": (ctypes.c_int, [ctypes.POINTER(ctypes.c_int64)]),
        "output_shape": (ctypes.c_int, [ctypes.POINTER(ctypes.c_int64)]),
        "outputs_probabilities": (ctypes.c_int, []),
        "predict": (ctypes.c_int, [handle, ctypes.POINTER(ctypes.c_float), ctypes.c_int64,
                                   ctypes.POINTER(ctypes.c_float), ctypes.c_int64]),
    }
    api = {}
    for function, (result, arguments) in signatures.items():
        api[function] = f(function)
        api[function].restype, api[function].argtypes = result, arguments
    return name, api


def size(api, function):
    dims = (ctypes.c_int64 * 4)()
    rank = api[function](dims)
    n = 1
    for d in dims[:rank]:
        n *= d
    return n


def read_inputs(items):
    """The numbers given, or the rows of CSV files ('#' lines and a header skipped)."""
    def number(text):
        try:
            return float(text)
        except ValueError:
            return None
    if all(number(item) is not None for item in items):
        return [float(item) for item in items]
    values = []
    for path in items:
        for line in open(path):
            fields = [number(f) for f in line.strip().split(",")] if line.strip() and not line.startswith("#") else []
            if fields and None not in fields:
                values += fields
    return values


def g6(v):
    """A float as C++'s stream prints it with 6 significant digits."""
    return "%g" % v


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", help="libNAME.so")
    parser.add_argument("--weights", required=True, help="a weights file, as train --save writes it")
    parser.add_argument("inputs", nargs="+", help="numbers, or CSV files with one input per row")
    args = parser.parse_args()

    name, api = load(args.library)
    model = ctypes.c_void_p()
    if api["create"](1, ctypes.byref(model)) != 0 or api["load_weights"](model, args.weights.encode()) != 0:
        sys.exit(f"predict.py: {api['last_error'](model).decode()}")
    n_in, n_out = size(api, "input_shape"), size(api, "output_shape")
    x = read_inputs(args.inputs)
    if len(x) % n_in:
        sys.exit(f"predict.py: got {len(x)} numbers; {name}'s input takes {n_in} per sample")
    count = len(x) // n_in
    inputs, outputs = (ctypes.c_float * len(x))(*x), (ctypes.c_float * (count * n_out))()
    if api["predict"](model, inputs, count, outputs, count * n_out) != 0:
        sys.exit(f"predict.py: {api['last_error'](model).decode()}")
    for s in range(count):
        y = outputs[s * n_out : (s + 1) * n_out]
        values = " ".join(g6(v) for v in y)
        print(f"class {y.index(max(y))}  p={values}" if api["outputs_probabilities"]() else values)
    api["destroy"](model)


if __name__ == "__main__":
    main()
