"""The steps that send signals: one send, or adjacent sends that share a thread hop.

A :class:`Send` calls the receivers of one signal, from sync or async code;
:class:`Together` runs adjacent sends with no user code between them, in one
``sync_to_async`` hop under async when every receiver is sync.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async

from ._sending import Errors, receivers, send_to, send_to_async
from ._steps import Step
from .globals import current_context, reset_current, set_current
from .signals import OrderedSignal
from .tap import Timeline

if TYPE_CHECKING:
    from .signals import Receiver

KEEP: Any = object()
"""``current`` of a send that leaves the current context as it is."""


class Send(Step):
    """Send ``signal``: call its receivers with ``sender`` and ``kwargs``.

    With ``errors`` a list, every receiver runs and errors are logged and kept
    there; otherwise the first error propagates. Unless ``current`` is
    :data:`KEEP`, that context (or ``None``) is the current one while the
    receivers run.
    """

    __slots__ = ("signal", "batch", "sender", "kwargs", "errors", "current", "known")

    def __init__(
        self,
        signal: OrderedSignal,
        batch: list[Receiver],
        sender: Any,
        kwargs: dict[str, Any],
        errors: Errors = None,
        timeline: Timeline | None = None,
        current: Any = KEEP,
    ) -> None:
        self.timeline = timeline
        self.signal = signal
        self.batch = batch
        self.sender = sender
        self.kwargs = kwargs
        self.errors = errors
        self.current = current
        self.known = 0

    def call(self) -> None:
        self.known = len(self.errors) if self.errors else 0
        send_to(self.batch, self.sender, self.kwargs, self.errors)

    async def acall(self) -> None:
        self.known = len(self.errors) if self.errors else 0
        await send_to_async(self.batch, self.sender, self.kwargs, self.errors)

    def run(self) -> Any:
        current = self.current
        if current is not KEEP:
            token = set_current(current)  # taps see it too, as the receivers do
        try:
            if self.timeline is None:  # the common case, kept short
                send_to(self.batch, self.sender, self.kwargs, self.errors)
                return None
            return super().run()
        finally:
            if current is not KEEP:
                reset_current(token)

    async def run_async(self) -> Any:
        if self.current is KEEP:
            return await super().run_async()
        token = set_current(self.current)
        try:
            return await super().run_async()
        finally:
            reset_current(token)

    def is_sync(self) -> bool:
        """True when no receiver is a coroutine function."""
        return not any(coroutine for _, coroutine in self.batch)

    def record(
        self, timeline: Timeline, start: float, error: BaseException | None
    ) -> None:
        if error is None and self.errors and len(self.errors) > self.known:
            error = self.errors[self.known]  # the first a receiver of this send raised
        receivers = [receiver for receiver, _ in self.batch]
        timeline.add(
            "signal", self.signal.python_name, start, receivers, self.kwargs, error
        )


def signal_step(
    signal: OrderedSignal,
    ctx: Any,
    kwargs: dict[str, Any],
    errors: Errors = None,
    current: Any = KEEP,
) -> Send | None:
    """The step that sends ``signal`` for context ``ctx`` (with ``current`` the current
    context meanwhile, if given), or ``None`` when nobody would see it."""
    timeline = ctx.timeline
    batch = receivers(signal, ctx.app)
    if batch or timeline is not None:
        return Send(signal, batch, ctx.app, kwargs, errors, timeline, current)
    return None


class Together(Step):
    """Adjacent sends with no user code between them, run one after another.

    Under async, when no receiver of any of them is a coroutine function, they
    share one ``sync_to_async`` hop (DESIGN runs consecutive sync receivers of
    one send in one hop; adjacent sends extend that without changing the order).
    """

    __slots__ = ("sends",)

    def __init__(self, sends: list[Send]) -> None:
        self.timeline = None
        self.sends = sends

    def call(self) -> None:
        for step in self.sends:
            step.run()

    async def acall(self) -> None:
        if all(step.is_sync() for step in self.sends):
            await sync_to_async(self.call)()
            return
        for step in self.sends:
            await step.run_async()


def together(*steps: Send | None) -> Step | None:
    """One step for the sends among ``steps`` (``None`` when there is none)."""
    sends = [step for step in steps if step is not None]
    if len(sends) > 1:
        return Together(sends)
    return sends[0] if sends else None


def send(signal: OrderedSignal, sender: Any, /, **kwargs: Any) -> None:
    """Send ``signal`` now, from sync code (template renders, flashed messages).

    The first receiver error propagates. The send is recorded on the current
    context's tap timeline, if any.
    """
    ctx = current_context()
    timeline = None if ctx is None else ctx.timeline
    if timeline is None:
        if signal.receivers:
            batch = receivers(signal, sender)
            if batch:
                send_to(batch, sender, kwargs)
        return
    Send(signal, receivers(signal, sender), sender, kwargs, None, timeline).run()
