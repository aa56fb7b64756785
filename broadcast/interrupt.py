"""Ctrl-C (SIGINT) and SIGTERM stop a run the same way: as a `KeyboardInterrupt` raised in the main thread,
so every `with StagedFolder`, temporary file and ffmpeg subprocess is cleaned up on the way out.

Only the first signal is acted on; later ones are ignored so that they cannot cut that cleanup short.
Short critical sections (swapping an output folder into place) run under `deferred()`: a signal that
arrives inside one is raised when it ends, never half-way through.

Batch worker processes install the handler with raising off (`install(raising=False)`): a signal that
arrives while a worker waits for work only marks it as stopping; inside `allowed()` (while it produces a
transcript) it raises like in the main process.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum


_received: int | None = None  # the first signal, once one has arrived
_pending = False  # received but not yet raised (it arrived while deferred or not raising)
_holding = 0  # depth of nested `deferred()` blocks
_raising = True


def _can_raise() -> bool:
    return _raising and not _holding


def _handler(signum: int, frame: object) -> None:
    global _received, _pending
    if _received is not None:
        return
    _received = signum
    if _can_raise():
        raise Interrupted(signum)
    _pending = True


def _raise_pending() -> None:
    global _pending
    if _pending and _received is not None and _can_raise():
        _pending = False
        raise Interrupted(_received)


def install(raising: bool = True) -> None:
    """Handle SIGINT and SIGTERM from now on (call in the main thread; a SIGINT ignored by the parent
    process, as under nohup or some process managers, is handled again)."""
    global _received, _pending, _raising
    _received, _pending, _raising = None, False, raising
    for signum in SIGNALS:
        signal.signal(signum, _handler)


def received() -> int | None:
    """The signal that asked this process to stop, if one has."""
    return _received


@contextmanager
def deferred() -> Iterator[None]:
    """Hold a signal until the block is done (the block must be short).

    Also where `install` was not called (broadcast used as a library): Python's own Ctrl-C handler is
    swapped for one that holds the KeyboardInterrupt until the block ends. This matters around eSpeak
    calls: Python runs signal handlers in the library's audio callback, where an exception is printed,
    swallowed, and costs the sentence a chunk of its audio.
    """
    global _holding
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler and _in_main_thread():
        with _holding_default_sigint():
            yield
        return
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
    _raise_pending()


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


@contextmanager
def _holding_default_sigint() -> Iterator[None]:
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


@contextmanager
def blocked_for_children() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread while child processes are started: they inherit the mask, so a
    Ctrl-C that lands while a worker is still starting Python is held until the worker has installed its
    handler (`unblock()`), instead of printing a traceback from the middle of its imports. Here the signal
    waits until the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def unblock() -> None:
    """Take SIGINT and SIGTERM again (in a worker started under `blocked_for_children`)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


@contextmanager
def allowed() -> Iterator[None]:
    """Let a signal raise inside the block, at once if one is already waiting."""
    global _raising
    before, _raising = _raising, True
    try:
        _raise_pending()
        yield
    finally:
        _raising = before
