"""Batch timing: the same folder of transcripts with --jobs 1, 2, … in alternating rounds (ABBA order, so
load from other processes on the machine falls on each setting alike), every run with a cold segment cache
(as for new transcripts; a warm cache would time only mastering and encoding).

    python bench/batch.py [FOLDER] [--rounds N] [JOBS...]   # default: the bundled sample and
                                                              # tests/data/transcripts, 3 rounds, jobs 1 2

Prints one row per run, then per setting: median wall seconds and speed (audio s / wall s), and each
setting's median ratio to --jobs 1 within the same round.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast import batch  # noqa: E402
from broadcast.pipeline import Settings  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    rounds = 3
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at : at + 2]
    with tempfile.TemporaryDirectory() as tmp:
        if args and Path(args[0]).is_dir():
            folder = Path(args.pop(0))
        else:
            folder = Path(tmp) / "in"
            folder.mkdir()
            for path in [ROOT / "assets" / "sample.txt", *sorted((ROOT / "tests/data/transcripts").glob("*.txt"))]:
                shutil.copy(path, folder)
        jobs_list = [int(a) for a in args] or [1, 2]
        paths = batch.expand([folder])
        print(f"{len(paths)} transcripts from {folder}, default settings (eSpeak, MP3 128k, −23 LUFS), cold cache; "
              f"{os.cpu_count()} CPUs; {rounds} rounds")
        print(f"{'round':>5}  {'jobs':>4}  {'wall s':>7}  {'ok':>3}  {'audio s':>8}  {'× real time':>11}")
        walls: dict[int, list[float]] = {j: [] for j in jobs_list}
        audio_s = 0.0
        for r in range(rounds):
            order = jobs_list if r % 2 == 0 else list(reversed(jobs_list))
            for jobs in order:
                out, cache = Path(tmp) / f"out-{r}-{jobs}", Path(tmp) / f"cache-{r}-{jobs}"
                started = time.perf_counter()
                outcomes = batch.run(paths, out, Settings(cache_dir=cache), jobs)
                wall = time.perf_counter() - started
                audio_s = sum(o.duration for o in outcomes)
                walls[jobs].append(wall)
                print(f"{r + 1:>5}  {jobs:>4}  {wall:>7.1f}  {sum(o.ok for o in outcomes):>3}  {audio_s:>8.1f}  "
                      f"{audio_s / wall:>11.1f}", flush=True)
                shutil.rmtree(out), shutil.rmtree(cache)
        print(f"\n{'jobs':>4}  {'median wall s':>13}  {'× real time':>11}  {'vs jobs 1 (median of rounds)':>28}")
        base = walls[jobs_list[0]]
        for jobs in jobs_list:
            ratio = statistics.median(w / b for w, b in zip(walls[jobs], base))
            print(f"{jobs:>4}  {statistics.median(walls[jobs]):>13.1f}  {audio_s / statistics.median(walls[jobs]):>11.1f}"
                  f"  {ratio:>27.2f}×")


if __name__ == "__main__":
    main()
