"""Views of the core lifecycle tests; each notes what it does on the active recorder."""

from __future__ import annotations

import threading

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse, StreamingHttpResponse

from flasksignals_django import (
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    stream_with_context,
)

from .recorder import note


class ViewError(Exception):
    pass


class ViewErrorChild(ViewError):
    pass


def index(req):
    note("view", "index")
    g.from_view = True
    return HttpResponse("ok")


def boom(req):
    note("view", "index")
    raise ViewError("boom")


def boom_child(req):
    note("view", "index")
    raise ViewErrorChild("child boom")


def not_found(req):
    note("view", "index")
    raise Http404("nope")


def forbidden(req):
    note("view", "index")
    raise PermissionDenied("no")


def suspicious(req):
    note("view", "index")
    raise SuspiciousOperation("sus")


def bad_request(req):
    note("view", "index")
    raise BadRequest("bad")


def returns_404(req):
    note("view", "index")
    return HttpResponse("own 404", status=404)


def returns_none(req):
    note("view", "index")
    return None


def read_g(req):
    note("view", "index", marker=g.get("marker"))
    return HttpResponse(f"marker={g.get('marker')}")


def stream(req):
    note("view", "index")
    g.marker = "streamed"

    def chunks():  # noted as Flask's probe notes its generator (tests.flask_expected)
        try:
            note("body", "gen_chunk1")
            yield f"path={request.path};"
            note("body", "gen_chunk2")
            yield f"g={g.marker}"
            note("body", "gen_exhausted")
        finally:
            note("body", "gen_generator_finally")

    return StreamingHttpResponse(stream_with_context(chunks()))


def after_this(req):
    note("view", "index")
    for name in ("atr1", "atr2"):

        def atr(response, name=name):
            note("hook", f"after_this_request_{name}", response=response)
            return response

        after_this_request(atr)
    return HttpResponse("ok")


def after_this_then_boom(req):
    note("view", "index")

    def atr(response):
        note("hook", "after_this_request", response=response)
        return response

    after_this_request(atr)
    raise ViewError("boom after atr")


def app_context_inside(req):
    note("view", "index")
    g.outer_marker = "request g"
    with current_app.app_context():
        note(
            "user",
            "inside_app_context",
            req=has_request_context(),
            app=has_app_context(),
            sees_request_g="outer_marker" in g,
        )
    note(
        "user",
        "after_app_context",
        req=has_request_context(),
        path=request.path,
        marker=g.get("outer_marker"),
    )
    return HttpResponse("ok")


def copied_in_thread(req):
    note("view", "index")
    g.marker = "copied"
    seen = {}

    @copy_current_request_context
    def work():
        seen["path"] = request.path
        seen["marker"] = g.marker
        seen["req"] = has_request_context()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    return HttpResponse(f"{seen['path']}|{seen['marker']}|{seen['req']}")


class ViewBaseException(BaseException):
    """Not an Exception: Django does not convert it to a response."""


def base_boom(req):
    note("view", "index")
    raise ViewBaseException("base")


def stream_boom(req):
    note("view", "index")

    def chunks():
        yield "first;"
        raise ViewError("stream boom")

    return StreamingHttpResponse(chunks())


def file_response(req):
    import io

    from django.http import FileResponse

    note("view", "index")
    return FileResponse(io.BytesIO(b"file body"))


def after_this_one(req):
    note("view", "index")

    def atr(response):
        note("hook", "after_this_request", response=response)
        return response

    after_this_request(atr)
    return HttpResponse("ok")


async def async_base_boom(request):
    raise ViewBaseException("async base")
