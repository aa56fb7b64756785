"""Written text → the text a voice is given. Subtitles keep the written text; only `speech` changes.

Clean-up is a list of small steps (str → str) applied in order; callers may pass their own list.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterable, Sequence

from broadcast.segmenter import Segment

Step = Callable[[str], str]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def drop_quotes(text: str) -> str:
    """Quotation marks are not spoken; eSpeak reads some of them aloud."""
    return re.sub(r"[\"“”‘’«»]", "", text)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


DEFAULT_STEPS: tuple[Step, ...] = (nfc, drop_quotes, collapse_spaces)


def to_speech(text: str, steps: Sequence[Step] = DEFAULT_STEPS) -> str:
    for step in steps:
        text = step(text)
    return text


def speak_segments(segments: Iterable[Segment], steps: Sequence[Step] = DEFAULT_STEPS) -> list[Segment]:
    """Give every cue of every segment its speech text."""
    return [s.with_speech(to_speech(c.text, steps) for c in s.cues) for s in segments]
