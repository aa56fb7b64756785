"""Measured speech times + cue rules → the times the subtitles show.

The timeline measures where each cue is spoken. Here each cue gets its final in- and out-time on the frame
grid: in at the start of its speech; out at the end of its speech, later when the reading speed or the
minimum duration asks for it (at most `max_overhang` into the following silence), never within
`min_gap_frames` of the next cue's speech; a gap of `chain_frames` or fewer is closed to exactly
`min_gap_frames` (chaining). The measured times stay on each cue as speech_start / speech_end.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

from broadcast.audio.timeline import Programme, TimedCue
from broadcast.subtitles.rules import CueRules, reading_chars

_EPS = 1e-6


def frame_times(spans: Sequence[tuple[float, float, int]], rules: CueRules) -> list[tuple[int, int]]:
    """(speech start, speech end, characters) per cue, in order → (in frame, out frame) per cue."""
    fps = rules.fps
    starts = [math.floor(s * fps + _EPS) for s, _, _ in spans]
    out: list[tuple[int, int]] = []
    min_frames = math.ceil(rules.min_duration * fps - _EPS)
    max_frames = math.floor(rules.max_duration * fps + _EPS)
    overhang = math.floor(rules.max_overhang * fps + _EPS)
    for i, (start_s, end_s, chars) in enumerate(spans):
        start = starts[i]
        speech_end = max(start + 1, math.ceil(end_s * fps - _EPS))
        reading = start + math.ceil(chars / rules.target_cps * fps - _EPS)
        end = max(speech_end, min(speech_end + overhang, reading), start + min_frames)
        end = min(end, start + max_frames)
        if i + 1 < len(spans):
            latest = starts[i + 1] - rules.min_gap_frames
            if latest - end <= rules.chain_frames - rules.min_gap_frames and latest - start <= max_frames:
                end = latest  # chaining: close a short gap to exactly min_gap_frames
            end = min(end, latest)
        out.append((start, max(end, start + 1)))
    return out


def retime(programme: Programme, rules: CueRules) -> Programme:
    """The programme with every cue on its final times; measured times kept as speech_start/speech_end."""
    measured = [c for s in programme.segments for c in s.cues]
    frames = frame_times([(c.start, c.end, reading_chars(c.lines)) for c in measured], rules)
    timed = iter(
        replace(c, start=a / rules.fps, end=b / rules.fps, speech_start=c.start, speech_end=c.end)
        for c, (a, b) in zip(measured, frames)
    )
    segments = tuple(replace(s, cues=tuple(next(timed) for _ in s.cues)) for s in programme.segments)
    return replace(programme, segments=segments)
