"""What putting back eSpeak NG's carried-over counters costs, and what it buys; prints tables, asserts nothing.

    python bench/espeak_state.py [--rounds 7]

1. cost: each sentence of the seed (1×, and its paragraphs 10× over) synthesized with and without the reset,
   in alternating rounds within one process (medians); and the one-off cost at load (finding and checking the
   counters, the probe spoken twice), from fresh processes: loading eSpeak and speaking a first sentence (which
   loads the voice, as the probe does), with and without the reset.
2. what it buys: how many (voice, rate, sentence) readings of the seed differ between three orders of speaking
   (in order, reversed, shuffled), with and without the reset.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast import pipeline  # noqa: E402
from broadcast.voice.espeak import _WPM_PER_SYLLABLE_PER_SECOND, _Library  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"
SAMPLE = ROOT / "assets" / "sample.txt"
LOAD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from broadcast.voice import espeak_state
if sys.argv[2] == "without":
    def refuse(lib, path):
        raise espeak_state.StateUnavailable("measuring without")
    espeak_state.locate = refuse
from broadcast.voice.espeak import _Library
started = time.perf_counter()
_Library.get().synth(sys.argv[3], "vi", 142)  # loading, and the first sentence, which loads the voice
print(time.perf_counter() - started)
"""


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(c.rjust(w) if k and i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print()


def synthesis_cost(texts: list[str], rounds: int) -> tuple[float, float]:
    """Median seconds to speak every text, with and without the reset (alternating rounds)."""
    library = _Library.get()
    reset = library._reset
    wpm = round(pipeline.Settings().rate * _WPM_PER_SYLLABLE_PER_SECOND)
    times: dict[bool, list[float]] = {True: [], False: []}
    for k in range(rounds):
        for with_reset in (k % 2 == 0, k % 2 == 1):
            library._reset = reset if with_reset else None
            started = time.perf_counter()
            for text in texts:
                library.synth(text, "vi", wpm)
            times[with_reset].append(time.perf_counter() - started)
    library._reset = reset
    return statistics.median(times[True]), statistics.median(times[False])


def load_cost(rounds: int, first: str) -> tuple[float, float]:
    def once(mode: str) -> float:
        command = [sys.executable, "-c", LOAD, str(ROOT), mode, first]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        return float(out.stdout)

    with_, without = [], []
    for k in range(rounds):
        for mode in ("with", "without") if k % 2 == 0 else ("without", "with"):
            (with_ if mode == "with" else without).append(once(mode))
    return statistics.median(with_), statistics.median(without)


def differing(texts: list[str], with_reset: bool) -> tuple[int, int]:
    library = _Library.get()
    reset = library._reset
    library._reset = reset if with_reset else None
    readings: dict[tuple[str, int, int], set[str]] = {}
    for voice in ("vi", "vi-VN-x-central", "vi-VN-x-south"):
        for wpm in (110, 142, 200):
            orders = [list(range(len(texts))), list(reversed(range(len(texts)))), list(range(len(texts)))]
            random.Random(1).shuffle(orders[2])
            for order in orders:
                for i in order:
                    pcm, _ = library.synth(texts[i], voice, wpm)
                    readings.setdefault((voice, wpm, i), set()).add(hashlib.sha256(pcm).hexdigest())
    library._reset = reset
    return sum(len(v) > 1 for v in readings.values()), len(readings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    source = SEED if SEED.exists() else SAMPLE
    texts = [s.speech for s in pipeline.plan(source, pipeline.Settings())]
    library = _Library.get()
    if library._reset is None:
        raise SystemExit(f"the counters cannot be reset in this library: {library.state_carried}")

    print(f"1. cost, {source.name}: medians of {args.rounds} alternating rounds")
    rows = [("what", "sentences", "with reset s", "without s", "per sentence, ms", "ratio")]
    for name, batch in (("1×", texts), ("10×", texts * 10)):
        on, off = synthesis_cost(batch, args.rounds)
        rows.append((f"synthesis, {name}", str(len(batch)), f"{on:.3f}", f"{off:.3f}",
                     f"{(on - off) / len(batch) * 1000:+.3f}", f"{on / off:.3f}"))
    on, off = load_cost(args.rounds, texts[0])
    rows.append(("loading eSpeak + first sentence (once per process)", "", f"{on:.3f}", f"{off:.3f}", "",
                 f"{on - off:+.3f} s"))
    table(rows)

    print(f"2. readings that differ between three orders ({source.name}, 3 voices × 3 rates × each sentence)")
    table([("", "differing", "of"),
           *[("with reset" if r else "without", *map(str, differing(texts, r))) for r in (True, False)]])


if __name__ == "__main__":
    main()
