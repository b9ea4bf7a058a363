"""Django under WSGI and ASGI, with and without the app, driven in-process."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any, cast

from blinker import NamedSignal
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started as django_request_started
from django.test import override_settings

from flasksignals_django import current_app
from flasksignals_django import tap as tap_module
from flasksignals_django.signals import SIGNALS

from . import settings as bench_settings
from .harness import Config, expect
from .urls import BODY

# The six signals a plain request sends, in Flask's order.
REQUEST_EVENTS = [
    "appcontext-pushed",
    "request-started",
    "request-finished",
    "request-tearing-down",
    "appcontext-tearing-down",
    "appcontext-popped",
]
RECEIVER_COUNTS = (0, 1, 10)


def noop(sender: object, **kwargs: object) -> None:
    return None


def make_noops(count: int) -> list[Callable[..., None]]:
    """``count`` distinct no-op functions (blinker keys receivers by identity)."""
    made = []
    for _ in range(count):

        def receiver(sender: object, **kwargs: object) -> None:
            return None

        made.append(receiver)
    return made


@contextmanager
def connected(
    signals: tuple[Any, ...], receivers: list[Callable[..., Any]]
) -> Iterator[None]:
    """Connect ``receivers`` (strongly) to every signal of ``signals``."""
    for signal in signals:
        for receiver in receivers:
            signal.connect(receiver, weak=False)
    try:
        yield
    finally:
        for signal in signals:
            for receiver in receivers:
                signal.disconnect(receiver)


@contextmanager
def recorded(signals: tuple[NamedSignal, ...]) -> Iterator[list[str]]:
    """The names of the signals sent meanwhile, in order."""
    names: list[str] = []
    recorders = []
    for signal in signals:

        def record(sender: object, _name: str = signal.name, **kwargs: object) -> None:
            names.append(_name)

        signal.connect(record, weak=False)
        recorders.append((signal, record))
    try:
        yield names
    finally:
        for signal, record in recorders:
            signal.disconnect(record)


def no_hook() -> None:
    return None


def after_hook(response: Any) -> Any:
    return response


def teardown_hook(exc: BaseException | None) -> None:
    return None


@contextmanager
def hooks_registered(
    before: Callable[[], Any] = no_hook,
    after: Callable[[Any], Any] = after_hook,
    teardown: Callable[[BaseException | None], Any] = teardown_hook,
) -> Iterator[None]:
    """A before_request, an after_request and a teardown_request function on current_app."""
    app = current_app
    app.before_request_funcs.append(before)
    app.after_request_funcs.append(after)
    app.teardown_request_funcs.append(teardown)
    try:
        yield
    finally:
        app.before_request_funcs.remove(before)
        app.after_request_funcs.remove(after)
        app.teardown_request_funcs.remove(teardown)


# -- request drivers ---------------------------------------------------------------------

BASE_ENVIRON: dict[str, Any] = {
    "REQUEST_METHOD": "GET",
    "SCRIPT_NAME": "",
    "PATH_INFO": "/",
    "QUERY_STRING": "",
    "SERVER_NAME": "testserver",
    "SERVER_PORT": "80",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_HOST": "testserver",
    "REMOTE_ADDR": "127.0.0.1",
    "wsgi.version": (1, 0),
    "wsgi.url_scheme": "http",
    "wsgi.errors": io.StringIO(),
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}


def wsgi_caller(app: Callable[..., Any]) -> Callable[[], tuple[str, bytes]]:
    """One GET / through the WSGI callable ``app``, as a server would: (status, body)."""
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    def call() -> tuple[str, bytes]:
        environ = dict(BASE_ENVIRON)
        environ["wsgi.input"] = io.BytesIO(b"")
        iterable = app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        return statuses.pop(), body

    return call


class _Receive:
    """The request body, then nothing until the handler cancels the wait."""

    __slots__ = ("sent", "never")

    def __init__(self, never: asyncio.Event) -> None:
        self.sent = False
        self.never = never

    async def __call__(self) -> dict[str, Any]:
        if not self.sent:
            self.sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.never.wait()
        return {"type": "http.disconnect"}


class _Send:
    __slots__ = ("status", "body")

    def __init__(self) -> None:
        self.status = 0
        self.body = b""

    async def __call__(self, message: Mapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/async/",
    "raw_path": b"/async/",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"testserver")],
    "client": ("127.0.0.1", 40000),
    "server": ("testserver", 80),
}


class AsgiDriver:
    """Runs an ASGIHandler's requests on one event loop of this thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.never = asyncio.Event()

    def close(self) -> None:
        self.loop.close()

    async def request(self, handler: ASGIHandler) -> tuple[int, bytes]:
        send = _Send()
        await handler(dict(SCOPE), _Receive(self.never), send)
        return send.status, send.body

    def call(self, handler: ASGIHandler) -> tuple[int, bytes]:
        return self.loop.run_until_complete(self.request(handler))

    def slice(self, handler: ASGIHandler, budget_ns: int) -> tuple[int, int]:
        return self.loop.run_until_complete(self._slice(handler, budget_ns))

    async def _slice(self, handler: ASGIHandler, budget_ns: int) -> tuple[int, int]:
        clock = time.perf_counter_ns
        request = self.request
        start = clock()
        count = 0
        while True:
            await request(handler)
            count += 1
            elapsed = clock() - start
            if elapsed >= budget_ns:
                return count, elapsed


# -- configurations ---------------------------------------------------------------------


def _ok(result: object) -> None:
    status, body = cast("tuple[object, bytes]", result)
    expect(status in ("200 OK", 200), f"status {status!r}")
    expect(body == BODY, f"body {body!r}")


def django_configs(driver: AsgiDriver) -> list[Config]:
    stacks = [
        ("plain", bench_settings.PLAIN_STACK, bench_settings.PLAIN_APP_STACK),
        ("default", bench_settings.DEFAULT_STACK, bench_settings.DEFAULT_APP_STACK),
    ]
    configs = []
    for mode in ("wsgi", "asgi"):
        for stack, without, with_app in stacks:
            base = f"{mode} {stack}"
            configs.append(_django(driver, mode, base, without, app=False))
            for count in RECEIVER_COUNTS:
                configs.append(
                    _django(
                        driver, mode, f"{base} +app r{count}", with_app, receivers=count
                    )
                )
            configs.append(
                _django(driver, mode, f"{base} +app hooks", with_app, hooks=True)
            )
        # What one sync receiver costs on Django's own request_started (ASGI
        # sends it through ``asend``: one thread hop), and the library's fast
        # path with the tap's check replaced by nothing (the tap's own cost).
        configs.append(
            _django(
                driver,
                mode,
                f"{mode} plain +django r1",
                bench_settings.PLAIN_STACK,
                app=False,
                django_rs=True,
            )
        )
        if mode == "asgi":
            configs.append(
                _django(
                    driver,
                    mode,
                    "asgi plain +1 hop",
                    ["benchmarks.hop.OneHop"],
                    app=False,
                )
            )
        configs.append(
            _django(
                driver,
                mode,
                f"{mode} plain +app r0 no tap",
                bench_settings.PLAIN_APP_STACK,
                tap=False,
            )
        )
    return configs


def _django(
    driver: AsgiDriver,
    mode: str,
    name: str,
    middleware: list[str],
    app: bool = True,
    receivers: int = 0,
    hooks: bool = False,
    django_rs: bool = False,
    tap: bool = True,
) -> Config:
    overrides = override_settings(
        MIDDLEWARE=middleware,
        MESSAGE_STORAGE=bench_settings.APP_STORAGE
        if app
        else bench_settings.DJANGO_STORAGE,
    )
    with overrides:
        handler: Any = WSGIHandler() if mode == "wsgi" else ASGIHandler()
    noops = make_noops(receivers)

    django_noops = make_noops(1 if django_rs else 0)

    @contextmanager
    def state(receivers: list[Callable[..., Any]] = noops) -> Iterator[None]:
        with (
            overrides,
            connected(SIGNALS, receivers),
            connected((django_request_started,), django_noops),
            no_tap() if not tap else nullcontext(),
        ):
            if hooks:
                with hooks_registered():
                    yield
            else:
                yield

    run_slice = None
    if mode == "wsgi":
        call: Callable[[], object] = wsgi_caller(handler)
    else:

        def call() -> object:
            return driver.call(handler)

        def run_slice(budget_ns: int) -> tuple[int, int]:
            return driver.slice(handler, budget_ns)

    def check() -> None:
        calls: list[str] = []

        def counter(sender: object, **kwargs: object) -> None:
            expect(sender is current_app, f"sender {sender!r}")
            calls.append("receiver")

        def before() -> None:
            calls.append("before")

        def after(response: Any) -> Any:
            calls.append("after")
            return response

        def teardown(exc: BaseException | None) -> None:
            calls.append("teardown")

        counters = [_copy(counter) for _ in range(receivers)]  # distinct functions

        def django_counter(sender: object, **kwargs: object) -> None:
            calls.append("django receiver")

        django_counters = [django_counter for _ in django_noops]
        with (
            overrides,
            connected(SIGNALS, counters),
            connected((django_request_started,), django_counters),
            recorded(SIGNALS) as events,
        ):
            if hooks:
                with hooks_registered(before, after, teardown):
                    _ok(call())
            else:
                _ok(call())
        wanted = REQUEST_EVENTS if app else []
        expect(events == wanted, f"{name}: events {events}, expected {wanted}")
        expect(
            calls.count("receiver") == receivers * len(wanted)
            and calls.count("django receiver") == len(django_noops),
            f"{name}: {calls.count('receiver')} receiver calls",
        )
        if hooks:
            expect(
                [c for c in calls if "receiver" not in c]
                == ["before", "after", "teardown"],
                f"{name}: hooks ran as {calls}",
            )

    return Config(
        name=name,
        group=mode,
        call=call,
        check=check,
        state=state,
        run_slice=run_slice,
        verify=_ok,
    )


@contextmanager
def no_tap() -> Iterator[None]:
    """The library with the tap's per-request check replaced by a constant ``None``."""
    real = tap_module.new_timeline
    tap_module.new_timeline = _no_timeline  # type: ignore[assignment]
    try:
        yield
    finally:
        tap_module.new_timeline = real  # type: ignore[assignment]


def _no_timeline(request: object = None) -> None:
    return None


def _copy(fn: Callable[..., Any]) -> Callable[..., Any]:
    def receiver(sender: object, **kwargs: object) -> None:
        fn(sender, **kwargs)

    return receiver
