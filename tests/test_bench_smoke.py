"""The benchmark runs end to end and its correctness checks pass (no time is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Flask is a benchmark-only dependency (the ``dev`` extra that ``make test``
# installs); the Django version matrix installs only ``test``.
pytest.importorskip(
    "flask", reason="the benchmark compares with Flask: pip install -e '.[dev]'"
)


def test_benchmark_runs_and_its_checks_pass() -> None:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--rounds",
            "2",
            "--slice-ms",
            "2",
            "--growth-requests",
            "200",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert "checks passed: 35 configurations" in done.stdout
    for name in (
        "wsgi plain +app r10",
        "asgi default +app hooks",
        "asgi plain +django r1",
        "asgi plain +1 hop",
        "wsgi plain +app r0 no tap",
        "jinja2 wrapped r0",
        "flask r10",
        "Memory allocated by the library",
        "Machine:",
    ):
        assert name in done.stdout


def test_write_puts_the_run_between_the_markers(tmp_path: Path) -> None:
    from benchmarks import report

    doc = tmp_path / "performance.md"
    doc.write_text(f"# Before\n\n{report.START}\nold\n{report.END}\n\nafter\n")
    report.write(doc, "new run")
    text = doc.read_text()
    assert "old" not in text
    assert "new run" in text
    assert text.startswith("# Before") and text.endswith("after\n")
