"""Word knowledge (broadcast.text.words): where Vietnamese words begin and end."""

import struct
from pathlib import Path

import pytest

from broadcast.text import words

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "wordlists" / "segmentation_gold.txt"


@pytest.mark.parametrize("text, expected", [
    ("xây dựng lực lượng", ["xây_dựng", "lực_lượng"]),
    ("Bộ Công an do Thượng tướng Trần Quốc Tỏ làm trưởng đoàn",
     ["Bộ_Công_an", "do", "Thượng_tướng", "Trần_Quốc_Tỏ", "làm", "trưởng_đoàn"]),
    ("Đảng ủy, Đảng uỷ và tỉnh Thanh Hoá", ["Đảng_ủy,", "Đảng_uỷ", "và", "tỉnh", "Thanh_Hoá"]),  # either tone placement
    ("chính sách thu hoạch chất lượng đường dây nóng", ["chính_sách", "thu_hoạch", "chất_lượng", "đường_dây_nóng"]),
    ("lực, lượng", ["lực,", "lượng"]),  # punctuation at a gap is always a boundary
    ('Mô hình "Camera với an ninh"', ["Mô_hình", '"Camera', "với", "an_ninh\""]),
    ("UBND tỉnh", ["UBND", "tỉnh"]),  # an acronym is not a name syllable
])
def test_words(text, expected):
    assert words.segment(text) == expected


def test_key_ignores_case_and_tone_placement():
    assert words.key("Thanh Hóa") == words.key("THANH HOÁ") == words.key("thanh hoá")
    assert words.key("Ủy ban") == words.key("uỷ ban") and words.key("khỏe") == words.key("khoẻ")
    assert words.key("hoàn") != words.key("hoan")


def java_set(strings):
    """A java.util.HashSet<String> as ObjectOutputStream writes it."""
    head = b"\xac\xed\x00\x05sr\x00\x11java.util.HashSet\xbaD\x85\x95\x96\xb8\xb74\x03\x00\x00xp"
    body = b"w\x0c" + struct.pack(">ifi", 16, 0.75, len(strings))
    for s in strings:
        data = s.encode("utf-8")
        body += b"t" + struct.pack(">H", len(data)) + data
    return head + body + b"x"


def test_java_set_reader():
    strings = ["xây dựng", "an ninh trật tự", "t" * 300]  # a long one takes the careful path
    assert words.read_java_string_set(java_set(strings)) == strings
    assert words.read_java_string_set(java_set(strings[:2])) == strings[:2]
    with pytest.raises(ValueError):
        words.read_java_string_set(b"not java")


def test_the_vocabulary_comes_from_the_installed_dependency():
    vocab = words.vocabulary()
    assert len(vocab.words) > 30000 and vocab.longest >= 4
    assert words.key("công an") in vocab.words


def test_the_vocabulary_is_read_on_first_use_only():
    import subprocess
    import sys

    code = "import sys, broadcast.cli, broadcast.text.segmenter; print('python_rdrsegmenter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/wordlists (evaluation data) not beside the checkout")
def test_gold_set_boundaries():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from word_segmentation import gold_scores

    scores = gold_scores()
    assert scores["boundary_precision"] >= 0.97 and scores["boundary_recall"] >= 0.95, scores
