"""Pauses in a recording, and sentence edges moved from the DTW's guess to the pause that holds them.

Read news pauses between sentences; DTW against a synthetic voice lands near the right pause but rarely on its
edges. A pause here is a run of quiet 10 ms hops: quieter than the local noise floor plus a margin that grows
with the local speech-to-floor range (so it works on a clean studio read, under 30 dB of noise, and with a
music bed under the voice). Edges are then the pause's own edges: where the sound stops and starts again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from broadcast.align.features import FRAME

MIN_PAUSE = 0.12  # s: shorter quiet runs are stop closures and the like, not pauses
BRIDGE = 0.03  # s: a blip this short inside a pause does not end it
FLOOR_PERCENTILE = 5
SPEECH_PERCENTILE = 90
LEVEL_BLOCK = 1.0  # s: levels are measured per block and spread over ±LEVEL_REACH blocks
LEVEL_REACH = 4
MIN_MARGIN_DB = 6.0
MAX_MARGIN_DB = 15.0
MARGIN_SHARE = 0.3  # of the speech-to-floor range
# Hops under this are digital silence (an edited package, a noise gate): 16-bit quantisation noise is about
# -101 dBFS. They are left out of the noise floor, or the room tone around each sentence would count as sound.
DIGITAL_SILENCE_DB = -90.0
MIN_LIVE_SHARE = 0.1  # of a window's hops: fewer live hops than this and the floor is taken over all of them
SEARCH = 0.6  # s: how far from the DTW's guess a pause is looked for
CUE_SEARCH = 0.05  # s: the same for a cue boundary inside a sentence (stop closures lie near any guess)
MIN_CUE_PAUSE = 0.06


@dataclass(frozen=True)
class Pause:
    start: float  # s: the first quiet hop
    end: float  # s: one past the last

    @property
    def length(self) -> float:
        return self.end - self.start


def quiet_threshold(energy: np.ndarray) -> np.ndarray:
    """Per hop, the level (dB) under which the hop counts as quiet."""
    n = len(energy)
    block = max(1, int(round(LEVEL_BLOCK / FRAME)))
    n_blocks = max(1, -(-n // block))
    floors = np.empty(n_blocks, dtype=np.float32)
    speech = np.empty(n_blocks, dtype=np.float32)
    for b in range(n_blocks):
        lo, hi = max(0, (b - LEVEL_REACH) * block), min(n, (b + LEVEL_REACH + 1) * block)
        window = energy[lo:hi]
        live = window[window > DIGITAL_SILENCE_DB]
        floors[b] = np.percentile(live if len(live) >= MIN_LIVE_SHARE * len(window) else window, FLOOR_PERCENTILE)
        speech[b] = np.percentile(window, SPEECH_PERCENTILE)
    margin = np.clip(MARGIN_SHARE * (speech - floors), MIN_MARGIN_DB, MAX_MARGIN_DB)
    return np.repeat(floors + margin, block)[:n]


def quiet(energy: np.ndarray) -> np.ndarray:
    """Quiet hops, with blips of up to BRIDGE inside quiet stretches filled in."""
    mask = energy < quiet_threshold(energy)
    bridge = int(round(BRIDGE / FRAME))
    if bridge:
        loud_runs = _runs(~mask)
        for a, b in loud_runs:
            if b - a <= bridge and a > 0 and b < len(mask):
                mask[a:b] = True
    return mask


def pauses(quiet_mask: np.ndarray, offset: int = 0, min_length: float = MIN_PAUSE) -> list[Pause]:
    """Quiet runs of at least `min_length`. The recording's own start and end are pauses whatever their length
    (of none, when the sound starts at the first sample)."""
    shortest = int(round(min_length / FRAME))
    n = len(quiet_mask)
    out = []
    for a, b in _runs(quiet_mask):
        if b - a >= shortest or a == 0 or b == n:
            out.append(Pause((offset + a) * FRAME, (offset + b) * FRAME))
    if not out or out[0].start > offset * FRAME:
        out.insert(0, Pause(offset * FRAME, offset * FRAME))
    if out[-1].end < (offset + n) * FRAME:
        out.append(Pause((offset + n) * FRAME, (offset + n) * FRAME))
    return out


def at_edge(pause: Pause, duration: float) -> bool:
    return pause.start <= 0.0 or pause.end >= duration - 1e-9


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True."""
    if not len(mask):
        return []
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.nonzero(edges == 1)[0].tolist(), np.nonzero(edges == -1)[0].tolist()))


def choose(candidates: list[Pause], end_guess: float, start_guess: float, search: float = SEARCH) -> Pause | None:
    """The pause that best holds a boundary the DTW put between `end_guess` (where the sentence before ends)
    and `start_guess` (where the next starts): the one overlapping that stretch most, else the nearest, long
    pauses preferred; None when no pause lies within `search` of it."""
    lo, hi = min(end_guess, start_guess), max(end_guess, start_guess)
    best: tuple[float, Pause] | None = None
    for pause in candidates:
        distance = max(0.0, pause.start - hi, lo - pause.end)
        if distance > search:
            continue
        overlap = max(0.0, min(hi, pause.end) - max(lo, pause.start))
        score = distance - overlap - 0.5 * min(pause.length, 0.5)
        if best is None or score < best[0]:
            best = (score, pause)
    return None if best is None else best[1]


def in_range(candidates: list[Pause], lo: float, hi: float) -> list[Pause]:
    return [p for p in candidates if p.end > lo and p.start < hi]
