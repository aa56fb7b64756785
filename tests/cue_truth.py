"""Cue timing against the truth: a bulletin through the real stages (engine → timeline → cue timing), and for
every cue the distance from where its first word's sound really starts (which the fake service and the tiny
Piper voice know independently of the engine's word events and alignments). Used by tests and bench/cue_timing.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from broadcast.audio import timeline
from broadcast.subtitles import timing
from broadcast.subtitles.rules import CueRules
from broadcast.voice import synthesis
from broadcast.voice.base import Engine, SpeechAudio


@dataclass(frozen=True)
class CueError:
    segment: int
    cue: int
    measured: float  # speech_start − truth, seconds
    shown: float  # the in-time on the frame grid − truth, seconds


def measure(path: Path, segments: Sequence, engine: Engine,
            truth: Callable[[list[str], SpeechAudio], list[float]], fps: float = 25.0) -> list[CueError]:
    """`truth(parts, speech)`: seconds into the sentence's own audio where each part's first word starts."""
    captured: list[SpeechAudio] = []

    def keep(speeches):
        for speech in speeches:
            captured.append(speech)
            yield speech

    programme = timeline.assemble(segments, keep(synthesis.synthesize(path, segments, engine)))
    programme = timing.retime(programme, CueRules(fps=fps))
    rate = programme.sample_rate
    errors = []
    for seg, speech, timed in zip(segments, captured, programme.segments):
        onsets = truth([c.speech for c in seg.cues], speech)
        clip_start = max(0, speech.part_spans[0][0] - int(timeline.EDGE_MARGIN * speech.sample_rate))
        for k, (cue, onset) in enumerate(zip(timed.cues, onsets)):
            true_start = timed.first_sample / rate + onset - clip_start / speech.sample_rate
            errors.append(CueError(seg.index, k + 1, cue.speech_start - true_start, cue.start - true_start))
    return errors
