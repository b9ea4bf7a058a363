from __future__ import annotations

import hashlib

import pytest
from django.contrib.messages import constants
from django.contrib.messages.api import MessageFailure
from django.contrib.messages.storage import cookie as django_cookie
from django.contrib.messages.storage import fallback as django_fallback
from django.test import RequestFactory

from flasksignals_django import current_app, flash
from flasksignals_django.messages import storage as ours
from flasksignals_django.signals import message_flashed
from flasksignals_django.testing import captured_signals

STORAGES = [
    "flasksignals_django.messages.storage.FallbackStorage",
    "flasksignals_django.messages.storage.SessionStorage",
    "flasksignals_django.messages.storage.CookieStorage",
]


class ReceiverError(Exception):
    pass


@pytest.fixture(autouse=True)
def _cache_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


def incompressible(index, size):
    """Text the cookie storage cannot compress away, so overflow really happens."""
    out = f"{index:02d}"
    block = out.encode()
    while len(out) < size:
        block = hashlib.sha256(block).hexdigest().encode()
        out += block.decode()
    return out[:size]


def flashed(records):
    assert all(
        signal is message_flashed and sender is current_app
        for signal, sender, _ in records
    )
    return [(kwargs["message"], kwargs["category"]) for _, _, kwargs in records]


def add(client, how, *texts, **params):
    query = [("m", text) for text in texts] + list(params.items())
    response = client.get(f"/t/messages/add/{how}/", query)
    assert response.status_code == 200
    return response


def read(client):
    return client.get("/t/messages/read/").content.decode()


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize(
    ("how", "params", "category", "stored"),
    [
        ("info", {}, "info", "20:info:"),
        ("success", {}, "success", "25:success:"),
        ("warning", {}, "warning", "30:warning:"),
        ("error", {}, "error", "40:error:"),
        ("add_message", {"l": "30"}, "warning", "30:warning:"),
        ("flash", {}, "message", "20:info:"),
        ("flash", {"c": "error"}, "error", "40:error:"),
    ],
)
def test_once_per_stored_message_for_every_way_of_adding(
    client, settings, storage, how, params, category, stored
):
    settings.MESSAGE_STORAGE = storage
    with captured_signals(message_flashed) as records:
        add(client, how, "one", "two", **params)
    assert flashed(records) == [("one", category), ("two", category)]
    assert read(client) == f"{stored}one|{stored}two"


@pytest.mark.parametrize("storage", STORAGES)
def test_below_level_and_empty_messages_send_nothing(client, settings, storage):
    settings.MESSAGE_STORAGE = storage
    with captured_signals(message_flashed) as records:
        add(client, "debug", "hidden")
        add(client, "flash", "hidden", c="debug")
        add(client, "add_message", "hidden", l=str(constants.DEBUG))
        add(client, "info", "")
        add(client, "flash", "")
    assert records == []
    assert read(client) == ""


def test_debug_messages_send_when_message_level_allows_them(client, settings):
    settings.MESSAGE_LEVEL = constants.DEBUG
    with captured_signals(message_flashed) as records:
        add(client, "debug", "a")
        add(client, "flash", "b", c="debug")
    assert flashed(records) == [("a", "debug"), ("b", "debug")]
    assert read(client) == "10:debug:a|10:debug:b"


@pytest.mark.parametrize(
    ("category", "stored"),
    [
        ("message", "20:info:m"),
        ("info", "20:info:m"),
        ("success", "25:success:m"),
        ("warning", "30:warning:m"),
        ("error", "40:error:m"),
        ("custom", "20:custom info:m"),
    ],
)
def test_flash_categories_map_to_levels_and_tags(client, category, stored):
    with captured_signals(message_flashed) as records:
        add(client, "flash", "m", c=category)
    assert flashed(records) == [("m", category)]
    assert read(client) == stored


def test_django_api_category_follows_message_tags(client, settings):
    settings.MESSAGE_TAGS = {constants.ERROR: "danger"}
    with captured_signals(message_flashed) as records:
        add(client, "error", "bad")
        add(client, "flash", "worse", c="error")
    assert flashed(records) == [("bad", "danger"), ("worse", "error")]
    assert read(client) == "40:danger:bad|40:danger:worse"


def test_cookie_overflow_goes_to_session_with_fallback_storage(client, settings):
    settings.MESSAGE_STORAGE = STORAGES[0]
    texts = [incompressible(i, 1000) for i in range(8)]
    with captured_signals(message_flashed) as records:
        response = add(client, "flash", *texts)
    assert flashed(records) == [(text, "message") for text in texts]
    # Some went to the cookie, the rest to the session: all come back, in order.
    assert response.cookies["messages"].value
    assert client.session.get("_messages")
    assert read(client) == "|".join(f"20:info:{text}" for text in texts)
    assert read(client) == ""


def test_cookie_storage_overflow_drops_oldest_as_djangos_does(client, settings):
    texts = [incompressible(i, 1000) for i in range(8)]
    results = []
    for storage in (
        "django.contrib.messages.storage.cookie.CookieStorage",
        STORAGES[2],
    ):
        settings.MESSAGE_STORAGE = storage
        add(client, "info", *texts)
        results.append(read(client))
        client.cookies.clear()
    assert results[0] == results[1]
    assert texts[-1] in results[1]
    assert texts[0] not in results[1]


def test_signal_sent_at_queue_time_even_if_storing_fails(client, settings):
    settings.MESSAGE_STORAGE = STORAGES[2]
    texts = [incompressible(i, 2000) for i in range(4)]
    with captured_signals(message_flashed) as records:
        add(client, "flash", *texts)
    assert len(records) == 4
    assert texts[0] not in read(client)


def test_messages_survive_iteration_and_used_as_in_django(client):
    add(client, "info", "kept")
    rf = RequestFactory()
    request = rf.get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    request.session = client.session
    for cls in (ours.FallbackStorage, django_fallback.FallbackStorage):
        storage = cls(request)
        assert [m.message for m in storage] == ["kept"]
        assert storage.used is True
        assert len(storage) == 1


def test_flash_outside_a_request_raises_runtime_error():
    with pytest.raises(RuntimeError, match="^Working outside of request context"):
        flash("nope")
    with (
        current_app.app_context(),
        pytest.raises(RuntimeError, match="outside of request"),
    ):
        flash("nope")


def test_flash_without_the_messages_middleware(client, settings):
    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if m != "django.contrib.messages.middleware.MessageMiddleware"
    ]
    with (
        captured_signals(message_flashed) as records,
        pytest.raises(MessageFailure, match="MessageMiddleware"),
    ):
        add(client, "flash", "x")
    assert records == []


def test_flash_with_a_foreign_storage_sends_once(client, settings):
    settings.MESSAGE_STORAGE = (
        "django.contrib.messages.storage.fallback.FallbackStorage"
    )
    with captured_signals(message_flashed) as records:
        add(client, "flash", "mine", c="success")
        add(client, "info", "django api sends nothing")
        add(client, "flash", "below level", c="debug")
    assert flashed(records) == [("mine", "success")]
    assert read(client) == "25:success:mine|20:info:django api sends nothing"


def test_receiver_that_raises_propagates(client):
    def fail(sender, **extra):
        raise ReceiverError("no")

    message_flashed.connect(fail)
    try:
        with pytest.raises(ReceiverError):
            add(client, "flash", "x")
        with pytest.raises(ReceiverError):
            add(client, "info", "y")
    finally:
        message_flashed.disconnect(fail)


def test_receivers_for_another_sender_are_not_called(client):
    calls = []

    def receiver(sender, **extra):
        calls.append(sender)

    message_flashed.connect(receiver, sender=object())
    try:
        add(client, "info", "x")
    finally:
        message_flashed.disconnect(receiver)
    assert calls == []
    assert read(client) == "20:info:x"


def test_storage_subclass_that_overrides_add_is_honoured_by_flash(rf):
    seen = []

    class Custom(ours.SessionStorage):
        def add(self, level, message, extra_tags=""):
            seen.append(message)
            super().add(level, message.upper(), extra_tags)

    request = rf.get("/")
    request.session = {}
    storage = Custom(request)
    with captured_signals(message_flashed) as records:
        storage.add_flashed(constants.SUCCESS, "hi", "", "success")
        storage.add(constants.INFO, "there")
    assert seen == ["hi", "there"]
    assert flashed(records) == [("HI", "success"), ("THERE", "info")]
    assert [m.message for m in storage] == ["HI", "THERE"]


def test_a_failing_add_does_not_leave_the_flash_category_behind(rf):
    request = rf.get("/")
    request.session = {}
    storage = ours.SessionStorage(request)
    with pytest.raises(ValueError):
        storage.add_flashed("not a level", "x", "", "custom")
    with captured_signals(message_flashed) as records:
        storage.add(constants.ERROR, "y")
    assert flashed(records) == [("y", "error")]


@pytest.mark.parametrize(
    "cls_name", ["FallbackStorage", "SessionStorage", "CookieStorage"]
)
def test_storage_classes_subclass_djangos(cls_name):
    ours_cls = getattr(ours, cls_name)
    module = {"FallbackStorage": django_fallback, "CookieStorage": django_cookie}.get(
        cls_name
    )
    if module is not None:
        assert issubclass(ours_cls, getattr(module, cls_name))
    assert issubclass(ours_cls, ours.SignalingStorageMixin)


async def test_coroutine_receiver_of_a_flash_in_an_async_view(async_client):
    seen = []

    async def receiver(sender, message, category, **extra):
        seen.append((sender, message, category))

    message_flashed.connect(receiver)
    try:
        response = await async_client.get(
            "/t/messages/async-flash/", {"m": "hi", "c": "warning"}
        )
    finally:
        message_flashed.disconnect(receiver)
    assert response.status_code == 200
    assert seen == [(current_app, "hi", "warning")]
