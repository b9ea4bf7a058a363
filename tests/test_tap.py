"""The public recording tap (DESIGN: "Seeing the lifecycle"): flasksignals_django.tap."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse, HttpResponseNotFound
from django.template import engines
from django.test import AsyncClient, Client

from flasksignals_django import current_app, request_tearing_down, tap


class Boom(Exception):
    pass


class Raising(tap.Tap):
    def on_event(self, timeline: tap.Timeline, event: tap.Event) -> None:
        raise Boom("on_event")

    def on_finish(self, timeline: tap.Timeline) -> None:
        raise Boom("on_finish")


class Keeping(tap.Tap):
    """Keeps each event with the values it had when the taps were told."""

    def __init__(self) -> None:
        self.seen: list[tuple[tap.Event, dict[str, object]]] = []

    def on_event(self, timeline: tap.Timeline, event: tap.Event) -> None:
        self.seen.append((event, dict(event.values)))


def labels(timeline: tap.Timeline) -> list[str]:
    return [f"{e.kind}:{e.name}" for e in timeline.events]


REQUEST_SIGNALS = [
    "signal:appcontext_pushed",
    "signal:request_started",
]
TEARDOWN = [
    "signal:request_tearing_down",
    "signal:appcontext_tearing_down",
    "signal:appcontext_popped",
]


# -- attaching ------------------------------------------------------------------------


def test_attach_and_detach_are_idempotent():
    one = tap.Tap()
    assert not tap.is_attached()
    assert tap.attach(one) is one
    tap.attach(one)
    with tap.recording() as timelines:
        Client().get("/")
    assert len(timelines) == 1  # one tap attached once, and the recording one
    tap.detach(one)
    tap.detach(one)
    assert not tap.is_attached()


def test_nothing_is_recorded_without_a_tap():
    assert tap.new_timeline(None) is None
    response = Client().get("/")
    assert tap.timeline_of(response.wsgi_request) is None


def test_recording_collects_in_finishing_order_and_detaches():
    with tap.recording() as timelines:
        assert tap.is_attached()
        Client().get("/")
        Client().get("/core/404/")
    assert not tap.is_attached()
    assert [(t.path, t.status_code, t.finished) for t in timelines] == [
        ("/", 200, True),
        ("/core/404/", 404, True),
    ]
    assert all(t.method == "GET" for t in timelines)
    assert timelines[0].id < timelines[1].id
    assert timelines[0].started_at <= timelines[1].started_at


def test_recording_detaches_when_the_block_raises():
    with pytest.raises(Boom), tap.recording():
        raise Boom
    assert not tap.is_attached()


# -- timelines ------------------------------------------------------------------------


def test_new_timeline_outside_requests_and_its_clock():
    with tap.recording():
        timeline = tap.new_timeline()
    assert timeline is not None
    assert (timeline.method, timeline.path, timeline.status_code) == (None, None, None)
    assert timeline.duration == 0.0
    start = timeline.now()
    event = timeline.add("hook", "before_request", start, functions=[labels])
    assert event.functions == ("tests.test_tap.labels",)
    assert timeline.duration == event.offset + event.duration >= 0.0
    assert not timeline.finished


def test_timeline_of_the_request_while_it_lives():
    with tap.recording() as timelines:
        response = Client().get("/")
    assert tap.timeline_of(response.wsgi_request) is timelines[0]


def test_timeline_of_something_not_weakly_referenceable_is_none():
    with tap.recording():
        assert tap.timeline_of(object()) is None  # type: ignore[arg-type]


def test_app_context_outside_requests_has_its_timeline():
    with tap.recording() as timelines, current_app.app_context():
        pass
    (timeline,) = timelines
    assert timeline.path is None
    assert labels(timeline) == [
        "signal:appcontext_pushed",
        "signal:appcontext_tearing_down",
        "signal:appcontext_popped",
    ]
    assert timeline.events[1].args == {"exc": "None"}


def hooks_for_the_timeline():
    app = current_app

    @app.before_request
    def before():
        return None

    @app.after_request
    def after(response):
        return response

    @app.teardown_request
    def teardown(exc):
        return None


def expected_request_labels(view: str = "view:view") -> list[str]:
    return [
        *REQUEST_SIGNALS,
        "hook:before_request",
        view,
        "hook:after_request",
        "signal:request_finished",
        "hook:teardown_request",
        *TEARDOWN,
    ]


def test_request_timeline_under_wsgi_with_hooks():
    hooks_for_the_timeline()
    with tap.recording() as timelines:
        Client().get("/")
    (timeline,) = timelines
    assert labels(timeline) == expected_request_labels()
    view = timeline.events[3]
    assert (view.kind, view.name) == ("view", "view")
    assert view.functions == ("tests.views.index",)  # the view Django resolved
    before = timeline.events[2]
    assert before.functions[0].endswith("hooks_for_the_timeline.<locals>.before")
    assert not before.answered
    finished = timeline.events[5]
    assert finished.args == {"response": "200 HttpResponse"}
    offsets = [e.offset for e in timeline.events]
    assert offsets == sorted(offsets)


async def test_request_timeline_under_asgi_with_hooks():
    hooks_for_the_timeline()
    with tap.recording() as timelines:
        response = await AsyncClient().get("/async/")
    assert response.status_code == 200
    (timeline,) = timelines
    assert labels(timeline) == expected_request_labels()
    assert timeline.events[3].duration >= 0.0
    assert timeline.status_code == 200


def test_which_before_request_answered():
    @current_app.before_request
    def answer():
        return HttpResponse("early", status=202)

    with tap.recording() as timelines:
        Client().get("/")
    (timeline,) = timelines
    before = next(e for e in timeline.events if e.name == "before_request")
    assert before.answered
    assert "view:view" not in labels(timeline)
    assert timeline.status_code == 202


@pytest.mark.django_db  # Client's wrapper reconnects close_old_connections inside close()
def test_chunks_of_a_sync_stream():
    with tap.recording() as timelines:
        response = Client().get("/stream/")
        b"".join(response.streaming_content)
        response.close()
    (timeline,) = timelines
    chunks = [e for e in timeline.events if e.kind == "chunk"]
    assert [e.args for e in chunks] == [{"bytes": "14"}, {"bytes": "6"}]
    assert labels(timeline).index("chunk:chunk") > labels(timeline).index(
        "signal:request_finished"
    )


@pytest.mark.urls("tests.server_project.urls")
async def test_chunks_of_an_async_stream():
    with tap.recording() as timelines:
        response = await AsyncClient().get("/async/stream/")
        body = b"".join([chunk async for chunk in response.streaming_content])
        response.close()
    (timeline,) = timelines
    chunks = [e for e in timeline.events if e.kind == "chunk"]
    assert chunks
    assert sum(int(e.args["bytes"]) for e in chunks) == len(body)


def test_a_raising_tap_is_logged_and_ignored(caplog):
    raising = tap.attach(Raising())
    try:
        with (
            caplog.at_level(logging.ERROR, "flasksignals_django"),
            tap.recording() as timelines,
        ):
            response = Client().get("/")
    finally:
        tap.detach(raising)
    assert response.status_code == 200
    assert timelines[0].finished
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.endswith("on_event raised") for m in messages)
    assert any(m.endswith("on_finish raised") for m in messages)


def test_values_are_given_to_on_event_then_emptied():
    keeping = tap.attach(Keeping())
    try:
        response = Client().get("/")
    finally:
        tap.detach(keeping)
    finished = next(e for e, _ in keeping.seen if e.name == "request_finished")
    values = next(v for e, v in keeping.seen if e is finished)
    assert values["response"] is response
    assert finished.values == {}


def test_errors_are_recorded():
    @current_app.teardown_request
    def failing(exc):
        raise Boom("in teardown")

    with tap.recording() as timelines:
        Client(raise_request_exception=False).get("/boom/")
    (timeline,) = timelines
    assert timeline.status_code == 500
    gre = next(e for e in timeline.events if e.name == "got_request_exception")
    assert gre.args == {"exception": "ViewError: boom"}
    teardown = next(e for e in timeline.events if e.name == "teardown_request")
    assert teardown.error == "Boom: in teardown"


# -- summaries ------------------------------------------------------------------------


def test_summarize():
    template = engines["django"].from_string("x").template
    template.name = "page.html"
    summary = tap.summarize(
        {
            "response": HttpResponseNotFound(),
            "exc": Boom("no"),
            "template": template,
            "context": {"b": 1, "a": 2, **{f"k{i:02}": i for i in range(20)}},
            "short": "text",
            "long": "x" * 100,
            "number": 3,
        }
    )
    assert summary["response"] == "404 HttpResponseNotFound"
    assert summary["exc"] == "Boom: no"
    assert summary["template"] == "page.html"
    assert (
        summary["context"] == "{a, b, k00, k01, k02, k03, k04, k05, k06, k07, k08, k09}"
    )
    assert summary["short"] == "text"
    assert summary["long"] == "x" * 77 + "..."
    assert summary["number"] == "3"


def test_dotted_names_of_callables():
    class Callable:
        def __call__(self) -> None:
            pass

    timeline = tap.Timeline()
    event = timeline.add("hook", "x", 0.0, functions=[Callable(), len])
    # an instance has its class's module, and no qualname: module and repr
    assert event.functions[0].startswith("tests.test_tap.<tests.test_tap.")
    assert event.functions[1] == "builtins.len"


def test_a_send_records_only_its_own_receivers_errors():
    def failing_teardown(exc):
        raise ValueError("teardown failed")

    def fine(sender, **extra):
        return None

    current_app.teardown_request(failing_teardown)
    with request_tearing_down.connected_to(fine), tap.recording() as timelines:
        Client().get("/")
    (timeline,) = timelines
    by_name = {event.name: event for event in timeline.events}
    assert by_name["teardown_request"].error == "ValueError: teardown failed"
    assert by_name["request_tearing_down"].error is None
