"""The segment cache and the synthesis around it. Google is faked with `responses` (the network boundary);
eSpeak, ffmpeg and the cache files are real."""

import json
import os
import re
from pathlib import Path

import pytest
import requests
import responses
from click.testing import CliRunner
from conftest import SAMPLE
from fake_google import google_reply, sent_text, tone_mp3

from broadcast import pipeline
from broadcast.cli import cli
from broadcast.errors import BroadcastError
from broadcast.voice import cache as cache_module
from broadcast.voice import engines, synthesis
from broadcast.voice.base import SpeechAudio
from broadcast.voice.cache import SegmentCache
from broadcast.voice import gtts_engine

URL = re.compile(r"https://translate\.google\.com/_/TranslateWebserverUi/data/batchexecute.*")
QUICK = gtts_engine.RetryPolicy(connect_timeout=1.0, read_timeout=1.0, retries=1, backoff=0.0)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(gtts_engine, "DEFAULT_POLICY", QUICK)


@pytest.fixture(scope="module")
def reply() -> str:
    return google_reply(tone_mp3(0.3))


def fake_google(reply: str, fail_when=lambda text: False) -> list[str]:
    """Answer every request with `reply`, or refuse the connection when `fail_when(text)`; returns the texts sent."""
    texts: list[str] = []

    def answer(request):
        text = sent_text(request.body)
        texts.append(text)
        if fail_when(text):
            raise requests.exceptions.ConnectionError("[Errno 111] Connection refused")
        return 200, {}, reply

    responses.add_callback(responses.POST, URL, callback=answer)
    return texts


def plan(tmp_path: Path, edit: tuple[str, str] | None = None):
    text = SAMPLE.read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    path = tmp_path / "bulletin.txt"
    path.write_text(text, encoding="utf-8")
    return path, pipeline.plan(path, pipeline.Settings())


def run(path, segments, engine, store, **options) -> tuple[list[SpeechAudio], synthesis.SynthesisLog]:
    log = synthesis.SynthesisLog()
    return list(synthesis.synthesize(path, segments, engine, store, log=log, **options)), log


def chunk_texts(segment) -> list[str]:
    return [t for c in segment.cues for t in gtts_engine.split_for_google(c.speech)]


@responses.activate
def test_a_cache_hit_sends_no_request_and_an_edit_sends_only_its_own_chunks(tmp_path, reply):
    store = SegmentCache(tmp_path / "cache")
    texts = fake_google(reply)
    path, segments = plan(tmp_path)
    first, log = run(path, segments, engines.create("gtts"), store)
    assert len(texts) == sum(len(chunk_texts(s)) for s in segments) and not log.cached

    texts.clear()
    again, log = run(path, segments, engines.create("gtts"), store)
    assert texts == [] and len(log.cached) == len(segments)
    assert [s.pcm for s in again] == [s.pcm for s in first]

    # edit one word of one sentence: only that sentence's chunks go out
    target = segments[2]
    word = target.cues[0].text.split()[-1]
    path, edited = plan(tmp_path, (target.cues[0].text, target.cues[0].text[: -len(word)] + "ĐÃSỬA"))
    changed = [s for s, old in zip(edited, segments) if s.speech != old.speech]
    assert len(changed) == 1
    _, log = run(path, edited, engines.create("gtts"), store)
    assert sorted(texts) == sorted(chunk_texts(changed[0]))
    assert log.synthesized == [changed[0].index] and len(log.cached) == len(segments) - 1


@responses.activate
def test_a_run_stopped_by_the_network_resumes_where_it_stopped(tmp_path, reply):
    store = SegmentCache(tmp_path / "cache")
    path, segments = plan(tmp_path)
    broken = segments[len(segments) // 2]
    bad = set(chunk_texts(broken))
    texts = fake_google(reply, fail_when=lambda t: t in bad)
    with pytest.raises(BroadcastError) as info:
        run(path, segments, engines.create("gtts", concurrency=1), store)
    assert f"sentence {broken.index}:" in str(info.value) and "Connection refused" in str(info.value)
    stored = sum(1 for _ in store.folder.rglob("*.seg"))
    assert stored >= broken.index - 1  # everything before the failure is kept

    responses.reset()
    texts = fake_google(reply)
    _, log = run(path, segments, engines.create("gtts", concurrency=1), store)
    assert len(log.cached) == stored and set(bad) <= set(texts)
    assert len(texts) == sum(len(chunk_texts(s)) for s in segments if s.index not in log.cached)


def test_every_engine_is_cached_and_reuse_is_exact(tmp_path):
    store = SegmentCache(tmp_path / "cache")
    path, segments = plan(tmp_path)
    espeak = engines.create("espeak")
    first, log1 = run(path, segments, espeak, store)
    second, log2 = run(path, segments, espeak, store)
    assert log1.synthesized and not log1.cached and len(log2.cached) == len(segments) and not log2.synthesized
    assert [s.pcm for s in second] == [s.pcm for s in first]
    assert [s.part_spans for s in second] == [s.part_spans for s in first]


def test_corrupt_entries_are_detected_and_redone(tmp_path):
    store = SegmentCache(tmp_path)
    speech = SpeechAudio(b"\x01\x02" * 1000, 22050, ((10, 500), (600, 990)))
    engine = engines.create("espeak")
    key = store.key(engine, ["Xin chào."])
    assert store.put(key, speech) and store.get(key) == speech
    assert not list(tmp_path.rglob("*.partial"))
    entry = store.path(key)
    good = entry.read_bytes()
    for damaged in (good[:-7], good[:-1] + b"\x00", b"garbage", good.replace(b'"sample_rate"', b'"sample_rxte"')):
        entry.write_bytes(damaged)
        assert store.get(key) is None and not entry.exists()
        store.put(key, speech)
    assert store.corrupt == 4 and store.get(key) == speech


def test_the_key_covers_engine_voice_rate_version_and_text():
    class Voice:
        def __init__(self, **kw):
            self.name, self.voice, self.rate, self.version = "espeak", "vi", 3.9, "1.52"
            self.__dict__.update(kw)

    base = SegmentCache.key(Voice(), ["a", "b"])
    variants = [Voice(name="gtts"), Voice(voice="vi-VN-x-south"), Voice(rate=4.5), Voice(version="1.53")]
    keys = {SegmentCache.key(v, ["a", "b"]) for v in variants} | {SegmentCache.key(Voice(), ["a b"])}
    assert base not in keys and len(keys) == 5


def test_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache_module.ENV_VAR, str(tmp_path / "here"))
    assert cache_module.default_folder() == tmp_path / "here"
    monkeypatch.delenv(cache_module.ENV_VAR)
    assert cache_module.default_folder().name == "segments"


def test_a_cache_folder_that_cannot_be_used_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(BroadcastError, match="cannot use as cache folder"):
        SegmentCache(tmp_path / "file")


# --- through the command line -------------------------------------------------------------------------------

def produce(*args):
    return CliRunner(mix_stderr=False).invoke(cli, ["produce", *[str(a) for a in args]])


@responses.activate
def test_network_failure_is_one_line_naming_the_sentence_and_writes_nothing(tmp_path, reply):
    fake_google(reply, fail_when=lambda t: True)
    out = tmp_path / "out"
    result = produce(SAMPLE, "-o", out, "--engine", "gtts", "--cache-dir", tmp_path / "cache")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "sentence 1:" in lines[0] and "Connection refused" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())  # no half-written folder, no 0-byte MP3


@responses.activate
def test_fallback_finishes_with_espeak_and_says_so(tmp_path, reply):
    path, segments = plan(tmp_path)
    broken = segments[3]
    bad = set(chunk_texts(broken))
    fake_google(reply, fail_when=lambda t: t in bad)
    out = tmp_path / "out"
    result = produce(path, "-o", out, "--engine", "gtts", "--fallback", "espeak", "--concurrency", "1",
                     "--no-cache")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / path.stem / "manifest.json").read_text(encoding="utf-8"))
    [fallback] = manifest["fallback"]
    assert manifest["engine"] == "gtts" and fallback["engine"] == "espeak"
    assert broken.index in fallback["segments"] and set(fallback["segments"]) <= {s.index for s in segments}
    assert 1 not in fallback["segments"]  # sentences spoken before the failure keep Google's voice
    assert f"sentence {broken.index}" in fallback["cause"]
    assert f"espeak fallback for {len(fallback['segments'])} of {len(segments)} segments" in result.stdout
    spoken_by = {s["index"]: s["engine"] for s in manifest["segments"]}
    assert {i for i, e in spoken_by.items() if e == "espeak"} == set(fallback["segments"])
    assert {i for i, e in spoken_by.items() if e == "gtts"} == {s.index for s in segments} - set(fallback["segments"])


def test_no_cache_writes_no_entries_and_cache_dir_is_used(tmp_path):
    out = tmp_path / "out"
    wav = ("--format", "wav")
    assert produce(SAMPLE, "-o", out, "--no-cache", "--cache-dir", tmp_path / "c1", *wav).exit_code == 0
    assert not (tmp_path / "c1").exists()
    first = produce(SAMPLE, "-o", out, "--cache-dir", tmp_path / "c2", *wav)
    assert first.exit_code == 0 and list((tmp_path / "c2").rglob("*.seg"))
    second = produce(SAMPLE, "-o", out, "--cache-dir", tmp_path / "c2", *wav)
    assert "from cache" in second.stdout


def test_an_edit_names_the_sentence_spoken_again(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    path = tmp_path / "tin.txt"
    text = SAMPLE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert produce(path, "-o", out, "--cache-dir", cache, "--format", "wav", "-q").exit_code == 0
    manifest = json.loads((out / "tin" / "manifest.json").read_text(encoding="utf-8"))
    edited = manifest["segments"][3]
    path.write_text(text.replace(edited["text"], edited["text"].replace(" ", " nữa ", 1)), encoding="utf-8")
    result = produce(path, "-o", out, "--cache-dir", cache, "--format", "wav")
    assert result.exit_code == 0, result.stderr
    total = len(manifest["segments"])
    assert f"({total - 1} of {total} from cache, spoken now: {edited['index']})" in result.stdout


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo", "symlink to a big file", "folder"])
def test_an_entry_that_is_not_a_cache_file_is_a_miss_not_a_hang(tmp_path, kind):
    store = SegmentCache(tmp_path / "cache")
    speech = SpeechAudio(b"\x01\x00" * 100, 22050, ((0, 100),))
    key = "ab" * 32
    store.put(key, speech)
    entry = store.path(key)
    entry.unlink()
    if kind == "symlink to /dev/zero":
        entry.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(entry)
    elif kind == "symlink to a big file":
        big = tmp_path / "big"
        with big.open("wb") as f:
            f.truncate(1 << 30)  # sparse: a gigabyte of zeros that must not be read
        entry.symlink_to(big)
    else:
        entry.mkdir()
    assert store.get(key) is None and store.misses == 1
    if kind.startswith("symlink"):
        assert not entry.is_symlink() and Path("/dev/zero").exists()  # the link went, not what it pointed at
    assert store.put(key, speech) == (kind != "folder")


def test_a_cache_that_cannot_be_written_still_serves_and_warns(tmp_path):
    """Every shard folder is a file here, so no entry can be written: the run still succeeds, says so once,
    and reports how many sentences were not kept (a read-only disk gives the same, with its own reason)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(256):
        (cache / f"{i:02x}").write_bytes(b"")
    out = tmp_path / "out"
    result = produce(SAMPLE, "-o", out, "--cache-dir", cache, "--format", "wav")
    assert result.exit_code == 0, result.stderr
    segments = len(json.loads((out / SAMPLE.stem / "manifest.json").read_text(encoding="utf-8"))["segments"])
    assert f"  warning: cache folder {cache}: {segments} sentences not kept (" in result.stdout
    assert "a rerun synthesizes them again" in result.stdout


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def produce_in_process_of_its_own(transcript: Path, out: Path, cache: Path) -> None:
    """`broadcast produce` as a user runs it: a process of its own, so nothing was synthesized before in it."""
    import subprocess
    import sys

    from conftest import ROOT

    subprocess.run([sys.executable, "-m", "broadcast.cli", "produce", str(transcript), "-o", str(out),
                    "--cache-dir", str(cache), "--format", "wav", "--subtitles", "srt,vtt,ttml", "-q"],
                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, timeout=300)


def paragraphs(path: Path, *which: int) -> str:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    return "\n\n".join(blocks[i] for i in which)


def test_identical_input_gives_identical_files_cold_and_warm(tmp_path):
    """Two cold runs (fresh caches) and a rerun from the first run's cache: byte-identical files."""
    short = tmp_path / "short.txt"  # the title and two paragraphs: several sentences, a quick run
    short.write_text(paragraphs(SAMPLE, 0, 1, 2), encoding="utf-8")
    for out, cache in [("cold-1", "c1"), ("cold-2", "c2"), ("warm", "c1")]:
        produce_in_process_of_its_own(short, tmp_path / out, tmp_path / cache)
    first = files(tmp_path / "cold-1")
    assert len(first) > 10
    assert files(tmp_path / "cold-2") == first and files(tmp_path / "warm") == first


def test_a_cache_filled_by_another_transcript_gives_the_files_of_an_empty_one(tmp_path):
    """The cache already holds some of the transcript's sentences, spoken by another run after other sentences:
    the files are byte for byte those of a run with an empty cache (eSpeak's audio for a sentence depends on its
    text, voice and rate only; before, 2 of the sample's 31 cue out-times moved by a frame this way)."""
    short = tmp_path / "short.txt"
    short.write_text(paragraphs(SAMPLE, 0, 1, 2), encoding="utf-8")
    other = tmp_path / "other" / "short.txt"  # same name: the manifest names the transcript
    other.parent.mkdir()
    other.write_text(paragraphs(SAMPLE, 4, 2), encoding="utf-8")  # paragraph 2 spoken after another one
    produce_in_process_of_its_own(short, tmp_path / "empty", tmp_path / "c1")
    produce_in_process_of_its_own(other, tmp_path / "other-out", tmp_path / "c2")
    kept = len(list((tmp_path / "c2").rglob("*.seg")))
    produce_in_process_of_its_own(short, tmp_path / "filled", tmp_path / "c2")
    spoken_now = len(list((tmp_path / "c2").rglob("*.seg"))) - kept
    assert 0 < spoken_now < len(list((tmp_path / "c1").rglob("*.seg")))  # some sentences came from the cache
    assert files(tmp_path / "filled") == files(tmp_path / "empty")