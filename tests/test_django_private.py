"""Pins what ``flasksignals_django._django`` relies on in Django's internals.

If a Django release changes any of it, this module fails first: adapt
``_django.py``, the one place that touches them.
"""

from __future__ import annotations

import inspect
import sys

import pytest
from django.core.handlers import exception
from django.core.signals import got_request_exception
from django.http import HttpResponse
from django.test import RequestFactory

from flasksignals_django import _django


@pytest.mark.django_db  # close() sends Django's request_finished, which closes old connections
def test_response_closers_run_on_close():
    response = HttpResponse("x")
    calls = []
    _django.add_closer(response, lambda: calls.append("closed"))
    assert isinstance(response._resource_closers, list)
    response.close()
    assert calls == ["closed"]


def test_has_been_logged_is_what_log_response_reads():
    assert "_has_been_logged" in inspect.getsource(sys.modules["django.utils.log"])
    response = HttpResponse(status=500)
    _django.mark_logged(response)
    assert response._has_been_logged is True


def test_response_for_exception_sends_djangos_signal():
    request = RequestFactory().get("/")
    seen = []

    def receiver(sender, request, **kwargs):
        seen.append(sys.exc_info()[1])

    got_request_exception.connect(receiver)
    error = ValueError("boom")
    try:
        try:
            raise error
        except ValueError:
            response = _django.error_response(request, error)
    finally:
        got_request_exception.disconnect(receiver)
    assert response.status_code == 500
    assert seen == [error]


def test_handle_uncaught_exception_sends_nothing():
    assert list(inspect.signature(exception.handle_uncaught_exception).parameters) == [
        "request",
        "resolver",
        "exc_info",
    ]
    request = RequestFactory().get("/")
    seen = []

    def receiver(sender, **kwargs):
        seen.append(sender)

    got_request_exception.connect(receiver)
    try:
        try:
            raise ValueError("boom")
        except ValueError as error:
            response = _django.uncaught_error_response(request, error)
    finally:
        got_request_exception.disconnect(receiver)
    assert response.status_code == 500
    assert seen == []


@pytest.mark.parametrize(
    "name", ["response_for_exception", "handle_uncaught_exception"]
)
def test_internal_functions_exist(name):
    assert callable(getattr(exception, name))
