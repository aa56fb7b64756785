"""Wall time of online synthesis: gTTS's own sequential save() against broadcast's concurrent, cached path.

Both talk to the same local fake of Google's endpoint (tests/fake_google.py), which waits 300 ms before
answering each request with a real MP3. Run from the project folder:

    python bench/gtts_concurrency.py [TRANSCRIPT] [--delay 0.3] [--concurrency 4]

Prints one table of wall times and request counts, then a table of MP3 encoder-padding drift.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_google import FakeGoogle, tone_mp3  # noqa: E402

from broadcast import pipeline
from broadcast.audio import sound
from broadcast.voice import synthesis  # noqa: E402
from broadcast.voice.cache import SegmentCache  # noqa: E402
from broadcast.voice.gtts_engine import SAMPLE_RATE, GttsEngine, split_for_google  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"


def gtts_sequential(segments, url: str, folder: Path) -> None:
    """What the shipped engine's library does on its own: one save() per sentence, chunks one by one."""
    import gtts.tts
    from gtts import gTTS

    original = gtts.tts._translate_url
    gtts.tts._translate_url = lambda tld="com", path="": url  # the only way to point gTTS elsewhere
    try:
        for seg in segments:
            gTTS(seg.speech, lang="vi", lang_check=False, timeout=(5, 20)).save(str(folder / f"{seg.index}.mp3"))
    finally:
        gtts.tts._translate_url = original


def ours(path: Path, segments, url: str, concurrency: int, cache: SegmentCache | None):
    engine = GttsEngine(endpoint=url, concurrency=concurrency)
    log = synthesis.SynthesisLog()
    speeches = list(synthesis.synthesize(path, segments, engine, cache, log=log))
    assert len(speeches) == len(segments)
    return log


def edited_copy(path: Path, segments, folder: Path) -> tuple[Path, list, object]:
    """The transcript with the last word of one sentence changed, planned again."""
    target = segments[len(segments) // 2]
    text = path.read_text(encoding="utf-8")
    sentence = target.cues[-1].text
    last = sentence.rstrip(".!?…").split()[-1]
    new_text = text.replace(sentence, sentence.replace(last, last + " mới", 1), 1)
    copy = folder / path.name
    copy.write_text(new_text, encoding="utf-8")
    edited = pipeline.plan(copy, pipeline.Settings())
    changed = [s for s, old in zip(edited, segments) if s.speech != old.speech]
    return copy, edited, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcript", nargs="?", type=Path, default=SEED if SEED.exists() else ROOT / "assets/sample.txt")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds the fake endpoint waits per request")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    segments = pipeline.plan(args.transcript, pipeline.Settings())
    n_chars = sum(len(s.speech) for s in segments)
    print(f"{args.transcript.name}: {len(segments)} sentences, {sum(len(s.cues) for s in segments)} cues, "
          f"{n_chars} characters; fake endpoint waits {args.delay * 1000:.0f} ms per request\n")
    mp3 = tone_mp3(1.0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with FakeGoogle(mp3, delay=args.delay) as google:
            started = time.perf_counter()
            gtts_sequential(segments, google.url, tmp_path)
            base = time.perf_counter() - started
            rows.append(("gTTS save(), sequential", len(google.texts), base, "—"))

        for label, concurrency in (("broadcast, concurrency 1", 1),
                                   (f"broadcast, concurrency {args.concurrency}", args.concurrency)):
            with FakeGoogle(mp3, delay=args.delay) as google:
                started = time.perf_counter()
                ours(args.transcript, segments, google.url, concurrency, None)
                seconds = time.perf_counter() - started
                rows.append((label, len(google.texts), seconds, f"{seconds / base:.2f}"))

        cache = SegmentCache(tmp_path / "cache")
        with FakeGoogle(mp3, delay=args.delay) as google:
            ours(args.transcript, segments, google.url, args.concurrency, cache)  # fill the cache
        with FakeGoogle(mp3, delay=args.delay) as google:
            started = time.perf_counter()
            log = ours(args.transcript, segments, google.url, args.concurrency, cache)
            seconds = time.perf_counter() - started
            rows.append(("rerun, nothing changed", len(google.texts), seconds, f"{seconds / base:.2f}"))
        copy, edited, changed = edited_copy(args.transcript, segments, tmp_path)
        with FakeGoogle(mp3, delay=args.delay) as google:
            started = time.perf_counter()
            log = ours(copy, edited, google.url, args.concurrency, cache)
            seconds = time.perf_counter() - started
            rows.append((f"rerun, sentence {changed[0].index} edited", len(google.texts), seconds,
                         f"{seconds / base:.2f}"))
            edited_only = sorted(google.texts) == sorted(
                t for c in changed[0].cues for t in split_for_google(c.speech))

    print(f"| {'path':<32} | requests | wall time (s) | vs gTTS |")
    print(f"|{'-' * 34}|---------:|--------------:|--------:|")
    for label, n, seconds, ratio in rows:
        print(f"| {label:<32} | {n:>8} | {seconds:>13.2f} | {ratio:>7} |")
    print(f"\nafter the edit: {len(changed)} sentence changed, {len(log.cached)} from cache, "
          f"requests were exactly that sentence's chunks: {edited_only}\n")

    print("| MP3 chunks, 18 × 0.500 s     | joined as gTTS does (s) | decoded alone, padding trimmed (s) |")
    print("|------------------------------|------------------------:|-----------------------------------:|")
    for tagged in (True, False):
        chunk = tone_mp3(0.5, tagged=tagged)
        naive = len(sound.decode_mp3(chunk * 18, SAMPLE_RATE)) / 2 / SAMPLE_RATE
        trimmed = 18 * len(sound.decode_mp3_gapless(chunk, SAMPLE_RATE)) / 2 / SAMPLE_RATE
        label = "with LAME gapless tag" if tagged else "without tag (streamed)"
        print(f"| {label:<28} | {naive:>23.3f} | {trimmed:>34.3f} |")


if __name__ == "__main__":
    main()
