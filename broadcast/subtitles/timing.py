"""Measured speech times + cue rules → the times the subtitles show.

The timeline measures where each cue is spoken. Here each cue gets its final in- and out-time on the frame
grid (exact: at 29.97 fps frame n is at n × 1001/30000 s): in at the start of its speech; out at the end of its
speech, later when the reading speed or the minimum duration asks for it (at most `max_overhang` into the
following silence), never within `min_gap_frames` of the next cue's speech; a gap of `chain_frames` or fewer
is closed to exactly `min_gap_frames` (chaining). Two guarantees come first:
- no cue reads faster than `max_cps`, counting every character shown, text the voice skips included: the
  out-time runs on into the silence as far as needed, and if the next cue's speech starts too soon, that cue
  waits (in-time a little after its speech) rather than this one be unreadable;
- speech is never left uncovered: a cue spoken for longer than `max_duration` (eSpeak reading a long foreign
  stretch) is shown as repeats of itself, each within the limits, for as long as it is spoken.
No cue ends after the audio does. The measured times stay on each cue as speech_start / speech_end.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

from broadcast.audio.timeline import Programme, TimedCue, TimedSegment
from broadcast.subtitles.rules import CueRules, reading_chars

_EPS = 1e-6
_REPEAT_SHARE = 0.95  # each repeat of a long-spoken cue spans at most this share of the maximum duration


def frame_times(spans: Sequence[tuple[float, float, int]], rules: CueRules,
                limit: float | None = None) -> list[tuple[int, int]]:
    """(speech start, speech end, characters) per cue, in order → (in frame, out frame) per cue; with `limit`
    (the audio's length in seconds) no out-time is later than the last frame inside it."""
    fps = rules.fps

    def frames(seconds: float, up: bool) -> int:
        return math.ceil(seconds * fps - _EPS) if up else math.floor(seconds * fps + _EPS)

    last = frames(limit, up=False) if limit is not None else None
    speech = [(frames(s, up=False), frames(e, up=True)) for s, e, _ in spans]
    min_frames = frames(rules.min_duration, up=True)
    max_frames = frames(rules.max_duration, up=False)
    overhang = frames(rules.max_overhang, up=False)
    gap = rules.min_gap_frames
    out: list[tuple[int, int]] = []
    for i, ((speech_start, speech_end), (_, _, chars)) in enumerate(zip(speech, spans)):
        floor = out[-1][1] + gap if out else 0  # the earliest in-time the previous cue leaves
        start = max(speech_start, floor)
        speech_end = max(speech_end, start + 1)
        needed = max(min_frames, frames(chars / rules.max_cps, up=True))  # the hard limits
        reading = start + frames(chars / rules.target_cps, up=True)
        end = max(speech_end, min(speech_end + overhang, reading), start + needed)
        end = min(end, start + max_frames)
        if i + 1 < len(spans):
            latest = speech[i + 1][0] - gap
            if 0 <= latest - end <= rules.chain_frames - gap and latest - start <= max_frames:
                end = latest  # chaining: close a short gap to exactly min_gap_frames
            end = min(end, max(latest, start + needed))  # the next cue waits rather than this one read too fast
        if last is not None and end > last:
            end = last
            start = max(floor, min(start, end - needed))  # the last cue starts earlier rather than read too fast
        out.append((start, max(end, start + 1)))
    return out


def _covering(cue: TimedCue, rules: CueRules) -> list[TimedCue]:
    """The cue, or repeats of it that cover its speech when it is spoken for longer than the maximum duration."""
    spoken = cue.end - cue.start
    longest = _REPEAT_SHARE * rules.max_duration
    if spoken <= longest:
        return [cue]
    parts = math.ceil(spoken / longest)
    step = spoken / parts
    return [replace(cue, start=cue.start + k * step, end=cue.start + (k + 1) * step) for k in range(parts)]


def shown(measured: Sequence[TimedCue], rules: CueRules, limit: float | None = None) -> list[TimedCue]:
    """Cues whose start/end are where they are spoken → the cues as shown (measured times kept as
    speech_start/speech_end); a cue spoken too long for one cue comes back as several."""
    pieces = [piece for cue in measured for piece in _covering(cue, rules)]
    frames = frame_times([(c.start, c.end, reading_chars(c.lines)) for c in pieces], rules, limit)
    return [replace(c, start=float(a / rules.fps), end=float(b / rules.fps), speech_start=c.start, speech_end=c.end)
            for c, (a, b) in zip(pieces, frames)]


def retime(programme: Programme, rules: CueRules) -> Programme:
    """The programme with every cue on its final times; measured times kept as speech_start/speech_end."""
    counts = [sum(len(_covering(c, rules)) for c in s.cues) for s in programme.segments]
    timed = iter(shown(programme.cues, rules, programme.duration))
    segments = tuple(replace(s, cues=tuple(next(timed) for _ in range(n)))
                     for s, n in zip(programme.segments, counts))
    return replace(programme, segments=segments)


def clip_cues(segment: TimedSegment, rules: CueRules) -> list[TimedCue]:
    """A retimed segment's cues for its own clip: timed from the clip's start by the same rules, on the frame
    grid from there, none past the clip's end."""
    measured = [replace(c, start=c.speech_start - segment.start, end=c.speech_end - segment.start)
                for c in segment.cues if c.speech_start is not None and c.speech_end is not None]
    return shown(measured, rules, segment.end - segment.start)
