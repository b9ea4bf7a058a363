"""Instructions per request, counted by callgrind: a figure the machine's load cannot move.

``python -m benchmarks.instructions [--requests N] [CONFIG ...]`` runs each
configuration of ``make bench`` under ``valgrind --tool=callgrind`` (valgrind
must be installed) and counts the CPU instructions of ``N`` requests after a
warm-up, with ``PYTHONHASHSEED=0`` so that runs repeat exactly. It prints
instructions per request and the same ratios as the timed table. About 20 s
per configuration.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT = [
    "wsgi plain",
    "wsgi plain +app r0",
    "wsgi plain +app r1",
    "wsgi plain +app r10",
    "wsgi plain +app hooks",
    "wsgi default",
    "wsgi default +app r0",
    "flask r0",
    "flask r1",
    "flask r10",
    "flask hooks",
]
ROOT = Path(__file__).resolve().parent.parent


def child(name: str, requests: int) -> None:
    """Warm up, then make ``requests`` requests inside ``functools.reduce``:
    callgrind counts only what runs inside that C function."""
    from .__main__ import setup_django

    setup_django()
    from .django_configs import AsgiDriver, django_configs
    from .flask_configs import flask_configs

    driver = AsgiDriver()
    configs = {c.name: c for c in [*django_configs(driver), *flask_configs()]}
    config = configs[name]
    gc.collect()
    gc.freeze()  # as make bench does
    with config.state():
        for _ in range(300):
            config.call()
        functools.reduce(lambda acc, _: (config.call(), acc)[1], range(requests), 0)
    driver.close()


def count(name: str, requests: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=functools_reduce",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "benchmarks.instructions",
                "--child",
                name,
                "--requests",
                str(requests),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=True,
            capture_output=True,
        )
        for line in out.read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1]) // requests
    raise RuntimeError(f"callgrind counted nothing for {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("configs", nargs="*")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--child")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.requests)
        return 0
    counts = {}
    for name in args.configs or DEFAULT:
        counts[name] = count(name, args.requests)
        print(f"{name:24} {counts[name]:>10,} instructions per request", flush=True)
    pairs = [
        ("wsgi plain +app r0", "wsgi plain", None, None),
        ("wsgi default +app r0", "wsgi default", None, None),
        ("wsgi plain +app r1", "wsgi plain +app r0", "flask r1", "flask r0"),
        ("wsgi plain +app r10", "wsgi plain +app r0", "flask r10", "flask r0"),
        ("wsgi plain +app hooks", "wsgi plain +app r0", "flask hooks", "flask r0"),
    ]
    for ours, base, flask, flask_base in pairs:
        if ours not in counts or base not in counts:
            continue
        if flask is None:
            print(f"{ours} / {base}: {counts[ours] / counts[base]:.3f}")
        elif flask in counts and flask_base in counts:
            mine = counts[ours] - counts[base]
            theirs = counts[flask] - counts[flask_base]
            print(f"{ours}: adds {mine:,}, Flask {theirs:,}: {mine / theirs:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
