"""The whole pipeline on the seed with the real offline voice and the real ffmpeg."""

import json
import re
import subprocess

import pysubs2
import pytest
import srt
from click.testing import CliRunner

from broadcast import audio, transcript
from broadcast.cli import cli


@pytest.fixture(scope="module")
def produced(bulletin, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["produce", str(bulletin), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out / bulletin.stem


def decoded_seconds(path, rate=22050) -> float:
    return len(audio.decode_mp3(path.read_bytes(), rate)) / 2 / rate


def test_every_file_is_written(produced, bulletin):
    stem = bulletin.stem
    for name in (f"{stem}.mp3", f"{stem}.srt", f"{stem}.vtt", "manifest.json"):
        assert (produced / name).stat().st_size > 0
    manifest = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    clips = sorted(p.name for p in (produced / "clips").iterdir())
    assert clips == [f"{i:03d}.mp3" for i in range(1, len(manifest["segments"]) + 1)]
    assert not [p for p in produced.parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]  # no staging left


def test_manifest_shape(produced, bulletin):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    assert {"source", "engine", "voice", "audio", "duration", "segments"} <= set(m)
    assert m["source"] == bulletin.name and m["engine"] == "espeak" and m["voice"] == "vi"
    for seg in m["segments"]:
        assert {"index", "kind", "text", "speech", "start", "end", "clip", "cues"} <= set(seg)
        assert seg["start"] < seg["end"]
        assert seg["cues"][0]["start"] >= seg["start"] and seg["cues"][-1]["end"] <= seg["end"] + 1e-3
        assert " ".join(c["text"] for c in seg["cues"]) == seg["text"]


def test_placeholders_and_credit_are_neither_spoken_nor_subtitled(produced, bulletin):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    srt_text = (produced / f"{bulletin.stem}.srt").read_text(encoding="utf-8")
    for seg in m["segments"]:
        assert not re.search(r"- Ảnh \d+\.$", seg["text"]) and not seg["speech"].startswith("Nguồn")
        assert seg["kind"] in ("title", "paragraph")
    assert "Ảnh 1" not in srt_text and "Nguồn" not in srt_text and "TTV" not in srt_text
    captions = [b.text for b in transcript.read(bulletin).blocks if b.kind == "caption"]
    assert captions and not any(c in srt_text for c in captions)  # captions are off by default


def test_subtitles_match_the_audio(produced, bulletin):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    subs = list(srt.parse((produced / f"{bulletin.stem}.srt").read_text(encoding="utf-8")))
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    audio_seconds = decoded_seconds(produced / m["audio"])
    assert audio_seconds == pytest.approx(m["duration"], abs=0.06)  # MP3 framing
    assert abs(subs[-1].end.total_seconds() - m["duration"]) <= 0.05
    assert len(subs) == sum(len(s["cues"]) for s in m["segments"])
    for a, b in zip(subs, subs[1:]):
        assert a.start < a.end <= b.start


def test_each_clip_lasts_its_segment_span(produced):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    for seg in m["segments"]:
        assert decoded_seconds(produced / seg["clip"]) == pytest.approx(seg["end"] - seg["start"], abs=0.05)


def test_srt_opens_in_pysubs2_and_ffmpeg(produced, bulletin):
    path = produced / f"{bulletin.stem}.srt"
    n = len(list(srt.parse(path.read_text(encoding="utf-8"))))
    assert len(pysubs2.load(str(path))) == n
    out = subprocess.run([audio.ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "webvtt", "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    assert out.count(" --> ") == n


def test_wav_and_captions(bulletin, tmp_path):
    result = CliRunner().invoke(cli, ["produce", str(bulletin), "-o", str(tmp_path), "--format", "wav",
                                      "--captions", "--credit"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / bulletin.stem
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    kinds = [s["kind"] for s in m["segments"]]
    n_captions = sum(b.kind == "caption" for b in transcript.read(bulletin).blocks)
    assert kinds.count("caption") == n_captions > 0 and kinds[-1] == "source"
    frames, rate, width = audio.wav_info(folder / m["audio"])
    assert (rate, width, m["sample_rate"], m["bit_depth"]) == (48000, 3, 48000, 24)
    assert frames / rate == pytest.approx(m["duration"], abs=1e-3)
    bulletin_pcm, _ = audio.read_wav(folder / m["audio"])
    for seg in m["segments"]:
        first, last = seg["samples"]
        assert first / rate == pytest.approx(seg["start"], abs=1e-3) and last / rate == pytest.approx(seg["end"], abs=1e-3)
        clip, _ = audio.read_wav(folder / seg["clip"])
        assert clip == bulletin_pcm[first * width : last * width]  # sample-exact cut of the bulletin
