"""Invisible characters with a meaning: U+200B a break opportunity, U+2060/U+FEFF no break, variation selectors
kept with their base. None is ever drawn or takes room."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.text.cjk import INVISIBLE

from .fixed import line_texts, set_text

TEN = "一二三四五六七八九十"  # exactly one 100 pt line
ZWSP, WJ, ZWNBSP, VS1, VS17 = "\u200b", "\u2060", "\ufeff", "\ufe00", "\U000e0100"


def printed(text: str, width: float = 100.0) -> list[tuple[str, float]]:
    """Every drawn glyph with its x, line by line flattened."""
    return [(g.text, round(g.x, 6)) for line in set_text(text, width) for g in line.glyphs]


def test_a_zero_width_space_lets_a_latin_word_break_there() -> None:
    word = "abcdefghij" + ZWSP + "klmnopqrst"  # 20 letters of 5 pt: too wide for 60 pt as one word
    lines = set_text(word, 60.0)
    assert [line.text for line in lines] == ["abcdefghij", "klmnopqrst"]
    assert not any(line.forced for line in lines), "a break at U+200B is a legal one, not an emergency"
    assert line_texts("abcdefghij" + "klmnopqrst", 60.0) != ["abcdefghij", "klmnopqrst"]


def test_a_zero_width_space_adds_no_room_and_keeps_the_rules() -> None:
    assert printed("一二" + ZWSP + "三") == printed("一二三")
    # a mark that may not start a line still may not, zero-width space or not
    assert line_texts(TEN + ZWSP + "。一二") == ["一二三四五六七八九", "十。一二"]


@pytest.mark.parametrize("joiner", [WJ, ZWNBSP])
def test_a_word_joiner_forbids_the_break(joiner: str) -> None:
    assert line_texts(TEN + "一二") == [TEN, "一二"]
    assert line_texts(TEN + joiner + "一二") == ["一二三四五六七八九", "十一二"]
    assert line_texts("abc " + "d" * 15 + joiner + "xyz", 100.0)[-1].endswith("d" + "xyz")
    assert printed("一二" + joiner + "三") == printed("一二三")


def test_a_joiner_inside_a_latin_word_keeps_it_whole() -> None:
    assert line_texts("ab" + WJ + "cd", 100.0) == ["abcd"]
    assert printed("ab" + WJ + "cd") == printed("abcd")


@pytest.mark.parametrize("selector", [VS1, VS17])
def test_a_variation_selector_stays_with_its_base_and_takes_no_room(selector: str) -> None:
    lines = set_text(TEN + selector + "一二")
    assert [line.text for line in lines] == [TEN, "一二"]
    assert lines[0].stop == len(TEN) + 1, "the selector belongs to the line of its base character"
    assert printed("葛" + selector + "根") == printed("葛根")
    assert printed("a" + selector + "b") == printed("ab")


HAN_LATIN = st.text(alphabet=st.sampled_from("一二三四五六七八九十，。、（）abcdef 12"), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(HAN_LATIN, st.data())
def test_variation_selectors_never_change_what_is_drawn(text: str, data: st.DataObject) -> None:
    """Put a selector after any characters: the same glyphs land at the same places."""
    marks = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    marked = "".join(ch + (VS1 if mark and not ch.isspace() else "") for ch, mark in zip(text, marks, strict=True))
    assert printed(marked, 60.0) == printed(text, 60.0)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(f"一二三，。ab 1{ZWSP}{WJ}{ZWNBSP}{VS1}"), min_size=1, max_size=40))
def test_invisible_characters_are_never_drawn(text: str) -> None:
    assert not any(ch in INVISIBLE for ch, _ in printed(text, 40.0))
