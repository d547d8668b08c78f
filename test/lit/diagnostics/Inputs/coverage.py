#!/usr/bin/env python3
"""Lists every error message of the compiler and the lit test that checks it.

    coverage.py ROOT            # exit 1 if a message is not checked by a lit test
    coverage.py ROOT --list     # also print every message with its test

A message is an `error(loc, MESSAGE)` or `fail(MESSAGE)` call in any
ROOT/compiler/**/*.cpp (whatever the file: the front end may be split). Its
text is read from the string literals of MESSAGE: a ternary `c ? A : B` gives
two messages, A and B, and each must be tested; variables and calls
(`e.text`, `did_you_mean(...)`, `std::to_string(n)`) stand for any text.

A message is tested when a CHECK line of a lit test (ROOT/test/lit/**/*.nn)
holds "error: " followed by the whole message, to the end of the line. A
message of `fail()` may come after one prefix that ends in ": " (the shape
rule's "conv: " as Sema reports it). CHECK-NOT lines do not count. A call
whose message has no text of its own (`fail(e.what())`, `too_large(...)`)
relays a message made elsewhere: it is listed, not required.

Every FileCheck of a test in test/lit/diagnostics must also pass
--implicit-check-not=error:, so that an error nobody expected fails the test.

INTERNAL below lists the messages that no .nn file or command line can
trigger (broken invariants inside nnc), each with its reason; an entry that
matches no message any more is an error too, so the list stays true.
"""
import pathlib
import re
import sys

# Messages no input can produce: a fragment of the message -> why.
INTERNAL = {
    "invalid IR: ": "the IR verifier after Sema: a bug in nnc, not in the file",
    "invalid IR after autodiff: ": "the IR verifier after the passes: a bug in nnc",
    "cannot create a temporary directory in /tmp": "needs /tmp to be unwritable, which a test cannot arrange portably",
    "Halide: ": "relays Halide's own error: only a bug in lowering or scheduling reaches it",
    "internal error: ": "an exception nothing else caught: a bug in nnc",
    "a leaf has no shape rule": "shape rules are never run on leaves",
    "operands have different shapes: ": "Sema reports the shapes of + - * first ('cannot add ...')",
    "needs a flat input f32[B, n], got ": "Sema checks dense's input first ('dense needs a flat input')",
    " does not fit weight ": "Sema sizes the weight from the input",
    "needs two flat batched operands, got ": "matmul_tn is built by autodiff only",
    "transpose needs a matrix, got ": "transpose is built by autodiff only",
    " does not fit ": "Sema sizes the bias from the layer",
    "bias_grad needs a batched value, got ": "bias_grad is built by autodiff only",
    "needs an image f32[B, channels, length] or f32[B, channels, height, width], got ":
        "Sema checks an image layer's input first ('conv needs an image ...')",
    " does not fit kernel ": "Sema sizes the kernel from the input's channels",
    "conv needs a stride and a padding per spatial dimension": "Sema gives one per dimension",
    "stride must be at least 1, got ": "Sema checks the stride first ('the stride must be a positive integer')",
    "padding must not be negative, got ": "Sema checks the padding first",
    "pooling needs a window and a stride per spatial dimension": "Sema gives one per dimension",
    "window and stride must be at least 1, got ": "Sema checks the window and the stride first",
    "cannot reshape ": "flatten computes the reshaped size itself, and reshape checks the count first",
    "upsampling needs a scale per spatial dimension": "Sema gives one per dimension",
    "the scale must be at least 1, got ": "Sema checks the scale first ('the scale must be a positive integer')",
    " is not a whole number of blocks of the scale": "upsample_grad is built by autodiff only, from upsample's shape",
    " must be f32, got ": "the only i32 value is a class target, which Sema refuses as the operand of any op but cross_entropy",
    "cross_entropy needs a class target, got ": "Sema checks the target first ('cross_entropy needs a class target (target t: class[n])')",
    "cross_entropy needs flat logits f32[B, classes], got ": "Sema checks the logits first ('cross_entropy: logits ... do not match')",
    "dropout's seed must be a run-time scalar f64[], got ": "the seed is built by the compiler",
    "dropout needs a probability in [0, 1)": "Sema checks p first ('dropout needs a probability in [0, 1) of dropping each value')",
    "a corruption's seed must be a run-time scalar f64[], got ": "the seed is built by the compiler",
    "a corruption needs a rate or a deviation and a salt": "Sema checks the rate first and adds the salt itself",
    "sample_normal's seed must be a run-time scalar f64[], got ": "the seed is built by the compiler",
    "sample_normal needs a salt": "Sema adds the salt itself",
    " needs a weight": "Sema adds a penalty's weight itself",
    "l1_activity needs a batched value, got ": "every value a model names is batched",
    "kl_normal needs batched values, got ": "every value a model names is batched",
    "kl_normal_grad needs an operand and a weight": "kl_normal_grad is built by autodiff only",
    "conv_transpose needs a stride, a padding and an output size per spatial dimension": "Sema gives one of each per dimension",
    "scale's factor must be a run-time scalar f64[], got ": "built by the optimizer pass only",
    "root_div's operands differ: ": "built by the optimizer pass only",
    "root_div's epsilon must be a run-time scalar f64[], got ": "built by the optimizer pass only",
    "operands must be run-time scalars f64[], got ": "built by the optimizer pass only (one_minus, reciprocal, pow)",
}

GAP = None  # any text: a variable or a call in the message expression


def tokens(source):
    """C++ tokens as (kind, text, line): kind is str, char, id, num or punct."""
    pattern = re.compile(r'''
        (?P<space>\s+) | (?P<comment>//[^\n]*|/\*.*?\*/)
      | (?P<str>"(?:\\.|[^"\\\n])*")  | (?P<char>'(?:\\.|[^'\\\n])*')
      | (?P<id>[A-Za-z_]\w*) | (?P<num>\d[\w.]*)
      | (?P<punct>::|->|\+\+|&&|\|\||[=!<>]=|.)''', re.S | re.X)
    line = 1
    for m in pattern.finditer(source):
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            yield kind, m.group(), line
        line += m.group().count("\n")


def unquote(literal):
    escapes = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), literal[1:-1])


def split_top(toks, separator):
    """Splits a token list at the separators outside brackets."""
    parts, depth, current = [], 0, []
    for tok in toks:
        if tok[1] in "([{":
            depth += 1
        elif tok[1] in ")]}":
            depth -= 1
        if depth == 0 and tok[0] == "punct" and tok[1] == separator:
            parts.append(current)
            current = []
        else:
            current.append(tok)
    parts.append(current)
    return parts


def closing(toks, i):
    """Index of the bracket that closes toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][1] in "([{":
            depth += 1
        elif toks[j][1] in ")]}":
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced brackets at line %d" % toks[i][2])


def merge(items):
    out = []
    for item in items:
        if out and item is GAP and out[-1] is GAP:
            continue
        if out and item is not GAP and out[-1] is not GAP:
            out[-1] += item
        else:
            out.append(item)
    return out


def alternatives(toks):
    """Every message an expression can build: lists of text and GAP."""
    while toks and toks[0][1] == "(" and closing(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    if not toks:
        return [[]]
    depth = 0
    for i, tok in enumerate(toks):  # a top-level ternary: cond ? a : b
        if tok[1] in "([{":
            depth += 1
        elif tok[1] in ")]}":
            depth -= 1
        elif depth == 0 and tok[1] == "?":
            nested, j = 0, i + 1
            while j < len(toks):
                if toks[j][1] in "([{":
                    depth += 1
                elif toks[j][1] in ")]}":
                    depth -= 1
                elif depth == 0 and toks[j][1] == "?":
                    nested += 1
                elif depth == 0 and toks[j][1] == ":":
                    if nested == 0:
                        break
                    nested -= 1
                j += 1
            return alternatives(toks[i + 1:j]) + alternatives(toks[j + 1:])
    results = [[]]
    for part in split_top(toks, "+"):
        if all(t[0] == "str" for t in part):
            options = [["".join(unquote(t[1]) for t in part)]]
        elif part[0][1] == "(" and closing(part, 0) == len(part) - 1:
            options = alternatives(part)
        elif [t[1] for t in part[:4]] == ["std", "::", "string", "("] and closing(part, 3) == len(part) - 1:
            inner = part[4:-1]
            options = [[]] if not inner else alternatives(inner) if inner[0][0] == "str" else [[GAP]]
        else:
            options = [[GAP]]
        results = [r + o for r in results for o in options]
    unique = []
    for r in map(merge, results):
        if r not in unique:
            unique.append(r)
    return unique


def messages(root):
    """(file, line, call, [alternatives]) for every error(...) and fail(...)."""
    found = []
    for path in sorted((root / "compiler").rglob("*.cpp")):
        toks = list(tokens(path.read_text()))
        for i, tok in enumerate(toks):
            if tok[0] != "id" or tok[1] not in ("error", "fail") or i + 1 >= len(toks) or toks[i + 1][1] != "(":
                continue
            before = toks[i - 1] if i else ("punct", ";", 0)
            if before[0] == "id" and before[1] not in ("return", "else") or before[1] == "::":
                continue  # a declaration or definition, not a call
            args = split_top(toks[i + 2:closing(toks, i + 1)], ",")
            message = args[-1] if tok[1] == "error" and len(args) > 1 else args[0]
            found.append((path.relative_to(root), tok[2], tok[1], alternatives(message)))
    return found


def plain(block):
    """A FileCheck {{regex}} as the text it matches, or \\x01 (any text) when it is a real regex."""
    regex = block.group(1)
    if regex in ("^", "$"):
        return ""
    if re.fullmatch(r"(?:\\.|[^\\.*+?()|{}^$\[\]])*", regex):
        return re.sub(r"\\(.)", r"\1", regex)
    return "\x01"


def check_lines(root):
    """(test, text) of every CHECK line that can show an error, FileCheck syntax made plain."""
    lines = []
    for path in sorted((root / "test" / "lit").rglob("*.nn")):
        if "Inputs" in path.parts:
            continue
        for line in path.read_text(errors="replace").splitlines():
            directive = re.match(r"\s*(?://|#)\s*([A-Z][A-Z0-9_-]*):(.*)", line)
            if not directive or directive.group(1) == "RUN" or directive.group(1).endswith("-NOT"):
                continue
            text = re.sub(r"\[\[[^\]]*\]\]", "\x01", directive.group(2))  # [[VAR]], [[@LINE+3]]
            lines.append((path.relative_to(root), re.sub(r"\{\{(.*?)\}\}", plain, text).rstrip()))
    return lines


def pattern(alternative, call):
    body = "".join(".*" if item is GAP else re.escape(item) for item in alternative)
    return re.compile(("error: (?:[^:]*: )?" if call == "fail" else "error: ") + body + "$")


def describe(alternative):
    return "".join("..." if item is GAP else item for item in alternative)


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    listing = "--list" in sys.argv[2:]
    checks = check_lines(root)
    untested, used = [], set()
    total = 0
    for path, line, call, alts in messages(root):
        for alt in alts:
            text = describe(alt)
            if not any(item not in (GAP, "") and re.search(r"[A-Za-z]{2}", item) for item in alt):
                if listing:
                    print("relay     %s:%d: %s (a message made elsewhere)" % (path, line, text))
                continue
            total += 1
            internal = sorted((key for key in INTERNAL if any(item is not GAP and key in item for item in alt)),
                              key=len, reverse=True)[:1]
            used.update(internal)
            rx = pattern(alt, call)
            tested = [test for test, check in checks if rx.search(check)]
            if tested:
                status = "tested    " + str(tested[0])
            elif internal:
                status = "internal  " + INTERNAL[internal[0]]
            else:
                status = "UNTESTED"
                untested.append("%s:%d: %s" % (path, line, text))
            if listing:
                print("%s:%d: %s\n    %s" % (path, line, text, status))
    unguarded = [str(path) for path in sorted((root / "test" / "lit" / "diagnostics").glob("*.nn"))
                 for line in path.read_text().splitlines()
                 if "RUN:" in line and "FileCheck" in line and "--implicit-check-not=error:" not in line]
    for path in unguarded:
        print("coverage.py: %s runs FileCheck without --implicit-check-not=error:" % path)
    stale = sorted(set(INTERNAL) - used)
    for key in stale:
        print("coverage.py: INTERNAL lists '%s', which no message of compiler/ holds any more; remove it" % key)
    for entry in untested:
        print("untested: " + entry)
    print("%d messages, %d untested" % (total, len(untested)))
    return 1 if untested or stale or unguarded else 0


if __name__ == "__main__":
    sys.exit(main())
