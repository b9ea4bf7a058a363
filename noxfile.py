"""The test suite on each supported Django LTS: ``make test-matrix``."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True


@nox.session(python=False, name="tests")
@nox.parametrize("django", ["4.2", "5.2"])
def tests(session: nox.Session, django: str) -> None:
    venv = f".nox/django{django.replace('.', '')}"
    session.run("python3", "-m", "venv", venv, external=True)
    pip = f"{venv}/bin/python"
    session.run(
        pip, "-m", "pip", "install", "--quiet", "--upgrade", "pip", external=True
    )
    session.run(
        pip,
        "-m",
        "pip",
        "install",
        "--quiet",
        "-e",
        ".[test]",
        f"django~={django}.0",
        external=True,
    )
    session.run(
        f"{venv}/bin/python", "-m", "pytest", "-q", *session.posargs, external=True
    )
