"""Subtitle writers: one module per format behind a small interface, found through a registry."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, Protocol, Sequence

from broadcast.audio.timeline import TimedCue
from broadcast.subtitles.rules import DEFAULT_FPS

EOL = {"lf": "\n", "crlf": "\r\n"}


@dataclass(frozen=True)
class WriterOptions:
    """How a subtitle file is written for the editor that imports it."""

    bom: bool = False  # SRT only: a UTF-8 byte order mark (some Windows players want one; some parsers break on it)
    eol: Literal["lf", "crlf"] = "lf"
    start_offset: float = 0.0  # seconds added to every time (DaVinci Resolve timelines start at 01:00:00:00)
    fps: Fraction = DEFAULT_FPS

    def finish(self, text: str) -> str:
        """Apply the line-ending choice to text written with \\n."""
        return text.replace("\n", EOL[self.eol])


class SubtitleWriter(Protocol):
    name: str
    extension: str

    def render(self, cues: Sequence[TimedCue], options: WriterOptions = WriterOptions()) -> str: ...


def clock(seconds: float, decimal_mark: str = ".") -> str:
    """HH:MM:SS.mmm (WebVTT, TTML, the preview) or, with decimal_mark=",", as SRT writes it; never negative."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal_mark}{ms:03d}"


WRITERS: dict[str, SubtitleWriter] = {}


def register(writer: SubtitleWriter) -> SubtitleWriter:
    WRITERS[writer.name] = writer
    return writer


def get(name: str) -> SubtitleWriter:
    try:
        return WRITERS[name]
    except KeyError:
        raise ValueError(f"unknown subtitle format {name!r} (known: {', '.join(sorted(WRITERS))})") from None


from broadcast.subtitles.writers import srt_writer, ttml_writer, vtt_writer  # noqa: E402,F401  (registration)
