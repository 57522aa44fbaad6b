"""Invisible characters end to end: the meaningful ones print as nothing (never a box, never a NUL read back),
every other format character is refused by `check` with its code point and position."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from layout.cli import main
from layout.render import render_issue
from layout.text.cjk import INVISIBLE
from layout.yamlsrc import REFUSED_INVISIBLE

from .test_render_cases import make_issue

MEANINGFUL = "\u200b\u2060\ufeff"  # break here / no break here / no break here (the composer's meanings)


def page_text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return "".join(char["text"] for page in doc.pages for char in page.chars)


def test_meaningful_invisible_characters_print_as_nothing(tmp_path: Path) -> None:
    paragraph = "正文\u200b二\u2060三\ufeff四\ufe00。abc\u2060def\u200bghi葛\U000e0100根。"
    source = make_issue(tmp_path, [paragraph, {"list": ["一\u200b二", "三\ufe0f四"]}])
    assert main(["check", str(source)]) == 0
    text = page_text(render_issue(source, tmp_path / "out.pdf").path)
    assert "\x00" not in text, "a .notdef glyph reads back as NUL"
    assert not set(text) & INVISIBLE
    assert "正文二三四。abcdefghi葛根。" in text
    assert "一二" in text
    assert "三四" in text


REFUSED = {
    "\u202a": "left-to-right embedding, a bidi control",
    "\u202b": "right-to-left embedding, a bidi control",
    "\u202c": "pop directional formatting, a bidi control",
    "\u202d": "left-to-right override, a bidi control",
    "\u202e": "right-to-left override, a bidi control",
    "\u2066": "left-to-right isolate, a bidi control",
    "\u2067": "right-to-left isolate, a bidi control",
    "\u2068": "first strong isolate, a bidi control",
    "\u2069": "pop directional isolate, a bidi control",
    "\u200e": "left-to-right mark, a bidi control",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\u200c": "zero width non-joiner",
    "\u200d": "zero width joiner",
    "\u00ad": "soft hyphen",
    "\U000e0041": "tag latin capital letter a",
}


@pytest.mark.parametrize("char", list(REFUSED))
def test_other_invisible_characters_are_refused_with_code_point_and_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], char: str
) -> None:
    source = make_issue(tmp_path, ["正文。", "第二段XX正文。"])
    source.write_text(source.read_text(encoding="utf-8").replace("XX", char), encoding="utf-8")  # raw, unescaped
    lines = source.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if char in text)
    col = lines[line - 1].index(char) + 1
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}:{line}:{col}: invisible character U+{ord(char):04X} ({REFUSED[char]})" in err
    assert main(["render", str(source), "-o", str(tmp_path / "out.pdf")]) == 2
    assert not (tmp_path / "out.pdf").exists()


def test_an_escaped_invisible_character_is_refused_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = make_issue(tmp_path, ["正文。"])
    source.write_text(source.read_text(encoding="utf-8").replace("正文。", '"正文\\u202e。"'), encoding="utf-8")
    assert main(["check", str(source)]) == 2
    assert "invisible character U+202E (right-to-left override, a bidi control)" in capsys.readouterr().err


@pytest.mark.skipif(sys.maxunicode < 0x10FFFF, reason="narrow build")
def test_the_refused_list_is_every_format_character_but_the_meaningful_ones() -> None:
    refused = {chr(cp) for cp in range(sys.maxunicode + 1) if REFUSED_INVISIBLE.match(chr(cp))}
    formats = {chr(cp) for cp in range(sys.maxunicode + 1)
               if unicodedata.category(chr(cp)) in ("Cf", "Zl", "Zp")}  # fmt: skip
    assert formats - set(MEANINGFUL) <= refused
    # anything else in the list is a code point this Python's Unicode does not assign yet
    assert {unicodedata.category(ch) for ch in refused - formats} <= {"Cn"}
    assert not refused & (set(MEANINGFUL) | INVISIBLE)
