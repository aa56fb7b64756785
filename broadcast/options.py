"""Option value types for the command line and broadcast.toml: each bad value gets one line that names the
value and what is allowed (the option's name is added by the command line or the config reader).

Only click is imported here, so `broadcast --help` stays fast.
"""

from __future__ import annotations

import difflib
import math
from typing import Any, Sequence

import click


def close_match(word: str, choices: Sequence[str]) -> str | None:
    """The choice a typo most likely meant (words only: 16000 does not "mean" 48000)."""
    if not any(ch.isalpha() for ch in word):
        return None
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Sequence[str]) -> str:
    """' (did you mean X?)' for a near miss, else ''."""
    close = close_match(word, choices)
    return f" (did you mean {close}?)" if close else ""


class Number(click.ParamType):
    """A finite number in [lo, hi] (nan and inf are refused: they pass every comparison-based range check)."""

    def __init__(self, lo: float, hi: float, integer: bool = False, unit: str = "") -> None:
        self.lo, self.hi, self.integer, self.unit = lo, hi, integer, unit
        self.name = "integer" if integer else "float"

    def allowed(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {self.lo:g} to {self.hi:g}" + (f" {self.unit}" if self.unit else "")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, bool):
            self.fail(f"{value!r} is not {self.allowed()}", param, ctx)
        try:
            if self.integer:
                number: float = value if isinstance(value, int) else int(str(value).strip())
            else:
                number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not {self.allowed()}", param, ctx)
        if not math.isfinite(number) or not self.lo <= number <= self.hi:
            self.fail(f"{value!r} is not {self.allowed()}", param, ctx)
        return number

    def get_metavar(self, param: click.Parameter) -> str:
        return f"{self.lo:g}-{self.hi:g}"


class Choice(click.Choice):
    """click's Choice, its message one line with a near miss suggested."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if text in self.choices:
            return text
        if not self.case_sensitive and text.lower() in {c.lower() for c in self.choices}:
            return next(c for c in self.choices if c.lower() == text.lower())
        self.fail(f"{value!r} is not one of: {', '.join(self.choices)}{suggestion(text, list(self.choices))}",
                  param, ctx)


# MP3 (MPEG audio layer III) bitrates in kb/s: MPEG-1 at 32, 44.1 and 48 kHz, MPEG-2 at 16, 22.05 and 24 kHz
# (ISO/IEC 11172-3 and 13818-3; LAME picks the nearest one, so any other number silently becomes another).
MP3_BITRATES = {
    "MPEG-1": (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "MPEG-2": (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}


def mp3_bitrates(sample_rate: int) -> tuple[int, ...]:
    return MP3_BITRATES["MPEG-1" if sample_rate >= 32000 else "MPEG-2"]


class Bitrate(click.ParamType):
    """An MP3 bitrate as "128k" or "128" (kb/s): one of the standard ones."""

    name = "bitrate"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip().lower().removesuffix("k").removesuffix("b/s")
        every = sorted(set(MP3_BITRATES["MPEG-1"]) | set(MP3_BITRATES["MPEG-2"]))
        if not text.isdigit() or int(text) not in every:
            self.fail(f"{value!r} is not an MP3 bitrate (kb/s: {', '.join(map(str, every))})", param, ctx)
        return f"{int(text)}k"

    def get_metavar(self, param: click.Parameter) -> str:
        return "KBPS"


def check_bitrate(bitrate: str, sample_rate: int) -> str | None:
    """Why MP3 at `sample_rate` cannot have `bitrate` (None when it can)."""
    offered = mp3_bitrates(sample_rate)
    if int(bitrate.removesuffix("k")) in offered:
        return None
    return (f"--bitrate {bitrate}: MP3 at {sample_rate} Hz offers {offered[0]}k to {offered[-1]}k "
            f"({', '.join(map(str, offered))})" + ("; pass --sample-rate 44100 or 48000 for more"
                                                   if sample_rate < 32000 else ""))


class FrameRate(click.ParamType):
    """--fps: a number from 1 to 120, exactly; 29.97, 23.976 and 59.94 are the NTSC rates 30000/1001 …"""

    name = "fps"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from broadcast.subtitles.rules import frame_rate

        try:
            return frame_rate(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
