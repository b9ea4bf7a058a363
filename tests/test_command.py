from __future__ import annotations

import sys
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from flasksignals_django import current_app
from flasksignals_django.management.commands.flasksignals import receiver_infos
from flasksignals_django.signals import (
    SIGNALS,
    appcontext_popped,
    got_request_exception,
    request_finished,
    request_started,
)
from flasksignals_django.testing import disconnect_all


def on_started(sender, **extra):
    pass


def on_finished(sender, **extra):
    pass


def hook(*args):
    pass


def other_hook(*args):
    pass


class Sender:
    def __repr__(self):
        return "<Sender>"


def run_command():
    stdout = StringIO()
    call_command("flasksignals", stdout=stdout)
    return stdout.getvalue().splitlines()


def section(lines, title):
    """The indented lines under ``title``."""
    start = lines.index(title) + 1
    end = start
    while end < len(lines) and lines[end].startswith("  "):
        end += 1
    return lines[start:end]


def test_lists_every_signal_in_request_order_with_no_receivers():
    lines = run_command()
    python_names = [s.name.replace("-", "_") for s in SIGNALS]
    names = [line for line in lines if line in python_names]
    assert names == python_names
    # By the names users import, never by blinker's keys.
    assert not [line for line in lines if line in {s.name for s in SIGNALS}]
    assert section(lines, "request_started") == ["  (no receivers)"]
    assert lines[0] == "Signals (receivers in the order they are called)"


def test_lists_receivers_in_connection_order_with_sender_and_kind():
    sender = Sender()
    request_started.connect(on_finished, sender=current_app)
    request_started.connect(on_started, weak=False)
    request_started.connect(on_started, sender=sender, weak=False)
    try:
        lines = run_command()
    finally:
        request_started.disconnect(on_finished)
        request_started.disconnect(on_started)
    assert section(lines, "request_started") == [
        f"  tests.test_command.on_finished  sender={current_app!r}  weak",
        "  tests.test_command.on_started  sender=<Sender>, ANY  strong",
    ]


def test_bound_method_and_unweakrefable_sender():
    class Receiver:
        def on_popped(self, sender, **extra):
            pass

    instance = Receiver()
    appcontext_popped.connect(instance.on_popped, sender="a string sender")
    try:
        [info] = receiver_infos(appcontext_popped)
        lines = run_command()
    finally:
        appcontext_popped.disconnect(instance.on_popped)
    assert info.receiver == instance.on_popped
    assert info.senders == ["<sender 'a string sender'>"]
    assert info.weak
    qualname = "test_bound_method_and_unweakrefable_sender.<locals>.Receiver.on_popped"
    assert section(lines, "appcontext_popped") == [
        f"  tests.test_command.{qualname}  sender=<sender 'a string sender'>  weak"
    ]


def test_dead_weak_receiver_still_in_the_map():
    """blinker removes a dead weak receiver in a callback; until then it shows as collected."""

    def nested(sender, **extra):
        pass

    got_request_exception.connect(nested)
    key = id(nested)
    ref = got_request_exception.receivers[key]
    del nested
    assert ref() is None
    assert key not in got_request_exception.receivers
    # Put it back, as if the cleanup callback had not run yet.
    got_request_exception.receivers[key] = ref
    try:
        [info] = receiver_infos(got_request_exception)
        lines = run_command()
    finally:
        got_request_exception.receivers.clear()
    assert info == (None, [], True)
    assert section(lines, "got_request_exception") == ["  <collected>  sender=  weak"]


def test_receivers_connected_by_the_urlconf_are_listed():
    module = "tests.command_urls"
    sys.modules.pop(module, None)
    try:
        with override_settings(ROOT_URLCONF=module):
            lines = run_command()
    finally:
        sys.modules.pop(module, None)
        disconnect_all(request_finished)
    assert section(lines, "request_finished") == [
        "  tests.command_urls.on_finished_in_urlconf  sender=ANY  strong"
    ]


def test_hooks_in_the_order_they_run():
    current_app.before_first_request_funcs.append(hook)
    current_app.before_request(hook)
    current_app.before_request(other_hook)
    current_app.after_request(hook)
    current_app.after_request(other_hook)
    current_app.teardown_request(hook)
    current_app.teardown_request(other_hook)
    current_app.teardown_appcontext(hook)
    current_app.teardown_appcontext(other_hook)
    lines = run_command()
    assert "Hooks (in the order they run)" in lines
    assert section(lines, "before_first_request") == ["  1. tests.test_command.hook"]
    assert section(lines, "before_request") == [
        "  1. tests.test_command.hook",
        "  2. tests.test_command.other_hook",
    ]
    for title in ("after_request", "teardown_request", "teardown_appcontext"):
        assert section(lines, f"{title} (last registered first)") == [
            "  1. tests.test_command.other_hook",
            "  2. tests.test_command.hook",
        ]


def test_no_hooks():
    lines = run_command()
    for title in (
        "before_first_request",
        "before_request",
        "after_request (last registered first)",
        "teardown_request (last registered first)",
        "teardown_appcontext (last registered first)",
        "errorhandler (by status code, then nearest exception class)",
    ):
        assert section(lines, title) == ["  (none)"]


def test_error_handlers_codes_first_then_classes_in_registration_order():
    current_app.errorhandler(LookupError)(hook)
    current_app.errorhandler(500)(other_hook)
    current_app.errorhandler(ValueError)(other_hook)
    current_app.errorhandler(404)(hook)
    lines = run_command()
    assert section(
        lines, "errorhandler (by status code, then nearest exception class)"
    ) == [
        "  404: tests.test_command.hook",
        "  500: tests.test_command.other_hook",
        "  builtins.LookupError: tests.test_command.hook",
        "  builtins.ValueError: tests.test_command.other_hook",
    ]


def test_runs_while_system_checks_fail():
    with override_settings(MIDDLEWARE=[]):
        lines = run_command()
    assert "request_started" in lines
