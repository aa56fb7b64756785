"""The encoder probe's result kept between runs: a rerun whose first 30 s did not change starts no probe, and
an entry never outlives the ffmpeg binary, settings or audio it was learnt with. ffmpeg is real."""

import os
import subprocess

import pytest

from broadcast.audio import mastering, sound
from broadcast.audio.timeline import Programme

RATE = 22050


@pytest.fixture(scope="module")
def programme() -> Programme:
    """35 s of a bright, noisy tone (the probe takes the first 30)."""
    source = "aevalsrc=0.3*sin(2*PI*3000*t)*gt(sin(2*PI*2*t)\\,0)+0.1*(random(0)-0.5):s=22050:d=35"
    pcm = subprocess.run([sound.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", source, "-f", "s16le", "-"],
                         capture_output=True, check=True).stdout
    return Programme(pcm, RATE, ())


def read(programme: Programme, cache: mastering.ProbeCache | None) -> tuple[float, list[list[str]]]:
    """The encoder offset Readings finds for `programme`, and the ffmpeg processes it started."""
    started = []
    popen = subprocess.Popen

    def counting(args, *rest, **kwargs):
        started.append(args)
        return popen(args, *rest, **kwargs)

    subprocess.Popen = counting
    try:
        with mastering.Readings("mp3", "128k", None, probe=True, cache=cache) as reader:
            reader.feed(programme.pcm, RATE)
            _, offset = reader.finish(programme)
    finally:
        subprocess.Popen = popen
    return offset, started


def test_a_rerun_reuses_the_offset_without_a_probe(tmp_path, programme):
    sound.ffmpeg_exe()  # looked up (running `ffmpeg -version`) before processes are counted
    uncached, processes = read(programme, None)
    cache = mastering.ProbeCache(tmp_path / "probes")
    first, _ = read(programme, cache)
    again, warm = read(programme, cache)
    assert uncached == first == again and abs(first) > 0  # the tone loses loudness in MP3, so the offset says so

    def measures_a_probe(args):
        return any(a.endswith("probe.mp3") for a in args[args.index("-i"):][1:2])

    assert len(processes) == 3 and sum(map(measures_a_probe, processes)) == 1  # level, probe encode, its measure
    assert len(warm) == 2 and not any(map(measures_a_probe, warm))  # the probe, started as audio came, stopped


def test_the_key_changes_with_the_ffmpeg_binary_the_settings_and_the_audio(tmp_path, monkeypatch, programme):
    fake = tmp_path / "ffmpeg"
    fake.write_bytes(b"one build")
    monkeypatch.setattr(sound, "ffmpeg_exe", lambda: str(fake))
    excerpt = programme.pcm[: 2 * 30 * RATE]
    cache = mastering.ProbeCache(tmp_path / "probes")
    key = cache.key(excerpt, RATE, RATE, "mp3", "128k")
    cache.put(key, 0.4)
    assert cache.get(key) == 0.4 and cache.key(excerpt, RATE, RATE, "mp3", "128k") == key
    keys = {key}
    os.utime(fake, ns=(fake.stat().st_atime_ns, fake.stat().st_mtime_ns + 10**9))  # rebuilt in place
    keys.add(cache.key(excerpt, RATE, RATE, "mp3", "128k"))
    fake.write_bytes(b"another build")
    keys.add(cache.key(excerpt, RATE, RATE, "mp3", "128k"))
    other = tmp_path / "elsewhere" / "ffmpeg"
    other.parent.mkdir()
    other.write_bytes(fake.read_bytes())
    os.utime(other, ns=(fake.stat().st_atime_ns, fake.stat().st_mtime_ns))
    monkeypatch.setattr(sound, "ffmpeg_exe", lambda: str(other))
    keys.add(cache.key(excerpt, RATE, RATE, "mp3", "128k"))
    keys |= {cache.key(excerpt, RATE, 44100, "mp3", "128k"), cache.key(excerpt, RATE, RATE, "mp3", "64k"),
             cache.key(excerpt[:-2] + b"\1\0", RATE, RATE, "mp3", "128k")}
    assert len(keys) == 7 and all(cache.get(k) is None for k in keys - {key})


@pytest.mark.parametrize("content", ["", "nan", "9.5", "half a LU", "\xff"])
def test_an_unreadable_entry_is_a_miss(tmp_path, content):
    cache = mastering.ProbeCache(tmp_path)
    (tmp_path / "k").write_text(content, encoding="latin-1")
    assert cache.get("k") is None


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    cache = mastering.ProbeCache(blocked / "probes")  # a folder that cannot be made
    cache.put("k", 0.3)
    assert cache.get("k") is None


def test_a_run_stopped_before_the_excerpt_is_complete_leaves_no_probe_behind(programme):
    """Without a cache the probe is fed as the programme grows; a run that fails part-way stops it."""
    with pytest.raises(RuntimeError):
        with mastering.Readings("mp3", "128k", None, probe=True) as reader:
            reader.feed(programme.pcm[: 2 * 10 * RATE], RATE)
            streamed = reader._probe
            raise RuntimeError("synthesis failed")
    assert streamed is not None and streamed.meter.proc.poll() is not None and not streamed.folder.exists()


def test_an_excerpt_at_hand_gives_the_streamed_offset_and_shares_the_cache(tmp_path, programme):
    """`align` probes its recording's first 30 s in one piece: the same offset as the streamed probe, kept
    under the same key, so a rerun probes nothing."""
    streamed, _ = read(programme, None)
    excerpt = programme.pcm[: 2 * int(mastering.PROBE_SECONDS * RATE)]
    assert mastering.encoder_offset(excerpt, RATE, RATE, "mp3", "128k") == streamed
    cache = mastering.ProbeCache(tmp_path / "probes")
    assert mastering.encoder_offset(excerpt, RATE, RATE, "mp3", "128k", cache) == streamed
    offset, started = read(programme, cache)  # a produce of the same first 30 s finds it: no probe measured
    measured = [a for a in started if str(a[a.index("-i") + 1]).endswith("probe.mp3")]
    assert offset == streamed and not measured
    assert mastering.encoder_offset(excerpt, RATE, RATE, "wav", "128k", cache) == 0.0
