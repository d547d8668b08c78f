#!/usr/bin/env python3
"""Compiles every .nn example of the docs, trains those that have data, and
checks that every error message the docs show is the one nnc prints.

    docs_examples.py NNC WORKDIR DOC.md...

Which blocks are .nn source is decided by the fence's info string alone, and
every fenced block must have one, so that no example escapes unseen:

    ```nn            a whole .nn file: compiled (each model, with --model when
                     it holds several), and trained for one epoch when it has
                     data (below)
    ```nn module     a file of blocks that other examples import: written, and
                     compiled through the files that import it
    ```nn fragment   deliberately incomplete: not compiled
    ```text, ```sh, ```python ...   not .nn source

A block that the paragraph before it introduces as a file of the repository
(`examples/fashion_lenet.nn` in backquotes) must equal that file, comments
and spacing aside, so the docs cannot drift from the examples.

A block whose first line is a comment naming a file (`# nets/mlp.nn: ...`,
`# gate.csv: ...`) is written under that name, next to the other blocks of
its document, so imports and data files resolve as the docs describe.

Data: a train section's `data` (builtin.*, fashion_mnist, or a file written
from the docs); a model without one trains on builtin.xor when its shapes are
f32[2] -> f32[1], on fashion_mnist when they are f32[784] or f32[1, 28, 28]
-> class[10]. Training runs one epoch (`--limit 256` on Fashion-MNIST).

Diagnostics: every code line of the docs that reads `NAME.nn:L:C: error: ...`
is checked, with the source line and caret after it, against nnc's output for
the file docs_diagnostics.SOURCES[NAME]; `PROG: error: ...` likewise against
the program PROG compiled from the docs' block of that model.

Identical blocks (same text once comments and spacing are dropped) are
compiled once.
"""
import concurrent.futures
import hashlib
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docs_diagnostics  # noqa: E402

FENCE = re.compile(r"^(\s*)```(.*)$")
NAMED_FILE = re.compile(r"^#\s*([\w./-]+\.(?:nn|csv))\b")
DIAGNOSTIC = re.compile(r"^(\S+\.nn):\d+:\d+: error: ")
PROGRAM_ERROR = re.compile(r"^(\w+): error: ")
KINDS = {"nn": "program", "nn module": "module", "nn fragment": "fragment"}


class Block:
    def __init__(self, doc, line, info, lines, intro):
        self.doc, self.line, self.info, self.lines = doc, line, info, lines
        self.intro = intro  # the paragraph just before the block
        self.text = "\n".join(lines) + "\n"
        first = NAMED_FILE.match(lines[0]) if lines else None
        self.name = first.group(1) if first else None

    def where(self):
        return "%s:%d" % (self.doc, self.line)


def read_doc(path, label):
    """The fenced blocks of a document, and its code regions (fenced or indented)."""
    blocks, regions, problems = [], [], []
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if fence:
            indent, info = fence.group(1), fence.group(2).strip()
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith("```"):
                j += 1
            body = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in lines[i + 1:j]]
            if not info:
                problems.append("%s:%d: a fenced block without a language; mark it nn, nn module, nn fragment, "
                                "text, sh or python" % (label, i + 1))
            elif info.startswith("nn") and info not in KINDS:
                problems.append("%s:%d: unknown kind of nn block '%s'; use %s" % (label, i + 1, info, ", ".join(KINDS)))
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            start = k
            while start >= 0 and lines[start].strip():
                start -= 1
            blocks.append(Block(label, i + 1, info, body, " ".join(lines[start + 1:k + 1])))
            regions.append((i + 1, body))
            i = j + 1
            continue
        if lines[i].startswith("    ") and (i == 0 or not lines[i - 1].strip()):
            j = i
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            regions.append((i, [l[4:] for l in lines[i:j]]))
            i = j
            continue
        i += 1
    return blocks, regions, problems


def documented_errors(regions):
    """{NAME: text} for every diagnostic shown, grouped by file or program, in order."""
    shown = {}
    for _, body in regions:
        current = None
        for line in body:
            header = DIAGNOSTIC.match(line) or PROGRAM_ERROR.match(line)
            if header:
                current = header.group(1)
                shown.setdefault(current, []).append(line)
            elif current is not None and line.strip() and not line.startswith("$"):
                shown[current].append(line)
            else:
                current = None
    return {name: "\n".join(lines) + "\n" for name, lines in shown.items()}


def normalised(text):
    return " ".join(re.sub(r"#[^\n]*", "", text).split())


def run(argv, cwd, timeout=300):
    try:
        r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %d s" % timeout


def shape_of(text, keyword):
    m = re.search(r"^\s*%s\s+\w+\s*:\s*(\w+)\[([^\]]*)\]" % keyword, text, re.M)
    return (m.group(1), tuple(d.strip() for d in m.group(2).split(","))) if m else None


def training_data(text, directory):
    """(data flags, what) for a brief training run, or None when the model has no data."""
    data = re.search(r"^\s*train\s*\{[^}]*?\bdata\s+(\"[^\"]*\"|\S+)", text, re.M | re.S)
    if data:
        source = data.group(1)
        if source.startswith('"') and not (directory / source.strip('"')).exists():
            raise RuntimeError("its data file %s is not in the docs (give it a block starting '# %s')"
                               % (source, source.strip('"')))
        flags = ["--limit", "256"] if source == "fashion_mnist" else []
        return flags, source
    x, t = shape_of(text, "input"), shape_of(text, "target")
    if x == ("f32", ("2",)) and t == ("f32", ("1",)):
        return ["--data", "builtin.xor"], "builtin.xor"
    if x in (("f32", ("784",)), ("f32", ("1", "28", "28"))) and t == ("class", ("10",)):
        return ["--data", "fashion_mnist", "--limit", "256"], "fashion_mnist"
    return None


class Checker:
    def __init__(self, nnc, workdir):
        self.nnc, self.workdir = nnc, workdir
        self.compiled = {}  # key -> (nnc's (status, out, err), training's or None, the program)
        self.failures = []

    def fail(self, where, what, output=""):
        tail = "\n".join(output.strip().splitlines()[-6:])
        self.failures.append("FAIL %s: %s%s" % (where, what, "\n    " + tail.replace("\n", "\n    ") if tail else ""))
        print(self.failures[-1])

    def build(self, job):
        """Compiles one distinct example and trains it when it has data: key -> (compiled, trained)."""
        key, directory, file, model, several, data = job
        out = self.workdir / "programs" / key
        out.mkdir(parents=True, exist_ok=True)
        argv = [self.nnc, file, "-o", str(out / model)] + (["--model", model] if several else [])
        compiled = run(argv, directory)
        trained = None
        if compiled[0] == 0 and data:
            trained = run([str(out / model), "train", "--epochs", "1", "--save", str(out / "w.safetensors"),
                           "--checkpoint", str(out / "c.safetensors")] + data[0], directory)
        return key, (compiled, trained, out / model)


def collect(docs, root, workdir, checker):
    """Writes every block's file; returns the distinct jobs, the examples and the errors the docs show."""
    jobs, examples, shown_errors, program_blocks = {}, [], {}, {}
    for doc in docs:
        label = str(doc.relative_to(root))
        blocks, regions, problems = read_doc(doc, label)
        for problem in problems:
            checker.fail(label, problem)
        directory = workdir / "docs" / label.replace("/", "_").replace(".md", "")
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in documented_errors(regions).items():
            shown_errors.setdefault(name, []).append((label, text))
        # Every block that names a file is written first, so imports and data resolve.
        for block in blocks:
            if block.name and (block.info in KINDS or block.name.endswith(".csv")):
                (directory / block.name).parent.mkdir(parents=True, exist_ok=True)
                (directory / block.name).write_text(block.text)
        modules = "".join(b.text for b in blocks if KINDS.get(b.info) == "module")
        for block in blocks:
            kind = KINDS.get(block.info)
            if kind == "module" and not block.name:
                checker.fail(block.where(), "an nn module needs its file name on its first line: # NAME.nn")
            if kind != "program":
                continue
            file = block.name or "block%d.nn" % block.line
            (directory / file).write_text(block.text)
            for copy in re.findall(r"`([\w./-]+\.nn)`", block.intro):
                if (root / copy).is_file() and normalised((root / copy).read_text()) != normalised(block.text):
                    checker.fail(block.where(), "the text before this block names %s, but the block differs from "
                                 "that file (comments and spacing aside)" % copy)
            models = re.findall(r"^\s*model\s+(\w+)", block.text, re.M)
            if not models:
                checker.fail(block.where(), "an nn block without a model; mark it nn module or nn fragment")
                continue
            try:
                data = training_data(block.text, directory)
            except RuntimeError as e:
                checker.fail(block.where(), str(e))
                continue
            # Identical blocks share a job; one that imports the docs' own modules is
            # keyed by them too, one that reads a data file by where it reads it.
            imports_local = re.search(r"^\s*import\s+(\"|(?!blocks\b|models\b))", block.text, re.M)
            data_dir = str(directory) if data and data[1].startswith('"') else ""
            for model in models:
                key = hashlib.sha1("|".join([normalised(block.text), model, normalised(modules) if imports_local else "",
                                             str(data), data_dir]).encode()).hexdigest()[:16]
                jobs.setdefault(key, (key, directory, file, model, len(models) > 1, data))
                examples.append((block, model, key, data))
                program_blocks.setdefault(model, key)
    return jobs, examples, shown_errors, program_blocks


def report_examples(examples, checker):
    for block, model, key, data in examples:
        (rc, _, err), trained, _ = checker.compiled[key]
        where = "%s %s" % (block.where(), model)
        if rc != 0:
            checker.fail(where, "does not compile", err)
        elif data is None:
            print("ok   %s: compiles (no data to train on)" % where)
        elif trained[0] != 0:
            checker.fail(where, "compiles, but one epoch of training on %s fails" % data[1], trained[1] + trained[2])
        else:
            print("ok   %s: compiles, trains one epoch on %s" % (where, data[1]))


def check_shown_errors(shown_errors, program_blocks, checker):
    for name in sorted((set(docs_diagnostics.SOURCES) | set(docs_diagnostics.PROGRAMS)) - set(shown_errors)):
        checker.fail("docs_diagnostics.py", "%s is not shown in the docs any more; remove it" % name)
    for name, places in sorted(shown_errors.items()):
        for label, expected in places:
            where = "%s %s" % (label, name)
            if name in docs_diagnostics.SOURCES:
                directory = checker.workdir / "diagnostics"
                directory.mkdir(exist_ok=True)
                (directory / name).write_text(docs_diagnostics.SOURCES[name])
                rc, _, err = run([checker.nnc, name, "-o", str(directory / "unused")], directory)
            elif name in docs_diagnostics.PROGRAMS and name in program_blocks:
                spec = docs_diagnostics.PROGRAMS[name]
                (compiled, _, _), _, program = checker.compiled[program_blocks[name]]
                if compiled != 0:
                    checker.fail(where, "the docs' model %s does not compile" % name)
                    continue
                directory = checker.workdir / "program-errors" / name
                directory.mkdir(parents=True, exist_ok=True)
                for file, text in spec["files"].items():
                    (directory / file).write_text(text)
                rc, _, err = run([str(program)] + spec["args"], directory)
            else:
                checker.fail(where, "the docs show this error, but docs_diagnostics.py has no file (or program) for it")
                continue
            if rc != 1 or err != expected:
                checker.fail(where, "the docs show\n%s  nnc prints (status %d)\n%s" % (indent(expected), rc, indent(err)))
            else:
                print("ok   %s: prints what the docs show" % where)


def main():
    nnc, workdir = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2]).resolve()
    docs = [pathlib.Path(p).resolve() for p in sys.argv[3:]]
    root = pathlib.Path(os.path.commonpath([str(d.parent) for d in docs]))
    checker = Checker(nnc, workdir)
    jobs, examples, shown_errors, program_blocks = collect(docs, root, workdir, checker)
    # The stdlib's large networks first, so that the longest compilation does not start last.
    order = sorted(jobs.values(), key=lambda job: "import models" not in (job[1] / job[2]).read_text())
    with concurrent.futures.ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        checker.compiled = dict(pool.map(checker.build, order))
    report_examples(examples, checker)
    check_shown_errors(shown_errors, program_blocks, checker)
    print("%d examples, %d compilations, %d shown errors; %d failures"
          % (len(examples), len(jobs), sum(len(p) for p in shown_errors.values()), len(checker.failures)))
    return 1 if checker.failures else 0


def indent(text):
    return "".join("    | " + line + "\n" for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
