"""A URLconf whose import connects a receiver, as views modules often do (test_command)."""

from __future__ import annotations

from flasksignals_django.signals import request_finished

urlpatterns: list[object] = []


def on_finished_in_urlconf(sender, **extra):
    pass


request_finished.connect(on_finished_in_urlconf, weak=False)
