"""Readings no rule could decide: the normaliser notes each one here, so `broadcast speech` can list them.

A rule that spells letters one by one, reads digits one by one or picks one reading of an ambiguous form
(a bare 12/3: a date or a fraction?) calls `note`; nothing is kept unless a caller is collecting:

    with collect() as notes:
        speak_segments(segments)
    for n in notes: print(n.kind, n.written, "→", n.spoken)
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

SPELLED = "spelled letter by letter"
DIGITS = "digits read one by one"
AMBIGUOUS = "ambiguous form"
AS_WRITTEN = "left as written"


@dataclass(frozen=True)
class Fallback:
    kind: str  # one of the constants above
    written: str
    spoken: str


_NOTES: ContextVar[list[Fallback] | None] = ContextVar("broadcast_speech_fallbacks", default=None)


def note(kind: str, written: str, spoken: str) -> None:
    notes = _NOTES.get()
    if notes is not None:
        notes.append(Fallback(kind, written.strip(), spoken.strip()))


@contextlib.contextmanager
def collect() -> Iterator[list[Fallback]]:
    notes: list[Fallback] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Readings made for estimates only are not reported."""
    token = _NOTES.set(None)
    try:
        yield
    finally:
        _NOTES.reset(token)
