from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse

from flasksignals_django import g, request


def index(req):
    return HttpResponse("ok")


async def async_index(req):
    return HttpResponse("async ok")


class ViewError(Exception):
    pass


def boom(req):
    raise ViewError("boom")


def stream(req):
    def chunks():
        yield f"path={request.path};"
        yield f"g={g.get('marker')}"

    return StreamingHttpResponse(chunks())
