"""WebVTT: the header, then cues with HH:MM:SS.mmm times; no blank line may appear inside a cue."""

from __future__ import annotations

from typing import Sequence

from broadcast.audio.timeline import TimedCue
from broadcast.subtitles.writers import WriterOptions, clock, register


def escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class VttWriter:
    name = "vtt"
    extension = ".vtt"

    def render(self, cues: Sequence[TimedCue], options: WriterOptions = WriterOptions()) -> str:
        out = ["WEBVTT", ""]
        offset = options.start_offset
        for i, cue in enumerate(cues, start=1):
            out.append(str(i))
            out.append(f"{clock(cue.start + offset)} --> {clock(cue.end + offset)}")
            # a blank line would end the cue early (escaping ">" also keeps "-->" out of cue text)
            out.extend(escape(line) for line in cue.lines if line.strip())
            out.append("")
        return options.finish("\n".join(out))


register(VttWriter())
