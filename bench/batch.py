"""Batch timing: the same folder of transcripts with --jobs 1 and --jobs 2 (and more if asked).

    python bench/batch.py [FOLDER] [JOBS...]      # default: the bundled sample and tests/data/transcripts

Prints a table: jobs, wall seconds, transcripts produced, seconds of audio, speed (audio s / wall s).
"""

from __future__ import annotations

import shutil
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
        print(f"{len(paths)} transcripts from {folder}, default settings (eSpeak, MP3 128k, −23 LUFS)")
        print(f"{'jobs':>4}  {'wall s':>7}  {'ok':>3}  {'audio s':>8}  {'× real time':>11}")
        for jobs in jobs_list:
            out = Path(tmp) / f"out{jobs}"
            started = time.perf_counter()
            outcomes = batch.run(paths, out, Settings(), jobs)
            wall = time.perf_counter() - started
            audio_s = sum(o.duration for o in outcomes)
            print(f"{jobs:>4}  {wall:>7.1f}  {sum(o.ok for o in outcomes):>3}  {audio_s:>8.1f}  {audio_s / wall:>11.1f}")


if __name__ == "__main__":
    main()
