"""Wall time of a bulletin through --engine edge against a local fake of the service that waits before every
reply: sentences sent one at a time against --concurrency N, measured in alternating pairs so load on the
machine falls on both alike; then a cached rerun (requests sent: none). Run from the project folder:

    python bench/edge_concurrency.py [TRANSCRIPT] [--delay 0.3] [--concurrency 4] [--pairs 3]

Prints one table. The fake (tests/fake_edge.py) speaks the real protocol to the real edge-tts client; only the
network is faked, so the times are the client's, ffmpeg's decoding and the pipeline's, plus the delay.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from broadcast import pipeline  # noqa: E402
from broadcast.voice import synthesis  # noqa: E402
from broadcast.voice.cache import SegmentCache  # noqa: E402
from broadcast.voice.edge_engine import EdgeEngine  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"


def run(path: Path, segments, concurrency: int, cache: SegmentCache | None) -> tuple[float, synthesis.SynthesisLog]:
    log = synthesis.SynthesisLog()
    started = time.perf_counter()
    speeches = list(synthesis.synthesize(path, segments, EdgeEngine(concurrency=concurrency), cache, log=log))
    assert len(speeches) == len(segments)
    return time.perf_counter() - started, log


class FakeService:
    """tests/fake_edge.py serving from a process of its own, as the real service is elsewhere: the client's
    work is then measured alone, not mixed with the server's in one interpreter."""

    def __init__(self, delay: float) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_edge.py"), "--delay", str(delay)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        self.stats_url = self.url.replace("ws://", "http://").split("/consumer")[0] + "/stats"

    def requests(self) -> int:
        with urllib.request.urlopen(self.stats_url, timeout=10) as reply:
            return json.load(reply)["requests"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main() -> None:
    import edge_tts.communicate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcript", nargs="?", type=Path, default=SEED if SEED.exists() else ROOT / "assets/sample.txt")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds the fake waits before each reply")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=3, help="alternating sequential/concurrent runs")
    args = parser.parse_args()

    segments = pipeline.plan(args.transcript, pipeline.Settings())
    print(f"{args.transcript.name}: {len(segments)} sentences, {sum(len(s.cues) for s in segments)} cues; the fake "
          f"(its own process) waits {args.delay * 1000:.0f} ms before each reply; {args.pairs} alternating pairs, "
          "medians (the machine is shared: load falls on both sides of a pair)\n")
    service = FakeService(args.delay)
    try:
        edge_tts.communicate.WSS_URL = service.url
        run(args.transcript, segments, args.concurrency, None)  # the fake renders each text once: warm it
        sequential, concurrent = [], []
        for _ in range(args.pairs):
            sequential.append(run(args.transcript, segments, 1, None)[0])
            concurrent.append(run(args.transcript, segments, args.concurrency, None)[0])
        seq, con = statistics.median(sequential), statistics.median(concurrent)
        with tempfile.TemporaryDirectory() as tmp:
            cache = SegmentCache(Path(tmp) / "cache")
            run(args.transcript, segments, args.concurrency, cache)
            before = service.requests()
            cached, log = run(args.transcript, segments, args.concurrency, cache)
            rerun_requests = service.requests() - before
    finally:
        service.close()

    floor = len(segments) * args.delay
    waves = -(-len(segments) // args.concurrency)
    print(f"| {'path':<28} | requests | wall time (s) | vs sequential |")
    print(f"|{'-' * 30}|---------:|--------------:|--------------:|")
    print(f"| {'edge, --concurrency 1':<28} | {len(segments):>8} | {seq:>13.2f} | {1:>13.2f} |")
    print(f"| {f'edge, --concurrency {args.concurrency}':<28} | {len(segments):>8} | {con:>13.2f} | "
          f"{con / seq:>13.2f} |")
    print(f"| {'rerun, all from the cache':<28} | {rerun_requests:>8} | {cached:>13.2f} | {cached / seq:>13.2f} |")
    ratios = [c / q for q, c in zip(sequential, concurrent)]
    print(f"\nall runs (s): sequential {', '.join(f'{t:.2f}' for t in sequential)}; concurrent "
          f"{', '.join(f'{t:.2f}' for t in concurrent)}; ratio within each pair "
          f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f})")
    print(f"the delay alone: {floor:.2f} s one at a time, {waves * args.delay:.2f} s in {waves} rounds of "
          f"{args.concurrency} (best possible ratio {waves / len(segments):.2f}); target ≤ 0.35× sequential: "
          f"{'met' if con / seq <= 0.35 else 'NOT met'}; cached rerun sent {rerun_requests} requests "
          f"({len(log.cached)} of {len(segments)} sentences from the cache)")


if __name__ == "__main__":
    main()
