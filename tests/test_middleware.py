"""SignalsMiddleware and HooksMiddleware: configuration, streams, files and fault paths."""

from __future__ import annotations

import pickle
from contextlib import nullcontext

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.test import Client

from flasksignals_django import current_app, g, has_app_context, request_started
from flasksignals_django.middleware import HooksMiddleware, SignalsMiddleware

from .recorder import Recorder
from .views_core import ViewBaseException, ViewError

SIGNALS_MW = "flasksignals_django.middleware.SignalsMiddleware"
HOOKS_MW = "flasksignals_django.middleware.HooksMiddleware"
TEARDOWN = [
    "hook:teardown_request",
    "signal:request_tearing_down",
    "hook:teardown_appcontext",
    "signal:appcontext_tearing_down",
    "signal:appcontext_popped",
]


def test_hooks_middleware_needs_signals_middleware(settings):
    settings.MIDDLEWARE = [HOOKS_MW]
    with pytest.raises(ImproperlyConfigured, match="SignalsMiddleware"):
        HooksMiddleware(lambda request: None)


def test_both_middleware_are_hybrid():
    for cls in (SignalsMiddleware, HooksMiddleware):
        assert cls.sync_capable and cls.async_capable


def test_unimportable_middleware_entries_are_skipped(settings, client):
    settings.MIDDLEWARE = ["no.such.Middleware.Anywhere", SIGNALS_MW, HOOKS_MW]
    HooksMiddleware(lambda request: None)  # finds SignalsMiddleware past the bad entry


def test_hooks_middleware_above_signals_middleware_passes_through(settings, client):
    settings.MIDDLEWARE = [HOOKS_MW, SIGNALS_MW]
    with Recorder() as rec:
        assert client.get("/core/").status_code == 200
        with pytest.raises(ViewError):
            client.get("/core/boom/")
    # Hooks need a request context, which does not exist above SignalsMiddleware.
    assert "hook:before_request" not in rec.labels
    assert rec.labels.count("signal:request_finished") == 2


def test_base_exception_tears_down_and_propagates(client):
    with Recorder() as rec, pytest.raises(ViewBaseException):
        client.get("/core/base-boom/")
    assert "signal:got_request_exception" not in rec.labels
    assert "signal:request_finished" not in rec.labels
    assert rec.labels[-5:] == TEARDOWN
    assert rec.one("hook:teardown_request").args == {"exc": "ViewBaseException"}
    assert rec.one("signal:appcontext_tearing_down").args == {
        "exc": "ViewBaseException"
    }
    assert not has_app_context()


# response.close() outside the Client runs close_old_connections
@pytest.mark.django_db
def test_stream_that_raises_tears_down_with_its_error(client):
    with Recorder() as rec:
        response = client.get("/core/stream-boom/")
        assert response.status_code == 200
        with pytest.raises(ViewError):
            list(response.streaming_content)
        response.close()
    assert rec.labels[-5:] == TEARDOWN
    assert rec.labels.count("signal:appcontext_popped") == 1
    assert rec.one("hook:teardown_request").args == {"exc": "ViewError"}


# response.close() outside the Client runs close_old_connections
@pytest.mark.django_db
def test_stream_closed_unread_tears_down_once(client):
    with Recorder() as rec:
        response = client.get("/core/stream/")
        assert "hook:teardown_request" not in rec.labels
        response.close()
        response.close()
    assert rec.labels[-5:] == TEARDOWN
    assert rec.labels.count("signal:appcontext_popped") == 1
    assert rec.one("hook:teardown_request").args == {"exc": None}
    assert "body:gen_chunk1" not in rec.labels


# response.close() outside the Client runs close_old_connections
@pytest.mark.django_db
def test_file_response_tears_down_when_closed(client):
    with Recorder() as rec:
        response = client.get("/core/file/")
        body = b"".join(response.streaming_content)
        response.close()
    assert body == b"file body"
    assert rec.labels[-5:] == TEARDOWN
    assert rec.labels.count("signal:appcontext_popped") == 1


# response.close() outside the Client runs close_old_connections
@pytest.mark.django_db
def test_pickled_response_does_not_tear_down_again(rf):
    # The cache middleware pickles responses: a copy must not tear anything down.
    from django.http import HttpResponse

    from flasksignals_django.middleware import SignalsMiddleware

    torn = []
    current_app.teardown_request(torn.append)
    response = SignalsMiddleware(lambda request: HttpResponse("ok"))(rf.get("/"))
    copy = pickle.loads(pickle.dumps(response))
    response.close()
    assert torn == [None]
    copy.close()  # its closers are detached: nothing is torn down again
    assert torn == [None]
    assert torn == [None]


def test_errorhandler_for_http404_class_sees_unknown_urls(client):
    @current_app.before_request
    def mark():
        g.marker = "before"

    @current_app.errorhandler(Http404)
    def handler(error):
        return f"class handler {g.marker}", 404

    response = client.get("/core/no-such-page/")
    assert response.status_code == 404
    assert response.content == b"class handler before"


def test_no_early_resolve_without_a_404_handler(client):
    @current_app.errorhandler(ViewError)
    def handler(error):
        return "handled", 200

    with Recorder() as rec:
        assert client.get("/core/no-such-page/").status_code == 404
    assert rec.one("hook:before_request")
    assert "signal:got_request_exception" not in rec.labels


async def test_async_client_runs_the_same_order(async_client):
    with Recorder() as rec:
        response = await async_client.get("/core/")
    assert response.status_code == 200
    assert rec.labels == [
        "signal:appcontext_pushed",
        "signal:request_started",
        "hook:before_request",
        "view:index",
        "hook:after_request",
        "signal:request_finished",
        *TEARDOWN,
    ]
    assert rec.one("signal:appcontext_pushed").ctx == "A-"


async def test_async_client_error_path(async_client):
    @current_app.errorhandler(ViewError)
    def handler(error):
        raise RuntimeError("handler boom")

    async_client.raise_request_exception = False
    with Recorder() as rec:
        response = await async_client.get("/core/boom/")
    assert response.status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "RuntimeError"}
    assert rec.one("hook:teardown_request").args == {"exc": "RuntimeError"}


def test_client_errors_in_a_500_handler_free_project_keep_djangos_pages():
    client = Client(raise_request_exception=False)
    with Recorder() as rec:
        assert client.get("/core/403/").status_code == 403
        assert client.get("/core/400/").status_code == 400
    assert "signal:got_request_exception" not in rec.labels


def test_base_exception_on_the_quiet_path_tears_down(client):
    """No receivers: the middleware skip the flow, but teardown still sees the error."""
    seen = []
    current_app.teardown_request(seen.append)
    with pytest.raises(ViewBaseException):
        client.get("/core/base-boom/")
    assert [type(exc) for exc in seen] == [ViewBaseException]
    assert not has_app_context()


async def test_base_exception_on_the_quiet_async_path_tears_down(async_client):
    seen = []
    current_app.teardown_request(seen.append)
    with pytest.raises(ViewBaseException):
        await async_client.get("/core/async-base-boom/")
    assert [type(exc) for exc in seen] == [ViewBaseException]


async def test_after_request_without_before_request_under_asgi(async_client):
    @current_app.after_request
    def stamp(response):
        response["X-After"] = "yes"
        return response

    response = await async_client.get("/async/")
    assert response["X-After"] == "yes"


async def test_hooks_middleware_above_signals_middleware_under_asgi(
    settings, async_client
):
    settings.MIDDLEWARE = [HOOKS_MW, SIGNALS_MW]
    ran = []
    current_app.before_request(lambda: ran.append("before"))
    response = await async_client.get("/async/")
    assert response.status_code == 200
    assert ran == []


def started_receiver(sender, **extra):
    return None


# "quiet": SignalsMiddleware's fast path; "signalled": the request's flow.
@pytest.mark.parametrize("hooked", [False, True], ids=["quiet", "signalled"])
def test_propagated_view_error_tears_down_with_it(settings, client, hooked):
    """DEBUG_PROPAGATE_EXCEPTIONS: Django re-raises the view's error it already reported."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    seen = []
    current_app.teardown_appcontext(seen.append)
    receiver = request_started.connected_to(started_receiver)
    with receiver if hooked else nullcontext(), pytest.raises(ViewError):
        client.get("/core/boom/")
    assert [type(exc) for exc in seen] == [ViewError]


@pytest.mark.parametrize("hooked", [False, True], ids=["quiet", "signalled"])
async def test_propagated_view_error_tears_down_with_it_under_asgi(
    settings, async_client, hooked
):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    seen = []
    current_app.teardown_appcontext(seen.append)
    receiver = request_started.connected_to(started_receiver)
    with receiver if hooked else nullcontext(), pytest.raises(ViewError):
        await async_client.get("/core/boom/")
    assert [type(exc) for exc in seen] == [ViewError]
