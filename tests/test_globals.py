"""The context variable, g, request, has_*_context and the "working outside" messages (flasksignals_django.globals)."""

from __future__ import annotations

import threading

import pytest

from flasksignals_django import (
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)


def test_g_namespace_api():
    with current_app.app_context():
        assert g.get("missing") is None
        assert g.get("missing", 5) == 5
        assert g.setdefault("a", 1) == 1
        assert g.setdefault("a", 2) == 1
        g.b = 2
        assert "a" in g and "b" in g and "c" not in g
        assert sorted(g) == ["a", "b"]
        assert g.pop("a") == 1
        assert g.pop("a", "gone") == "gone"
        with pytest.raises(KeyError):
            g.pop("a")
        del g.b
        assert list(g) == []
        with pytest.raises(AttributeError):
            g.nothing  # noqa: B018
        assert "g of" in repr(g)
        assert bool(g) is True
        assert "get" in dir(g)


def test_request_and_g_outside_contexts():
    assert not has_request_context()
    assert not has_app_context()
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        request.path  # noqa: B018
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.value  # noqa: B018
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.value = 1
    assert bool(request) is False
    assert "unbound" in repr(request)
    assert current_app.name
    with (
        current_app.app_context(),
        pytest.raises(RuntimeError, match="Working outside of request context"),
    ):
        request.method  # noqa: B018


def test_request_proxy_in_a_view(client, settings):
    seen = {}

    @current_app.before_request
    def look():
        seen["path"] = request.path
        seen["eq"] = request == request._get_current_object()
        seen["ne"] = request != object()
        seen["method_in_dir"] = "method" in dir(request)
        seen["repr"] = repr(request)
        request.flag = "set"
        seen["flag"] = request.flag
        del request.flag
        seen["deleted"] = not hasattr(request._get_current_object(), "flag")

    client.get("/core/")
    assert seen == {
        "path": "/core/",
        "eq": True,
        "ne": True,
        "method_in_dir": True,
        "repr": "<WSGIRequest: GET '/core/'>",
        "flag": "set",
        "deleted": True,
    }


def test_contexts_do_not_leak_between_threads():
    seen = []
    with current_app.app_context():
        g.here = True

        def other():
            seen.append(has_app_context())

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
    assert seen == [False]
