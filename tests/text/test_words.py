"""Titles break between words (GB/T 9704 7.3.1: 词意完整) and keep 《…》, （…） and document numbers whole where they
fit; body text keeps character-level breaking. Word boundaries come from rjieba."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.text.compose import Alignment
from layout.text.words import inside_phrase, inside_word, kept_whole, splits_words, word_starts

from .fixed import line_texts, set_text

TITLES = [
    "山西省关于召开全省中小微企业创新创业基地示范县推进会的预通知",
    "关于组织申报2019年度第一批科技型中小企业技术创新资金项目的通知",
    "关于发布上海市2018年度“科技创新行动计划”科技小巨人工程项目指南的通知",
    "深圳市经贸信息委关于组织实施2018年度技术改造倍增专项项目申报的通知",
]


def test_word_boundaries_of_a_title() -> None:
    text = TITLES[0]
    assert inside_word(text, text.index("新创业"))  # 创|新 splits 创新
    assert not inside_word(text, text.index("创新"))
    assert inside_word("组织实施2018年度", len("组织实施2018"))  # a number keeps its unit
    assert inside_word("组织实施 2018 年度", len("组织实施 2018 "))
    assert not inside_word("中共中央 国务院", len("中共中央 "))  # a source space separates words
    assert 0 not in word_starts(text)
    assert len(text) not in word_starts(text)


def test_phrases_kept_whole() -> None:
    text = "《关于若干措施》（沪知局〔2019〕21号）政策解读"
    assert [text[a:b] for a, b in kept_whole(text)] == ["《关于若干措施》", "（沪知局〔2019〕21号）", "〔2019〕21号"]
    assert inside_phrase(text, text.index("若干"))
    assert not inside_phrase(text, text.index("政策"))


def room_for_words(text: str, lines: int, width: float, longest: int = 4) -> bool:
    """Whether `lines` lines of `width` hold `text` even if each line gives up the room of a `longest`-character
    word at its end (then a break between words exists with no more lines; fixed measure: Han 10 pt, Latin 5 pt)."""
    natural = sum(10.0 if ord(ch) > 0x2E80 or ch in "“”" else 5.0 for ch in text)
    return lines * (width - longest * 10.0) >= natural


@pytest.mark.parametrize("text", TITLES)
def test_titles_break_between_words(text: str) -> None:
    checked = character_splits = 0
    for width in range(160, 320, 5):
        words = set_text(text, float(width), align=Alignment.CENTER, words=True, min_last_line_han=0)
        chars = set_text(text, float(width), align=Alignment.CENTER, min_last_line_han=0)
        assert len(words) == len(chars)  # never more lines
        assert "".join(line.text for line in words) == text
        character_splits += splits_words(text, [line.start for line in chars[1:]]) > 0
        if room_for_words(text, len(words), width):
            checked += 1
            assert splits_words(text, [line.start for line in words[1:]]) == 0, [line.text for line in words]
    assert checked > 10
    assert character_splits > 0  # the word rule is what makes the difference


def test_a_book_title_stays_whole_where_it_fits() -> None:
    text = "《关于进一步支持中小企业知识产权质押融资的若干措施》（沪知局〔2019〕21号）政策解读"
    first, *_ = set_text(text, 280.0, align=Alignment.CENTER, words=True, min_last_line_han=0)
    assert first.text == "《关于进一步支持中小企业知识产权质押融资的若干措施》"


def test_body_text_keeps_character_breaks() -> None:
    text = "为贯彻落实全省中小微企业创新创业基地示范县推进会的精神现将有关事项通知如下"
    assert [line.text for line in set_text(text, 100.0)] == line_texts(text, 100.0, words=False)


HAN_WORDS = ["创新", "创业", "基地", "示范县", "推进会", "中小企业", "技术", "资金", "项目", "通知", "关于", "组织"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HAN_WORDS), min_size=3, max_size=14).map("".join), st.floats(80.0, 200.0))
def test_word_mode_never_adds_lines_or_loses_text(text: str, width: float) -> None:
    words = set_text(text, width, align=Alignment.CENTER, words=True, min_last_line_han=0)
    chars = set_text(text, width, align=Alignment.CENTER, min_last_line_han=0)
    assert len(words) == len(chars)
    assert "".join(line.text for line in words) == text
    if room_for_words(text, len(words), width):  # words are at most four characters
        assert splits_words(text, [line.start for line in words[1:]]) == 0, [line.text for line in words]
