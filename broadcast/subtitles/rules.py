"""House rules for subtitle cues (Netflix / BBC practice): the limits the segmenter, the cue timing stage
and `broadcast lint` all share. Defaults are the broadcast defaults; every field can be changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

DEFAULT_FPS = Fraction(25)
# The NTSC family runs 1000/1001 slow: "29.97" is exactly 30000/1001 frames per second, and so on.
NTSC_RATES = {text: Fraction(nominal * 1000, 1001) for nominal, names in (
    (24, ("23.976", "23.98")), (30, ("29.97",)), (48, ("47.952", "47.95")), (60, ("59.94",)),
    (120, ("119.88",))) for text in names}
MIN_FPS, MAX_FPS = 1, 120


def frame_rate(value: "str | float | Fraction") -> Fraction:
    """Frames per second, exactly: "25" → 25, "29.97" → 30000/1001, "30000/1001" as written. ValueError when the
    value is not a number from 1 to 120 (nan, inf, 0, text)."""
    if isinstance(value, Fraction):
        rate = value
    else:
        text = str(value).strip()
        text = text[:-2] if text.endswith(".0") else text
        try:
            rate = NTSC_RATES.get(text) or Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{str(value)!r} is not a frame rate: give a number from {MIN_FPS} to {MAX_FPS} "
                             "(29.97, 23.976 and 59.94 are the NTSC rates 30000/1001, 24000/1001, 60000/1001)") from None
    if not MIN_FPS <= rate <= MAX_FPS:
        raise ValueError(f"{fps_label(rate)} fps is out of range: give a number from {MIN_FPS} to {MAX_FPS}")
    return rate


def fps_label(fps: "Fraction | float") -> str:
    """25, 29.97, 23.976 as people write them."""
    fps = Fraction(fps)
    return f"{float(fps):g}" if fps.denominator == 1 else f"{float(fps):.3f}".rstrip("0").rstrip(".")


def drop_frame(fps: Fraction) -> bool:
    """Drop-frame timecode exists at 29.97 and 59.94 fps only."""
    return fps in (Fraction(30000, 1001), Fraction(60000, 1001))


@dataclass(frozen=True)
class CueRules:
    max_lines: int = 2
    max_chars: int = 42  # per line, counted on NFC text
    target_cps: float = 17.0  # reading speed to aim at (spaces and punctuation count)
    max_cps: float = 20.0  # reading speed never to exceed
    min_duration: float = 5 / 6  # seconds (20.8 frames at 25 fps)
    max_duration: float = 7.0
    fps: Fraction = DEFAULT_FPS  # exact: NTSC rates are 30000/1001 and so on
    min_gap_frames: int = 2  # at least this many frames between cues
    chain_frames: int = 12  # a gap of this many frames or fewer is closed to exactly min_gap_frames
    max_overhang: float = 0.5  # seconds the out-time may run into the silence after the speech

    def __post_init__(self) -> None:
        object.__setattr__(self, "fps", frame_rate(self.fps))

    @property
    def frame(self) -> float:
        return float(1 / self.fps)

    @property
    def min_gap(self) -> float:
        return float(self.min_gap_frames / self.fps)

    @property
    def chain_gap(self) -> float:
        return float(self.chain_frames / self.fps)


_TIMECODE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;])(\d{2,3})$")


def parse_timecode(text: str, fps: "Fraction | float | str" = DEFAULT_FPS) -> Fraction:
    """SMPTE timecode HH:MM:SS:FF → seconds at `fps`, exactly. "HH:MM:SS;FF" is drop-frame (29.97 and 59.94 fps
    only: frame numbers 00–01, or 00–03, are skipped at each minute but every tenth); ":" counts frames, so
    01:00:00:00 at 29.97 is 108,000 frames = 3603.6 s. Raises ValueError when malformed or out of range."""
    fps = frame_rate(fps)
    match = _TIMECODE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a timecode HH:MM:SS:FF (or HH:MM:SS;FF, drop-frame)")
    h, m, s, f = (int(match.group(k)) for k in (1, 2, 3, 5))
    nominal = round(fps)
    if m >= 60 or s >= 60 or f >= nominal:
        raise ValueError(f"{text!r} is out of range at {fps_label(fps)} fps "
                         f"(minutes and seconds 00–59, frames 00–{nominal - 1:02d})")
    frames = (h * 3600 + m * 60 + s) * nominal + f
    if match.group(4) == ";":
        if not drop_frame(fps):
            raise ValueError(f"{text!r} is drop-frame timecode (;), which exists only at 29.97 and 59.94 fps, "
                             f"not at {fps_label(fps)}: write {text.replace(';', ':')}")
        dropped = nominal // 15  # 2 frame numbers a minute at 29.97, 4 at 59.94
        if s == 0 and m % 10 and f < dropped:
            raise ValueError(f"{text!r} does not exist in drop-frame timecode: frames 00–{dropped - 1:02d} are "
                             "skipped at the start of every minute but each tenth")
        minutes = 60 * h + m
        frames -= dropped * (minutes - minutes // 10)
    return frames / fps


def reading_chars(lines: "tuple[str, ...] | list[str]") -> int:
    """Characters a viewer reads: every character of every line (NFC), spaces and punctuation included;
    the line break itself is not counted."""
    import unicodedata

    return sum(len(unicodedata.normalize("NFC", line)) for line in lines)
