"""Half-width punctuation typed between Chinese characters ("方式,依托", "(三)"): found for `check`'s warnings, and
converted to the full-width marks before layout when the publication sets `normalize_punctuation: true`.

Converting is never silent: it changes the text, so it is the publication's choice; `check` only warns.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.text.cjk import is_han

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
NAMES = {",": "comma", ";": "semicolon", ":": "colon", "(": "opening parenthesis", ")": "closing parenthesis"}
# Full-width marks that count as Chinese on either side of a mark (“(国科发基〔2017〕250号)” after 》).
CJK_MARKS = "，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕—…·"


@dataclass(frozen=True, slots=True)
class Found:
    index: int  # in the text
    char: str
    replacement: str


def _chinese(ch: str) -> bool:
    return is_han(ch) or ch in CJK_MARKS


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character that is not a space from text[i] in direction `step` ("" at the edge)."""
    i += step
    while 0 <= i < len(text) and text[i] == " ":
        i += step
    return text[i] if 0 <= i < len(text) else ""


def find_halfwidth(text: str) -> list[Found]:
    """Half-width , ; : ( ) that stand in Chinese text: a comma, semicolon or colon between two Chinese characters,
    an opening parenthesis before a Chinese character, and the closing one of a pair so opened."""
    out: list[Found] = []
    opened: list[bool] = []  # per open "(": converted?
    for i, ch in enumerate(text):
        if ch not in FULL_WIDTH:
            continue
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if ch in ",;:":
            convert = _chinese(before) and _chinese(after)
        elif ch == "(":
            convert = _chinese(after)
            opened.append(convert)
        else:
            convert = opened.pop() if opened else (_chinese(before) and (after == "" or _chinese(after)))
        if convert:
            out.append(Found(i, ch, FULL_WIDTH[ch]))
    return out


def normalize(text: str) -> str:
    """`text` with the marks `find_halfwidth` finds set full width, and the spaces typed around them dropped (a
    full-width mark carries its own space)."""
    found = {f.index: f.replacement for f in find_halfwidth(text)}
    if not found:
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == " " and (_next_is(found, text, i, 1) or _next_is(found, text, i, -1)):
            continue
        out.append(found.get(i, ch))
    return "".join(out)


def _next_is(found: dict[int, str], text: str, i: int, step: int) -> bool:
    """Whether the run of spaces at text[i] touches a converted mark in direction `step`."""
    while 0 <= i < len(text) and text[i] == " ":
        i += step
    return i in found


def suggestion(found: Found) -> str:
    return f"half-width {NAMES[found.char]} {found.char!r} in Chinese text: use {found.replacement!r}"
