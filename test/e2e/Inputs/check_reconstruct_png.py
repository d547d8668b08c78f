"""Checks the PNG of `reconstruct`: an 8-bit grey image of COUNT images of
SIDE x SIDE pixels in two rows, 2 pixels apart on white, whose top row is
IMAGES_CSV's images and bottom row the model's outputs (PREDICTIONS,
predict's rows), each value v drawn as round(255 v), within 1.
The PNG is decoded here with the standard library (zlib and the five
filters of the PNG specification), not by the library that wrote it.
usage: check_reconstruct_png.py PNG IMAGES_CSV PREDICTIONS SIDE"""
import struct
import sys
import zlib


def read_png_gray(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert (depth, color, interlace) == (8, 0, 0), f"expected 8-bit grey, not interlaced: {header}"
    raw, rows, previous = zlib.decompress(idat), [], [0] * width
    for y in range(height):
        kind, line = raw[y * (width + 1)], list(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            left = line[x - 1] if x else 0
            up, up_left = previous[x], previous[x - 1] if x else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 255
        rows.append(line)
        previous = line
    return width, height, rows


path, side = sys.argv[1], int(sys.argv[4])
images = [[float(v) for v in line.split(",")] for line in open(sys.argv[2])]
outputs = [[float(v) for v in line.split()] for line in open(sys.argv[3])]
width, height, rows = read_png_gray(path)
count, gap = len(images), 2
assert (width, height) == (count * (side + gap) - gap, 2 * side + gap), f"size {width} x {height}"
worst = 0
for s in range(count):
    for y in range(side):
        for x in range(side):
            column = s * (side + gap) + x
            for row, values in ((y, images[s]), (y + side + gap, outputs[s])):
                want = round(255 * min(max(values[y * side + x], 0.0), 1.0))
                worst = max(worst, abs(rows[row][column] - want))
assert all(v == 255 for v in rows[side]), "the gap between the rows is not white"
print(f"{count} images and their reconstructions, largest difference {worst} of 255")
assert worst <= 1, f"a pixel differs by {worst}"
