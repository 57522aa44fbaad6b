"""The character tables: classes, prohibition levels and ink sides agree with each other and with clreq."""

from __future__ import annotations

import pytest

from layout.text.cjk import (
    CLOSING,
    INK_CENTRED_MARKS,
    INK_QUANJIAO,
    NO_END,
    NO_START,
    OPENING,
    CharClass,
    Ink,
    Strictness,
    classify,
    is_han,
    is_latin_spaced,
)


@pytest.mark.parametrize(
    ("ch", "cls"),
    [
        ("中", CharClass.IDEO),
        ("〇", CharClass.IDEO),
        ("か", CharClass.IDEO),
        ("\u3000", CharClass.IDEO),  # ideographic space: a blank of Han width, not a break space
        ("，", CharClass.PUNCT),
        ("—", CharClass.PUNCT),
        ("…", CharClass.PUNCT),
        ("a", CharClass.LATIN),
        ("7", CharClass.LATIN),
        ("%", CharClass.LATIN),
        ("\u00a0", CharClass.LATIN),  # no-break space glues
        (" ", CharClass.SPACE),
        ("\t", CharClass.SPACE),
        ("\n", CharClass.NEWLINE),
    ],
)
def test_classify(ch: str, cls: CharClass) -> None:
    assert classify(ch) is cls


@pytest.mark.parametrize(("ch", "han"), [("中", True), ("か", True), ("，", False), ("Ａ", False), ("\u3000", False)])
def test_is_han(ch: str, han: bool) -> None:
    assert is_han(ch) is han


@pytest.mark.parametrize(("ch", "spaced"), [("a", True), ("9", True), ("%", True), ("(", False), (",", False)])
def test_latin_characters_that_get_the_quarter_em(ch: str, spaced: bool) -> None:
    assert is_latin_spaced(ch) is spaced


def test_levels_only_add_prohibitions() -> None:
    assert NO_START[Strictness.BASIC] < NO_START[Strictness.GB] < NO_START[Strictness.STRICT]
    assert NO_END[Strictness.BASIC] < NO_END[Strictness.GB] <= NO_END[Strictness.STRICT]


def test_opening_marks_never_end_and_closing_marks_never_start_a_line() -> None:
    assert set(OPENING) <= NO_END[Strictness.BASIC]
    assert set(CLOSING) <= NO_START[Strictness.BASIC]
    assert not set(OPENING) & NO_START[Strictness.STRICT]
    assert not set(CLOSING) & NO_END[Strictness.STRICT]


def test_ink_sides() -> None:
    for table in (INK_QUANJIAO, INK_CENTRED_MARKS):
        assert all(table[ch] is Ink.RIGHT for ch in OPENING)
        assert all(table[ch] is Ink.LEFT for ch in CLOSING + "、，。")
        assert all(classify(ch) is CharClass.PUNCT for ch in table)
    assert [INK_QUANJIAO[ch] for ch in "：；！？·"] == [Ink.LEFT] * 4 + [Ink.CENTER]
    assert [INK_CENTRED_MARKS[ch] for ch in "：；！？·"] == [Ink.CENTER] * 5
