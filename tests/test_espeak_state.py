"""eSpeak NG's audio for a sentence depends on its text, voice and rate only: not on what the process said
before (libespeak-ng carries counters from call to call; broadcast/voice/espeak_state.py puts them back)."""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys

import pytest
from conftest import ROOT

from broadcast.voice import espeak_state
from broadcast.voice.espeak import EspeakEngine, _Library

SENTENCES = ["Sáng nay, tỉnh Thanh Hóa tổ chức hội nghị tổng kết công tác năm.",
             "Các đại biểu đã thảo luận nhiều vấn đề quan trọng về kinh tế xã hội.",
             "Một hai ba."]
OTHERS = [("Mạng lưới y tế cơ sở tiếp tục được củng cố.", "vi-VN-x-central", 3.0),
          ("Đây là nguyên nhân khiến người bệnh vượt tuyến.", "vi-VN-x-south", 4.6),
          ("Giá xăng dầu giảm nhẹ trong tuần qua.", "vi", 5.5)]
ALONE = """
import hashlib, sys
from broadcast.voice.espeak import EspeakEngine
print(hashlib.sha256(EspeakEngine("vi", 3.3).synthesize([sys.argv[1]]).pcm).hexdigest())
"""
linux_wheel = pytest.mark.skipif(sys.platform != "linux", reason="the counters are found in Linux builds only")


def digest(text: str, voice: str = "vi", rate: float = 3.3) -> str:
    return hashlib.sha256(EspeakEngine(voice, rate).synthesize([text]).pcm).hexdigest()


def alone(text: str) -> str:
    """The sentence's audio from a process that said nothing before it."""
    out = subprocess.run([sys.executable, "-c", ALONE, text], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, check=True, timeout=120)
    return out.stdout.strip()


def in_orders() -> list[dict[str, str]]:
    """Each sentence's digest in three runs within this process: in order, reversed, and each after another
    voice at another rate."""
    runs = [{s: digest(s) for s in SENTENCES}, {s: digest(s) for s in reversed(SENTENCES)}]
    interleaved = {}
    for sentence, (other, voice, rate) in zip(SENTENCES, OTHERS):
        digest(other, voice, rate)
        interleaved[sentence] = digest(sentence)
    return [*runs, interleaved]


@linux_wheel
def test_a_sentence_is_the_same_alone_after_others_and_in_another_order():
    assert _Library.get().state_carried == ""
    expected = {s: alone(s) for s in SENTENCES}
    for other in OTHERS:
        digest(*other)
    for run in in_orders():
        assert run == expected


def test_without_the_reset_the_same_sentences_differ(monkeypatch):
    """The control: the counters left as the library keeps them, the runs above do not all agree (so that
    test can fail)."""
    monkeypatch.setattr(_Library.get(), "_reset", None)
    digest(*OTHERS[0])
    runs = in_orders()
    assert any(run != runs[0] for run in runs[1:])


@linux_wheel
def test_the_counters_are_found_checked_and_named():
    library = _Library.get()
    assert library._reset is not None and EspeakEngine().version == f"espeak-ng {library.version}"
    import espeakng_loader

    symbols, _ = espeak_state._elf_symbols(open(espeakng_loader.get_library_path(), "rb").read())
    for counter in espeak_state.COUNTERS:
        assert len([s for s in symbols if espeak_state._names(s.name, counter.name)]) == 1
    assert espeak_state._names("Flutter_ix.5965", "Flutter_ix")
    assert espeak_state._names("AdvanceParameters.Flutter_ix", "Flutter_ix")
    assert not espeak_state._names("Flutter_ix_old", "Flutter_ix") and not espeak_state._names("agc2", "agc")


@linux_wheel
def test_locate_writes_nothing_where_it_cannot_check(tmp_path):
    import espeakng_loader

    library = _Library.get()
    path = espeakng_loader.get_library_path()
    text = tmp_path / "not-a-library.so"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(espeak_state.StateUnavailable, match="not an ELF library"):
        espeak_state.locate(library.lib, text)

    stripped = bytearray(open(path, "rb").read())  # the symbol table's section marked as unused, as strip leaves it
    (offset,) = struct.unpack_from("<Q", stripped, 0x28)
    size, count = struct.unpack_from("<HH", stripped, 0x3A)
    for i in range(count):
        if struct.unpack_from("<I", stripped, offset + i * size + 4)[0] == 2:
            struct.pack_into("<I", stripped, offset + i * size + 4, 0)
    (tmp_path / "stripped.so").write_bytes(bytes(stripped))
    with pytest.raises(espeak_state.StateUnavailable, match="stripped"):
        espeak_state.locate(library.lib, tmp_path / "stripped.so")

    digest(SENTENCES[0])  # the counters now hold what that sentence left: not a library that never spoke
    with pytest.raises(espeak_state.StateUnavailable, match=r"Flutter_ix\S* is \d+ before any synthesis"):
        espeak_state.locate(library.lib, path)


def test_an_engine_that_cannot_reset_says_so_and_keeps_its_cache_entries_apart():
    """Where the counters cannot be found the voice still speaks, and its version (which the manifest records
    and the cache key includes) says that a sentence depends on the ones before it."""
    code = """
from broadcast.voice import espeak_state
def refuse(lib, path):
    raise espeak_state.StateUnavailable("the library's symbol table was stripped")
espeak_state.locate = refuse
from broadcast.voice.espeak import EspeakEngine, _Library
engine = EspeakEngine()
print(engine.version)
print(_Library.get().state_carried)
print(len(engine.synthesize(["Xin chào."]).pcm) > 0)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, check=True, timeout=120).stdout.splitlines()
    assert out[0].endswith(" (sentences depend on the ones before)")
    assert out[1:] == ["the library's symbol table was stripped", "True"]
