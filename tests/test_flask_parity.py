"""The Django port against real Flask 3.1 traces, on every transport.

Every scenario of ``tests/data/flask_traces.json`` runs here or is listed,
with the reason, in :data:`tests.parity_scenarios.NOT_RUN`. A request
scenario runs through Django's test ``Client`` (WSGI), its ``AsyncClient``
(ASGI), and one gunicorn and one uvicorn process started for the module; each
is set up inside the process that serves it by :class:`tests.parity_tap.ScenarioTap`.
The expected events are :func:`tests.flask_expected.expected`: Flask's trace
with DESIGN's deliberate differences applied, in that one place.
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import AsyncClient, Client

from flasksignals_django import after_this_request, current_app, g
from flasksignals_django.backends.django import DjangoTemplates

from .flask_expected import expected, expected_status
from .flask_traces import DATA, SCENARIO_IDS, TRACES, comparable
from .parity_scenarios import LOCAL, NOT_RUN, SCENARIOS, TRANSPORTS, runs_on
from .parity_tap import HEADER, ScenarioTap
from .recorder import Event, Recorder, note
from .server_project.drive import abody_of, body_of, no_db_cleanup
from .views_core import ViewBaseException, ViewError

SHARED = Path(__file__).resolve().parents[2] / "shared" / "flask_traces.json"
LOGGERS = ("django.request", "flasksignals_django")
_numbers = itertools.count()


# -- every scenario is accounted for -------------------------------------------------------


def test_the_copy_of_the_traces_is_current():
    if not SHARED.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert json.loads(SHARED.read_text()) == json.loads(DATA.read_text())


def test_every_scenario_runs_or_is_listed_with_a_reason():
    whole = {key for key in NOT_RUN if "@" not in key}
    running = set(SCENARIOS) | set(LOCAL)
    assert running.isdisjoint(whole)
    assert not set(SCENARIOS) & set(LOCAL)
    assert running | whole == SCENARIO_IDS, "neither run nor listed in NOT_RUN"
    for key, reason in NOT_RUN.items():
        sid, _, transport = key.partition("@")
        assert sid in SCENARIO_IDS, key
        assert transport in ("", *TRANSPORTS), key
        assert reason.strip(), key


# -- in process: WSGI and ASGI test clients ------------------------------------------------


class Collected:
    def __init__(self) -> None:
        self.events: dict[str, list[Event]] = {}

    def __call__(self, tag: str, events: list[Event]) -> None:
        self.events[tag] = events


@pytest.fixture
def tap():
    tap = ScenarioTap(SCENARIOS, Collected()).connect()
    try:
        yield tap
    finally:
        tap.disconnect()


def tag_for(sid: str) -> str:
    return f"{sid}#{next(_numbers)}"


def check(
    sid: str, events: Any, status: int | None, body: bytes | None, headers: Any
) -> None:
    want = expected(sid)
    assert comparable(events, want) == want
    assert status == expected_status(sid)
    scenario = SCENARIOS.get(sid)
    if scenario is not None and scenario.body is not None:
        assert body is not None and body.startswith(scenario.body)
    if scenario is not None and scenario.x_headers:
        x_headers = {k: v for k, v in sorted(headers.items()) if k.startswith("X-")}
        assert x_headers == TRACES[sid]["x_headers"]


KNOWN_GAPS = {}
"""Where the port differs from Flask without DESIGN saying so: strict xfails, for the lead."""


def in_process(transport: str) -> list[Any]:
    params = []
    for sid in sorted(SCENARIOS):
        if runs_on(sid, transport):
            gap = KNOWN_GAPS.get(f"{sid}@{transport}")
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            if SCENARIOS[sid].first_chunk_only:
                # Closing an unread stream: the Client's wrapper reconnects
                # close_old_connections inside response.close().
                marks.append(pytest.mark.django_db)
            params.append(pytest.param(sid, marks=marks, id=sid))
    return params


@pytest.mark.parametrize("sid", in_process("wsgi"))
def test_wsgi_matches_flask(sid, tap):
    scenario = SCENARIOS[sid]
    tag = tag_for(sid)
    client = Client(raise_request_exception=False)
    try:
        response = getattr(client, scenario.method)(
            scenario.path, headers={HEADER: tag}
        )
    except ViewBaseException:
        status, body, headers = None, None, {}
    else:
        status, headers = response.status_code, response
        if scenario.first_chunk_only:
            body = next(iter(response.streaming_content))
            with no_db_cleanup():  # Client's close would reconnect to the database
                response.close()
        else:
            body = body_of(response)
    tap.finish()  # a BaseException left no response for Django to close
    check(sid, tap.sink.events[tag], status, body, headers)


@pytest.mark.parametrize("sid", in_process("asgi"))
async def test_asgi_matches_flask(sid, tap):
    scenario = SCENARIOS[sid]
    tag = tag_for(sid)
    client = AsyncClient(raise_request_exception=False)
    try:
        response = await getattr(client, scenario.method)(
            scenario.path, headers={HEADER: tag}
        )
    except ViewBaseException:
        status, body, headers = None, None, {}
    else:
        status, body, headers = response.status_code, await abody_of(response), response
    tap.finish()  # a BaseException left no response for Django to close
    check(sid, tap.sink.events[tag], status, body, headers)


# -- scenarios driven from the test's own code --------------------------------------------


def local_s10a():
    with current_app.app_context():
        note("user", "inside_app_context")
    note("user", "after_with")


def local_s10c():
    try:
        with current_app.app_context():
            note("user", "inside_app_context")
            raise ViewError("inside app ctx")
    except ViewError as error:
        note("user", "caught_outside", exc=error)


def local_s10d():
    with current_app.app_context():
        note("user", "outer")
        with current_app.app_context():
            note("user", "inner")
        note("user", "outer_again")


def local_s10e():
    ctx = current_app.app_context()
    ctx.push()
    note("user", "pushed_once")
    ctx.push()
    note("user", "pushed_twice")
    ctx.pop()
    note("user", "popped_once")
    ctx.pop()
    note("user", "popped_twice")


def local_s11c():
    engine = DjangoTemplates(
        {"NAME": "parity", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}
    )
    with current_app.app_context():
        engine.from_string("{{ x }}").render({"x": "outside"})
        note("user", "rendered")


def local_s14c():
    with current_app.app_context():
        try:
            after_this_request(lambda response: response)
        except RuntimeError as error:
            note("user", "after_this_request_raised", exc=error)


LOCAL_RUNS = {
    "s10a_app_context_outside_request": local_s10a,
    "s10c_app_context_exception_inside": local_s10c,
    "s10d_nested_distinct_app_contexts": local_s10d,
    "s10e_same_app_context_pushed_twice": local_s10e,
    "s11c_render_outside_request": local_s11c,
    "s14c_after_this_request_outside_request": local_s14c,
}


def test_every_local_scenario_has_a_run():
    assert set(LOCAL_RUNS) | {"s10b_request_inside_pushed_app_context"} == set(LOCAL)


@pytest.mark.parametrize("sid", sorted(LOCAL_RUNS))
def test_local_matches_flask(sid):
    # The probe registered no teardown_appcontext hook for s14c.
    hooks = () if sid.startswith("s14c") else None
    with Recorder(hooks=hooks, loggers=LOGGERS) as rec:
        LOCAL_RUNS[sid]()
    check(sid, rec.events, None, None, {})


S10B = "s10b_request_inside_pushed_app_context"


def test_wsgi_request_inside_pushed_app_context_matches_flask():
    with Recorder(loggers=LOGGERS) as rec:
        with current_app.app_context():
            g.outer = 1
            note("user", "outer_app_context_pushed")
            response = Client().get("/core/")
            note("user", "back_in_outer_app_context")
        note("user", "after_with")
    check(S10B, rec.events, response.status_code, None, {})


async def test_asgi_request_inside_pushed_app_context_matches_flask():
    with Recorder(loggers=LOGGERS) as rec:
        async with current_app.app_context():
            g.outer = 1
            note("user", "outer_app_context_pushed")
            response = await AsyncClient().get("/core/")
            note("user", "back_in_outer_app_context")
        note("user", "after_with")
    check(S10B, rec.events, response.status_code, None, {})


# -- real servers: one gunicorn and one uvicorn for every scenario ------------------------

SERVER_TIMEOUT = 15.0


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from .server_project.serve import Server

    started = {}
    try:
        for kind in ("gunicorn", "uvicorn"):
            tmp = tmp_path_factory.mktemp(f"parity-{kind}")
            server = Server(
                kind, tmp, env={"FLASKSIGNALS_PARITY_FILE": str(tmp / "parity.jsonl")}
            )
            started[kind] = server
            server.start()
        yield started
    finally:
        for server in started.values():
            server.stop()


def server_request(server: Any, sid: str) -> tuple[dict[str, Any], int, bytes, Any]:
    scenario = SCENARIOS[sid]
    tag = tag_for(sid)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SERVER_TIMEOUT)
    try:
        conn.request(scenario.method.upper(), scenario.path, headers={HEADER: tag})
        response = conn.getresponse()
        status, body, headers = (
            response.status,
            response.read(),
            dict(response.getheaders()),
        )
    finally:
        conn.close()
    path = Path(server.env["FLASKSIGNALS_PARITY_FILE"])
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text().splitlines():
                record = json.loads(line)
                if record["tag"] == tag:
                    return record, status, body, headers
        time.sleep(0.05)
    pytest.fail(f"{server.kind}: no events for {tag}: {server.log_file.read_text()}")


def on_servers() -> list[Any]:
    return [
        pytest.param(kind, sid, id=f"{kind}-{sid}")
        for kind in ("gunicorn", "uvicorn")
        for sid in sorted(SCENARIOS)
        if runs_on(sid, kind)
    ]


@pytest.mark.server
@pytest.mark.parametrize(("kind", "sid"), on_servers())
def test_server_matches_flask(servers, kind, sid):
    record, status, body, headers = server_request(servers[kind], sid)
    check(sid, record["events"], status, body, headers)
