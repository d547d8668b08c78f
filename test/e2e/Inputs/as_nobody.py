"""Runs a program as the user nobody when run as root, so that file
permissions apply (root writes into a read-only directory regardless); as
itself otherwise. Exits with the program's status.

usage: as_nobody.py PROGRAM ARGS...
"""
import os
import subprocess
import sys


def drop_root():
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)


sys.exit(subprocess.run(sys.argv[1:], preexec_fn=drop_root).returncode)
