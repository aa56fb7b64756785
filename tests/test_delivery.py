"""Delivered audio measured with ffmpeg's own ebur128 meter (parsed here, independently of broadcast's
parser): loudness targets, true-peak ceilings, sample rates and bit depths, one gain for bulletin and clips."""

import array
import json
import math
import re
import subprocess

import pytest
from click.testing import CliRunner

from broadcast.audio import loudness, mastering, sound, timeline
from broadcast.cli import cli
from broadcast.errors import BroadcastError


def ebur128(path, with_range=False):
    """(integrated LUFS, true peak dBTP[, loudness range LU]) as `ffmpeg -af ebur128=peak=true` reports them."""
    err = subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, check=True).stderr.decode()
    summary = err[err.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    loudness_range = float(re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1))
    return (integrated, peak, loudness_range) if with_range else (integrated, peak)


def reported(m):
    """The manifest's reading of the bulletin: (integrated, true peak, loudness range)."""
    level = m["loudness"]
    return level["integrated_lufs"], level["true_peak_dbtp"], level["loudness_range_lu"]


def produce(bulletin, out, *options):
    result = CliRunner().invoke(cli, ["produce", str(bulletin), "-o", str(out), "-q", *options])
    assert result.exit_code == 0, result.output
    folder = out / bulletin.stem
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_default_mp3_meets_ebu_r128(bulletin, tmp_path):
    folder, m = produce(bulletin, tmp_path)
    integrated, peak = ebur128(folder / m["audio"])
    assert integrated == pytest.approx(-23.0, abs=0.5) and peak <= -1.0
    level = m["loudness"]
    # measured while it was encoded, and exactly what a meter reads on the written file
    assert level["target"] == "ebu" and reported(m) == ebur128(folder / m["audio"], with_range=True)
    assert m["sample_rate"] == 22050 and m["bitrate"] == "128k"  # MP3 keeps the voice's rate: no resampling
    assert level["synthesized_sample_peak_dbfs"] > -1.0  # eSpeak alone would not have been deliverable


def test_mp3_at_a_chosen_rate(tmp_path):
    from conftest import SAMPLE

    folder, m = produce(SAMPLE, tmp_path, "--sample-rate", "48000", "--bitrate", "96k")
    integrated, peak = ebur128(folder / m["audio"])
    assert integrated == pytest.approx(-23.0, abs=0.5) and peak <= -1.0
    assert m["sample_rate"] == 48000 and m["bitrate"] == "96k"
    probe = subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-i", str(folder / m["audio"])],
                           capture_output=True).stderr.decode()
    assert "48000 Hz" in probe and "96 kb/s" in probe
    # MPEG-1 frames (1152 samples): the clips are still the bulletin's samples for their spans
    from test_end_to_end import decoded

    whole = decoded(folder / m["audio"])
    for seg in m["segments"]:
        first, last = seg["samples"]
        assert decoded(folder / seg["clip"]) == whole[4 * first : 4 * last], seg["clip"]


@pytest.mark.parametrize("options, lufs, ceiling, rate, width", [
    (["--format", "wav"], -23.0, -1.0, 48000, 3),
    (["--format", "wav", "--bit-depth", "16", "--loudness", "atsc", "--sample-rate", "44100"], -24.0, -2.0, 44100, 2),
    (["--format", "wav", "--loudness", "web"], -16.0, -1.0, 48000, 3),  # needs the limiter
    (["--format", "wav", "--loudness", "-20"], -20.0, -1.0, 48000, 3),
])
def test_wav_targets(options, lufs, ceiling, rate, width, tmp_path):
    from conftest import SAMPLE

    folder, m = produce(SAMPLE, tmp_path, *options)
    integrated, peak, loudness_range = ebur128(folder / m["audio"], with_range=True)
    assert integrated == pytest.approx(lufs, abs=0.5) and peak <= ceiling
    assert reported(m) == (integrated, peak, loudness_range)  # measured as written: what a meter reads on the file
    frames, got_rate, got_width = sound.wav_info(folder / m["audio"])
    assert (got_rate, got_width, m["bit_depth"]) == (rate, width, 8 * width)
    bulletin_pcm, _ = sound.read_wav(folder / m["audio"])
    for seg in m["segments"]:  # the clips carry the bulletin's gain: they are its very samples
        first, last = seg["samples"]
        assert sound.read_wav(folder / seg["clip"])[0] == bulletin_pcm[first * width : last * width]


def test_loudness_off_keeps_the_synthesized_level(tmp_path):
    from conftest import SAMPLE

    folder, m = produce(SAMPLE, tmp_path, "--format", "wav", "--loudness", "off")
    assert m["loudness"]["gain_db"] == 0 and m["loudness"]["target"] is None
    assert ebur128(folder / m["audio"])[0] == pytest.approx(m["loudness"]["synthesized_lufs"], abs=0.3)


def test_targets():
    assert loudness.target("EBU") == loudness.Target("ebu", -23.0, -1.0)
    assert loudness.target("atsc").true_peak == -2.0 and loudness.target("web").integrated == -16.0
    assert loudness.target("-18.5").integrated == -18.5 and loudness.target("off") is None
    for bad in ("loud", "-80", "3"):
        with pytest.raises(BroadcastError):
            loudness.target(bad)


def test_bad_loudness_is_a_usage_error(tmp_path):
    from conftest import SAMPLE

    result = CliRunner().invoke(cli, ["produce", str(SAMPLE), "-o", str(tmp_path), "--loudness", "loud"])
    assert result.exit_code == 2 and "--loudness" in result.output and not any(tmp_path.iterdir())


def test_silence_is_left_alone_with_a_warning(tmp_path):
    programme = timeline.Programme(sound.silence(22050 * 3), 22050, ())
    master = mastering.master(programme, loudness.target("ebu"), tmp_path / "master.raw")
    assert master.gain_db == 0 and master.warnings and "silent" in master.warnings[0]
    assert master.n_samples == 48000 * 3 and master.sample_width == 3


def test_a_programme_left_in_its_file_masters_as_the_same_samples_in_memory(tmp_path):
    """`align` leaves the recording in a raw file (an hour at 48 kHz is 345 MB); ffmpeg reads it there."""
    t = [k / 22050 for k in range(2 * 22050)]
    pcm = array.array("h", (int(12000 * math.sin(2 * math.pi * (440 + 220 * (k // 11025)) * x))
                            for k, x in enumerate(t))).tobytes()
    raw = tmp_path / "recording.raw"
    raw.write_bytes(pcm)
    in_file = timeline.RawFile(raw, len(pcm))
    assert len(in_file) == len(pcm) and in_file[100:2000] == pcm[100:2000] and in_file[-10:] == pcm[-10:]
    masters = [mastering.master(timeline.Programme(source, 22050, ()), loudness.target("web"),
                                tmp_path / f"{name}.raw", 48000, 24, source_level=(-20.0, -3.0))
               for name, source in (("memory", pcm), ("file", in_file))]
    assert masters[0].path.read_bytes() == masters[1].path.read_bytes() and masters[0].n_samples == 48000 * 2


def test_parse_summary_takes_the_last_summary():
    text = ("Summary:\n  Integrated loudness:\n    I:  -30.0 LUFS\n  Loudness range:\n    LRA:  1.0 LU\n"
            "  True peak:\n    Peak:  -9.0 dBFS\n"
            "Summary:\n  Integrated loudness:\n    I:  -23.1 LUFS\n    Threshold: -33 LUFS\n"
            "  Loudness range:\n    LRA:  2.2 LU\n  True peak:\n    Peak:  -3.8 dBFS\n")
    assert loudness.parse_summary(text) == loudness.Measurement(-23.1, -3.8, 2.2)
