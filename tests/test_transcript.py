import codecs
import unicodedata

import pytest

from broadcast import transcript
from broadcast.transcript import TranscriptError

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
        lambda t: t.encode("utf-16"),
        lambda t: t.replace(" ", "\u00a0").replace("CSGT", "CS\u200bGT").encode("utf-8"),
    ],
    ids=["utf8", "bom", "crlf", "nfd", "utf16", "nbsp-zwsp"],
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
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "not UTF-8"),
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
