"""The piper engine through the real piper-tts runtime (its eSpeak phonemizer, onnxruntime, the alignment patch)
with a tiny voice built here (tests/tiny_piper.py); no voice is downloaded. Needs `pip install '.[test,piper]'`."""

from __future__ import annotations

import json
import sys

import pytest

pytest.importorskip("piper", reason="the piper extra is not installed: pip install -e '.[test,piper]'")
pytest.importorskip("onnx", reason="onnx (a test dependency) is not installed: pip install -e '.[test,piper]'")

import cue_truth  # noqa: E402
import tiny_piper  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from conftest import SAMPLE  # noqa: E402

from broadcast import pipeline  # noqa: E402
from broadcast.cli import cli  # noqa: E402
from broadcast.voice import engines, piper_engine  # noqa: E402
from broadcast.voice.base import EngineError  # noqa: E402
from broadcast.voice.piper_engine import PiperEngine  # noqa: E402

FRAME = 1 / 25
SENTENCE = ["Sáng ngày mười hai tháng ba,", "tại thành phố Thanh Hóa,", "hội nghị tổng kết công tác y tế."]


@pytest.fixture
def voices(tmp_path, monkeypatch):
    """An empty voices folder that BROADCAST_VOICES_DIR points at."""
    folder = tmp_path / "voices"
    folder.mkdir()
    monkeypatch.setenv(piper_engine.ENV_VAR, str(folder))
    return folder


@pytest.fixture
def tiny(voices):
    return tiny_piper.build(voices)


def syllable_rate(speech, parts) -> float:
    seconds = (speech.part_spans[-1][1] - speech.part_spans[0][0]) / speech.sample_rate
    return sum(len(p.split()) for p in parts) / seconds


# --- speaking -----------------------------------------------------------------------------------------------

def test_each_cue_starts_within_a_frame_of_its_first_word(tiny):
    engine = PiperEngine(str(tiny))
    speech = engine.synthesize(SENTENCE)
    truth = tiny_piper.part_onsets(SENTENCE, speech.pcm, engine._voice.phonemize)
    starts = [a / speech.sample_rate for a, _ in speech.part_spans]
    assert all(abs(s - t) < 0.002 for s, t in zip(starts, truth)), (starts, truth)
    assert engine.voice == "vi_VN-tiny-x_low" and speech.sample_rate == 22050


def test_every_cue_of_a_bulletin(tiny, bulletin):
    segments = pipeline.plan(bulletin, pipeline.Settings())
    engine = PiperEngine(str(tiny))
    errors = cue_truth.measure(bulletin, segments, engine,
                               lambda parts, speech: tiny_piper.part_onsets(parts, speech.pcm, engine._voice.phonemize))
    assert len(errors) == sum(len(s.cues) for s in segments)
    assert max(abs(e.measured) for e in errors) < 0.005
    assert all(e.shown > -FRAME for e in errors)  # (later only where the cue before needs reading time)
    assert sum(1 for e in errors if e.shown <= 1e-6) >= 0.9 * len(errors)


def test_rate_becomes_length_scale_from_the_voices_own_pace(tiny):
    text = ["Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm qua,",
            "và triển khai nhiệm vụ trong thời gian tới."]
    for rate in (3.3, 3.9, 4.5):
        engine = PiperEngine(str(tiny), rate=rate)
        # within 8%: this text is not the one the pace was measured on, and the tiny voice rounds coarsely
        assert syllable_rate(engine.synthesize(text), text) == pytest.approx(rate, rel=0.08)
    with pytest.raises(EngineError, match=r"--rate 40: the Piper voice vi_VN-tiny-x_low speaks between"):
        PiperEngine(str(tiny), rate=40)


def test_the_pace_is_measured_once_per_voice_and_kept(tiny, monkeypatch):
    first = PiperEngine(str(tiny))
    measured = []
    monkeypatch.setattr(piper_engine, "measure_pace", lambda *a: measured.append(a) or pytest.fail("measured again"))
    second = PiperEngine(str(tiny))
    assert second.pace == first.pace and not measured


def test_the_same_run_gives_the_same_audio_though_the_voice_is_noisy(tiny):
    a = PiperEngine(str(tiny))
    first = [a.synthesize(SENTENCE).pcm, a.synthesize(SENTENCE).pcm]
    assert first[0] != first[1]  # the voice's noise moves durations from one call to the next
    b = PiperEngine(str(tiny))
    assert [b.synthesize(SENTENCE).pcm, b.synthesize(SENTENCE).pcm] == first  # seeded: a rerun is identical


def test_a_model_without_alignments_speaks_cue_by_cue(voices):
    path = tiny_piper.build(voices, name="vi_VN-noalign-x_low", ceil=False)
    speech = PiperEngine(str(path)).synthesize(SENTENCE)
    assert len(speech.part_spans) == 3
    for (a, b), (c, _) in zip(speech.part_spans, speech.part_spans[1:]):
        assert a < b < c


# --- voices and the voices folder ---------------------------------------------------------------------------

def test_a_voice_is_found_by_name_in_the_voices_folder(voices):
    path = tiny_piper.build(voices / "vi", name="vi_VN-vais1000-medium")
    assert PiperEngine.resolve_voice("vi_VN-vais1000-medium") == str(path)
    assert PiperEngine.resolve_voice(None) == str(path)  # the only one installed
    [info] = PiperEngine.voices()
    assert info.name == "vi_VN-vais1000-medium" and info.file == str(path) and "22050 Hz" in info.description


def test_several_voices_need_a_choice_and_none_says_how_to_get_one(voices):
    with pytest.raises(EngineError, match=r"--engine piper needs a voice: --voice FILE.onnx, or put one"):
        PiperEngine.resolve_voice(None)
    tiny_piper.build(voices, name="vi_VN-a-x_low")
    tiny_piper.build(voices, name="vi_VN-b-x_low")
    with pytest.raises(EngineError, match=r"2 voices in .*choose one with --voice \(vi_VN-a-x_low, vi_VN-b-x_low\)"):
        PiperEngine.resolve_voice(None)
    with pytest.raises(EngineError, match=r"--voice 'vi_VN-c' is not a Piper voice file nor a voice in .* "
                                          r"\(vi_VN-a-x_low, vi_VN-b-x_low\)"):
        PiperEngine.resolve_voice("vi_VN-c")


def damaged_model(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def broken_config(path):
    path.with_name(path.name + ".json").write_text("{not json", encoding="utf-8")


def missing_config(path):
    path.with_name(path.name + ".json").unlink()


def english_config(path):
    config = path.with_name(path.name + ".json")
    data = json.loads(config.read_text(encoding="utf-8"))
    data["espeak"]["voice"] = "en-us"
    data["language"] = {"code": "en_US"}
    config.write_text(json.dumps(data), encoding="utf-8")


def not_a_voice(path):
    """A valid ONNX model of a usual size that is not a voice (other inputs)."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Ceil", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    model.doc_string = "x" * 2048
    onnx.save(model, str(path))


@pytest.mark.parametrize("spoil, message, code", [
    (damaged_model, "cannot load the voice model", 1),  # found when the model is loaded
    (broken_config, "not a Piper voice config (not valid JSON)", 2),  # found with the option checks
    (missing_config, "its config vi_VN-tiny-x_low.onnx.json is missing", 2),
    (english_config, "a Piper voice for en_US, not Vietnamese", 2),
    (not_a_voice, "not a Piper voice model (its inputs are x)", 1),
])
def test_a_wrong_or_damaged_voice_is_one_line_before_any_work(tiny, tmp_path, spoil, message, code):
    spoil(tiny)
    out = tmp_path / "out"
    result = CliRunner(mix_stderr=False).invoke(cli, ["produce", str(SAMPLE), "-o", str(out), "--engine", "piper",
                                                      "--voice", str(tiny)])
    assert result.exit_code == code
    [line] = result.stderr.strip().splitlines()
    assert message in line and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_missing_file_is_one_line(voices):
    with pytest.raises(EngineError, match=r"--voice .*nowhere.onnx: no such file"):
        PiperEngine.resolve_voice(str(voices / "nowhere.onnx"))


def test_without_the_runtime_the_extra_is_named(tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)
    with pytest.raises(EngineError, match=r"pip install 'broadcast\[piper\]'"):
        PiperEngine(str(tiny))


# --- through the command line -------------------------------------------------------------------------------

def test_produce_with_a_voice_by_name_and_voices_lists_it(tiny, tmp_path):
    runner = CliRunner(mix_stderr=False)
    listing = runner.invoke(cli, ["voices", "--engine", "piper"])
    assert listing.exit_code == 0 and "vi_VN-tiny-x_low" in listing.stdout and str(tiny) in listing.stdout
    assert "[default]" in listing.stdout and f"voices folder: {tiny.parent}" in listing.stdout
    out = tmp_path / "out"
    result = runner.invoke(cli, ["produce", str(SAMPLE), "-o", str(out), "--engine", "piper", "--voice",
                                 "vi_VN-tiny-x_low", "--format", "wav", "--rate", "4"])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "sample" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "piper" and manifest["voice"] == "vi_VN-tiny-x_low"
    assert manifest["engine_version"].startswith("piper-tts 1.") and "sha256:" in manifest["engine_version"]
    assert {s["engine"] for s in manifest["segments"]} == {"piper"}


def test_piper_as_a_fallback_uses_the_installed_voice(tiny):
    engines.check_fallbacks("edge", ["piper", "espeak"])  # one voice installed: no --voice needed


def test_piper_as_a_fallback_without_a_voice_is_refused_before_work(voices):
    with pytest.raises(EngineError, match=r"--fallback piper: --engine piper needs a voice"):
        engines.check_fallbacks("edge", ["piper"])
