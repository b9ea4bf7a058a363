"""The worked example of docs/porting.md: the Django port runs, and matches Flask.

``docs/examples/flask_app`` is a small Flask app with audit, metrics and
access-control receivers and hooks; ``docs/examples/django_port`` is its port.
Both get the same requests; their receivers must record the same events.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from flasksignals_django import current_app
from tests.test_werkzeug_request import DESIGN_NAMES

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"

# (method, path, headers) -> (status, body)
REQUESTS = [
    ("/", {}, 200, "<h1>Shop: Home</h1>"),
    ("/admin/stats", {}, 403, {"error": "forbidden"}),
    ("/admin/stats", {"X-Role": "admin"}, 200, {"requests": 3}),
    ("/items/7", {}, 200, {"id": 7}),
    ("/items/0", {}, 400, {"error": "item ids start at 1"}),
    ("/boom", {}, 500, None),
    ("/nowhere", {}, 404, {"error": "not found"}),
]

EXPECTED_EVENTS = [
    ("started", "/"),
    ("flashed", "info", "Welcome"),
    ("template", "shop/index.html", "Shop", "Home"),
    ("finished", "GET", "/", 200),
    ("teardown", "/", None),
    ("started", "/admin/stats"),
    ("denied", "/admin/stats", None),
    ("finished", "GET", "/admin/stats", 403),
    ("teardown", "/admin/stats", None),
    ("started", "/admin/stats"),
    ("finished", "GET", "/admin/stats", 200),
    ("teardown", "/admin/stats", None),
    ("started", "/items/7"),
    ("finished", "GET", "/items/7", 200),
    ("teardown", "/items/7", None),
    ("started", "/items/0"),
    ("finished", "GET", "/items/0", 400),
    ("teardown", "/items/0", None),
    ("started", "/boom"),
    ("exception", "RuntimeError", "boom"),
    ("finished", "GET", "/boom", 500),
    ("teardown", "/boom", "RuntimeError"),
    ("started", "/nowhere"),
    ("finished", "GET", "/nowhere", 404),
    ("teardown", "/nowhere", None),
]


@pytest.fixture
def examples_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield
    # init_app connected the receivers for good, as an extension does.
    for name in ("django_port.audit", "flask_app.audit"):
        audit = sys.modules.get(name)
        if audit is None:
            continue
        for signal, receiver in (
            (audit.request_started, audit.on_started),
            (audit.template_rendered, audit.on_template),
            (audit.message_flashed, audit.on_flashed),
            (audit.got_request_exception, audit.on_exception),
            (audit.request_finished, audit.on_finished),
        ):
            signal.disconnect(receiver)


def check_response(status, body, expected_status, expected_body):
    assert status == expected_status
    if isinstance(expected_body, dict):
        assert json.loads(body) == expected_body
    elif expected_body is not None:
        assert body.strip() == expected_body


def run_django_port():
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "django_port"],
        ROOT_URLCONF="django_port.urls",
    ):
        client = Client(raise_request_exception=False)
        numbers = []
        for path, headers, status, body in REQUESTS:
            response = client.get(path, headers=headers)
            check_response(
                response.status_code, response.content.decode(), status, body
            )
            numbers.append(response.headers["X-Request-Number"])
        return current_app.extensions["audit"], numbers


def run_flask_original():
    from flask_app.shop import create_app

    app = create_app()
    client = app.test_client()
    numbers = []
    for path, headers, status, body in REQUESTS:
        response = client.get(path, headers=headers)
        check_response(
            response.status_code, response.get_data(as_text=True), status, body
        )
        numbers.append(response.headers["X-Request-Number"])
    return app.extensions["audit"], numbers


def test_the_django_port_records_what_its_receivers_saw(examples_on_path, caplog):
    state, numbers = run_django_port()
    assert state["events"] == EXPECTED_EVENTS
    assert state["requests"] == len(REQUESTS)
    assert numbers == [str(n) for n in range(1, len(REQUESTS) + 1)]
    # The extension's defaults went into the config's own layer.
    assert current_app.config["AUDIT_ADMIN_ROLE"] == "admin"


def test_the_flask_original_records_the_same(examples_on_path, caplog):
    pytest.importorskip("flask")
    flask_state, flask_numbers = run_flask_original()
    state, numbers = run_django_port()
    assert flask_state["events"] == EXPECTED_EVENTS
    assert state["events"] == flask_state["events"]
    assert numbers == flask_numbers


def _body_without_imports(path: Path) -> tuple[str, set[str]]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    body = []
    for node in tree.body[1:]:  # the docstring says which file it is
        if isinstance(node, ast.ImportFrom) and node.module in {
            "flask",
            "flasksignals_django",
        }:
            names.update(alias.name for alias in node.names)
        else:
            body.append(node)
    return ast.dump(ast.Module(body=body, type_ignores=[])), names


def test_the_port_of_the_receivers_and_hooks_changed_only_the_import():
    flask_body, flask_names = _body_without_imports(EXAMPLES / "flask_app" / "audit.py")
    port_body, port_names = _body_without_imports(EXAMPLES / "django_port" / "audit.py")
    assert flask_names == port_names
    assert flask_body == port_body


WERKZEUG_NAMES = sorted(DESIGN_NAMES)


def test_the_guide_covers_every_request_name_and_response_name():
    guide = (EXAMPLES.parent / "porting.md").read_text()
    rows = [line for line in guide.splitlines() if line.startswith("| `")]
    cells = " ".join(row.split(" | ")[0] for row in rows)
    missing = [
        name
        for name in WERKZEUG_NAMES
        if f"`{name}`" not in cells and f"`{name}(" not in cells
    ]
    assert not missing
    for name in ("status", "mimetype", "get_data()", "call_on_close(f)"):
        assert f"| `{name}`" in guide, name


def test_the_names_the_guide_imports_exist():
    import flasksignals_django

    guide = (EXAMPLES.parent / "porting.md").read_text()
    for line in guide.splitlines():
        if "from flasksignals_django import" not in line:
            continue
        imported = line.split("from flasksignals_django import", 1)[1]
        names = [
            n.strip(" `,") for n in imported.split("(")[0].split("|")[0].split(",")
        ]
        for name in names:
            if name.isidentifier():
                assert hasattr(flasksignals_django, name), name
