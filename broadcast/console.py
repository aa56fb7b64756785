"""What `produce` prints: progress bars on stderr (only on a terminal, never with --quiet), a short summary
per bulletin, a table for a batch, and details with -v."""

from __future__ import annotations

import sys
from typing import Any, Sequence

import click

from broadcast.batch import Outcome

STAGE_LABELS = {"synthesis": "synthesizing", "aligning": "aligning", "mastering": "mastering", "encoding": "encoding"}


class ProgressBars:
    """A `pipeline.Progress` callback drawing one click progress bar per stage."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.stage: str | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            label = f"{self.prefix}{STAGE_LABELS.get(stage, stage):<13}"
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, width=30)
            self.bar.__enter__()
            self.stage, self.done = stage, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.bar, self.stage = None, None


def show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def _level(o: Outcome) -> str:
    if o.integrated is None:
        return "–"
    return f"{o.integrated:.1f} LUFS, {o.true_peak:.1f} dBTP"


def count(n: int, noun: str) -> str:
    """"1 cue", "2 cues"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary(o: Outcome, verbose: bool) -> list[str]:
    """A few lines for one produced bulletin."""
    lines = [
        f"{o.source}: {o.duration:.1f} s of audio, {count(o.segments, 'segment')}, {count(o.cues, 'cue')}, "
        f"{_level(o)}; {count(len(o.files), 'file')} written to {o.folder} in {o.seconds:.1f} s"
        + (f" ({o.sources})" if o.sources else "")
    ]
    if verbose:
        lines.append(f"  gain {o.gain_db:+.2f} dB for the whole bulletin and its clips")
        lines += [f"  {f}" for f in o.files]
    lines += [f"  warning: {w}" for w in o.warnings]
    return lines


def table(outcomes: Sequence[Outcome], seconds: float, jobs: int) -> list[str]:
    """The batch summary: one row per transcript, then totals."""
    rows = [("transcript", "status", "audio", "segments", "cues", "loudness", "time", "note")]
    for o in outcomes:
        if o.ok:
            note = count(len(o.warnings), "warning") if o.warnings else ""
            rows.append((o.source.name, "ok", f"{o.duration:.1f} s", str(o.segments), str(o.cues), _level(o),
                         f"{o.seconds:.1f} s", note))
        else:
            reason = (o.error or "").removeprefix(f"{o.source}: ")
            rows.append((o.source.name, "FAILED", "", "", "", "", f"{o.seconds:.1f} s", reason))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = sum(not o.ok for o in outcomes)
    lines.append(f"{len(outcomes) - failed} of {len(outcomes)} produced, {failed} failed, "
                 f"in {seconds:.1f} s with {count(jobs, 'job')}")
    return lines


def align_summary(result: Any, quiet: bool, verbose: bool) -> list[str]:
    """What `align` prints: one line, each sentence with -v, and always what went wrong (warnings)."""
    from broadcast.subtitles.writers import clock

    alignment = result.alignment
    p = result.programme
    found = sum(t.found for t in alignment.sentences)
    lines = []
    if not quiet:
        level = "" if result.loudness is None else f", {result.loudness.integrated:.1f} LUFS"
        lines.append(f"{result.source}: {found} of {len(alignment.sentences)} sentences found in "
                     f"{alignment.duration:.1f} s of recording, {len(p.cues)} cues{level}; "
                     f"{len(result.files)} files written to {result.folder} in {result.seconds:.1f} s")
    if verbose:
        for seg, t in zip(p.segments, [t for t in alignment.sentences if t.found]):
            lines.append(f"  [{seg.segment.index:03d}] {clock(t.start)} – {clock(t.end)}  confidence {t.confidence:.2f}")
    lines += [f"  warning: {w}" for w in result.warnings]
    return lines
