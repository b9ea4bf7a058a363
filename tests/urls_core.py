from __future__ import annotations

from django.urls import path

from . import views_core as v

urlpatterns = [
    path("", v.index),
    path("boom/", v.boom),
    path("boom-child/", v.boom_child),
    path("404/", v.not_found),
    path("403/", v.forbidden),
    path("suspicious/", v.suspicious),
    path("400/", v.bad_request),
    path("returns-404/", v.returns_404),
    path("none/", v.returns_none),
    path("g/", v.read_g),
    path("stream/", v.stream),
    path("after-this/", v.after_this),
    path("after-this-boom/", v.after_this_then_boom),
    path("app-context-inside/", v.app_context_inside),
    path("copied/", v.copied_in_thread),
    path("base-boom/", v.base_boom),
    path("async-base-boom/", v.async_base_boom),
    path("stream-boom/", v.stream_boom),
    path("file/", v.file_response),
    path("after-this-one/", v.after_this_one),
]
