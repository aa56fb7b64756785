"""Word knowledge for subtitle breaks (broadcast.text.words): accuracy on the hand-segmented gold set, speed,
and how many subtitle breaks fall inside a word on our transcripts, judged by an independent word list.

    python bench/word_segmentation.py [--repeat N]

Needs ../shared/wordlists (evaluation data, never copied into the project): segmentation_gold.txt (41 news
sentences, syllables of a word joined by "_") and viet74k.txt (73,901 entries, the "Viet74K" list, independent
of the VnVocab list broadcast ships with). Breaks are those of `broadcast plan` (the same lines and cues
`produce` writes): every line break inside a cue and every cue break inside a sentence.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from broadcast.pipeline import Settings, plan
from broadcast.text import words

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
WORDLISTS = SHARED / "wordlists"
TRANSCRIPTS = [SHARED / "seeds" / "000_afbced9621bfd328.txt", ROOT / "assets" / "sample.txt",
               *sorted((ROOT / "tests" / "data" / "transcripts").glob("*.txt"))]


def gold_scores(vocab: words.Vocabulary | None = None) -> dict[str, float]:
    """Boundary precision/recall over gaps between two syllables, and word-level precision/recall/F1."""
    tp = fp = fn = 0  # boundaries
    w_tp = w_pred = w_gold = 0
    for line in (WORDLISTS / "segmentation_gold.txt").read_text(encoding="utf-8").splitlines():
        gold_words = line.split()
        if not gold_words:
            continue
        tokens = [s for w in gold_words for s in w.split("_")]
        gold_joined: set[int] = set()
        spans_gold, at = set(), 0
        for w in gold_words:
            n = len(w.split("_"))
            gold_joined.update(range(at + 1, at + n))
            spans_gold.add((at, at + n))
            at += n
        predicted = words.joined_gaps(tokens, vocab)
        for k in range(1, len(tokens)):
            if not (tokens[k - 1].isalpha() and tokens[k].isalpha()):
                continue
            gold_boundary, predicted_boundary = k not in gold_joined, k not in predicted
            tp += gold_boundary and predicted_boundary
            fp += predicted_boundary and not gold_boundary
            fn += gold_boundary and not predicted_boundary
        spans_pred, start = set(), 0
        for k in range(1, len(tokens) + 1):
            if k == len(tokens) or k not in predicted:
                spans_pred.add((start, k))
                start = k
        w_tp += len(spans_gold & spans_pred)
        w_pred += len(spans_pred)
        w_gold += len(spans_gold)
    wp, wr = w_tp / w_pred, w_tp / w_gold
    return {"boundary_precision": tp / (tp + fp), "boundary_recall": tp / (tp + fn),
            "word_precision": wp, "word_recall": wr, "word_f1": 2 * wp * wr / (wp + wr)}


def breaks(segments) -> list[tuple[list[str], int]]:
    """(sentence tokens, gap index) of every line and cue break inside a sentence."""
    out = []
    for seg in segments:
        tokens = seg.text.split(" ")
        at = 0
        for c, cue in enumerate(seg.cues):
            for line in cue.lines[:-1]:
                at += len(line.split(" "))
                out.append((tokens, at))
            at += len(cue.lines[-1].split(" "))
            if c + 1 < len(seg.cues):
                out.append((tokens, at))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not WORDLISTS.exists():
        raise SystemExit(f"{WORDLISTS} not found: the evaluation data sits beside the checkout")

    started = time.perf_counter()
    words.vocabulary()
    load = time.perf_counter() - started
    print(f"vocabulary: {len(words.vocabulary().words)} words, read in {1000 * load:.0f} ms (once per process)")

    scores = gold_scores()
    print("gold set (41 sentences): " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    from importlib import resources

    vnvocab = words.Vocabulary.from_words(words.read_java_string_set(
        resources.files(words.VOCABULARY_PACKAGE).joinpath(words.VOCABULARY_FILE).read_bytes()))
    scores = gold_scores(vnvocab)
    print("  with VnVocab alone (held out): " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))

    independent = words.Vocabulary.from_words(
        (WORDLISTS / "viet74k.txt").read_text(encoding="utf-8").splitlines())
    print(f"independent judge: viet74k, {len(independent.words)} multi-syllable words, same longest match, "
          "no name rule")
    print(f"{'transcript':24} {'sentences':>9} {'breaks':>6} {'in words':>8} {'share':>6} {'segment ms':>10}")
    for path in [p for p in TRANSCRIPTS if p.exists()]:
        segments = plan(path, Settings())
        found = breaks(segments)
        inside = [(t, k) for t, k in found if k in words.joined_gaps(t, independent)]
        sentences = [s.text.split(" ") for s in segments]
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for tokens in sentences:
                words.joined_gaps(tokens)
            times.append(time.perf_counter() - t0)
        print(f"{path.stem[:24]:24} {len(segments):9d} {len(found):6d} {len(inside):8d} "
              f"{100 * len(inside) / max(1, len(found)):5.1f}% {1000 * statistics.median(times):10.2f}")
        for tokens, k in inside:
            print(f"    {' '.join(tokens[max(0, k - 3):k])} | {' '.join(tokens[k:k + 3])}")


if __name__ == "__main__":
    main()
