"""SubRip through the `srt` library: UTF-8, numbered from 1, HH:MM:SS,mmm.

Cue text never holds "-->": ffmpeg's SRT reader takes a text line that looks like a timing line, after a line of
digits, for the start of a new cue and drops the cue it was in. The arrow is written "->" instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Sequence

import srt

from broadcast.audio.timeline import TimedCue
from broadcast.subtitles.writers import WriterOptions, register


def _no_timing_arrow(line: str) -> str:
    while "-->" in line:  # "--->" would become "-->" again after one pass
        line = line.replace("-->", "->")
    return line


class SrtWriter:
    name = "srt"
    extension = ".srt"

    def render(self, cues: Sequence[TimedCue], options: WriterOptions = WriterOptions()) -> str:
        offset = options.start_offset
        subtitles = [
            srt.Subtitle(
                index=i,
                start=timedelta(milliseconds=round((cue.start + offset) * 1000)),
                end=timedelta(milliseconds=round((cue.end + offset) * 1000)),
                content="\n".join(_no_timing_arrow(line) for line in cue.lines),
            )
            for i, cue in enumerate(cues, start=1)
        ]
        text = options.finish(srt.compose(subtitles, reindex=False))
        return ("\ufeff" if options.bom else "") + text


register(SrtWriter())
