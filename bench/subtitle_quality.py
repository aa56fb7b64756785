"""Produce each bulletin and lint its subtitles: violations at the hard limits, share of cues at ≤ target cps.

    python bench/subtitle_quality.py [--rate 3.3] [TRANSCRIPT ...]

Defaults to the seed (beside the checkout), assets/sample.txt and tests/data/transcripts/*.txt.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from broadcast.pipeline import Settings, produce
from broadcast.subtitles.lint import lint
from broadcast.subtitles.rules import CueRules

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = [ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt", ROOT / "assets" / "sample.txt",
            *sorted((ROOT / "tests" / "data" / "transcripts").glob("*.txt"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("transcripts", nargs="*", type=Path)
    parser.add_argument("--rate", type=float, default=Settings.rate)
    args = parser.parse_args()
    rules = CueRules()
    print(f"rate {args.rate} syllables/s, target {rules.target_cps:g} cps, limit {rules.max_cps:g} cps")
    print(f"{'file':24} {'cues':>5} {'violations':>10} {'≤17 cps':>8} {'fastest':>8} {'median':>7}")
    with tempfile.TemporaryDirectory() as out:
        for path in [p for p in (args.transcripts or DEFAULTS) if p.exists()]:
            result = produce(path, Path(out), Settings(rate=args.rate))
            report = lint(result.folder / f"{path.stem}.srt", rules)
            speeds = sorted(c.cps for c in report.cues)
            n = len(speeds)
            print(f"{path.stem[:24]:24} {n:5d} {len(report.violations):10d} "
                  f"{100 * report.within_target / n:7.0f}% {speeds[-1]:8.1f} {speeds[n // 2]:7.1f}")


if __name__ == "__main__":
    main()
