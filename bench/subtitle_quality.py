"""Produce each bulletin and lint its subtitles: violations at the hard limits, share of cues at ≤ target cps,
the fastest cue, breaks inside words (judged by an independent word list), and how often the bottom line of a
two-line cue is the longer.

    python bench/subtitle_quality.py [--rate 3.3] [TRANSCRIPT ...]

Defaults to the seed (beside the checkout), assets/sample.txt and tests/data/transcripts/*.txt. The word-break
column needs ../shared/wordlists/viet74k.txt (evaluation data, independent of the VnVocab list broadcast
ships); without it the column shows "-".
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from broadcast.pipeline import Settings, produce
from broadcast.subtitles.lint import lint
from broadcast.subtitles.rules import CueRules
from broadcast.text import words

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = [ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt", ROOT / "assets" / "sample.txt",
            *sorted((ROOT / "tests" / "data" / "transcripts").glob("*.txt"))]
JUDGE = ROOT.parent / "shared" / "wordlists" / "viet74k.txt"


def word_breaks(programme, judge: words.Vocabulary) -> tuple[int, int]:
    """(breaks inside a word, breaks) over every line break and every cue break inside a sentence."""
    inside = total = 0
    for seg in programme.segments:
        tokens = seg.segment.text.split(" ")
        joined = words.joined_gaps(tokens, judge, names=False)
        at = 0
        lines = [line for cue in seg.cues for line in cue.lines]
        for line in lines[:-1]:
            at += len(line.split(" "))
            total += 1
            inside += at in joined
    return inside, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("transcripts", nargs="*", type=Path)
    parser.add_argument("--rate", type=float, default=Settings.rate)
    args = parser.parse_args()
    rules = CueRules()
    judge = (words.Vocabulary.from_words(JUDGE.read_text(encoding="utf-8").splitlines())
             if JUDGE.exists() else None)
    print(f"rate {args.rate} syllables/s, target {rules.target_cps:g} cps, limit {rules.max_cps:g} cps")
    print(f"{'file':24} {'cues':>5} {'violations':>10} {'warnings':>8} {'≤17 cps':>8} {'fastest':>8} "
          f"{'median':>7} {'in words':>9} {'bottom ≥ top':>12}")
    with tempfile.TemporaryDirectory() as out:
        for path in [p for p in (args.transcripts or DEFAULTS) if p.exists()]:
            result = produce(path, Path(out), Settings(rate=args.rate))
            report = lint(result.folder / f"{path.stem}.srt", rules)
            speeds = sorted(c.cps for c in report.cues)
            n = len(speeds)
            inside, breaks = word_breaks(result.programme, judge) if judge else (0, 0)
            longer, pairs = report.bottom_longer
            split = f"{inside}/{breaks}" if judge else "-"
            print(f"{path.stem[:24]:24} {n:5d} {len(report.errors):10d} {len(report.warnings):8d} "
                  f"{100 * report.within_target / n:7.0f}% {speeds[-1]:8.1f} {speeds[n // 2]:7.1f} "
                  f"{split:>9} {f'{longer}/{pairs}':>12}")


if __name__ == "__main__":
    main()
