"""Where each sentence (and each cue inside it) is spoken in a recording of its text.

1. The pace: the text's syllables over the recording's sounding time; eSpeak reads each sentence at that pace
   (with its word events giving where every cue is in the synthetic audio; through the segment cache).
2. Windows of about WINDOW_SECONDS of synthetic speech, each started at the pause after the last sentence the
   previous window settled (an anchor): MFCC + deltas of both, normalised per window, warped onto each other
   in a band (`dtw.warp`), which also finds sentences the recording lacks (skips) and sound with no text
   (insertions at sentence boundaries).
3. Each sentence's edges move from the warp's guess to the pause that holds them (`refine`); each cue boundary
   to a short pause near its guess when there is one.
4. A confidence per sentence, from what can be checked: the pauses at its edges, its length against the
   text's, stretches of speech the text does not account for, and how much better its own text explains the
   stretch than the same text played backwards (a test that cancels voice, channel and noise). A boundary
   beside a sentence far shorter or longer than its text is decided again among the pauses there.

Memory does not grow with length: one window of features and one of synthetic speech at a time; the whole
recording is only a list of hop energies (1.4 MB an hour).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

import numpy as np

from broadcast.align import blas, dtw, features, refine
from broadcast.align.features import FRAME, HOP
from broadcast.align.recording import Analysis, InMemory
from broadcast.errors import BroadcastError

SYNTH_PAUSE = 0.3  # s of silence put between synthetic sentences: where boundaries and insertions sit
WINDOW_SECONDS = 40.0  # synthetic speech per warp
SLACK_SECONDS = 10.0  # recording beyond the window's expected length, for pauses and sound with no text
BAND_SECONDS = 12.0  # half-width of the warp's band
STEP = 2  # the warp works on 20 ms frames (pairs of 10 ms frames averaged): a quarter of the work, and the
# edges come from the pauses at 10 ms anyway
INSERTION_SHARE = 0.95  # cost of a recording frame held at a boundary, in units of the median distance between
# unrelated frames (a matching frame costs about 0.75 of it, a wrong word 0.85)
BEYOND_SHARE = 0.8  # cost of recording past the window's text: about what a matching frame costs, so the text
# is not stretched over the next sentences' speech to avoid it
SKIP_SHARE = 15.0  # cost of leaving a sentence out, in the same units
# The first sentence is the title, which a newsreader often does not read (the lead-in is said instead); at the
# recording's start any sound before the first sentence already costs only an insertion, so leaving the title
# out needs little more evidence than that its frames match nothing.
FIRST_SKIP_SHARE = 3.0
SETTLE_SECONDS = 10.0  # the last this much of a window's text is left for the next window to settle
DITHER_DB = -60.0  # noise under the synthetic voice, so its pauses look like a recording's
ESPEAK_SOUNDING_PACE = 1.1  # eSpeak at rate r sounds r × this syllables per second of sound
MIN_RATE, MAX_RATE = 1.5, 8.0
LOW_CONFIDENCE = 0.6
# `match` (a sentence's warp cost over the cost with its text reversed) measured 0.78–0.93 for sentences read
# as written and 0.93–1.0 for other speech; `versus` (over the cost with another sentence's text) medians of
# 0.90–0.95 for readings of the text (0.95 with music 15 dB under) and 0.98–1.02 for recordings of other
# sentences. A recording whose medians pass both limits is not a reading of the text; nor is one whose
# sentences are MISMATCH_SHARE or more missing or doubtful. Between, the doubtful sentences are listed.
MATCH_GOOD, MATCH_BAD = 0.94, 0.99
MISMATCH_MATCH, MISMATCH_VERSUS = 0.92, 0.97
MISMATCH_SHARE = 0.5
LENGTH_GOOD, LENGTH_BAD = 1.35, 2.0  # a sentence's length over its text's (at the recording's pace), either way:
# read as written 0.78–1.24 measured; with 1.4 s of a jingle attached 1.68
RESPLIT_RANGE = (0.7, 1.4)  # a sentence's length over its text's (at the window's pace) outside this is re-split
EDGE_TEXT = 0.3  # s of a sentence's text at either end checked for sound pinned on it
STALL_SECONDS = 0.6  # this much sounding recording on under 50 ms of text is speech the text lacks
UNTRANSCRIBED_SECONDS = 0.5  # sound between sentences worth reporting
SQUEEZED_SHARE = 0.25  # a sentence given less than this share of its expected length is not in the recording
LONG_PAUSE_SECONDS = 5.0


class AlignError(BroadcastError):
    pass


@dataclass(frozen=True)
class Timing:
    """Where one sentence is spoken: None when the recording does not contain it."""

    start: float | None
    end: float | None
    parts: tuple[tuple[float, float], ...]  # each cue's speech span, s
    confidence: float  # 0–1
    reason: str = ""  # why the confidence is low ("" when it is not)
    measures: dict = field(default_factory=dict, compare=False)  # what the confidence was made of

    @property
    def found(self) -> bool:
        return self.start is not None

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True)
class Stretch:
    start: float
    end: float
    what: str  # "sound with no text" or "silence"


@dataclass
class Alignment:
    sentences: list[Timing]
    duration: float  # of the recording, s
    rate: float  # the synthetic voice's pace, syllables/s
    untranscribed: list[Stretch] = field(default_factory=list)

    def low(self) -> list[int]:
        """Positions (from 0) of low-confidence sentences."""
        return [k for k, t in enumerate(self.sentences) if t.low]


Speaker = Callable[[list[list[str]], float], Iterator["SpokenSentence"]]


@dataclass(frozen=True)
class SpokenSentence:
    """A sentence as the synthetic voice says it, at ANALYSIS_RATE, trimmed to its speech."""

    samples: np.ndarray
    parts: tuple[tuple[int, int], ...]  # each part's span, samples

    @property
    def seconds(self) -> float:
        return len(self.samples) / features.ANALYSIS_RATE


def espeak_speaker(voice: str | None = None, cache=None) -> Speaker:
    """Sentences read by eSpeak NG at a pace (through the segment cache when one is given)."""

    def speak(sentences: list[list[str]], rate: float) -> Iterator[SpokenSentence]:
        from broadcast.voice import engines

        engine = engines.create("espeak", voice, rate)
        for parts in sentences:
            key = cache.key(engine, parts) if cache is not None else None
            audio = cache.get(key) if key is not None else None
            if audio is None:
                audio = engine.synthesize(list(parts))
                if key is not None:
                    cache.put(key, audio)
            yield spoken(audio.pcm, audio.sample_rate, audio.part_spans)

    return speak


def spoken(pcm: bytes, sample_rate: int, part_spans: Sequence[tuple[int, int]]) -> SpokenSentence:
    """A synthetic sentence at ANALYSIS_RATE, cut to its speech, parts counted from the cut."""
    from broadcast.align.recording import to_analysis

    samples = to_analysis(pcm, sample_rate)
    ratio = features.ANALYSIS_RATE / sample_rate
    spans = [(int(a * ratio), int(b * ratio)) for a, b in part_spans] or [(0, len(samples))]
    first, last = spans[0][0], max(spans[-1][1], spans[0][0] + 1)
    return SpokenSentence(samples[first:last], tuple((a - first, b - first) for a, b in spans))


def syllables(parts: Sequence[str]) -> int:
    from broadcast.speech.estimate import count_syllables

    return sum(count_syllables(p) for p in parts)


def estimate_rate(signal: Analysis | InMemory, sentences: Sequence[Sequence[str]], quiet: np.ndarray) -> float:
    """The eSpeak rate that sounds the text in about the time the recording sounds."""
    sounding = max(1.0, float(np.count_nonzero(~quiet)) * FRAME)
    pace = sum(syllables(p) for p in sentences) / sounding
    return round(min(MAX_RATE, max(MIN_RATE, pace / ESPEAK_SOUNDING_PACE)), 1)


@dataclass
class _Window:
    first: int  # first sentence
    spoken: list[SpokenSentence]
    starts: list[int]  # each sentence's first sample in the synthetic window
    samples: np.ndarray

    @property
    def last(self) -> int:
        return self.first + len(self.spoken) - 1


def _dither(n: int, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(n) * 10 ** (DITHER_DB / 20)).astype(np.float32)


def _synthetic(first: int, spoken: list[SpokenSentence]) -> _Window:
    gap = int(SYNTH_PAUSE * features.ANALYSIS_RATE)
    pieces, starts, position = [], [], 0
    for s in spoken:
        pieces.append(np.zeros(gap, np.float32))
        position += gap
        starts.append(position)
        pieces.append(s.samples)
        position += len(s.samples)
    pieces.append(np.zeros(gap, np.float32))
    samples = np.concatenate(pieces)
    samples = samples + _dither(len(samples), first)
    return _Window(first, spoken, starts, samples)


class _Mapper:
    """Synthetic frame → recording frame along a warp path (rows counted from `offset`)."""

    def __init__(self, columns: np.ndarray, offset: int) -> None:
        self.columns = columns
        self.offset = offset

    def start(self, column: int) -> int:
        i = int(np.searchsorted(self.columns, column, side="left"))
        return self.offset + min(i, len(self.columns))

    def end(self, column: int) -> int:
        """One past the last row at or before `column - 1`."""
        i = int(np.searchsorted(self.columns, column - 1, side="right"))
        return self.offset + i


def _unrelated_distance(rec: np.ndarray, syn: np.ndarray, seed: int) -> float:
    """Median distance between random frames of the two: the scale insertion and skip costs are set in."""
    rng = np.random.default_rng(seed)
    n = 4096
    a = rec[rng.integers(0, len(rec), n)]
    b = syn[rng.integers(0, len(syn), n)]
    return float(np.median(np.sqrt(np.sum((a - b) ** 2, axis=1))))


def align(
    signal: Analysis | InMemory,
    sentences: Sequence[Sequence[str]],
    speaker: Speaker | None = None,
    progress: Callable[[int, int], None] | None = None,
    rate: float | None = None,
) -> Alignment:
    """Time every sentence (its parts: the cues' speech texts) in the recording; see the module docstring."""
    with blas.one_thread():
        return _align(signal, sentences, speaker, progress, rate)


def _align(
    signal: Analysis | InMemory,
    sentences: Sequence[Sequence[str]],
    speaker: Speaker | None,
    progress: Callable[[int, int], None] | None,
    rate: float | None,
) -> Alignment:
    if not sentences:
        raise AlignError("nothing to align: the transcript has no sentences")
    speaker = speaker or espeak_speaker()
    quiet = refine.quiet(signal.energy)
    n_frames = len(signal.energy)
    if not np.any(~quiet):
        raise AlignError("the recording is silent")
    rate = rate or estimate_rate(signal, sentences, quiet)
    pauses = _Pauses(refine.pauses(quiet, min_length=refine.MIN_CUE_PAUSE), n_frames * FRAME)
    voice = speaker([list(p) for p in sentences], rate)
    pending: list[SpokenSentence] = []
    next_sentence = 0  # the first sentence not yet synthesized
    results: list[_Placed | None] = [None] * len(sentences)
    anchor = 0  # recording frame the next window starts at
    first = 0  # first sentence of the next window
    while first < len(sentences):
        while next_sentence < len(sentences) and (
            not pending or sum(s.seconds for s in pending) < WINDOW_SECONDS
        ):
            pending.append(next(voice))
            next_sentence += 1
        # the rest joins this window when it would make a short last one
        while next_sentence < len(sentences) and sum(s.seconds for s in pending) < 1.5 * WINDOW_SECONDS and \
                _remaining_seconds(sentences, next_sentence, rate) < 0.5 * WINDOW_SECONDS:
            pending.append(next(voice))
            next_sentence += 1
        window = _synthetic(first, pending)
        final = window.last == len(sentences) - 1
        syn_frames = features.n_frames(len(window.samples))
        if final:
            rows = n_frames - anchor
        else:
            rows = min(n_frames - anchor, int(syn_frames * 1.3 + SLACK_SECONDS / FRAME))
        accepted = _align_window(signal, window, anchor, rows, pauses, quiet, final,
                                 len(window.spoken) if final else _settled(window))
        for k, p in enumerate(accepted):
            results[first + k] = p
        done = len(accepted)
        last = accepted[-1]
        anchor = max(anchor + 1, last.next_anchor)
        first += done
        pending = pending[done:]
        if progress:
            progress(first, len(sentences))
    timings = _confidence(_in_order([r for r in results if r is not None]), signal)
    _check_reading(timings)
    alignment = Alignment(timings, signal.duration, rate)
    alignment.untranscribed = _untranscribed(timings, quiet, signal.duration)
    return alignment


def _remaining_seconds(sentences: Sequence[Sequence[str]], start: int, rate: float) -> float:
    return sum(syllables(p) for p in sentences[start:]) / (rate * ESPEAK_SOUNDING_PACE)


@dataclass
class _Placed:
    """One sentence placed by a window, before its confidence is judged."""

    start: float | None
    end: float | None
    parts: list[tuple[float, float]]
    guess: tuple[float, float] | None  # where the warp put it
    start_pause: bool
    end_pause: bool
    synthetic_seconds: float
    stall: float  # longest sounding stretch on under 50 ms of text, s
    match: float  # cost with its text over cost with its text reversed (lower is better; ~0.89 when right)
    next_anchor: int  # recording frame where the next window may start after this sentence
    versus: float | None = None  # cost with its text over cost with another sentence's text (~1 when wrong)


def _in_order(placed: list[_Placed]) -> list[_Placed]:
    """No sentence ends after the next one starts: where two overlap (one kept the warp's guess, the other moved
    to a pause), the earlier one ends where the next begins. Clips and cues must never share sound."""
    found = [p for p in placed if p.start is not None and p.end is not None]
    for earlier, later in zip(found, found[1:]):
        if earlier.end > later.start:  # type: ignore[operator]
            earlier.end = max(earlier.start, later.start)  # type: ignore[type-var]
            earlier.parts = [(min(a, earlier.end), min(b, earlier.end)) for a, b in earlier.parts]  # type: ignore[type-var]
    return placed


def _settled(window: _Window) -> int:
    """How many sentences a window that is not the last settles: those whose text ends SETTLE_SECONDS or more
    before the window's text does (where the window ends in the recording is itself a guess); at least one."""
    limit = len(window.samples) - SETTLE_SECONDS * features.ANALYSIS_RATE
    settled = 0
    for start, s in zip(window.starts, window.spoken):
        if start + len(s.samples) > limit:
            break
        settled += 1
    return max(1, settled)


def _align_window(signal: Analysis | InMemory, window: _Window, anchor: int, rows: int,
                  pauses: "_Pauses", quiet: np.ndarray, final: bool, settled: int) -> list[_Placed]:
    """The window's first `settled` sentences placed (the rest wait for the next window: they are not judged
    here, only their guesses and edges count towards the window's pace)."""
    rec_samples = signal.read(anchor * HOP, (anchor + rows) * HOP + features.WINDOW)
    rec = _coarse(features.normalise(features.describe(rec_samples)[:rows]))
    syn = _coarse(features.normalise(features.describe(window.samples)))
    rows = len(rec) * STEP
    bounds = [0]
    gap = int(SYNTH_PAUSE * features.ANALYSIS_RATE)
    for start in window.starts[1:]:
        bounds.append((start - gap // 2) // (HOP * STEP))
    bounds.append(len(syn) - 1)
    scale = _unrelated_distance(rec, syn, window.first)
    path = dtw.warp(rec, syn, bounds, band=int(BAND_SECONDS / FRAME / STEP), insertion=INSERTION_SHARE * scale,
                    skip=[(FIRST_SKIP_SHARE if window.first + k == 0 else SKIP_SHARE) * scale
                          for k in range(len(bounds) - 1)], beyond=None if final else BEYOND_SHARE * scale)
    columns = np.repeat(path.columns * STEP, STEP)  # back to 10 ms frames
    mapper = _Mapper(columns, anchor)
    skipped = set(path.skipped)
    guesses: list[tuple[float, float] | None] = []
    for k, (s, start) in enumerate(zip(window.spoken, window.starts)):
        if k in skipped:
            guesses.append(None)
            continue
        a = mapper.start(start // HOP)
        b = max(a + 1, mapper.end((start + len(s.samples)) // HOP))
        guesses.append((a * FRAME, b * FRAME))
    placed: list[_Placed] = []
    found = [k for k, g in enumerate(guesses) if g is not None]
    edges: dict[int, tuple[float, float, bool, bool]] = {}
    for n, k in enumerate(found):
        g = guesses[k]
        assert g is not None
        before = guesses[found[n - 1]][1] if n > 0 else None  # type: ignore[index]
        after = guesses[found[n + 1]][0] if n + 1 < len(found) else None  # type: ignore[index]
        edges[k] = _refine_edges(g, before, after, pauses)
    _resplit(edges, window, rec, syn, anchor, pauses, settled)
    for k, s in enumerate(window.spoken[:settled]):
        if k not in edges:
            at = mapper.start(bounds[k + 1] * STEP) if k + 1 < len(bounds) else anchor + rows
            placed.append(_Placed(None, None, [], None, False, False, s.seconds, 0.0, 1.0, at, None))
            continue
        start, end, start_pause, end_pause = edges[k]
        text = (window.starts[k] // HOP, (window.starts[k] + len(s.samples)) // HOP)
        start, end = _trim_edges(start, end, columns, anchor, text, quiet, pauses)
        stall = max((h[2] for h in _holds(columns, anchor, start, end, quiet)), default=0.0)
        parts = _parts(s, window.starts[k], mapper, start, end, pauses)
        match, versus = _match(rec, syn, anchor, start, end, window, k)
        next_anchor = int(round(end / FRAME))
        placed.append(_Placed(start, end, parts, guesses[k], start_pause, end_pause, s.seconds, stall, match,
                              next_anchor, versus))
    return placed


def _resplit(edges: dict[int, tuple[float, float, bool, bool]], window: _Window, rec: np.ndarray, syn: np.ndarray,
             anchor: int, pauses: "_Pauses", settled: int) -> None:
    """Second thoughts on boundaries next to a sentence much shorter or longer than its text: the warp can
    squeeze one sentence to give its neighbour a pause that belongs to the squeezed one (a fast reader, a
    short sentence last). For such a pair, every pause between them is tried as their boundary, and the one
    whose two halves each warp onto their own text most cheaply (per frame) wins. Pairs are taken in order and
    only while their first sentence is among the `settled` (a pair changes only its own two sentences)."""
    found = sorted(edges)
    if len(found) < 2:
        return
    ratios = {k: (edges[k][1] - edges[k][0]) / window.spoken[k].seconds for k in found}
    pace = float(np.median(list(ratios.values())))

    def text(k: int) -> np.ndarray:
        first = window.starts[k] // (HOP * STEP)
        return syn[first : (window.starts[k] + len(window.spoken[k].samples)) // (HOP * STEP)]

    def cost(k: int, start: float, end: float) -> float:
        a, b = int(start / FRAME - anchor) // STEP, int(end / FRAME - anchor) // STEP
        t = text(k)
        if a < 0 or b > len(rec) or b - a < 3 or len(t) < 3:
            return float("inf")
        return _warp_cost(rec[a:b], t)

    for n in range(len(found) - 1):
        a, b = found[n], found[n + 1]
        if a >= settled:
            break
        if all(RESPLIT_RANGE[0] <= ratios[k] / pace <= RESPLIT_RANGE[1] for k in (a, b)):
            continue
        start, end = edges[a][0], edges[b][1]
        options = [p for p in pauses.near(start, end, 0.0) if start + 0.2 < p.start and p.end < end - 0.2]
        if not options:
            continue

        def split_cost(p: refine.Pause) -> float:
            return (cost(a, start, p.start) + cost(b, p.end, end)) / max(1.0, (end - start - p.length) / FRAME)

        best = min(options, key=split_cost)
        if np.isfinite(split_cost(best)):
            edges[a] = (edges[a][0], best.start, edges[a][2], True)
            edges[b] = (best.end, edges[b][1], True, edges[b][3])
            ratios[a], ratios[b] = ((best.start - start) / window.spoken[a].seconds,
                                    (end - best.end) / window.spoken[b].seconds)


def _coarse(frames: np.ndarray) -> np.ndarray:
    """Pairs of frames averaged: 20 ms frames for the warp."""
    n = len(frames) // STEP * STEP
    return frames[:n].reshape(-1, STEP, frames.shape[1]).mean(axis=1)


def _refine_edges(guess: tuple[float, float], before: float | None, after: float | None,
                  pauses: "_Pauses") -> tuple[float, float, bool, bool]:
    """A sentence's start and end moved to the pauses that hold them (the warp's guess where none is near)."""
    g_start, g_end = guess

    lead = refine.choose(pauses.near(g_start - 1, g_start + 1), before if before is not None else g_start, g_start)
    tail = refine.choose(pauses.near(g_end - 1, g_end + 1), g_end, after if after is not None else g_end)
    start = lead.end if lead is not None else g_start
    end = tail.start if tail is not None else g_end
    if end <= start:  # the pauses chosen cross: keep the warp's guess
        start, end = g_start, g_end
        lead = tail = None
    return start, end, lead is not None, tail is not None


def _parts(s: SpokenSentence, offset: int, mapper: _Mapper, start: float, end: float,
           pauses: "_Pauses") -> list[tuple[float, float]]:
    """Each cue's span: the warp's guess for its inner boundaries, moved to a short pause when one is near."""
    if len(s.parts) == 1:
        return [(start, end)]
    cuts: list[tuple[float, float]] = []  # (end of part k, start of part k+1)
    for (a, b), (c, d) in zip(s.parts, s.parts[1:]):
        end_k = mapper.end((offset + b) // HOP) * FRAME
        start_next = mapper.start((offset + c) // HOP) * FRAME
        lo, hi = min(end_k, start_next), max(end_k, start_next)
        pause = refine.choose(pauses.near(lo, hi, refine.CUE_SEARCH, short=True), end_k, start_next,
                              refine.CUE_SEARCH)
        if pause is not None and start < pause.start and pause.end < end:
            cuts.append((pause.start, pause.end))
        else:
            middle = min(end, max(start, (end_k + start_next) / 2))
            cuts.append((middle, middle))
    spans = []
    previous = start
    for cut_end, cut_start in cuts:
        cut_end = min(max(cut_end, previous), end)
        spans.append((previous, cut_end))
        previous = min(max(cut_start, cut_end), end)
    spans.append((previous, end))
    return spans


def _holds(columns: np.ndarray, anchor: int, start: float, end: float, quiet: np.ndarray) -> list[tuple[int, int, float]]:
    """Stretches of the sentence (recording frames [a, b)) that the warp held on under 50 ms of its text, with
    how much of each is sounding (s): sound the text does not account for, when long."""
    a = max(0, int(start / FRAME) - anchor)
    b = min(len(columns), int(end / FRAME) - anchor)
    out: list[tuple[int, int, float]] = []
    if b - a < 2:
        return out
    cols = columns[a:b]
    sounding = ~quiet[anchor + a : anchor + b]
    hold = 5  # frames of text
    i, n = 0, len(cols)
    while i < n:
        j = max(i + 1, int(np.searchsorted(cols, cols[i] + hold, side="left")))  # first row past the hold
        out.append((anchor + a + i, anchor + a + j, float(np.count_nonzero(sounding[i:j])) * FRAME))
        i = j
    return out


def _trim_edges(start: float, end: float, columns: np.ndarray, anchor: int, text: tuple[int, int],
                quiet: np.ndarray, pauses: "_Pauses") -> tuple[float, float]:
    """A sentence without sound the warp pinned on its first or last syllables (a jingle before or after it,
    an ad-lib): when the recording spends much longer sounding on the first (last) EDGE_TEXT of the text than
    that takes to say, the edge moves to the pause nearest where it should be."""
    edge_text = int(EDGE_TEXT / FRAME)
    first, last = text

    def sounding(a: int, b: int) -> float:
        return float(np.count_nonzero(~quiet[max(0, a) : max(0, b)])) * FRAME

    rows_lo, rows_hi = int(start / FRAME) - anchor, int(end / FRAME) - anchor
    if rows_hi - rows_lo < 2 * edge_text:
        return start, end
    cols = columns[max(0, rows_lo) : rows_hi]
    head = int(np.searchsorted(cols, first + edge_text, side="left"))  # rows on the first EDGE_TEXT
    tail = int(np.searchsorted(cols, last - edge_text, side="left"))  # the first row on the last EDGE_TEXT
    if sounding(anchor + rows_lo, anchor + rows_lo + head) > EDGE_TEXT + STALL_SECONDS:
        t = (anchor + rows_lo + head) * FRAME - EDGE_TEXT
        pause = refine.choose(pauses.near(t, t), t, t)
        start = max(start, pause.end if pause is not None and pause.end < end else t)
    if sounding(anchor + rows_lo + tail, anchor + rows_hi) > EDGE_TEXT + STALL_SECONDS:
        t = (anchor + rows_lo + tail) * FRAME + EDGE_TEXT
        pause = refine.choose(pauses.near(t, t), t, t)
        end = min(end, pause.start if pause is not None and pause.start > start else t)
    return start, end


class _Pauses:
    """The recording's pauses, looked up by time."""

    def __init__(self, pauses: list[refine.Pause], duration: float) -> None:
        self.items = pauses
        self.starts = [p.start for p in pauses]
        self.duration = duration

    def near(self, lo: float, hi: float, search: float = refine.SEARCH, short: bool = False) -> list[refine.Pause]:
        """Pauses within `search` of [lo, hi] that can hold a sentence edge (long enough, or the recording's own
        start or end); with `short` also those that can hold a cue boundary."""
        i = bisect.bisect_left(self.starts, lo - 30.0)  # a pause is rarely longer than 30 s
        return [p for p in self.items[i : bisect.bisect_right(self.starts, hi + search)]
                if p.end > lo - search and (short or p.length >= refine.MIN_PAUSE
                                            or refine.at_edge(p, self.duration))]


def _match(rec: np.ndarray, syn: np.ndarray, anchor: int, start: float, end: float, window: _Window,
           k: int) -> tuple[float, float | None]:
    """How well the sentence's own text explains its stretch of recording, two ways (lower is better):

    - against the same synthetic speech reversed: text really spoken there fits forwards and not backwards
      (0.78–0.93 measured on human readers), other speech fits both alike (0.93–1.0);
    - against the text of another sentence of the window (the closest in length): what the cost of the
      wrong words is for this voice, channel and noise (None when the window has no other sentence).
    """
    a = max(0, int(start / FRAME) - anchor) // STEP
    b = min(len(rec), (int(end / FRAME) - anchor) // STEP)
    stretch = rec[a:b]

    def text(j: int) -> np.ndarray:
        first = window.starts[j] // (HOP * STEP)
        return syn[first : min(len(syn), (window.starts[j] + len(window.spoken[j].samples)) // (HOP * STEP))]

    def fits(t: np.ndarray) -> bool:
        return len(stretch) >= 5 and len(t) >= 5 and len(stretch) * 2 >= len(t)

    own = text(k)
    if not fits(own):
        return 1.0, None
    forwards = _warp_cost(stretch, own)
    backwards = _warp_cost(stretch, own[::-1])
    if not (np.isfinite(forwards) and np.isfinite(backwards) and backwards > 0):
        return 1.0, None
    others = sorted((abs(len(text(j)) - len(own)), j) for j in range(len(window.spoken)) if j != k)
    other = next((c for c in (_warp_cost(stretch, text(j)) for _, j in others if fits(text(j))) if np.isfinite(c)),
                 None)
    return float(forwards / backwards), (forwards / other if other else None)


def _warp_cost(stretch: np.ndarray, text: np.ndarray) -> float:
    """Total cost of warping a stretch of recording onto a sentence's text, start to end (inf: impossible,
    the text more than twice as long)."""
    try:
        return dtw.warp(stretch, text, [0], band=len(text), insertion=1e9, skip=1e9).total
    except dtw.NoPath:
        return float("inf")


def _confidence(placed: list[_Placed], signal: Analysis | InMemory) -> list[Timing]:
    """Each sentence's confidence and, when low, the reason (the weakest of the checks)."""
    ratios = [(p.end - p.start) / p.synthetic_seconds for p in placed if p.start is not None and p.end is not None
              and p.synthetic_seconds > 0]
    pace = float(np.median(ratios)) if ratios else 1.0
    out = []
    for p in placed:
        if p.start is None or p.end is None:
            out.append(Timing(None, None, (), 0.0, "not found in the recording (left out when it was read?)"))
            continue
        length = p.end - p.start
        expected = p.synthetic_seconds * pace
        if length < SQUEEZED_SHARE * expected:  # squeezed between its neighbours: the reader left it out
            out.append(Timing(None, None, (), 0.0, f"not found in the recording (only {length:.1f} s where about "
                                                    f"{expected:.1f} s were expected; left out when it was read?)"))
            continue
        checks: list[tuple[float, str]] = []
        q = length / expected if expected > 0 else 1.0
        checks.append((_ramp(abs(math.log(q)), math.log(LENGTH_GOOD), math.log(LENGTH_BAD)),
                       f"lasts {length:.1f} s in the recording, about {expected:.1f} s expected"))
        checks.append((_ramp(p.stall, STALL_SECONDS, 2 * STALL_SECONDS),
                       f"{p.stall:.1f} s of speech here that the text does not account for"))
        checks.append((_ramp(p.match, MATCH_GOOD, MATCH_BAD), "the voice here does not follow the text"))
        pause_score = {2: 1.0, 1: 0.75, 0: 0.45}[int(p.start_pause) + int(p.end_pause)]
        where = "start or end" if not (p.start_pause or p.end_pause) else ("start" if not p.start_pause else "end")
        checks.append((pause_score, f"no pause at its {where}: the edge is a guess"))
        confidence = float(np.prod([c for c, _ in checks]))
        weakest = min(checks, key=lambda c: c[0])
        reason = weakest[1] if confidence < LOW_CONFIDENCE else ""
        measures = {"length_ratio": round(q, 3), "stall_s": round(p.stall, 2), "match": round(p.match, 3),
                    "versus": None if p.versus is None else round(p.versus, 3),
                    "pauses": int(p.start_pause) + int(p.end_pause)}
        out.append(Timing(p.start, p.end, tuple(p.parts), round(confidence, 3), reason, measures))
    return out


def _check_reading(timings: list[Timing]) -> None:
    """Refuse a recording that is not a reading of the text (the wrong file): most sentences missing or
    doubtful, or the voice following the text no better than it would other words."""
    found = [t for t in timings if t.found]
    doubtful = sum(t.low for t in timings)
    if not found or (len(timings) >= 3 and doubtful / len(timings) >= MISMATCH_SHARE):
        raise AlignError(f"{doubtful} of {len(timings)} sentences are missing from the recording or doubtful")
    match = float(np.median([t.measures["match"] for t in found]))
    versus = [t.measures["versus"] for t in found if t.measures.get("versus") is not None]
    if len(found) >= 3 and versus and match > MISMATCH_MATCH and float(np.median(versus)) > MISMATCH_VERSUS:
        raise AlignError(f"the voice follows other sentences of the text as well as its own (match {match:.2f}, "
                         f"{float(np.median(versus)):.2f} against other sentences; readings of the text measure "
                         f"under {MISMATCH_MATCH:g} and {MISMATCH_VERSUS:g})")


def _ramp(value: float, good: float, bad: float) -> float:
    """1 up to `good`, falling linearly to 0 at `bad`."""
    if value <= good:
        return 1.0
    return max(0.0, 1.0 - (value - good) / (bad - good))


def _untranscribed(timings: list[Timing], quiet: np.ndarray, duration: float) -> list[Stretch]:
    """Sound between (before, after) the sentences that no sentence accounts for, and long silences."""
    found = [t for t in timings if t.found]
    edges = [0.0] + [x for t in found for x in (t.start, t.end)] + [duration]  # type: ignore[misc]
    out = []
    for a, b in zip(edges[::2], edges[1::2]):
        lo, hi = int(a / FRAME), int(b / FRAME)
        if hi <= lo:
            continue
        sounding = np.count_nonzero(~quiet[lo:hi]) * FRAME
        if sounding >= UNTRANSCRIBED_SECONDS:
            out.append(Stretch(a, b, "sound with no text"))
        elif b - a >= LONG_PAUSE_SECONDS and 0 < a and b < duration:
            out.append(Stretch(a, b, "silence"))
    return out

