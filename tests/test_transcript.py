import codecs
import unicodedata

import pytest

from broadcast.text import transcript
from broadcast.text.transcript import TranscriptError

TITLE = "Công an Thanh Hóa ra quân bảo đảm an toàn giao thông"
TEXT = f"""{TITLE}

Sáng 12/3, lực lượng CSGT ra quân. Đây là đợt cao điểm.

{TITLE}- Ảnh 1.

Cán bộ CSGT kiểm tra nồng độ cồn.

Đợt ra quân kéo dài đến hết tháng 4.

Nguồn: Bản tin Thời sự tối/TTV"""


def test_blocks_have_kinds():
    doc = transcript.parse(TEXT, "x.txt")
    assert [b.kind for b in doc.blocks] == ["title", "paragraph", "placeholder", "caption", "paragraph", "source"]
    assert doc.title == TITLE


def test_seed_blocks(seed_path):
    doc = transcript.read(seed_path)
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("placeholder") == 4
    assert kinds.count("caption") == 3  # photo 1 is followed by a long body paragraph, not a caption
    assert kinds[0] == "title" and kinds[-1] == "source"


def test_placeholder_then_long_paragraph_is_not_a_caption():
    long = "Phát biểu tại buổi làm việc, " + "đồng chí Bí thư ghi nhận và đánh giá cao kết quả, " * 5
    doc = transcript.parse(f"{TITLE}\n\n{TITLE}- Ảnh 1.\n\n{long}\n", "x.txt")
    assert [b.kind for b in doc.blocks] == ["title", "placeholder", "paragraph"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"),
        lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be"),
        lambda t: t.replace(" ", "\u00a0").replace("CSGT", "CS\u200bGT").encode("utf-8"),
        # a bell, an escape and a vertical tab between words: spaces, not line breaks that would cut a paragraph
        lambda t: t.replace("ra quân. Đây", "ra\x07 quân.\x1b Đây").replace("kiểm tra", "kiểm\x0btra").encode("utf-8"),
        lambda t: t.replace(" ", "\u2060 \ufeff").replace("\n", "\u2029").encode("utf-8"),
    ],
    ids=["utf8", "bom", "crlf", "nfd", "bom-crlf", "utf16", "utf16le", "utf16be", "utf32le", "utf32be", "nbsp-zwsp",
         "controls", "word-joiner-paragraph-separator"],
)
def test_encodings_give_the_same_blocks(tmp_path, encode):
    path = tmp_path / "t.txt"
    path.write_bytes(encode(TEXT))
    assert transcript.read(path).blocks == transcript.parse(TEXT, "t.txt").blocks


def test_text_is_nfc(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(unicodedata.normalize("NFD", TEXT).encode("utf-8"))
    for block in transcript.read(path).blocks:
        assert unicodedata.is_normalized("NFC", block.text)


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "empty transcript"),
        (lambda p: p.write_bytes(b"  \n\t\n "), "empty transcript"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "binary"),
        (lambda p: p.write_bytes(bytes(range(1, 256)) * 4), "binary"),  # no NUL, but control bytes throughout
        (lambda p: p.write_bytes(b"\xff\xfe\0\0" + b"\0\xd8\0\0"), "not valid UTF-32"),
        (lambda p: p.write_bytes("Titre\n\nCafé crème, déjà vu, naïve. Straße und Größe.\n".encode("cp1252")),
         "not UTF-8 text (invalid byte at offset 10) and not Vietnamese"),
        (lambda p: p.write_bytes(TEXT.encode("utf-8")[:40] + b"\xff" + TEXT.encode("utf-8")[40:]),
         "damaged UTF-8 text (invalid byte at offset 40)"),
        (lambda p: p.write_bytes(f"{TITLE}- Ảnh 1.\n\n{TITLE}- Ảnh 2.\n".encode("utf-8")), "only photo placeholders"),
        (lambda p: p.write_bytes(f"{TITLE}- Ảnh 1.\n\nChú thích ảnh.\n".encode("utf-8")), "only photo placeholders"),
        (lambda p: p.write_bytes("Tiêu đề\n".encode("utf-8") + b"\0\0\0"), "binary"),
    ],
)
def test_bad_input_names_the_file(tmp_path, setup, message):
    path = tmp_path / "bad.txt"
    setup(path)
    with pytest.raises(TranscriptError) as info:
        transcript.read(path)
    assert str(path) in str(info.value) and message in str(info.value)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- legacy encodings, emoji, long sentences

import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from conftest import ROOT, SAMPLE  # noqa: E402
from legacy_encodings import to_cp1258, to_tcvn3, to_vni  # noqa: E402

from broadcast.text import segmenter  # noqa: E402

TRANSCRIPTS = [SAMPLE, *sorted((ROOT / "tests" / "data" / "transcripts").glob("*.txt"))]
# VNI stores ẳ and ỵ in ways viparse's table misses (the reader fills them in): make sure they occur
EXTRA = "\n\nXe chạy thẳng vào làn, chẳng hạn như vụ ở xã Quỵ.\n"
needs_viparse = pytest.mark.skipif(sys.version_info < (3, 11), reason="TCVN3 and VNI need viparse (Python ≥ 3.11)")


def subtitles(doc: transcript.Transcript) -> list[tuple[str, tuple[str, ...]]]:
    """What a video editor gets: every cue's text and lines, captions and credit included."""
    return [(c.text, c.lines) for s in segmenter.segment(doc, captions=True, source=True) for c in s.cues]


def read_bytes(tmp_path: Path, data: bytes) -> transcript.Transcript:
    path = tmp_path / "legacy.txt"
    path.write_bytes(data)
    return transcript.read(path)


@pytest.mark.parametrize(
    "encode", [to_cp1258, pytest.param(to_vni, marks=needs_viparse)], ids=["windows-1258", "vni"]
)
@pytest.mark.parametrize("source", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_legacy_encoding_gives_the_same_subtitles(tmp_path, source, encode):
    text = source.read_text(encoding="utf-8") + EXTRA
    data = encode(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    assert subtitles(read_bytes(tmp_path, data)) == subtitles(transcript.parse(text, "x"))


def test_windows_1258_fixture_has_combining_tone_marks():
    data = to_cp1258("Thanh Hóa, Ủy ban")
    assert b"\xec" in data and b"\xde" not in data  # Ủ is U + combining hook (0xD2); ó is o + combining acute (0xEC)
    assert to_cp1258("ấ") == b"\xe2\xec"  # â keeps its hat, the tone follows as a combining mark


@needs_viparse
@pytest.mark.parametrize("source", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_tcvn3_gives_the_same_subtitles_when_it_can_carry_the_capitals(tmp_path, source):
    """TCVN3 has no toned capitals (a separate "H" font drew them from the lower-case bytes), so a plain TCVN3
    file cannot say "Ủy" or "Ảnh". The fixture lower-cases exactly those letters in the clean text as well,
    and the test compares against that; the loss itself is pinned by the next test."""
    text = source.read_text(encoding="utf-8") + EXTRA
    carried = "".join(ch.lower() if ch.isupper() and not ch.isascii() and ch not in "ĂÂÊÔƠƯĐ" else ch for ch in text)
    doc = read_bytes(tmp_path, to_tcvn3(carried))
    assert subtitles(doc) == subtitles(transcript.parse(carried, "x"))
    assert [b.kind for b in doc.blocks] == [b.kind for b in transcript.parse(text, "x").blocks]  # "- ảnh 1." too


@needs_viparse
def test_tcvn3_toned_capitals_come_back_lower_case(tmp_path):
    with pytest.raises(ValueError):
        to_tcvn3("Ủy ban")  # the encoding cannot carry it ...
    doc = read_bytes(tmp_path, to_tcvn3("Tin tức\n\nSáng nay, ủy ban nhân dân tỉnh họp về đê điều, bão lũ."))
    assert doc.blocks[1].text == "Sáng nay, ủy ban nhân dân tỉnh họp về đê điều, bão lũ."  # ... and it stays lower


@pytest.mark.parametrize("encode, guess", [(to_tcvn3, "TCVN3 (ABC)"), (to_vni, "VNI")], ids=["tcvn3", "vni"])
def test_without_viparse_tcvn3_and_vni_are_refused_by_name(tmp_path, monkeypatch, encode, guess):
    """Python 3.10 has no viparse: simulated by making its import fail."""
    monkeypatch.setitem(sys.modules, "viparse", None)
    text = SAMPLE.read_text(encoding="utf-8").replace("Ả", "ả").replace("Ủ", "ủ")
    path = tmp_path / "old.txt"
    path.write_bytes(encode(text))
    with pytest.raises(TranscriptError) as info:
        transcript.read(path)
    assert str(info.value) == (
        f"{path}: not UTF-8 text; it looks like {guess} (reading it needs Python 3.11 or later); save it as UTF-8"
    )
    path.write_bytes(to_cp1258(text))  # Windows-1258 needs no viparse
    assert subtitles(transcript.read(path)) == subtitles(transcript.parse(text, "x"))


def test_utf8_read_as_legacy_is_not_mistaken_for_vni(tmp_path):
    """viparse takes UTF-8 shown as cp1252 for VISCII: valid UTF-8 never reaches the legacy decoders."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert subtitles(read_bytes(tmp_path, text.encode("utf-8"))) == subtitles(transcript.parse(text, "x"))


EMOJI_TEXT = f"""{TITLE} 🚓

Sáng 12/3 🌞, lực lượng CSGT ra quân 👮‍♂️👍🏽. Đây là đợt cao điểm❗

{TITLE}- Ảnh 1.

Cán bộ CSGT kiểm tra nồng độ cồn 🍺🚫 ở nhiệt độ 30°C © TTV.

Đợt ra quân kéo dài đến hết tháng 4 🇻🇳✨. Bấm 1️⃣ để vui🎉cùng.

Nguồn: Bản tin Thời sự tối/TTV"""
EMOJI_FREE = EMOJI_TEXT
for _emoji in re.findall(r"\s?[\U0001F000-\U0001FAFF\u2600-\u27BF\u200d\ufe0f\u20e3]+", EMOJI_TEXT):
    EMOJI_FREE = EMOJI_FREE.replace(_emoji, "", 1)
EMOJI_FREE = EMOJI_FREE.replace("vuicùng", "vui cùng")


def test_emoji_are_dropped_from_subtitles(tmp_path):
    """Decision: emoji cannot be spoken and broadcast subtitle fonts often lack them; the subtitles show what
    the newsreader says. Text symbols (° ©) stay; an emoji between two words leaves a space."""
    assert "°C © TTV" in EMOJI_FREE and "🍺" not in EMOJI_FREE and "vui cùng" in EMOJI_FREE
    doc = read_bytes(tmp_path, EMOJI_TEXT.encode("utf-8"))
    assert subtitles(doc) == subtitles(transcript.parse(EMOJI_FREE, "x"))
    assert [b.kind for b in doc.blocks] == ["title", "paragraph", "placeholder", "caption", "paragraph", "source"]


def test_2000_word_sentence_gives_cues_within_limits():
    words = re.sub(r"[^\w\s]", " ", SAMPLE.read_text(encoding="utf-8")).split()
    sentence = " ".join((words * 20)[:2000])
    doc = transcript.parse(f"{TITLE}\n\n{sentence}\n", "long.txt")
    segments = segmenter.segment(doc)
    assert [s.text for s in segments] == [TITLE, sentence]
    cues = segments[1].cues
    assert " ".join(c.text for c in cues) == sentence
    assert all(len(c.lines) <= segmenter.MAX_LINES and all(len(x) <= segmenter.MAX_LINE_CHARS for x in c.lines)
               for c in cues)
    # full cues: no more than a quarter above the fewest that could hold the text at 84 characters a cue
    assert len(cues) <= 1.25 * len(sentence) / (segmenter.MAX_LINES * segmenter.MAX_LINE_CHARS) + 1


def test_placeholders_without_a_title_line_are_still_placeholders():
    body = "Đợt ra quân kéo dài đến hết tháng 4."
    doc = transcript.parse(f"{TITLE}- Ảnh 1.\n\nCán bộ CSGT.\n\n{body}\n\n{TITLE} - ảnh 2.\n", "x.txt")
    assert [b.kind for b in doc.blocks] == ["placeholder", "caption", "paragraph", "placeholder"]
    assert [s.text for s in segmenter.segment(doc)] == [body]
