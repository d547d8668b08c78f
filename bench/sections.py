#!/usr/bin/python3
"""The sections of bench/RESULTS.md that scripts other than run_all.sh write
(bench/lib_overhead.sh, bench/autoschedule.sh), each between its markers:

    <!-- NAME: written by SCRIPT; do not edit by hand -->
    ...
    <!-- /NAME -->

  python3 bench/sections.py NAME < SECTION     replaces that section of
                                               bench/RESULTS.md, or appends it

bench/report.py keeps every such section when it rewrites the file (kept).
Standard library only.
"""
import re
import sys

PATH = "bench/RESULTS.md"


def pattern(name=r"[a-z_]+"):
    return re.compile(r"<!-- (%s):.*?<!-- /\1 -->" % name, re.S)


def kept(text):
    """The marked sections of a RESULTS.md text, in order."""
    return [m.group(0) for m in pattern().finditer(text)]


def replace(text, name, section):
    p = pattern(re.escape(name))
    if p.search(text):
        return p.sub(lambda _: section, text)
    return text.rstrip("\n") + "\n\n" + section + "\n"


if __name__ == "__main__":
    name, section = sys.argv[1], sys.stdin.read().strip("\n")
    if not pattern(re.escape(name)).fullmatch(section):
        sys.exit(f"sections.py: the section must start with <!-- {name}: and end with <!-- /{name} -->")
    with open(PATH) as f:
        text = f.read()
    with open(PATH, "w") as f:
        f.write(replace(text, name, section))
