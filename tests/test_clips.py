"""MP3 clips cut at frame boundaries decode to exactly the source's samples for their spans, whatever the MPEG
version and bitrate; ffmpeg runs a constant number of times per bulletin. (Produced clips against the produced
bulletin: test_end_to_end.py and test_delivery.py.)"""

import io
import random
import subprocess

import pytest
from conftest import SAMPLE

from broadcast import pipeline
from broadcast.audio import encoding, mp3, sound


def decode(path, fmt=None) -> bytes:
    """32-bit float samples as ffmpeg decodes the file (honouring its gapless tag)."""
    forced = ["-f", fmt] if fmt else []
    return subprocess.run([sound.ffmpeg_exe(), "-v", "error", *forced, "-i", str(path), "-f", "f32le", "-"],
                          capture_output=True, check=True).stdout


# MPEG-1, -2 and -2.5 at bitrates from thin (the bit reservoir reaches back several frames) to wide
@pytest.mark.parametrize("rate, bitrate", [(22050, "128k"), (22050, "24k"), (24000, "64k"), (48000, "128k"),
                                           (48000, "32k"), (44100, "320k"), (11025, "16k")])
def test_cut_is_sample_exact_for_any_span(tmp_path, rate, bitrate):
    source = tmp_path / "source.mp3"
    noisy_tone = f"aevalsrc=0.5*sin(2*PI*440*t)*gt(sin(2*PI*1.7*t)\\,0)+0.3*(random(0)-0.5):s={rate}:d=5"
    subprocess.run([sound.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", noisy_tone, "-c:a", "libmp3lame",
                    "-b:a", bitrate, str(source)], check=True)
    whole = decode(source)
    n = len(whole) // 4
    cuts = sorted(random.Random(rate).sample(range(1, n), 8))
    spans = [(0, cuts[0]), (cuts[0], cuts[1]), (cuts[1], cuts[2]), (cuts[3], cuts[3]), (cuts[4], cuts[5]),
             (cuts[6], n)]  # the start, back to back, empty, the end
    paths = [tmp_path / f"{i}.mp3" for i in range(len(spans))]
    tag = mp3.cut(source, spans, paths)
    assert tag.samples == n
    for (first, last), path in zip(spans, paths):
        assert decode(path, "mp3") == whole[4 * first : 4 * last], (first, last)
        with path.open("rb") as stream:
            info, *frames = mp3.frames(stream)
        clip_tag = mp3.read_tag(info)
        assert clip_tag.samples == last - first and clip_tag.frames == len(frames)
        lame = 4 + info.header.side_info_size + 120  # the LAME extension, after the Xing fields
        assert info.data[lame + 34 : lame + 36] == mp3.crc16(info.data[: lame + 34]).to_bytes(2, "big")
        assert info.data[lame + 32 : lame + 34] == mp3.crc16(b"".join(f.data for f in frames)).to_bytes(2, "big")


@pytest.mark.parametrize("length", [0, 1, 4095, mp3.CRC_PERIOD - 1, mp3.CRC_PERIOD, mp3.CRC_PERIOD + 1, 100_003])
def test_crc16_of_a_file_is_the_crc16_of_its_bytes(length):
    data = random.Random(length).randbytes(length)
    assert mp3.crc16_file(io.BytesIO(data), length) == mp3.crc16(data) == mp3._crc16_bytewise(data)


def test_ffmpeg_runs_as_often_for_a_long_bulletin_as_for_a_short_one(tmp_path, monkeypatch):
    started = []
    popen = subprocess.Popen
    ffmpeg = sound.ffmpeg_exe()  # looked up (running `ffmpeg -version`) before Popen is wrapped

    def counting(args, *rest, **kwargs):
        if args[0] == ffmpeg:
            started.append(args)
        return popen(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counting)
    title, first, *_ = SAMPLE.read_text(encoding="utf-8").strip().split("\n\n")
    counts = {}
    for copies in (1, 4):
        transcript = tmp_path / f"x{copies}.txt"
        transcript.write_text("\n\n".join([title, *[first] * copies]), encoding="utf-8")
        for fmt in ("mp3", "wav"):
            started.clear()
            pipeline.produce(transcript, tmp_path / fmt, pipeline.Settings(audio_format=fmt, cache=False))
            counts[copies, fmt] = len(started)
    # MP3: level, probe (2), master, encoder with its loopback meter; WAV: level, master, meter
    assert counts[1, "mp3"] == counts[4, "mp3"] == 5 and counts[1, "wav"] == counts[4, "wav"] == 3, counts


@pytest.mark.parametrize("length", [22050 * 2 + 560 - (22050 * 2 + 560 + 1105) % 576 + 540, 22050 * 2 + 7])
def test_the_bulletin_decodes_to_exactly_the_samples_encoded(tmp_path, length):
    """ffmpeg's gapless tag claims up to 46 samples more than it was given when the length plus 1105 lies 530 to
    575 past a multiple of 576 (the first length here); `set_length` puts the padding right, CRC included."""
    path = tmp_path / "bulletin.mp3"
    tone = f"aevalsrc=0.5*sin(2*PI*440*t):s=22050,atrim=end_sample={length}"
    subprocess.run([sound.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", tone, "-c:a", "libmp3lame", "-b:a", "64k",
                    str(path)], check=True)
    tag = mp3.set_length(path, length)
    assert tag.samples == length and len(decode(path)) == 4 * length
    with path.open("rb") as stream:
        info = next(mp3.frames(stream))
    lame = 4 + info.header.side_info_size + 120
    assert mp3.read_tag(info) == tag
    assert info.data[lame + 34 : lame + 36] == mp3.crc16(info.data[: lame + 34]).to_bytes(2, "big")


@pytest.mark.parametrize("length", [22050 * 2 + 560 - (22050 * 2 + 560 + 1105) % 576 + 540, 22050 * 2 + 7])
def test_the_encoders_meter_reads_what_the_written_file_decodes_to(tmp_path, length):
    """The loopback decoder that feeds the meter gives exactly the samples a gapless decoder gets from the
    bulletin once its tag is set, at a length ffmpeg's own tag gets wrong too."""
    tone = f"aevalsrc=0.5*sin(2*PI*440*t)+0.2*(random(0)-0.5):s=22050,atrim=end_sample={length}"
    subprocess.run([sound.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", tone, "-f", "s24le", str(tmp_path / "m.raw")],
                   check=True)
    args = encoding.mp3_encoder_args("m.raw", 22050, 3, length, "64k")
    assert args[-3:] == ["-f", "null", "-"]
    metered = subprocess.run([sound.ffmpeg_exe(), "-v", "error", *args[:-3], "-f", "f32le", "pipe:1"], cwd=tmp_path,
                             capture_output=True, check=True).stdout
    written = tmp_path / "bulletin.mp3"
    (tmp_path / encoding._ENCODING_NAME).rename(written)
    mp3.set_length(written, length)
    assert len(metered) == 4 * length and metered == decode(written)
