"""The alignment stage's parts on signals with known answers: features, the banded warp with its skips and
insertions, pauses, and the aligner on eSpeak readers (no shared data needed)."""

from __future__ import annotations

import numpy as np
import pytest
import recordings

from broadcast import speech
from broadcast.align import aligner, dtw, features, refine, time_parts
from broadcast.align.recording import InMemory, resample
from broadcast.voice.espeak import EspeakEngine

RATE = features.ANALYSIS_RATE


def tone(seconds: float, hz: float = 440.0, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_features_have_one_frame_per_hop_and_see_silence():
    x = np.concatenate([np.zeros(RATE // 2, np.float32), tone(0.5)])
    f = features.describe(x)
    assert f.shape == (features.n_frames(len(x)), 2 * features.N_CEPS)
    energy = features.energy_db(x)
    assert energy[:40].max() == features.SILENCE_DB and energy[-10:].min() > -15


def test_deltas_of_a_ramp_are_its_slope():
    ramp = np.arange(20, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    assert np.allclose(features.deltas(ramp)[3:-3], 1.0)


def test_normalise_gives_zero_mean_unit_variance():
    f = features.normalise(np.random.default_rng(1).normal(5, 3, (500, 4)).astype(np.float32))
    assert np.allclose(f.mean(0), 0, atol=1e-4) and np.allclose(f.std(0), 1, atol=1e-3)


def test_resample_keeps_a_tone_and_the_length():
    x = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
    y = resample(x, 22050)
    assert len(y) == RATE
    assert np.abs(y[200:-200] - np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)[200:-200]).max() < 1e-3


def blocks(*names: str, length: int = 30, dims: int = 6) -> tuple[np.ndarray, list[int]]:
    """A feature sequence of named blocks (each name its own random frames) and each block's start."""
    frames = {}
    out, starts = [], []
    for name in names:
        frames.setdefault(name, np.random.default_rng(ord(name)).normal(0, 3, (length, dims)))
        starts.append(sum(len(o) for o in out))
        out.append(frames[name])
    return np.vstack(out).astype(np.float32), starts


def test_warp_follows_a_slower_reading():
    syn, _ = blocks("p", "a", "b", "c", "p")
    rec = np.repeat(syn, 2, axis=0)  # every frame twice: a reader at half the pace
    path = dtw.warp(rec, syn, [0, len(syn) - 1], band=200, insertion=50.0, skip=1e6)
    assert np.all(np.diff(path.columns) >= 0)
    assert np.abs(path.columns - np.arange(len(rec)) // 2).max() <= 1


def test_warp_skips_a_sentence_the_recording_lacks():
    syn, starts = blocks("p", "a", "p", "b", "p", "c", "p")
    bounds = [starts[0] + 15, starts[2] + 15, starts[4] + 15, starts[6] + 15]
    rec, _ = blocks("p", "a", "p", "c", "p")  # one pause where the text has two around b
    path = dtw.warp(rec, syn, bounds, band=400, insertion=20.0, skip=30.0)
    assert path.skipped == (1,)


def test_warp_holds_speech_with_no_text_at_a_boundary():
    syn, starts = blocks("p", "a", "p", "c", "p")
    boundary = starts[2] + 15
    rec, rec_starts = blocks("p", "a", "p", "x", "p", "c", "p")
    path = dtw.warp(rec, syn, [0, boundary, len(syn) - 1], band=400, insertion=1.0, skip=1e6)
    extra = slice(rec_starts[3], rec_starts[4])
    assert np.all(path.columns[extra] == boundary)


def test_warp_ends_past_the_text_when_the_recording_goes_on():
    syn, _ = blocks("a", "b")
    rec, _ = blocks("a", "b", "x", "x")
    path = dtw.warp(rec, syn, [0, len(syn) - 1], band=400, insertion=100.0, skip=1e6, beyond=1.0)
    assert np.all(path.columns[len(syn) + 5 :] == len(syn))


@pytest.mark.parametrize("seed", range(5))
def test_skip_rows_are_the_rows_whose_bands_hold_both_ends(seed):
    rng = np.random.default_rng(seed)
    n, m, band = 300, int(rng.integers(50, 400)), int(rng.integers(5, 60))
    lo, width = dtw.band_starts(n, m, band, slope=float(rng.uniform(0.5, 2.0)))
    bounds = sorted(set(rng.integers(0, m, 12).tolist()))
    pairs = list(zip(bounds[:-1], bounds[1:]))
    start, until = dtw.skip_rows(lo, width, pairs)
    for k, (a, b) in enumerate(pairs):
        rows = [i for i in range(1, n) if lo[i] <= b < lo[i] + width and 0 <= a - lo[i - 1] < width]
        assert list(range(start[k], until[k])) == rows or (not rows and start[k] >= until[k])
    assert start == sorted(start) and until == sorted(until)


def test_room_tone_is_quiet_when_the_pauses_between_are_digital_silence():
    """An edited package: each sentence keeps the room tone it was recorded in, the gaps are digital zeros.
    The zeros must not set the noise floor, or the room tone would count as sound with no text."""
    hops = [features.SILENCE_DB] * 40 + [-62.0] * 80 + [-24.0] * 250 + [-60.0] * 60 + [features.SILENCE_DB] * 40
    energy = np.array(hops, np.float32) + np.random.default_rng(3).normal(0, 1.5, len(hops)).astype(np.float32)
    energy[:40] = energy[-40:] = features.SILENCE_DB
    quiet = refine.quiet(energy)
    assert quiet[:120].all() and quiet[370:].all()  # digital silence and room tone
    assert not quiet[125:365].any()  # the speech


def test_band_keeps_memory_to_rows_times_band():
    lo, width = dtw.band_starts(100_000, 90_000, band=50)
    assert width == 101 and lo[-1] == 90_000 - width and np.all(np.diff(lo) >= 0)


def test_pauses_are_found_between_bursts():
    x = np.concatenate([tone(1.0), np.zeros(int(0.3 * RATE), np.float32), tone(0.5), np.zeros(int(0.05 * RATE),
                        np.float32), tone(0.5)]) + np.random.default_rng(2).normal(0, 1e-3, int(2.35 * RATE))
    quiet = refine.quiet(features.energy_db(x.astype(np.float32)))
    found = [p for p in refine.pauses(quiet) if p.length > 0]
    assert len(found) == 1 and found[0].start == pytest.approx(1.0, abs=0.02) and found[0].end == pytest.approx(
        1.3, abs=0.02)  # the 50 ms gap is too short to be a pause


def test_choose_prefers_the_pause_the_guess_overlaps():
    near, held = refine.Pause(2.0, 2.1), refine.Pause(2.4, 2.8)
    assert refine.choose([near, held], 2.5, 2.6) == held
    assert refine.choose([near, held], 5.0, 5.0) is None


@pytest.fixture(scope="module")
def espeak_case() -> recordings.Case:
    texts = ["Sáng ngày mười hai tháng ba, tỉnh tổ chức hội nghị.", "Hội nghị có hơn một nghìn đại biểu.",
             "Mạng lưới y tế cơ sở tiếp tục được củng cố.", "Các trạm y tế đã khám cho hơn hai triệu lượt người.",
             "Đây là nguyên nhân khiến người bệnh vượt tuyến."]
    readers = recordings.espeak_utterances(texts, "vi-VN-x-south", 4.6)
    return recordings.build("espeak", readers, seed=3)


def test_aligner_finds_another_voice_reading_the_text(espeak_case):
    alignment = aligner.align(InMemory(espeak_case.samples), [[speech.to_speech(s)] for s in espeak_case.sentences])
    score = recordings.score(espeak_case, alignment.sentences)
    assert max(score.edges) <= 0.1 and all(score.boundaries)
    assert alignment.low() == [] and alignment.untranscribed == []


def test_aligner_reports_a_sentence_left_out_and_keeps_the_rest(espeak_case):
    texts = [speech.to_speech(s) for s in espeak_case.sentences]
    readers = recordings.espeak_utterances(espeak_case.sentences, "vi-VN-x-south", 4.6)
    case = recordings.build("missing", readers, seed=4, missing=(2,))
    alignment = aligner.align(InMemory(case.samples), [[t] for t in texts])
    assert [t.found for t in alignment.sentences] == [True, True, False, True, True]
    assert alignment.low() == [2] and "not found" in alignment.sentences[2].reason
    assert max(recordings.score(case, alignment.sentences).edges) <= 0.1


def test_a_first_sentence_left_out_is_not_found_and_shares_no_sound_with_the_next(espeak_case):
    """A title the newsreader did not read: it is reported not found, never given a sliver of the next sentence."""
    sentences = ["Bản tin thời sự", *espeak_case.sentences]
    texts = [speech.to_speech(s) for s in sentences]
    readers = recordings.espeak_utterances(sentences, "vi-VN-x-south", 4.6)
    case = recordings.build("title not read", readers, seed=5, missing=(0,))
    alignment = aligner.align(InMemory(case.samples), [[t] for t in texts])
    assert [t.found for t in alignment.sentences] == [False, True, True, True, True, True]
    found = [t for t in alignment.sentences if t.found]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert max(recordings.score(case, alignment.sentences).edges) <= 0.1


def test_aligner_refuses_a_recording_of_other_words(espeak_case):
    other = ["Trời hôm nay nắng đẹp và không có mưa.", "Giá xăng dầu giảm nhẹ trong tuần qua.",
             "Đội bóng chiến thắng với tỷ số hai không.", "Người dân đổ về quảng trường xem pháo hoa.",
             "Nhà máy mới sẽ khánh thành vào tháng sau."]
    with pytest.raises(aligner.AlignError):
        aligner.align(InMemory(espeak_case.samples), [[speech.to_speech(s)] for s in other])


def test_time_parts_finds_cues_in_a_sentence_without_word_times():
    parts = ["Sáng ngày mười hai tháng ba, tại thành phố Thanh Hóa,", "ủy ban nhân dân tỉnh tổ chức hội nghị",
             "tổng kết công tác y tế cơ sở."]
    audio = EspeakEngine("vi-VN-x-central", 3.2).synthesize(parts)  # its own spans are the answer
    timed = time_parts(audio.pcm, audio.sample_rate, parts)
    assert timed.pcm == audio.pcm and len(timed.part_spans) == 3
    for (a, b), (c, d) in zip(timed.part_spans, audio.part_spans):
        assert abs(a - c) / audio.sample_rate <= 0.1 and abs(b - d) / audio.sample_rate <= 0.1


def test_time_parts_falls_back_to_syllable_shares_on_silence():
    pcm = b"\0\0" * 22050
    timed = time_parts(pcm, 22050, ["một hai", "ba"])
    assert len(timed.part_spans) == 2


def test_blas_libraries_are_read_from_the_memory_map():
    from broadcast.align import blas

    maps = ("7f00-7f01 r-xp 00000000 08:01 12 /usr/lib/libscipy_openblas64_-32a4b2a6.so\n"
            "7f01-7f02 r--p 00001000 08:01 12 /usr/lib/libscipy_openblas64_-32a4b2a6.so\n"
            "7f02-7f03 r-xp 00000000 08:01 13 /usr/lib/libm.so.6\n"
            "7f03-7f04 rw-p 00000000 00:00 0 \n"
            "7f04-7f05 r-xp 00000000 08:01 14 /opt/openblas/libopenblas.so.0\n")
    assert blas.loaded_libraries(maps) == [blas.Path("/usr/lib/libscipy_openblas64_-32a4b2a6.so"),
                                           blas.Path("/opt/openblas/libopenblas.so.0")]


def test_aligning_uses_one_blas_thread_and_gives_the_count_back():
    from broadcast.align import blas

    threads = blas._openblas()
    if threads is None:
        pytest.skip("numpy's BLAS here is not an OpenBLAS this can reach")
    before = threads.get()
    seen = []
    with blas.one_thread():
        seen.append(threads.get())
        with blas.one_thread():
            seen.append(threads.get())
        seen.append(threads.get())
    assert seen == [1, 1, 1] and threads.get() == before

    def speaker(sentences, rate):
        for _ in sentences:
            seen.append(threads.get())
            yield aligner.SpokenSentence(tone(1.0, 300), ((0, RATE),))

    quiet = np.zeros(RATE // 2, np.float32)
    sound = np.concatenate([quiet, tone(1.2, 300), quiet])
    signal = InMemory(sound + np.random.default_rng(3).normal(0, 1e-3, len(sound)).astype(np.float32))
    try:
        aligner.align(signal, [["một hai ba"]], speaker)
    except aligner.AlignError:
        pass
    assert seen[3:] == [1] and threads.get() == before


def test_one_decoding_gives_the_analysis_and_the_delivered_recording_with_its_level(tmp_path):
    """The recording is decoded once: 16 kHz for analysis, its own rate for delivery. Both are the samples a
    decoding of their own gives, and the level is what the meter reads on the delivered samples."""
    import subprocess

    from broadcast.align.recording import Analysis, probe
    from broadcast.audio import loudness, sound

    source = tmp_path / "stereo.wav"
    subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=300:sample_rate=44100:duration=8", "-af", "pan=stereo|c0=c0|c1=0.3*c0,volume=0.6",
                    str(source)], check=True)

    def decoded(rate: int) -> bytes:
        return subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(source), "-f",
                               "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"], capture_output=True, check=True).stdout

    info = probe(source)
    assert info.container == "wav"  # read in larger packets: the same samples
    analysis = Analysis(source, tmp_path / "analysis.raw", (tmp_path / "delivery.raw", 44100), info)
    assert (tmp_path / "analysis.raw").read_bytes() == decoded(RATE)
    assert analysis.delivery is not None and analysis.delivery.path.read_bytes() == decoded(44100)
    assert analysis.delivery.level == loudness.level(decoded(44100), 44100, 2)
    assert Analysis(source, tmp_path / "alone.raw").delivery is None


@pytest.mark.parametrize("fmt, loudness", [("mp3", "ebu"), ("mp3", "off"), ("wav", "ebu")])
def test_recording_levels_are_the_readings_of_the_programme(fmt, loudness):
    """`align` takes the level from the decoding; the encoder's offset is probed as `produce`'s readings do."""
    from broadcast import pipeline
    from broadcast.audio import timeline
    from broadcast.audio import loudness as meter

    samples = np.concatenate([tone(40.0, 300, 0.2), tone(5.0, 2500, 0.4)])
    pcm = recordings.to_pcm(samples + np.random.default_rng(2).normal(0, 0.01, len(samples)).astype(np.float32))
    programme = timeline.Programme(pcm, RATE, ())
    settings = pipeline.Settings(audio_format=fmt, loudness=loudness, sample_rate=RATE)
    with pipeline.readings(settings) as reader:
        expected = reader.finish(programme)
    assert pipeline.recording_levels(programme, meter.level(pcm, RATE, 2), settings) == expected
