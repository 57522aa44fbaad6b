"""Character classes, line-start/line-end prohibitions and punctuation ink sides, as data (clreq, GB/T 15834 §5)."""

from __future__ import annotations

import re
from enum import Enum, IntEnum
from functools import lru_cache


class CharClass(IntEnum):
    """How the composer treats a character. Values are small ints: the tokeniser compares them in tight loops."""

    IDEO = 0  # Han, kana, hangul, full-width letters/digits: one cluster each, breakable on both sides
    PUNCT = 1  # CJK punctuation: one cluster each (the prohibition tables decide where breaks go)
    LATIN = 2  # letters, digits, half-width punctuation and symbols: runs of them form one cluster
    SPACE = 3  # breakable white space (dropped at line edges; between Han and Latin it becomes the quarter em)
    NEWLINE = 4  # mandatory break
    INVISIBLE = 5  # prints nothing and takes no room: a zero-width space, a word joiner, a variation selector


class Ink(Enum):
    """Where the ink of a full-width punctuation mark sits; the blank part is what compression removes."""

    LEFT = "left"  # blank right half: 、。，．and closing marks (and ：；！？ in the quanjiao style)
    RIGHT = "right"  # blank left half: opening marks
    CENTER = "center"  # a quarter em blank on each side: 间隔号, and ：；！？ in the kaiming/banjiao styles


# ---- the classes, as strings of characters -------------------------------------------------------------------------

OPENING = "“‘（［｛〔【〖〈《「『〘〚｟｢"  # full-width opening quotes and brackets
CLOSING = "”’）］｝〕】〗〉》」』〙〛｠｣"  # full-width closing quotes and brackets
PAUSES = "、，"  # 顿号, 逗号
STOPS = "。．"  # 句号 (and the full-width full stop used in some styles)
MARKS = "：；！？‼⁇⁈⁉"  # 冒号, 分号, 叹号, 问号 (and their doubled forms)
CONNECTORS = "—―～〜"  # 一字线 (U+2014 — also half of the dash ——), horizontal bar, wave dashes
DOTS = "·・‧"  # 间隔号
SOLIDUS = "／"  # 分隔号
ELLIPSIS = "…‥"  # half of 省略号 ……
ITERATION = "々〻〃"  # iteration marks: ideographic width, kept off a line start by STRICT only
SMALL_KANA = "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿー"

# Half-width forms that still may not start or end a line inside Chinese text (clreq 3.1.7).
LATIN_NO_START = ",.:;!?)]}>"
LATIN_NO_END = "([{<"
# ASCII quotes do not say whether they open or close: keep them attached on both sides.
LATIN_AMBIGUOUS = "\"'"

# Characters that get the quarter em next to a Han character when they sit at the edge of a Latin cluster
# (clreq 3.2.2 names letters and numerals; %‰ and the like read as part of the number).
LATIN_SPACED_SYMBOLS = "%‰#$&@"

# White space that offers a break. U+00A0, U+2007 and U+202F are no-break spaces: they glue (class LATIN);
# U+3000 is an ideographic blank, one em wide, set like a Han character.
BREAK_SPACES = " \t\r\f\v\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f"

# Invisible characters with a meaning in running text (the source reader refuses every other format character):
ZERO_WIDTH_SPACE = "\u200b"  # a break opportunity, even inside a Latin word
WORD_JOINERS = "\u2060\ufeff"  # WORD JOINER and ZERO WIDTH NO-BREAK SPACE: no break here


# U+FE00–FE0F and U+E0100–E01EF pick a glyph variant of the character before them and stay with it (the fonts
# are used without shaping, so the base character prints in its default form).
VARIATION_SELECTORS = "".join(map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]))
INVISIBLE = frozenset(ZERO_WIDTH_SPACE + WORD_JOINERS + VARIATION_SELECTORS)  # never drawn, no width
INVISIBLE_RE = re.compile(f"[{ZERO_WIDTH_SPACE}{WORD_JOINERS}\ufe00-\ufe0f\U000e0100-\U000e01ef]")

# The inseparable pairs: 破折号 —— and 省略号 …… (GB/T 15834 §5.1.10: never split across lines).
DASH_PAIR = "——"
ELLIPSIS_PAIR = "……"

# ---- prohibitions by level ----------------------------------------------------------------------------------------
# BASIC: the marks every Chinese typesetter keeps off a line start/end.
# GB (default): GB/T 15834-2011 §5.1.10 adds connectors, 间隔号 and 分隔号 at line start, 分隔号 at line end.
# STRICT: also iteration marks and small kana off a line start; —— and …… are checked as clusters by the composer.

_BASIC_NO_START = PAUSES + STOPS + MARKS + CLOSING + LATIN_NO_START + LATIN_AMBIGUOUS
_BASIC_NO_END = OPENING + LATIN_NO_END + LATIN_AMBIGUOUS
# A half-width "/" may not start a line either, but may end one: URLs break after it.
_GB_NO_START = _BASIC_NO_START + CONNECTORS + "–" + DOTS + SOLIDUS + "/"
_GB_NO_END = _BASIC_NO_END + SOLIDUS
_STRICT_NO_START = _GB_NO_START + ITERATION + SMALL_KANA + ELLIPSIS


class Strictness(Enum):
    """clreq line-start/line-end prohibition levels, from lenient to strict (a theme's `composition.strictness`)."""

    BASIC = "basic"
    GB = "gb"
    STRICT = "strict"


NO_START: dict[Strictness, frozenset[str]] = {
    Strictness.BASIC: frozenset(_BASIC_NO_START),
    Strictness.GB: frozenset(_GB_NO_START),
    Strictness.STRICT: frozenset(_STRICT_NO_START),
}
NO_END: dict[Strictness, frozenset[str]] = {
    Strictness.BASIC: frozenset(_BASIC_NO_END),
    Strictness.GB: frozenset(_GB_NO_END),
    Strictness.STRICT: frozenset(_GB_NO_END),
}
# Whether the pairs —— and …… may start a line at each level.
PAIRS_MAY_START: dict[Strictness, bool] = {Strictness.BASIC: True, Strictness.GB: True, Strictness.STRICT: False}

# ---- punctuation widths -------------------------------------------------------------------------------------------

# Ink side of each compressible mark in the quanjiao style (Simplified Chinese fonts put ：；！？ on the left).
INK_QUANJIAO: dict[str, Ink] = {
    **dict.fromkeys(OPENING, Ink.RIGHT),
    **dict.fromkeys(CLOSING + PAUSES + STOPS + "：；！？", Ink.LEFT),
    **dict.fromkeys(DOTS, Ink.CENTER),
}
# The kaiming and banjiao styles treat ：；！？ as centred (ctex/clreq), the rest as in quanjiao.
INK_CENTRED_MARKS: dict[str, Ink] = {**INK_QUANJIAO, **dict.fromkeys("：；！？", Ink.CENTER)}
# Kaiming keeps the sentence-ending marks full width; everything else in INK_* is set half width.
KAIMING_FULL = frozenset("。．！？")

# A mark counts as full width (and so compressible) when its natural advance is within this share of 1 em.
FULL_WIDTH_TOLERANCE = 0.1


# ---- classification -----------------------------------------------------------------------------------------------

_PUNCT = frozenset(OPENING + CLOSING + PAUSES + STOPS + MARKS + CONNECTORS + DOTS + SOLIDUS + ELLIPSIS + "〃")


def _is_ideographic(cp: int) -> bool:
    return (
        0x2E80 <= cp <= 0x2FDF  # radicals
        or 0x3005 <= cp <= 0x3007  # 々〆〇
        or 0x3021 <= cp <= 0x3029  # Suzhou numerals
        or 0x3031 <= cp <= 0x303C
        or 0x3040 <= cp <= 0x30FF  # kana (・ U+30FB is caught as punctuation first)
        or 0x3100 <= cp <= 0x31FF  # bopomofo, kanbun, katakana extensions
        or 0x3400 <= cp <= 0x4DBF  # Ext A
        or 0x4E00 <= cp <= 0x9FFF  # URO
        or 0xA960 <= cp <= 0xA97F
        or 0xAC00 <= cp <= 0xD7FF  # hangul
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xFF10 <= cp <= 0xFF19  # full-width digits
        or 0xFF21 <= cp <= 0xFF3A  # full-width capitals
        or 0xFF41 <= cp <= 0xFF5A  # full-width small letters
        or 0x20000 <= cp <= 0x323AF  # Ext B and later
        or cp == 0x3000  # ideographic space: a blank of ideographic width
    )


def _is_han(cp: int) -> bool:
    """A Han (or kana/hangul) character proper: what counts for 孤字 and gets CJK–Latin spacing."""
    return _is_ideographic(cp) and not (0x2E80 <= cp <= 0x2FDF or cp == 0x3000 or 0xFF10 <= cp <= 0xFF5A)


@lru_cache(maxsize=8192)
def classify(ch: str) -> CharClass:
    """The composer class of one character."""
    if ch == "\n":
        return CharClass.NEWLINE
    if ch in BREAK_SPACES:
        return CharClass.SPACE
    if ch in INVISIBLE:
        return CharClass.INVISIBLE
    if ch in _PUNCT:
        return CharClass.PUNCT
    if _is_ideographic(ord(ch)):
        return CharClass.IDEO
    return CharClass.LATIN


@lru_cache(maxsize=8192)
def is_han(ch: str) -> bool:
    """Whether `ch` is a Han (ideograph, kana, hangul) character: counted for 孤字, spaced from Latin."""
    return _is_han(ord(ch))


@lru_cache(maxsize=1024)
def is_latin_spaced(ch: str) -> bool:
    """Whether a Latin character gets the quarter em when it touches a Han character (letters, digits, %…)."""
    return ch.isalnum() or ch in LATIN_SPACED_SYMBOLS


def ink_table(centred_marks: bool) -> dict[str, Ink]:
    """The ink sides of the compressible marks: quanjiao (False) or kaiming/banjiao (True)."""
    return INK_CENTRED_MARKS if centred_marks else INK_QUANJIAO
