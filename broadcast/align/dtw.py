"""Dynamic time warping of a recording (rows) onto a synthetic rendering of its text (columns), in a band.

Every recording frame takes one step: the text position stays, moves one frame or two (so the synthetic voice
may run at most twice as fast as the reader, and may wait on the reader indefinitely). Two extra moves make
what goes wrong visible instead of smearing it over the neighbours:

- at a sentence boundary (a column in the pause between two synthetic sentences) a recording frame costs at
  most `insertion`: the path may linger there over speech or music with no text, or a long pause;
- from one boundary the path may jump to the next at a `skip` cost: a sentence the recording does not contain.

One column past the last is an absorbing end: recording beyond the text costs `insertion` per frame. So the
window may hold more recording than the text needs, and where the text ends is found, not assumed.

Only a band of columns around the diagonal is kept per row (`band` each side): memory is rows × band. Rows are
computed one at a time with three vector operations over the band; the path is traced back by recomputing
which move was cheapest, so no table of moves is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

_ROW_BLOCK = 256  # rows whose distances are computed in one matrix product
_PAD = 2  # columns of +inf before each row, so "one or two frames back" needs no bounds checks


@dataclass(frozen=True)
class Path:
    columns: np.ndarray  # int32: for each recording frame, its synthetic frame; n_columns means past the text
    costs: np.ndarray  # float32: the local cost paid at each recording frame
    skipped: tuple[int, ...]  # k for every sentence k (0-based, between boundaries k and k + 1) jumped over
    total: float


class NoPath(ValueError):
    """The band holds no path: the recording is less than half as long as the text."""


def band_starts(n_rows: int, n_columns: int, band: int, slope: float = 1.0) -> tuple[np.ndarray, int]:
    """First column of each row's band and the band's width (the whole text when it is narrow enough)."""
    width = min(n_columns, 2 * band + 1)
    if n_rows > 1:  # the last row's band must reach the last column, however short the recording
        slope = max(slope, (n_columns - 1 - band) / (n_rows - 1))
    centre = np.round(np.arange(n_rows) * slope).astype(np.int64)
    lo = np.clip(centre - band, 0, n_columns - width)
    return np.maximum.accumulate(lo), width


def _block_distances(rec: np.ndarray, syn: np.ndarray, rows: slice, first: int, last: int,
                     bounds: np.ndarray, insertion: float) -> np.ndarray:
    """Euclidean distances of recording rows to synthetic columns [first, last); boundary columns capped at
    `insertion`."""
    r, s = rec[rows], syn[first:last]
    square = np.sum(r * r, axis=1)[:, None] + np.sum(s * s, axis=1)[None, :] - 2.0 * (r @ s.T)
    out = np.sqrt(np.maximum(square, 0.0)).astype(np.float32)
    inside = bounds[(bounds >= first) & (bounds < last)] - first
    if len(inside):
        out[:, inside] = np.minimum(out[:, inside], insertion)
    return out


def warp(rec: np.ndarray, syn: np.ndarray, boundaries: Sequence[int], band: int, insertion: float,
         skip: float | Sequence[float], slope: float = 1.0, beyond: float | None = None) -> Path:
    """The cheapest path from (0, 0) to the end (the last text frame, or past it) through the band.

    `boundaries` are the text's sentence-boundary columns; a skip leaves boundary k for boundary k + 1.
    `beyond` is the cost of a recording frame past the text (`insertion` unless given). `skip` is one cost for
    every sentence or one per sentence.
    """
    n, m = len(rec), len(syn)
    if n == 0 or m == 0:
        return Path(np.full(n, m, np.int32), np.full(n, insertion, np.float32), (), float(insertion) * n)
    lo, width = band_starts(n, m, band, slope)
    lo_list = lo.tolist()
    bounds = np.array(sorted({int(b) for b in boundaries if 0 <= b < m}), dtype=np.int64)
    pairs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
    skips = [float(skip)] * len(pairs) if isinstance(skip, (int, float)) else [float(c) for c in skip]
    tail = int(np.max(np.diff(lo))) + 1 if n > 1 else 1
    table = np.full((n, _PAD + width + tail), np.inf, dtype=np.float32)  # accumulated cost, band only
    end = np.full(n, np.inf, dtype=np.float64)  # accumulated cost of being past the text
    ins = np.float32(insertion if beyond is None else beyond)
    skip_from, skip_until = skip_rows(lo, width, pairs)
    n_pairs, k_lo, k_hi = len(pairs), 0, 0  # the skips open at the current row: pairs[k_lo:k_hi]
    for block in range(0, n, _ROW_BLOCK):
        rows = slice(block, min(n, block + _ROW_BLOCK))
        first = lo_list[rows.start]
        last = lo_list[rows.stop - 1] + width
        costs = _block_distances(rec, syn, rows, first, last, bounds, insertion)
        for i in range(rows.start, rows.stop):
            here = lo_list[i]
            cost = costs[i - block, here - first : here - first + width]
            out = table[i, _PAD : _PAD + width]
            if i == 0:
                out[0] = cost[0] if here == 0 else np.inf
                continue
            previous = table[i - 1]
            base = _PAD + here - lo_list[i - 1]
            np.minimum(previous[base : base + width], previous[base - 1 : base - 1 + width], out=out)
            np.minimum(out, previous[base - 2 : base - 2 + width], out=out)
            while k_hi < n_pairs and skip_from[k_hi] <= i:
                k_hi += 1
            while k_lo < k_hi and skip_until[k_lo] <= i:
                k_lo += 1
            for k in range(k_lo, k_hi):  # a sentence left out: boundary a of the row before → b
                a, b = pairs[k]
                candidate = previous[base + a - here] + skips[k]
                if candidate < out[b - here]:
                    out[b - here] = candidate
            np.add(out, cost, out=out)
            last_column = m - 1 - lo_list[i - 1]
            from_text = previous[_PAD + last_column] if last_column < width else np.inf
            end[i] = min(end[i - 1], from_text) + ins
    last_column = m - 1 - lo_list[n - 1]
    at_text_end = float(table[n - 1, _PAD + last_column]) if last_column < width else np.inf
    if not np.isfinite(min(end[n - 1], at_text_end)):
        raise NoPath("no path through the band")
    columns, skipped = _trace(table, end, rec, syn, lo_list, width, bounds, pairs, ins, skips,
                              past=end[n - 1] < at_text_end)
    costs = path_costs(rec, syn, columns, bounds, insertion, float(ins))
    return Path(columns, costs, tuple(sorted(skipped)), float(costs.sum()))


def skip_rows(lo: np.ndarray, width: int, pairs: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """For each skip a → b, the rows i ≥ 1 that can take it, [from, until): b in row i's band, a in row i − 1's.
    Both ends rise with the skip (the band only moves right), so the skips open at a row are a run of them."""
    if not pairs:
        return [], []
    a, b = np.array(pairs, dtype=np.int64).T

    def first_row(lowest: np.ndarray) -> np.ndarray:  # the first row whose band starts above `lowest`
        return np.searchsorted(lo, lowest, side="right")

    start = np.maximum(np.maximum(first_row(b - width), first_row(a - width) + 1), 1)
    until = np.minimum(np.minimum(first_row(b), first_row(a) + 1), len(lo))
    return start.tolist(), until.tolist()


def _trace(table: np.ndarray, end: np.ndarray, rec: np.ndarray, syn: np.ndarray, lo: list[int], width: int,
           bounds: np.ndarray, pairs: list[tuple[int, int]], ins: np.float32, skips: list[float],
           past: bool) -> tuple[np.ndarray, list[int]]:
    """Walk back from the end, at each row taking the move whose cost explains the cell's value."""
    n, m = len(table), len(syn)
    columns = np.empty(n, dtype=np.int32)
    skipped: list[int] = []
    boundary_index = {b: k for k, b in enumerate(bounds.tolist())}
    into = {b: (a, np.float32(cost)) for (a, b), cost in zip(pairs, skips)}
    j = m - 1
    i = n - 1
    while past and i > 0:
        columns[i] = m
        last_column = m - 1 - lo[i - 1]
        from_text = table[i - 1, _PAD + last_column] if last_column < width else np.inf
        if from_text <= end[i - 1]:
            past = False
        i -= 1
    for i in range(i, -1, -1):
        columns[i] = j
        if i == 0:
            break
        previous = table[i - 1]
        base = _PAD + j - lo[i - 1]
        two, one, stay = previous[base - 2 : base + 1].tolist()
        # the cheapest move; ties: the smallest, as in the forward pass
        step, best = (0, stay) if stay <= one and stay <= two else ((1, one) if one <= two else (2, two))
        if j in into:
            a, skip = into[j]
            offset = a - lo[i - 1]
            if 0 <= offset < width and previous[_PAD + offset] + skip < best:
                skipped.append(boundary_index[a])
                j = a
                continue
        j -= step
    return columns, skipped


def path_costs(rec: np.ndarray, syn: np.ndarray, columns: np.ndarray, bounds: np.ndarray,
               insertion: float, beyond: float) -> np.ndarray:
    """The local cost paid at each recording frame along a path (`beyond` past the text; at boundaries
    `insertion` where that is less than the distance)."""
    m = len(syn)
    inside = columns < m
    costs = np.full(len(columns), beyond, dtype=np.float32)
    idx = columns[inside]
    costs[inside] = np.sqrt(np.sum((rec[inside] - syn[idx]) ** 2, axis=1))
    at_boundary = np.zeros(len(columns), dtype=bool)
    at_boundary[inside] = np.isin(idx, bounds)
    costs[at_boundary] = np.minimum(costs[at_boundary], insertion)
    return costs
