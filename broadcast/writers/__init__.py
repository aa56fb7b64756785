"""Subtitle writers: one module per format behind a small interface, found through a registry."""

from __future__ import annotations

from typing import Protocol, Sequence

from broadcast.timeline import TimedCue


class SubtitleWriter(Protocol):
    name: str
    extension: str

    def render(self, cues: Sequence[TimedCue]) -> str: ...


WRITERS: dict[str, SubtitleWriter] = {}


def register(writer: SubtitleWriter) -> SubtitleWriter:
    WRITERS[writer.name] = writer
    return writer


def get(name: str) -> SubtitleWriter:
    try:
        return WRITERS[name]
    except KeyError:
        raise ValueError(f"unknown subtitle format {name!r} (known: {', '.join(sorted(WRITERS))})") from None


from broadcast.writers import srt_writer, vtt_writer  # noqa: E402,F401  (registration)
