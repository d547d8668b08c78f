"""The files behind the error messages that the docs show.

The docs print a diagnostic as nnc writes it, `NAME.nn:LINE:COL: error: ...`
with the source line and its caret, but not the whole file. SOURCES holds
that file for each NAME; docs_examples.py compiles it and checks that nnc
prints exactly what the docs show for NAME (every error, in order). The
source line and caret come from the compiler, so the file has to put the
documented line at the documented line number.

PROGRAMS does the same for an error of a generated program: the program is
compiled from the docs' own block of that model, run in a directory holding
`files`, with `args`.
"""

SOURCES = {
    # README.md, "How it works"
    "model.nn": """\
# model.nn: a misspelt layer.
model m {
  input  x: f32[2]
  target t: f32[2]

  # two hidden sigmoid units
  y = x -> dence(2) -> sigmoid
  loss squared_error(y, t)
}
""",
    # docs/language.md, section 12
    "typo.nn": """\
model typo {
  input  x: f32[2]
  target t: f32[1]
  y = x -> dense(4) -> sigmoud -> dense(1)
  loss squared_error(y, t)
}
""",
    "shapes.nn": """\
model shapes {
  input  x: f32[3]
  target t: f32[4]
  h = x -> dense(4) -> relu
  y = h + x
  loss squared_error(y, t)
}
""",
    "losses.nn": """\
model losses {
  input  x: f32[4]
  target t: class[3]
  y = x -> dense(3)
  loss squared_error(y, t)
}
""",
    "weights.nn": """\
model weights {
  input  x: f32[2]
  target t: f32[1]
  y = x -> dense(1, weight = [[1, 0]]) -> step
  loss squared_error(y, t)
}
""",
    "syntax.nn": """\
model syntax {
  input  x: f32[2]
  target t: f32[1]
  y = x -> dense(1 -> sigmoid
  loss squared_error(y, t)
}
""",
    "imagelayers.nn": """\
model imagelayers {
  input  x: f32[1, 8, 8]
  target t: class[10]
  a = x -> conv(4, kernel = 9)
  b = x -> conv(4, kernel = 3, stride = 0)
  c = x -> conv(4, kernel = 3, pad = -1)
  d = x -> conv(4, kernel = 2, pad = same)
  e = x -> maxpool(9)
  f = x -> avgpool(0, stride = 2)
  g = x -> flatten -> flatten
  h = x -> dense(10)
  i = x -> flatten -> maxpool(2)
  logits = x -> flatten -> dense(10)
  loss cross_entropy(logits, t)
}
""",
    "train.nn": """\
model gate {
  input  x: f32[2]
  target t: f32[1]
  y = x -> dense(1) -> sigmoid
  loss squared_error(y, t)
}

train {
  optimizer adamax(lr = 0.01)
  epoch 10
  shuffle no
}
""",
    # docs/language.md, section 14: names from Keras and PyTorch, a layer not yet in nnc
    "names.nn": """\
model names {
  input  x: f32[1, 28, 28]
  target t: class[10]
  a = x -> Conv2d(6, kernel = 5)
  b = x -> lstm(32)
  logits = x -> flatten -> dense(10)
  loss cross_entropy(logits, t)
}
train { batch_size 32 }
""",
    # docs/language.md, section 14: an error inside a block, and where it was used
    "blocks.nn": """\
# blocks.nn: a block whose argument makes one of its layers wrong
block wide(n: int)(x) { return x -> dense(n) }

model blocks {
  input  x: f32[2]
  target t: f32[1]
  y = x -> wide(0) -> dense(1)
  loss squared_error(y, t)
}
""",
}

PROGRAMS = {
    # docs/language.md, section 10: a CSV row with a field missing.
    "gate": {
        "files": {"bad.csv": "x1,x2,t\n0,1\n1,1,1\n"},
        "args": ["train", "--data", "bad.csv"],
    },
}
