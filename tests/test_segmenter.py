import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.speech import estimate
from broadcast.text import segmenter, transcript
from broadcast.text.segmenter import layout_lines, split_cues, split_sentences

# (paragraph, expected sentences): each a case a naive splitter gets wrong, or one it must get right.
SENTENCES = [
    ("Đoàn làm việc tại TP. Thanh Hóa. Sau đó đoàn về Nghi Sơn.",
     ["Đoàn làm việc tại TP. Thanh Hóa.", "Sau đó đoàn về Nghi Sơn."]),
    ("PGS.TS. Nguyễn Văn An phát biểu.", ["PGS.TS. Nguyễn Văn An phát biểu."]),
    ("Hội thảo do TS. Lê Minh chủ trì. Có 50 đại biểu dự.", ["Hội thảo do TS. Lê Minh chủ trì.", "Có 50 đại biểu dự."]),
    ("ThS. Trần Thu Hà trình bày tham luận.", ["ThS. Trần Thu Hà trình bày tham luận."]),
    ("GS. Phan Huy Lê là nhà sử học.", ["GS. Phan Huy Lê là nhà sử học."]),
    ("Ảnh: N.T.H. Bài viết khác cùng chủ đề.", ["Ảnh: N.T.H. Bài viết khác cùng chủ đề."]),
    ("Tác giả N.V. Hùng gửi bài.", ["Tác giả N.V. Hùng gửi bài."]),
    ("Tăng trưởng đạt 12.3 điểm. Năm sau dự kiến cao hơn.",
     ["Tăng trưởng đạt 12.3 điểm.", "Năm sau dự kiến cao hơn."]),
    ("Có 1.200 hộ dân được hỗ trợ.", ["Có 1.200 hộ dân được hỗ trợ."]),
    ("Lãi suất giảm 3,5 điểm phần trăm.", ["Lãi suất giảm 3,5 điểm phần trăm."]),
    ("Sáng 12/3, đoàn đến thăm. Chiều cùng ngày, đoàn về Hà Nội.",
     ["Sáng 12/3, đoàn đến thăm.", "Chiều cùng ngày, đoàn về Hà Nội."]),
    ('Ông nói: "Chúng tôi sẽ làm. Đây là cam kết." Mọi người vỗ tay.',
     ['Ông nói: "Chúng tôi sẽ làm. Đây là cam kết."', "Mọi người vỗ tay."]),
    ("Ông nói: “Phải làm ngay. Không chờ đợi.” Hội nghị kết thúc.",
     ["Ông nói: “Phải làm ngay. Không chờ đợi.”", "Hội nghị kết thúc."]),
    ("Các xã (gồm Hải Nhân. Hải Hòa) được tặng quà.", ["Các xã (gồm Hải Nhân. Hải Hòa) được tặng quà."]),
    ("Trồng lúa, ngô, khoai v.v. Năm nay được mùa.", ["Trồng lúa, ngô, khoai v.v.", "Năm nay được mùa."]),
    ("Trồng lúa, ngô, khoai v.v. và nhiều loại cây khác.", ["Trồng lúa, ngô, khoai v.v. và nhiều loại cây khác."]),
    ("Tội phạm, tệ nạn xã hội… tập trung cho công an xã.", ["Tội phạm, tệ nạn xã hội… tập trung cho công an xã."]),
    ('Mô hình "Chiến sĩ tuần tra"… Công tác xây dựng Đảng được triển khai.',
     ['Mô hình "Chiến sĩ tuần tra"…', "Công tác xây dựng Đảng được triển khai."]),
    ("Còn nhiều việc phải làm... Tỉnh sẽ tiếp tục chỉ đạo.",
     ["Còn nhiều việc phải làm...", "Tỉnh sẽ tiếp tục chỉ đạo."]),
    ("Vì sao lại như vậy? Câu trả lời nằm ở cơ sở.", ["Vì sao lại như vậy?", "Câu trả lời nằm ở cơ sở."]),
    ("Thật đáng tự hào! Thanh Hóa về nhất.", ["Thật đáng tự hào!", "Thanh Hóa về nhất."]),
    ("Kết quả tốt. 2024 sẽ là năm bứt phá.", ["Kết quả tốt.", "2024 sẽ là năm bứt phá."]),
    ("Tại TP.HCM, hội nghị diễn ra sôi nổi.", ["Tại TP.HCM, hội nghị diễn ra sôi nổi."]),
    ("Đoàn đã đến TP.HCM. Chiều nay đoàn về.", ["Đoàn đã đến TP.HCM.", "Chiều nay đoàn về."]),
    ("Kết quả đạt 96,5 tỷ đồng. Tăng 6,3% so với cùng kỳ.",
     ["Kết quả đạt 96,5 tỷ đồng.", "Tăng 6,3% so với cùng kỳ."]),
    ("Khai mạc lúc 10h30. Bế mạc lúc 21h15.", ["Khai mạc lúc 10h30.", "Bế mạc lúc 21h15."]),
    ("Số điện thoại 0237.3852.444 trực 24/24h.", ["Số điện thoại 0237.3852.444 trực 24/24h."]),
    ("Điều 5, Nghị định số 100/2019/NĐ-CP quy định rõ. Vi phạm sẽ bị xử lý.",
     ["Điều 5, Nghị định số 100/2019/NĐ-CP quy định rõ.", "Vi phạm sẽ bị xử lý."]),
    ("Cuộc họp kết thúc lúc 11 giờ. sau đó các đại biểu đi thăm.",
     ["Cuộc họp kết thúc lúc 11 giờ. sau đó các đại biểu đi thăm."]),
    ("Ông Q. Hùng và bà P. Lan được khen.", ["Ông Q. Hùng và bà P. Lan được khen."]),
    ("Đường dài 15.5 km. Rộng 7 m.", ["Đường dài 15.5 km.", "Rộng 7 m."]),
    ("Dự án (xem trang 5. Mục 2) được duyệt. Kinh phí lớn.",
     ["Dự án (xem trang 5. Mục 2) được duyệt.", "Kinh phí lớn."]),
    ("Câu hỏi “Tại sao?” được nêu ra.", ["Câu hỏi “Tại sao?” được nêu ra."]),
    ("BS. Lê Thị Mai khám bệnh. Bệnh nhân đã ổn.", ["BS. Lê Thị Mai khám bệnh.", "Bệnh nhân đã ổn."]),
    ("Một câu không có dấu kết thúc", ["Một câu không có dấu kết thúc"]),
    ("Câu một.Câu hai dính liền.", ["Câu một.Câu hai dính liền."]),
]


@pytest.mark.parametrize("paragraph, expected", SENTENCES, ids=[s[0][:30] for s in SENTENCES])
def test_sentences(paragraph, expected):
    assert split_sentences(paragraph) == expected


def test_table_is_large_enough():
    assert len(SENTENCES) >= 30


LONG = (
    "Trong năm 2023 và những tháng đầu năm 2024, Công an tỉnh Thanh Hóa đã chủ động nắm chắc tình hình, "
    "chủ động tham mưu cho cấp ủy, chính quyền các cấp, kết hợp chặt chẽ giữa phòng ngừa với tấn công, "
    "đánh đúng, đánh vào gốc các loại tội phạm; nỗ lực hoàn thành tốt các nhiệm vụ chính, trọng tâm của "
    "Đề án 06 về xây dựng dữ liệu quốc gia về dân cư."
)


def test_cues_keep_every_word_in_order():
    cues = split_cues(LONG)
    assert " ".join(c.text for c in cues) == LONG
    assert all(" ".join(c.lines) == c.text for c in cues)


def test_cue_limits_hold():
    for cue in split_cues(LONG):
        assert 1 <= len(cue.lines) <= 2
        assert all(len(line) <= 42 for line in cue.lines)


def test_breaks_prefer_semicolons_and_commas():
    text = "Đánh đúng, đánh vào gốc các loại tội phạm; nỗ lực hoàn thành tốt các nhiệm vụ chính trong năm nay"
    cues = split_cues(text)
    assert cues[0].text.endswith(("phạm;", ","))


def test_one_line_when_it_fits():
    assert layout_lines("Các đại biểu thảo luận tại hội nghị.") == ("Các đại biểu thảo luận tại hội nghị.",)


def test_two_lines_balanced_after_punctuation():
    lines = layout_lines("Ủy viên Trung ương Đảng, Phó Bí thư Đảng ủy Công an Trung ương,")
    assert lines == ("Ủy viên Trung ương Đảng,", "Phó Bí thư Đảng ủy Công an Trung ương,")


def test_name_is_not_split_when_another_break_exists():
    lines = layout_lines("Tham dự buổi làm việc có đồng chí Đỗ Trọng Hưng, Uỷ viên Ban chấp hành")
    assert lines is not None and not any(line.endswith(("Đỗ", "Trọng")) for line in lines[:-1])


def test_text_that_cannot_fit_returns_none():
    assert layout_lines("x" * 50) is None
    assert layout_lines(" ".join(["abcdefghij"] * 9)) is None


def test_seed_segments(seed_path):
    segments = segmenter.segment(transcript.read(seed_path))
    texts = [s.text for s in segments]
    assert segments[0].kind == "title"
    assert not any("Ảnh" in t and t.endswith("Ảnh 1.") for t in texts)
    assert not any(t.startswith("Nguồn") for t in texts)
    assert any(t.startswith("Công tác xây dựng Đảng") for t in texts)  # break after "…" before a capital
    assert any("xã hội… tập trung" in t for t in texts)  # no break after "…" before lower case
    for seg in segments:
        for cue in seg.cues:
            assert len(cue.lines) <= 2 and all(len(line) <= 42 for line in cue.lines)


def test_captions_and_credit_are_optional(seed_path):
    doc = transcript.read(seed_path)
    plain = segmenter.segment(doc)
    with_captions = segmenter.segment(doc, captions=True, source=True)
    assert {s.kind for s in plain} == {"title", "paragraph"}
    assert [s.kind for s in with_captions].count("caption") == 3
    assert with_captions[-1].kind == "source"
    assert [s.index for s in with_captions] == list(range(1, len(with_captions) + 1))


words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Z", "Cc")), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=80))
def test_cue_limits_hold_on_any_words(word_list):
    sentence = " ".join(word_list)
    cues = split_cues(sentence)
    assert "".join(c.text for c in cues).replace(" ", "") == sentence.replace(" ", "")
    if all(len(w) <= 42 for w in word_list):
        assert " ".join(c.text for c in cues) == sentence
    for cue in cues:  # a word longer than a line is cut: the limits always hold
        assert 1 <= len(cue.lines) <= 2 and all(len(line) <= 42 for line in cue.lines)


# ---------------------------------------------------------------- broadcast line-break and duration rules

from broadcast.subtitles.rules import CueRules  # noqa: E402

RULES = CueRules()


@pytest.mark.parametrize("text, together", [
    ("Đoàn công tác của Bộ Công an do Thượng tướng Trần Quốc Tỏ làm trưởng đoàn", "Thượng tướng Trần Quốc Tỏ"),
    ("Tham dự hội nghị có Phó Chủ tịch UBND tỉnh Lê Văn Hòa và các đại biểu", "Lê Văn Hòa"),
    ("Tổng kinh phí hỗ trợ mua thẻ bảo hiểm y tế năm nay là 96,5 tỷ đồng", "96,5 tỷ đồng"),
    ("Các đại biểu tham quan mô hình điểm tại huyện Đông Sơn vào sáng ngày 12/3", "ngày 12/3"),
    ("Giá lúa tươi tại ruộng dao động trong khoảng từ 7.200 – 7.600 đồng/kg", "7.200 – 7.600 đồng/kg"),
    ("Bệnh viện đã phối hợp với các đơn vị tại TP. Thanh Hóa tổ chức tập huấn", "TP. Thanh Hóa"),
    ("Hội thảo có PGS.TS. Nguyễn Minh Tuấn và nhiều chuyên gia y tế", "PGS.TS. Nguyễn Minh Tuấn"),
])
def test_line_breaks_keep_units_together(text, together):
    lines = layout_lines(text)
    assert lines is not None and len(lines) == 2
    assert any(together in line for line in lines), lines


def test_bottom_line_is_the_longer_when_unequal():
    lines = layout_lines("Các đại biểu đã thảo luận sôi nổi và thống nhất nhiều nội dung quan trọng")
    assert len(lines) == 2 and len(lines[0]) <= len(lines[1])
    # when the only break between words leaves the top line longer, that beats a break inside a word
    lines = layout_lines("Các đại biểu đã thảo luận và thống nhất nhiều nội dung quan trọng của năm")
    assert lines == ("Các đại biểu đã thảo luận và thống nhất", "nhiều nội dung quan trọng của năm")


def test_breaks_before_conjunctions_and_prepositions():
    lines = layout_lines("Nông dân thu hoạch lúa sớm để tránh mưa bão và bán được giá cao")
    assert lines[1].split()[0] in segmenter.CONJUNCTIONS_AND_PREPOSITIONS, lines


def test_no_cue_is_planned_longer_than_the_maximum_duration():
    text = " ".join(["một hai ba bốn năm sáu bảy tám chín mười"] * 6) + "."
    for rate in (2.0, 3.3, 5.0):
        for cue in split_cues(text, rules=RULES, rate=rate):
            syllables = sum(estimate.spoken_syllables(w) for w in cue.text.split())
            assert syllables / rate <= RULES.max_duration


def test_short_cues_are_merged_with_a_neighbour():
    text = "Hôm nay, tỉnh tổ chức lễ ra quân, tuyên truyền an toàn giao thông trên toàn địa bàn các huyện."
    cues = split_cues(text, rules=RULES, rate=3.3)
    for cue in cues:
        assert sum(estimate.spoken_syllables(w) for w in cue.text.split()) / 3.3 >= RULES.min_duration


def test_the_text_is_the_transcripts():
    text = "Lực lượng CSGT và UBND tỉnh phối hợp kiểm tra, xử lý vi phạm về nồng độ cồn trên Quốc lộ 1A."
    cues = split_cues(text, rules=RULES)
    assert " ".join(c.text for c in cues) == text
    assert "CSGT" in " ".join(line for c in cues for line in c.lines)


# ---------------------------------------------------------------- breaks between words (issue 11)

from broadcast.text import words as word_knowledge  # noqa: E402


def breaks_inside_words(sentence, cues):
    """Line and cue breaks of `cues` that fall inside a word of `sentence`."""
    tokens = sentence.split(" ")
    joined = word_knowledge.joined_gaps(tokens)
    found, at = [], 0
    for c, cue in enumerate(cues):
        for line in cue.lines:
            at += len(line.split(" "))
            if at < len(tokens) and at in joined:
                found.append(" ".join(tokens[at - 2:at]) + " | " + " ".join(tokens[at:at + 2]))
    return found


@pytest.mark.parametrize("sentence", [
    "Đoàn công tác của Bộ Công an do Thượng tướng Trần Quốc Tỏ, Thứ trưởng Bộ Công an làm Trưởng đoàn đã có "
    "buổi làm việc với Công an tỉnh Thanh Hóa.",
    LONG,
    "Công tác xây dựng Đảng, xây dựng lực lượng, được triển khai đồng bộ quyết liệt, chú trọng chế độ chính sách "
    "nhằm xây dựng lực lượng công an xã vững mạnh.",
    "Nông dân trong tỉnh đang khẩn trương thu hoạch lúa vụ chiêm xuân, bảo đảm chất lượng hạt lúa, không để xảy ra "
    "tình trạng lúa bị ngập úng; người dân có thể gọi đường dây nóng của ngành nông nghiệp để được hỗ trợ.",
])
def test_no_break_inside_a_word_when_another_exists(sentence):
    for rules in (None, RULES):
        cues = split_cues(sentence, rules=rules, rate=3.3)
        assert breaks_inside_words(sentence, cues) == []


def test_a_word_is_split_only_when_nothing_else_fits():
    # one line of 10 characters: "chất lượng" (10) fits whole, "đường dây nóng" (14) cannot
    lines = layout_lines("chất lượng đường dây nóng", max_chars=14, max_lines=2)
    assert lines == ("chất lượng", "đường dây nóng")
    assert len(layout_lines("đường dây nóng", max_chars=10, max_lines=2)) == 2  # the fallback


def test_a_quotation_is_not_split_across_cues_where_another_break_exists(seed_path):
    doc = transcript.read(seed_path)
    for seg in segmenter.segment(doc, rules=RULES):
        for cue in seg.cues[:-1]:
            assert cue.text.count('"') % 2 == 0 and cue.text.count("(") == cue.text.count(")"), cue.text


@pytest.mark.parametrize("token", ["a" * 50_000, "https://example.org/" + "x" * 110, "สวัสดีครับ" * 30])
def test_a_token_longer_than_a_line_is_cut_so_cues_keep_the_limits(token):
    sentence = f"Truy cập {token} để biết thêm."
    for rules in (None, RULES):
        cues = split_cues(sentence, rules=rules)
        for cue in cues:
            assert 1 <= len(cue.lines) <= 2 and all(len(line) <= 42 for line in cue.lines), cue.lines
        assert "".join(c.text.replace(" ", "") for c in cues) == sentence.replace(" ", "")


def test_thai_is_never_cut_before_a_combining_mark():
    for cue in split_cues("ที่นี่" * 40):
        for line in cue.lines:
            assert not unicodedata.combining(line[0])


def test_punctuation_only_lines_are_not_segments():
    doc = transcript.parse("Tiêu đề\n\n***\n\nCâu một.\n\n…\n\n— — —\n")
    assert [s.text for s in segmenter.segment(doc)] == ["Tiêu đề", "Câu một."]
