"""``current_app.logger`` set up as Flask's ``create_logger`` (flask: ``logging.py``)."""

from __future__ import annotations

import json
import logging
import logging.config
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flasksignals_django import current_app
from flasksignals_django.app_logger import (
    FORMAT,
    app_logger,
    default_handler,
    has_level_handler,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_logger():
    """A logger nobody configured, cut off from the root (pytest's handlers live there).

    pytest also attaches its capture handler to non-propagating loggers when
    the test body starts: :func:`cut_off` drops it there.
    """
    logger = logging.getLogger("fsd_logger_test")
    yield logger
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


def cut_off(logger: logging.Logger) -> logging.Logger:
    logger.propagate = False
    logger.handlers.clear()
    return logger


def test_debug_level_while_debug_and_unset(fresh_logger):
    assert app_logger(fresh_logger.name, debug=True) is fresh_logger
    assert fresh_logger.level == logging.DEBUG
    # Set here, so taken back when DEBUG goes off (override_settings in tests).
    app_logger(fresh_logger.name, debug=False)
    assert fresh_logger.level == logging.NOTSET


def test_a_level_set_elsewhere_is_kept(fresh_logger):
    fresh_logger.setLevel(logging.WARNING)
    app_logger(fresh_logger.name, debug=True)
    assert fresh_logger.level == logging.WARNING
    app_logger(fresh_logger.name, debug=False)
    assert fresh_logger.level == logging.WARNING


def test_a_level_changed_since_debug_set_it_is_kept(fresh_logger):
    app_logger(fresh_logger.name, debug=True)
    fresh_logger.setLevel(logging.ERROR)  # by the user, after DEBUG set it
    app_logger(fresh_logger.name, debug=False)
    assert fresh_logger.level == logging.ERROR


def test_no_handler_up_to_the_root(fresh_logger):
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()  # pytest's handlers live there
    try:
        assert not has_level_handler(fresh_logger)
    finally:
        root.handlers[:] = saved


def test_default_handler_only_when_no_handler_takes_the_records(fresh_logger):
    cut_off(fresh_logger)
    assert not has_level_handler(fresh_logger)
    app_logger(fresh_logger.name, debug=False)
    assert fresh_logger.handlers == [default_handler]
    app_logger(fresh_logger.name, debug=False)
    assert fresh_logger.handlers == [default_handler]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
    assert default_handler.format(record) == logging.Formatter(FORMAT).format(record)


def test_a_handler_above_its_level_does_not_count(fresh_logger):
    cut_off(fresh_logger)
    # Flask's has_level_handler: a handler that would drop the records does not count.
    fresh_logger.setLevel(logging.INFO)
    fresh_logger.addHandler(logging.NullHandler(logging.ERROR))
    app_logger(fresh_logger.name, debug=False)
    assert default_handler in fresh_logger.handlers


def test_a_handler_that_takes_the_records_is_enough(fresh_logger):
    cut_off(fresh_logger)
    handler = logging.NullHandler()
    fresh_logger.addHandler(handler)
    app_logger(fresh_logger.name, debug=True)
    assert fresh_logger.handlers == [handler]


def test_default_handler_writes_to_the_current_stderr(fresh_logger, capsys):
    cut_off(fresh_logger)
    app_logger(fresh_logger.name, debug=True).debug("hello %s", "there")
    err = capsys.readouterr().err
    assert "DEBUG in test_app_logger: hello there" in err
    assert err.startswith("[")


def test_logging_configuration_wins(fresh_logger):
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"null": {"class": "logging.NullHandler"}},
            "loggers": {
                fresh_logger.name: {
                    "handlers": ["null"],
                    "level": "WARNING",
                    "propagate": False,
                }
            },
        }
    )
    logger = app_logger(fresh_logger.name, debug=True)
    assert logger.level == logging.WARNING
    assert default_handler not in logger.handlers


def test_current_app_logger_follows_debug(settings):
    settings.FLASKSIGNALS_APP_NAME = "fsd_logger_app"
    settings.DEBUG = True
    try:
        assert current_app.logger.getEffectiveLevel() == logging.DEBUG
        settings.DEBUG = False
        assert current_app.logger.level == logging.NOTSET
    finally:
        logging.getLogger("fsd_logger_app").handlers.clear()


# -- the README quickstart receiver, as `manage.py runserver` runs it -------------------

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=True,
        SECRET_KEY="x",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="tests.urls",
        FLASKSIGNALS_APP_NAME="shop",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "flasksignals_django",
        ],
        MIDDLEWARE=[
            "flasksignals_django.middleware.SignalsMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "flasksignals_django.middleware.HooksMiddleware",
        ],
        **json.loads(sys.argv[1]),
    )
    django.setup()
    from django.test import Client
    from flasksignals_django import current_app, request, request_finished

    def log_response(sender, response, **extra):
        sender.logger.info(
            "%s %s -> %s", request.method, request.path, response.status_code
        )

    request_finished.connect(log_response, sender=current_app, weak=False)
    Client().get("/core/")
    """
)


def run_quickstart(extra_settings: dict[str, object]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(extra_settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr


def test_quickstart_receiver_prints_under_debug_with_djangos_default_logging():
    err = run_quickstart({})
    assert "INFO in test_app_logger" not in err  # the module is the script's
    assert "] INFO in <string>: GET /core/ -> 200" in err


def test_quickstart_receiver_logging_configuration_wins():
    logging_config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"bare": {"format": "shop says %(message)s"}},
        "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "bare"}},
        "loggers": {"shop": {"handlers": ["err"], "level": "INFO"}},
    }
    err = run_quickstart({"LOGGING": logging_config})
    assert err.splitlines() == ["shop says GET /core/ -> 200"]
    logging_config["loggers"] = {"shop": {"handlers": ["err"], "level": "WARNING"}}
    assert run_quickstart({"LOGGING": logging_config}) == ""
