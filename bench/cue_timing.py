"""How close each cue's start is to where its first word's sound really starts, for the engines that time cues
inside whole sentences: edge (word boundaries, against the local fake service, whose voice places every word
itself) and piper (alignments, with the tiny voice the tests build, whose word onsets are read off the audio).
Run from the project folder:

    python bench/cue_timing.py [TRANSCRIPT ...] [--fps 25]

For every cue: measured = speech_start − truth, shown = the in-time on the frame grid − truth (an in-time is the
frame the speech starts in, so it lies up to one frame before the truth). Needs the piper extra for the piper rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import cue_truth  # noqa: E402
from fake_edge import FakeEdge, part_onsets  # noqa: E402

from broadcast import pipeline  # noqa: E402
from broadcast.voice.edge_engine import EdgeEngine  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"


def edge_rows(paths: list[Path], fps: float) -> list[tuple]:
    import edge_tts.communicate

    rows = []
    for early, label in ((0.0, "edge (fake service)"), (0.08, "edge, offsets 80 ms early")):
        with FakeEdge(early=early) as fake:
            edge_tts.communicate.WSS_URL = fake.url
            for path in paths:
                segments = pipeline.plan(path, pipeline.Settings())
                errors = cue_truth.measure(path, segments, EdgeEngine(), lambda parts, _: part_onsets(fake, parts),
                                           fps)
                rows.append((label, path.stem, errors))
    return rows


def piper_rows(paths: list[Path], fps: float) -> list[tuple]:
    try:
        import onnx  # noqa: F401
        import piper  # noqa: F401
    except ImportError:
        print("piper rows skipped: pip install -e '.[test,piper]'\n")
        return []
    import os

    import tiny_piper

    from broadcast.voice.piper_engine import PiperEngine

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("BROADCAST_CACHE_DIR", str(Path(tmp) / "cache"))
        engine = PiperEngine(str(tiny_piper.build(Path(tmp))))
        for path in paths:
            segments = pipeline.plan(path, pipeline.Settings())
            errors = cue_truth.measure(
                path, segments, engine,
                lambda parts, speech: tiny_piper.part_onsets(parts, speech.pcm, engine._voice.phonemize), fps)
            rows.append(("piper (tiny voice)", path.stem, errors))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcripts", nargs="*", type=Path)
    parser.add_argument("--fps", type=float, default=25.0)
    args = parser.parse_args()
    paths = args.transcripts or [p for p in (SEED, ROOT / "assets" / "sample.txt") if p.exists()]
    frame_ms = 1000 / args.fps
    rows = edge_rows(paths, args.fps) + piper_rows(paths, args.fps)
    print(f"| engine                     | bulletin             | cues | measured start − truth: max, mean abs (ms) | "
          f"within one frame ({frame_ms:.0f} ms) | in-time − truth (ms) | in-time later (reading speed) |")
    print("|----------------------------|----------------------|-----:|------------------------------------------:|"
          "------------------------:|---------------------:|------------------------------:|")
    for label, stem, errors in rows:
        measured = [abs(e.measured) * 1000 for e in errors]
        shown = [e.shown * 1000 for e in errors]
        within = sum(1 for e in errors if abs(e.measured) < 1 / args.fps)
        later = sum(1 for e in errors if e.shown > 1e-6)
        print(f"| {label:<26} | {stem[:20]:<20} | {len(errors):>4} | {max(measured):>26.1f}, "
              f"{statistics.mean(measured):>14.1f} | {within:>13} of {len(errors):<4} | {min(shown):>8.1f} … "
              f"{max(shown):>6.1f} | {later:>29} |")
    print("\nThe measured start is where the engine's events put the cue's speech (what the issue's target is "
          "about); the in-time is what the subtitle shows: the frame that speech starts in, or later where the "
          "cue before needs more reading time (the subtitle rules never let a cue exceed --max-cps).")


if __name__ == "__main__":
    main()
