"""Views of the Werkzeug-names tests, and the reader both Flask and Django use.

``snapshot(r, reads)`` reads the names in ``reads``, in that order, from a
request object (``flask.request`` or ``flasksignals_django.request``) and
returns plain values to compare; the order matters for the body names, as in
Werkzeug.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse
from django.urls import path

from flasksignals_django import request
from flasksignals_django.globals import current_request_context

STATE: dict[str, Any] = {"reads": [], "captured": None, "ctx": None}

ENVIRON_KEYS = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "QUERY_STRING",
    "SCRIPT_NAME",
    "REMOTE_ADDR",
    "SERVER_NAME",
    "SERVER_PORT",
    "CONTENT_TYPE",
    "HTTP_X_FORWARDED_FOR",
)


def outcome(read):
    """The value read, or ``("error", type of error, code)`` if reading raised."""
    try:
        return read()
    except Exception as e:
        kind = "KeyError" if isinstance(e, KeyError) else "other"
        return (
            "error",
            kind,
            getattr(e, "code", None),
            getattr(e, "description", None),
        )


def multidict(d) -> dict[str, Any]:
    """Everything Werkzeug's MultiDict answers, as plain values."""
    return {
        "items": list(d.items()),
        "multi": list(d.items(multi=True)),
        "lists": [(k, list(v)) for k, v in d.lists()],
        "listvalues": [list(v) for v in d.listvalues()],
        "keys": list(d.keys()),
        "iter": list(d),
        "values": list(d.values()),
        "len": len(d),
        "to_dict": d.to_dict(),
        "to_dict_lists": d.to_dict(flat=False),
        "first": {k: d[k] for k in d},
        "get": {k: d.get(k) for k in d},
        "getlist": {k: d.getlist(k) for k in d},
        "missing_get": d.get("missing", "dflt"),
        "missing_getlist": d.getlist("missing"),
        "contains": ["a" in d, "missing" in d],
        "int": d.get("n", type=int),
        "int_bad": d.get("b", -1, type=int),
        "int_missing": d.get("missing", -2, type=int),
        "getlist_int": d.getlist("n", type=int),
        "missing_item": outcome(lambda: d["missing"]),
        "bool": bool(d),
    }


def _unordered_keys(values: dict[str, Any]) -> dict[str, Any]:
    # Werkzeug's CombinedMultiDict gives its keys from a set: compare them sorted.
    values["keys"] = sorted(values["keys"])
    values["iter"] = sorted(values["iter"])
    return values


def _files(r) -> list[Any]:
    return [
        (key, f.name, f.filename, f.content_type, f.mimetype, f.read(), bool(f))
        for key, f in r.files.items(multi=True)
    ]


def _rule(r) -> Any:
    rule = r.url_rule
    return None if rule is None else (rule.rule, rule.endpoint, str(rule))


READERS = {
    "args": lambda r: multidict(r.args),
    "form": lambda r: multidict(r.form),
    "files": _files,
    "files_md": lambda r: multidict(r.files)["keys"],
    "values": lambda r: _unordered_keys(multidict(r.values)),
    "cookies": lambda r: multidict(r.cookies),
    "data": lambda r: r.data,
    "get_data": lambda r: r.get_data(),
    "get_data_text": lambda r: r.get_data(as_text=True),
    "get_data_nocache": lambda r: r.get_data(cache=False),
    "json": lambda r: outcome(lambda: r.json),
    "get_json": lambda r: outcome(r.get_json),
    "get_json_silent": lambda r: outcome(lambda: r.get_json(silent=True)),
    "get_json_force": lambda r: outcome(lambda: r.get_json(force=True)),
    "get_json_force_silent": lambda r: outcome(
        lambda: r.get_json(force=True, silent=True)
    ),
    "get_json_nocache": lambda r: outcome(lambda: r.get_json(cache=False)),
    "is_json": lambda r: r.is_json,
    "mimetype": lambda r: r.mimetype,
    "mimetype_params": lambda r: dict(r.mimetype_params),
    "url": lambda r: r.url,
    "base_url": lambda r: r.base_url,
    "url_root": lambda r: r.url_root,
    "host_url": lambda r: r.host_url,
    "host": lambda r: r.host,
    "full_path": lambda r: r.full_path,
    "remote_addr": lambda r: r.remote_addr,
    "access_route": lambda r: list(r.access_route),
    "environ": lambda r: {k: r.environ.get(k) for k in ENVIRON_KEYS},
    "endpoint": lambda r: r.endpoint,
    "view_args": lambda r: r.view_args,
    "url_rule": _rule,
}


def snapshot(r, reads) -> dict[str, Any]:
    return {name: READERS[name](r) for name in reads}


# -- Django views ------------------------------------------------------------------


def capture(req, **kwargs):
    STATE["captured"] = snapshot(request, STATE["reads"])
    return HttpResponse("ok")


async def capture_async(req, **kwargs):
    STATE["captured"] = snapshot(request, STATE["reads"])
    return HttpResponse("ok")


def plain(req):
    """Touches Django's names only."""
    STATE["ctx"] = current_request_context()
    STATE["captured"] = (
        request.method,
        request.GET.get("a"),
        dict(request.COOKIES),
        request.path,
        request.headers.get("Host"),
    )
    return HttpResponse("ok")


def get_json(req):
    return JsonResponse({"json": request.get_json()})


def missing_arg(req):
    return HttpResponse(request.args["missing"])


urlpatterns = [
    path("capture/", capture, name="wz-capture"),
    path("async/", capture_async, name="wz-async"),
    path("item/<int:pk>/<path:rest>", capture, name="wz-item"),
    path("ünï/<path:rest>", capture, name="wz-unicode"),
    path("plain/", plain, name="wz-plain"),
    path("json/", get_json, name="wz-json"),
    path("missing/", missing_arg, name="wz-missing"),
]
