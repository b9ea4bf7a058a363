"""Release readiness: build both artifacts, twine check them, install them in fresh venvs.

Offline: the fresh venvs see the already-installed dependencies (django, blinker,
flit_core for the sdist build, pytest and pytest-django for the plugin check)
through a ``.pth`` file that points at a directory of links to just those
distributions, so pip resolves the package's requirements against them and
installs only the package, with ``--no-index``.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

import pytest

from .test_pytest_plugin import INNER_TESTS, SETTINGS, URLS

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ["django", "blinker", "flit_core", "pytest", "pytest-django"]
TIMEOUT = 180


def run(*args, cwd=None, env=None):
    """Run a command away from the checkout (``-c`` would import it from the cwd)."""
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd or tempfile.gettempdir(),
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def closure(names):
    """The installed distributions ``names`` need, their dependencies included."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # an extra's or another platform's requirement
        seen[name] = dist
        for requirement in dist.requires or ():
            if "extra ==" in requirement:
                continue
            todo.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())
    return list(seen.values())


def link_dependencies(target: Path) -> None:
    target.mkdir()
    for dist in closure(NEEDED):
        base = Path(str(dist.locate_file("")))
        tops = {
            Path(f).parts[0] for f in dist.files or () if not str(f).startswith("..")
        }
        for top in tops:
            if not (target / top).exists() and (base / top).exists():
                (target / top).symlink_to(base / top)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    pytest.importorskip("build")
    pytest.importorskip("twine")
    pytest.importorskip("flit_core")
    dist = tmp_path_factory.mktemp("dist")
    # --no-isolation: flit_core comes from this environment, not from an index.
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT)
    [sdist] = dist.glob("*.tar.gz")
    [wheel] = dist.glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def deps(tmp_path_factory):
    target = tmp_path_factory.mktemp("deps") / "site"
    link_dependencies(target)
    return target


def fresh_venv(path: Path, deps: Path) -> Path:
    venv.create(path, with_pip=True)
    python = path / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    Path(site.strip(), "_deps.pth").write_text(f"{deps}\n")
    return python


def clean_env():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "PIP_", "DJANGO_"))
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_twine_check_passes_for_both(artifacts):
    out = run(sys.executable, "-m", "twine", "check", "--strict", *artifacts)
    assert out.count("PASSED") == 2


def test_sdist_carries_the_docs_and_not_the_tests(artifacts):
    sdist, _ = artifacts
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert {
        "docs/porting.md",
        "docs/performance.md",
        "CHANGELOG.md",
        "README.md",
    } <= names
    assert any(name.startswith("docs/examples/django_port/") for name in names)
    assert not any(name.startswith(("tests/", "demo_project/")) for name in names)
    assert not any("__pycache__" in name for name in names)


def test_wheel_metadata(artifacts):
    _, wheel = artifacts
    with zipfile.ZipFile(wheel) as whl:
        metadata = whl.read("flasksignals_django-0.1.0.dist-info/METADATA").decode()
        entry_points = whl.read("flasksignals_django-0.1.0.dist-info/entry_points.txt")
    for label in ("Homepage", "Documentation", "Changelog", "Issues"):
        assert (
            f"Project-URL: {label}, https://github.com/flasksignals-django/" in metadata
        )
    assert "Requires-Dist: django>=4.2" in metadata
    assert b"[pytest11]" in entry_points
    assert b"flasksignals_django.pytest_plugin" in entry_points


def test_wheel_installs_in_a_fresh_venv_and_its_pytest_plugin_loads(
    artifacts, deps, tmp_path
):
    sdist, wheel = artifacts
    python = fresh_venv(tmp_path / "venv", deps)
    env = clean_env()
    run(
        python,
        "-m",
        "pip",
        "install",
        "--no-index",
        "--find-links",
        wheel.parent,
        "flasksignals-django",
        env=env,
    )
    run(python, "-m", "pip", "check", env=env)
    where = run(
        python, "-c", "import flasksignals_django as m; print(m.__file__)", env=env
    )
    assert where.startswith(str(tmp_path / "venv")), where
    # The entry point loads the plugin: no -p, no conftest.
    project = tmp_path / "project"
    (project / "templates").mkdir(parents=True)
    (project / "templates" / "home.html").write_text("hello {{ who }}\n")
    (project / "inner_settings.py").write_text(SETTINGS)
    (project / "inner_urls.py").write_text(URLS)
    (project / "test_inner.py").write_text(INNER_TESTS)
    (project / "pytest.ini").write_text(
        "[pytest]\nDJANGO_SETTINGS_MODULE = inner_settings\ndjango_find_project = false\n"
        "pythonpath = .\n"
    )
    out = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=env
    )
    assert "3 passed" in out


def test_sdist_installs_in_a_fresh_venv(artifacts, deps, tmp_path):
    sdist, _ = artifacts
    python = fresh_venv(tmp_path / "venv", deps)
    env = clean_env()
    run(
        python,
        "-m",
        "pip",
        "install",
        "--no-index",
        "--no-build-isolation",
        sdist,
        env=env,
    )
    out = run(
        python,
        "-c",
        "import importlib.metadata as m, flasksignals_django as f;"
        "print(m.version('flasksignals-django'), f.__file__)",
        env=env,
    )
    version, where = out.split()
    assert version == "0.1.0"
    assert where.startswith(str(tmp_path / "venv"))
