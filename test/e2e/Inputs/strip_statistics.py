"""Writes a copy of a safetensors weights file without the input statistics
(the tensors nnc.input_mean and nnc.input_std), as a hand-made or foreign
weights file would be. Standard library only: the file is parsed by hand
(8-byte little-endian header length, JSON header, raw tensor bytes).

usage: strip_statistics.py IN.safetensors OUT.safetensors
Exits 1 if IN has no input statistics (the copy would prove nothing).
"""
import json
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
blob = open(src, "rb").read()
(n,) = struct.unpack("<Q", blob[:8])
header = json.loads(blob[8 : 8 + n])
data = blob[8 + n :]
dropped = [name for name in ("nnc.input_mean", "nnc.input_std") if name in header]
if len(dropped) != 2:
    print(f"{src}: no input statistics to strip (has {sorted(header)})")
    sys.exit(1)

kept, payload = {}, b""
for name, t in header.items():
    if name == "__metadata__":
        kept[name] = t
        continue
    if name in dropped:
        continue
    begin, end = t["data_offsets"]
    kept[name] = dict(t, data_offsets=[len(payload), len(payload) + end - begin])
    payload += data[begin:end]

text = json.dumps(kept).encode()
text += b" " * (-len(text) % 8)  # the data stays 8-byte aligned
open(dst, "wb").write(struct.pack("<Q", len(text)) + text + payload)
