"""Coverage of the speech text before (the minimal speech stage: NFC, quotes dropped, spaces collapsed) and after
normalization, and its speed. Prints a table; run from the checkout: python bench/speech_coverage.py"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast.speech import collapse_spaces, drop_quotes, nfc, speak_cues, speak_segments, to_speech  # noqa: E402
from broadcast.speech.coverage import measure  # noqa: E402
from broadcast.text import segmenter, transcript  # noqa: E402

MINIMAL = (nfc, drop_quotes, collapse_spaces)
SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"


def rows():
    files = [p for p in (SEED, ROOT / "assets" / "sample.txt") if p.exists()]
    files += sorted((ROOT / "tests" / "data" / "transcripts").glob("*.txt"))
    for path in files:
        segments = segmenter.segment(transcript.read(path), captions=True, source=True)
        cues = [c.text for s in segments for c in s.cues]
        started = time.perf_counter()
        spoken = [c.speech for s in speak_segments(segments) for c in s.cues]
        yield path.name, cues, spoken, time.perf_counter() - started
    tsv = ROOT / "tests" / "data" / "speech_sentences.tsv"
    sentences = [line.split("\t")[0] for line in tsv.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    spoken = [speak_cues([s])[0] for s in sentences]
    yield tsv.name, sentences, spoken, time.perf_counter() - started


def main() -> None:
    speak_cues(["khởi động 1"])  # load the lexicon and g2p-hamster outside the timings
    print(f"{'input':28} {'before':>22} {'after':>22} {'ms':>6}  left after")
    for name, written, spoken, seconds in rows():
        before = measure(to_speech(t, MINIMAL) for t in written)
        after = measure(spoken)
        b = f"{before.total - before.bad}/{before.total} {before.percent:5.1f}%"
        a = f"{after.total - after.bad}/{after.total} {after.percent:5.1f}%"
        left = ", ".join(f"{t}×{n}" for t, n in after.unspoken.most_common()) or "-"
        print(f"{name:28} {b:>22} {a:>22} {seconds * 1000:6.1f}  {left}")


if __name__ == "__main__":
    main()
