"""House rules for subtitle cues (Netflix / BBC practice): the limits the segmenter, the cue timing stage
and `broadcast lint` all share. Defaults are the broadcast defaults; every field can be changed."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_FPS = 25.0


@dataclass(frozen=True)
class CueRules:
    max_lines: int = 2
    max_chars: int = 42  # per line, counted on NFC text
    target_cps: float = 17.0  # reading speed to aim at (spaces and punctuation count)
    max_cps: float = 20.0  # reading speed never to exceed
    min_duration: float = 5 / 6  # seconds (20.8 frames at 25 fps)
    max_duration: float = 7.0
    fps: float = DEFAULT_FPS
    min_gap_frames: int = 2  # at least this many frames between cues
    chain_frames: int = 12  # a gap of this many frames or fewer is closed to exactly min_gap_frames
    max_overhang: float = 0.5  # seconds the out-time may run into the silence after the speech

    @property
    def frame(self) -> float:
        return 1.0 / self.fps

    @property
    def min_gap(self) -> float:
        return self.min_gap_frames / self.fps

    @property
    def chain_gap(self) -> float:
        return self.chain_frames / self.fps


_TIMECODE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})[:;](\d{2})$")


def parse_timecode(text: str, fps: float = DEFAULT_FPS) -> float:
    """SMPTE-style HH:MM:SS:FF → seconds at `fps` (non-drop-frame). Raises ValueError when malformed."""
    match = _TIMECODE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a timecode HH:MM:SS:FF")
    h, m, s, f = (int(g) for g in match.groups())
    if m >= 60 or s >= 60 or f >= round(fps):
        raise ValueError(f"{text!r} is out of range at {fps:g} fps")
    return h * 3600 + m * 60 + s + f / fps


def reading_chars(lines: "tuple[str, ...] | list[str]") -> int:
    """Characters a viewer reads: every character of every line (NFC), spaces and punctuation included;
    the line break itself is not counted."""
    import unicodedata

    return sum(len(unicodedata.normalize("NFC", line)) for line in lines)
