"""waveform.svg: the delivered bulletin's waveform as a picture people can read: a time axis with labels,
every sentence as a numbered band (the numbers are the manifest's segment indexes and the clip names), every
cue start marked. SVG gives text for free, scales to any width, and is embedded as it is in preview.html,
where hovering a sentence shows its text.

The plot spans the full width (x = time / duration × WIDTH), so a click's horizontal fraction is a time.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from broadcast.audio.mastering import Master
from broadcast.audio.sound import audioop
from broadcast.audio.timeline import Programme

FILENAME = "waveform.svg"
WIDTH, HEIGHT = 1600, 240
LABELS = 18  # the band of sentence numbers at the top
AXIS = 22  # the time axis at the bottom
WAVE_TOP, WAVE_BOTTOM = LABELS + 4, HEIGHT - AXIS - 4
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)  # seconds between time labels
MAX_TICKS = 12
LABEL_PX = 10  # width of one bold digit at the label size
LABEL_GAP = 14  # space kept between two sentence numbers, so that "12 13" never reads as "1213"
COLOURS = {"background": "#fafaf8", "band": "#ecebe4", "wave": "#265ca0", "cue": "#f09628", "sentence": "#c81e1e",
           "grid": "#d7d7d2", "text": "#333"}


def columns(master: Master, width: int) -> list[int]:
    """Peak absolute sample per pixel column, as a fraction of full scale × 1000."""
    n = master.n_samples
    w = master.sample_width
    full = float(2 ** (8 * w - 1))
    peaks = []
    with master.path.open("rb") as src:  # one pass over the master file, a column's samples at a time
        for x in range(width):
            a, b = n * x // width, max(n * x // width + 1, n * (x + 1) // width)
            src.seek(a * w)
            block = src.read((b - a) * w)
            lo, hi = audioop.minmax(block, w) if block else (0, 0)
            peaks.append(int(1000 * max(abs(lo), abs(hi)) / full))
    return peaks


def clock_label(seconds: float) -> str:
    """0:05, 1:30, 1:02:00."""
    s = int(round(seconds))
    h, m, s = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def tick_step(duration: float) -> int:
    return next((step for step in TICK_STEPS if duration / step <= MAX_TICKS), TICK_STEPS[-1])


def render(peaks: list[int], programme: Programme, duration: float, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The SVG text; `peaks` per column as from `columns`, `duration` of the bulletin in seconds."""
    duration = duration or 1.0

    def x(t: float) -> str:
        return f"{min(width, max(0.0, t / duration * width)):.1f}"

    c = COLOURS
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" font-family="system-ui, sans-serif" font-size="15" role="img" '
           'aria-label="Waveform of the bulletin: numbered sentences, cue starts, time axis">',
           f'<rect width="{width}" height="{height}" fill="{c["background"]}"/>']
    for k, seg in enumerate(programme.segments):  # a band per sentence, alternately shaded, its text on hover
        left, right = float(x(seg.start)), float(x(seg.end))
        text = seg.segment.text if len(seg.segment.text) <= 160 else seg.segment.text[:157] + "…"
        out.append(f'<g class="sentence" data-index="{seg.segment.index}" data-start="{seg.start:.3f}">'
                   f'<title>{seg.segment.index}. {clock_label(seg.start)}–{clock_label(seg.end)} {escape(text)}</title>'
                   f'<rect x="{left:.1f}" y="0" width="{max(right - left, 0.5):.1f}" height="{height - AXIS}" '
                   f'fill="{c["band"] if k % 2 else c["background"]}"/></g>')
    step = tick_step(duration)
    for t in range(step, int(duration) + 1, step):
        out.append(f'<line x1="{x(t)}" x2="{x(t)}" y1="{WAVE_TOP}" y2="{height - AXIS}" stroke="{c["grid"]}" '
                   'stroke-dasharray="2 2"/>')
    mid = (WAVE_TOP + WAVE_BOTTOM) / 2
    half = (WAVE_BOTTOM - WAVE_TOP) / 2
    scale = width / max(1, len(peaks))
    upper = [f"{(i + 0.5) * scale:.1f},{mid - max(0.5, p * half / 1000):.1f}" for i, p in enumerate(peaks)]
    lower = [f"{(i + 0.5) * scale:.1f},{mid + max(0.5, p * half / 1000):.1f}" for i, p in reversed(list(enumerate(peaks)))]
    if peaks:
        out.append(f'<polygon class="wave" fill="{c["wave"]}" points="{" ".join(upper + lower)}"/>')
    for seg in programme.segments:
        for cue in seg.cues[1:]:
            out.append(f'<line class="cue" x1="{x(cue.start)}" x2="{x(cue.start)}" y1="{WAVE_TOP}" '
                       f'y2="{WAVE_BOTTOM}" stroke="{c["cue"]}" stroke-dasharray="3 3"/>')
        out.append(f'<line class="sentence-start" x1="{x(seg.start)}" x2="{x(seg.start)}" y1="0" '
                   f'y2="{height - AXIS}" stroke="{c["sentence"]}" stroke-opacity="0.7"/>')
    last_label_end = -float(LABEL_GAP) - 1  # the first sentence is always numbered
    for seg in programme.segments:  # every number that does not touch the one before (an hour: every few)
        label = str(seg.segment.index)
        left, right = float(x(seg.start)), float(x(seg.end))
        half_label = len(label) * LABEL_PX / 2
        centre = min(max((left + right) / 2, half_label), width - half_label)
        if centre - half_label > last_label_end + LABEL_GAP:
            out.append(f'<text class="number" x="{centre:.1f}" y="{LABELS - 4}" text-anchor="middle" '
                       f'fill="{c["sentence"]}" font-weight="bold">{label}</text>')
            last_label_end = centre + half_label
    axis_y = height - AXIS
    out.append(f'<line x1="0" x2="{width}" y1="{axis_y}" y2="{axis_y}" stroke="{c["text"]}"/>')
    for t in range(0, int(duration) + 1, step):
        anchor = "start" if t == 0 else "end" if float(x(t)) > width - 30 else "middle"
        out.append(f'<line x1="{x(t)}" x2="{x(t)}" y1="{axis_y}" y2="{axis_y + 5}" stroke="{c["text"]}"/>'
                   f'<text class="time" x="{x(t)}" y="{height - 4}" text-anchor="{anchor}" '
                   f'fill="{c["text"]}">{clock_label(t)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_svg(path: Path, master: Master, programme: Programme) -> None:
    peaks = columns(master, WIDTH) if master.n_samples else [0] * WIDTH
    path.write_text(render(peaks, programme, master.n_samples / master.sample_rate), encoding="utf-8")
