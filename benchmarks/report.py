"""What a run of the benchmark says about itself, and writing it into docs/performance.md."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .harness import Config

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START = "<!-- make bench --write: start -->"
END = "<!-- make bench --write: end -->"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def machine() -> str:
    """The machine, its load when the run ended, and the versions that ran."""
    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load unknown"
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("django", "blinker", "asgiref", "flask", "jinja2")
    )
    return (
        f"Machine: {_cpu()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.machine()}, {load}; Python {platform.python_version()}, {packages}."
    )


def noise(configs: Sequence[Config]) -> str:
    """How much the slices of one configuration varied, over all configurations."""
    spreads = []
    for config in configs:
        if len(config.times) >= 4:
            low, _, high = statistics.quantiles(config.times, n=4)
            spreads.append((high - low) / statistics.median(config.times))
    if not spreads:
        return "spread not measured"
    return (
        "spread of one configuration's slices (p25-p75 over the median): "
        f"median {statistics.median(spreads):.1%}, worst {max(spreads):.1%}"
    )


def write(path: str | Path, text: str) -> None:
    """Put ``text`` between the markers in ``path`` (appended with them if missing)."""
    target = Path(path)
    body = target.read_text() if target.exists() else ""
    block = f"{START}\n\n{text}\n\n{END}"
    if START in body and END in body:
        head, rest = body.split(START, 1)
        tail = rest.split(END, 1)[1]
        body = head + block + tail
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    target.write_text(body)
