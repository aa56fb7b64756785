"""The engine registry: built-in engines and other packages' through the `broadcast.engines` entry points, the
`voices` command, --engine/--fallback checking, and start-up that imports no engine."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE

from broadcast.cli import cli
from broadcast.voice import engines
from broadcast.voice.base import EngineError

PLUGIN = '''
"""A third-party engine: a tone per syllable, enough to be a voice for the pipeline."""
import math
import struct

from broadcast.voice.base import SpeechAudio, VoiceInfo


class ToneEngine:
    name = "tone"
    summary = "beeps, one per syllable (a plugin for tests)"
    needs = "nothing"

    @classmethod
    def voices(cls):
        return [VoiceInfo("beep", "a 440 Hz beep")]

    @classmethod
    def resolve_voice(cls, voice):
        if voice not in (None, "beep"):
            from broadcast.voice.engines import voice_error
            raise voice_error(cls.name, voice, cls.voices())
        return "beep"

    def __init__(self, voice=None, rate=3.3):
        self.voice, self.rate, self.version = voice, rate, "tone 1"

    def synthesize(self, parts):
        rate = 16000
        pcms = []
        for part in parts:
            n = int(rate * len(part.split()) / self.rate)
            pcms.append(struct.pack(f"<{n}h", *(int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n))))
        return SpeechAudio.from_parts(pcms, rate, rate // 10)
'''


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    """Install packages on sys.path the way pip would leave them (a module and its dist-info with entry points);
    the registry is read afresh before and after."""

    def install(dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
        for name, source in modules.items():
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        info = tmp_path / f"{dist.replace('-', '_')}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
        lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
        (info / "entry_points.txt").write_text(f"[{engines.ENTRY_POINT_GROUP}]\n{lines}\n", encoding="utf-8")
        engines.forget()

    monkeypatch.syspath_prepend(str(tmp_path))
    engines.forget()
    yield install
    engines.forget()


def invoke(*args):
    return CliRunner(mix_stderr=False).invoke(cli, [str(a) for a in args])


def test_built_in_engines_come_first_in_order():
    assert engines.names()[:4] == ["espeak", "gtts", "edge", "piper"]
    assert all(engines.registry()[n].package is None for n in ("espeak", "gtts", "edge", "piper"))


def test_a_plugin_engine_is_listed_and_speaks_a_bulletin(plugins, tmp_path):
    plugins("tone-voice", {"tone": "tone_voice:ToneEngine"}, {"tone_voice": PLUGIN})
    assert "tone" in engines.names() and engines.registry()["tone"].origin == "plugin from tone-voice 0.1"
    listing = invoke("voices", "--engine", "tone")
    assert listing.exit_code == 0, listing.stderr
    assert listing.stdout.splitlines()[:3] == [
        "tone  beeps, one per syllable (a plugin for tests)  (plugin from tone-voice 0.1)",
        "  needs: nothing",
        "  beep  a 440 Hz beep  [default]",
    ]
    out = tmp_path / "out"
    result = invoke("produce", SAMPLE, "-o", out, "--engine", "tone", "--format", "wav", "--no-cache")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "sample" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "tone" and manifest["voice"] == "beep" and manifest["engine_version"] == "tone 1"


def test_a_plugin_that_cannot_load_is_one_line_and_listed_with_the_reason(plugins, tmp_path):
    plugins("broken-voice", {"broken": "broken_voice:Missing", "bare": "bare_voice:Bare"},
            {"broken_voice": "import nonexistent_module_xyz\n", "bare_voice": "class Bare:\n    pass\n"})
    listing = invoke("voices")
    assert listing.exit_code == 0
    assert "broken  (plugin from broken-voice 0.1)" in listing.stdout
    assert "cannot be used: engine 'broken' (plugin from broken-voice 0.1) cannot be loaded: ModuleNotFoundError" \
        in listing.stdout
    assert "is not a broadcast engine: it has no voices, resolve_voice, synthesize" in listing.stdout
    result = invoke("produce", SAMPLE, "-o", tmp_path / "out", "--engine", "broken")
    assert result.exit_code == 2  # found with the other option checks, before any work
    [line] = result.stderr.strip().splitlines()
    assert "cannot be loaded: ModuleNotFoundError: No module named 'nonexistent_module_xyz'" in line
    assert not (tmp_path / "out").exists()


def test_a_plugin_cannot_take_a_built_in_name(plugins):
    plugins("impostor", {"espeak": "tone_voice:ToneEngine"}, {"tone_voice": PLUGIN})
    assert engines.registry()["espeak"].package is None
    assert engines.engine_class("espeak").__name__ == "EspeakEngine"


def test_voices_lists_every_engine_without_the_network(monkeypatch, tmp_path):
    monkeypatch.setenv("BROADCAST_VOICES_DIR", str(tmp_path / "none"))
    result = invoke("voices")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for engine in ("espeak", "gtts", "edge", "piper"):
        assert any(line.startswith(f"{engine}  ") for line in out.splitlines())
    assert "vi-VN-HoaiMyNeural" in out and "vi-VN-NamMinhNeural" in out and "needs: internet" in out
    assert "vi-VN-x-south" in out and f"voices folder: {tmp_path / 'none'}" in out
    assert "(no voices installed)" in out


@pytest.mark.parametrize("args, message", [
    (("--engine", "nope"), "--engine: 'nope' is not one of: espeak, gtts, edge, piper"),
    (("--engine", "pipr"), "--engine: 'pipr' is not one of: espeak, gtts, edge, piper (did you mean piper?)"),
    (("--fallback", "espeak,nope"), "--fallback: 'nope' (in 'espeak,nope') is not one of: espeak, gtts, edge, piper"),
    (("--fallback", "gtts,gtts"), "--fallback: 'gtts,gtts' names an engine twice"),
])
def test_engine_names_are_checked_by_the_option(tmp_path, args, message):
    result = invoke("produce", SAMPLE, "-o", tmp_path / "out", *args)
    assert result.exit_code == 2 and result.stderr == f"broadcast: error: {message}\n"


def test_a_fallback_that_is_the_engine_itself_is_refused_before_work(tmp_path):
    result = invoke("produce", SAMPLE, "-o", tmp_path / "out", "--fallback", "edge,espeak")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "broadcast: error: --fallback espeak: that is the --engine itself (fall back to another engine)"]
    assert not (tmp_path / "out").exists()


def test_fallbacks_are_checked_in_order():
    engines.check_fallbacks("edge", ["gtts", "espeak"])
    with pytest.raises(EngineError, match="--fallback espeak: named twice"):
        engines.check_fallbacks("edge", ["espeak", "espeak"])


def test_a_fallback_list_in_broadcast_toml(tmp_path, monkeypatch):
    (tmp_path / "broadcast.toml").write_text('[voice]\nfallback = "gtts,espeak"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from broadcast.config import load

    assert load(None, cli.commands["produce"]) == {"fallback": "gtts,espeak"}
    (tmp_path / "broadcast.toml").write_text('[voice]\nfallback = "gtts,nope"\n', encoding="utf-8")
    result = invoke("produce", SAMPLE, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "fallback: 'nope' (in 'gtts,nope') is not one of: espeak, gtts" in result.stderr


def test_start_up_imports_no_engine():
    """`broadcast --help` and `produce --help` read no entry points and import no engine or network library."""
    heavy = ["edge_tts", "aiohttp", "piper", "onnxruntime", "gtts", "requests", "importlib.metadata",
             "broadcast.voice.engines", "broadcast.voice.edge_engine", "broadcast.voice.piper_engine"]
    code = textwrap.dedent(f"""
        import sys
        from click.testing import CliRunner
        from broadcast.cli import cli
        for args in (["--help"], ["produce", "--help"], ["voices", "--help"]):
            assert CliRunner().invoke(cli, args).exit_code == 0
        print([m for m in {heavy!r} if m in sys.modules])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_built_in_engine_is_used_without_reading_the_entry_points(tmp_path, monkeypatch):
    """No plugin can take a built-in name, so producing with one reads no package's entry points (30 ms)."""
    import importlib.metadata

    def unread(*args, **kwargs):
        raise AssertionError("the entry points were read")

    monkeypatch.setattr(importlib.metadata, "entry_points", unread)
    engines.forget()
    assert engines.engine_class("espeak").name == "espeak"
    transcript = tmp_path / "t.txt"
    transcript.write_text("Bản tin\n\nHà Nội hôm nay trời nắng.\n", encoding="utf-8")
    result = invoke("produce", transcript, "-o", tmp_path / "out", "--engine", "espeak", "--fallback", "gtts",
                    "--no-cache", "--format", "wav", "-q")
    assert result.exit_code == 0, result.stderr
    engines.forget()
