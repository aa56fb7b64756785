"""Measure the edge voices' own pace, which maps --rate (syllables per second) to the service's rate: each voice
reads a bulletin at "+0%" and then at the mapped rates, and the pace is syllables over speech time (from each
sentence's first sound to its last, pauses at commas included; one written Vietnamese word is one syllable).

    python bench/edge_rate.py --online [TRANSCRIPT]   # the real service: needs internet; prints NATURAL_RATE
    python bench/edge_rate.py [TRANSCRIPT]            # the local fake (a voice of known pace): checks the procedure

Put the printed NATURAL_RATE into broadcast/voice/edge_engine.py (and set RATE_CALIBRATED = True): cached
sentences are then spoken anew, since the mapped percentage is part of the cache key.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from broadcast import pipeline  # noqa: E402
from broadcast.voice import edge_engine, synthesis  # noqa: E402
from broadcast.voice.edge_engine import EdgeEngine  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"


def pace(path: Path, segments, engine: EdgeEngine) -> float:
    syllables = seconds = 0.0
    for seg, speech in zip(segments, synthesis.synthesize(path, segments, engine)):
        if speech.part_spans:
            syllables += sum(len([w for w in c.speech.split() if any(ch.isalpha() for ch in w)]) for c in seg.cues)
            seconds += (speech.part_spans[-1][1] - speech.part_spans[0][0]) / speech.sample_rate
    return syllables / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcript", nargs="?", type=Path, default=SEED if SEED.exists() else ROOT / "assets/sample.txt")
    parser.add_argument("--online", action="store_true", help="measure the real service (needs internet)")
    parser.add_argument("--rates", default="3.3,3.9,4.5", help="syllables/s to check the mapping at")
    args = parser.parse_args()
    segments = pipeline.plan(args.transcript, pipeline.Settings())
    fake = None
    if not args.online:
        import edge_tts.communicate
        from fake_edge import FakeEdge

        fake = FakeEdge(natural_rate=4.8).__enter__()
        edge_tts.communicate.WSS_URL = fake.url
        print("local fake service, whose voice speaks 4.8 syllables/s at +0% (checks the procedure, "
              "not the real voices)\n")
    measured: dict[str, float] = {}
    try:
        print("| voice                | service rate | asked (syll/s) | measured (syll/s) |")
        print("|----------------------|-------------:|---------------:|------------------:|")
        for voice in edge_engine.NATURAL_RATE:
            neutral = EdgeEngine(voice=voice, rate=edge_engine.NATURAL_RATE[voice])  # maps to +0%
            assert neutral.percent == 0
            measured[voice] = pace(args.transcript, segments, neutral)
            print(f"| {voice:<20} | {'+0%':>12} | {'—':>14} | {measured[voice]:>17.2f} |")
            saved = dict(edge_engine.NATURAL_RATE)
            edge_engine.NATURAL_RATE[voice] = measured[voice]  # check the mapping with the measured pace
            try:
                for rate in (float(r) for r in args.rates.split(",")):
                    engine = EdgeEngine(voice=voice, rate=rate)
                    got = pace(args.transcript, segments, engine)
                    print(f"| {voice:<20} | {engine.percent:>+11d}% | {rate:>14.2f} | {got:>17.2f} |")
            finally:
                edge_engine.NATURAL_RATE.clear()
                edge_engine.NATURAL_RATE.update(saved)
    finally:
        if fake is not None:
            fake.__exit__(None, None, None)
    print("\nNATURAL_RATE = {" + ", ".join(f'"{v}": {r:.2f}' for v, r in measured.items()) + "}")


if __name__ == "__main__":
    main()
