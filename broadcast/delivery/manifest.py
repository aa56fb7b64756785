"""manifest.json: what was produced, with every segment's text, speech, times and clip."""

from __future__ import annotations

import json
from typing import Any

from broadcast.audio.timeline import Programme, TimedCue


def render(programme: Programme, *, source: str, engine: str, voice: str, audio: str,
           clip_names: list[str], extra: dict[str, Any] | None = None,
           segment_extra: list[dict[str, Any]] | None = None) -> str:
    data: dict[str, Any] = {
        "source": source,
        "engine": engine,
        "voice": voice,
        "audio": audio,
        "duration": round(programme.duration, 3),
        **(extra or {}),
        "segments": [
            {
                "index": seg.segment.index,
                "kind": seg.segment.kind,
                "text": seg.segment.text,
                "speech": seg.segment.speech,
                "start": round(seg.start, 3),
                "end": round(seg.end, 3),
                "clip": clip,
                **(more or {}),
                "cues": [
                    {"start": round(c.start, 3), "end": round(c.end, 3), **_speech_times(c), "text": c.text,
                     "lines": list(c.lines)}
                    for c in seg.cues
                ],
            }
            for seg, clip, more in zip(programme.segments, clip_names,
                                       segment_extra or [None] * len(clip_names), strict=True)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _speech_times(cue: TimedCue) -> dict[str, float]:
    """Where the cue is spoken (measured), when that differs from where it is shown."""
    if cue.speech_start is None or cue.speech_end is None:
        return {}
    return {"speech_start": round(cue.speech_start, 3), "speech_end": round(cue.speech_end, 3)}
