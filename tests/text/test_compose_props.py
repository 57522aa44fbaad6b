"""Properties of the composer over random mixes of Han, punctuation, Latin words and numbers (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from layout.text.breaker import MAX_GAP_STRETCH
from layout.text.cjk import NO_END, NO_START, Strictness, is_han
from layout.text.compose import Line, PunctuationStyle

from .fixed import SIZE, set_text

SETTINGS = settings(max_examples=200, deadline=None)
FUZZ = 1e-6  # pt: float rounding only (a line's end is a sum of a few dozen advances)

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
OPENING = "“‘（《〔【「(["
CLOSING = "”’）》〕】」、，。：；！？·—,.;:!?)"
PAIRS = ["——", "……"]

# A token is an optional opening mark, a base (Han, a Latin word or a number with its trailing space), an optional
# closing mark and an optional —— or ……; none is wider than 10 + 32.5 + 10 + 20 = 72.5 pt. Tokens are joined by
# a Han character (JOINER). A Han character may end a line and nothing a token starts with (a Han character, a
# letter, a digit, an opening mark) is barred from starting one; nothing a token ends with (a Han character, a
# space, a closing mark, a pair) is barred from ending one. So a legal break stands on each side of every JOINER
# at every strictness, no unbreakable run is wider than one token, and every line (at least 100 - 20 = 80 pt)
# can hold any run: no line may be forced, and every rule below holds without exception.
JOINER = "的"
latin_word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6).map(lambda w: w + " ")
number = st.text("0123456789", min_size=1, max_size=5).map(lambda w: w + " ")
# E-mail addresses and URLs, as in contact lines: they offer breaks of their own wherever they stand.
address = st.tuples(
    st.text("abcdefghij0123", min_size=1, max_size=10),
    st.sampled_from(["@", "://www.", "-", "_", "."]),
    st.text("abcdefghij", min_size=1, max_size=10),
    st.sampled_from([".cn", ".gov.cn", ".org.cn/a/b.html"]),
).map(
    # The scheme stays whole (no break inside "http://"), so it must stay short: "http" + ten letters + "://" was
    # wider than the narrowest line and forced an emergency break.
    lambda p: f"http://www.{p[0]}{p[2]}{p[3]}" if p[1] == "://www." else "".join(p) + "@x.cn" if "@" not in p[1]
    else "".join(p)
)
base = st.one_of(st.sampled_from(HAN), st.text(HAN, min_size=2, max_size=6), latin_word, number, address)
token = st.tuples(
    st.sampled_from(["", "", "", *OPENING]),
    base,
    st.sampled_from(["", "", *CLOSING]),
    st.sampled_from(["", "", "", "", *PAIRS]),
).map("".join)
texts = st.lists(token, min_size=1, max_size=40).map(JOINER.join)
# Long words and URLs wider than the measure: emergency breaks keep every line inside it.
long_word = st.text("abcdefghij./-?&=", min_size=8, max_size=60)
url = st.text("abcdefghij0123", min_size=1, max_size=12).map(lambda w: f"http://www.{w}.cn/{w}/{w}-{w}.html")
overlong_texts = st.lists(st.one_of(st.sampled_from(HAN), long_word, url, st.just(" "), st.just("（")), max_size=20)
widths = st.floats(min_value=100.0, max_value=300.0)
indents = st.sampled_from([0.0, 20.0])
strictness = st.sampled_from(list(Strictness))
punctuation = st.sampled_from(list(PunctuationStyle))


def compose_case(text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle) -> list[Line]:
    return set_text(text, width, first_indent=indent, strictness=strict, punctuation=punct)


def squeeze(s: str) -> str:
    return "".join(s.split())


@SETTINGS
@given(texts, widths, indents, strictness, punctuation)
def test_readback_keeps_every_character_once(
    text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    lines = compose_case(text, width, indent, strict, punct)
    assert squeeze("".join(line.text for line in lines)) == squeeze(text)
    # The lines tile the input: each starts where the previous one stopped.
    for before, after in itertools.pairwise(lines):
        assert before.stop == after.start
    assert lines[-1].stop == len(text)


@SETTINGS
@given(texts, widths, indents, strictness, punctuation)
def test_no_prohibited_line_start_or_end(
    text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    lines = compose_case(text, width, indent, strict, punct)
    for line in lines[1:]:
        body = line.text.strip()
        if body.startswith(("——", "……")):
            assert strict is not Strictness.STRICT, line.text  # the pairs may start a line below STRICT
        else:
            assert body[0] not in NO_START[strict], line.text
    for line in lines[:-1]:
        assert line.text.strip()[-1] not in NO_END[strict], line.text


@SETTINGS
@given(texts, widths, indents, strictness, punctuation)
def test_no_line_is_forced_where_a_legal_break_exists(
    text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    """An emergency break is for a run wider than the line; these texts never need one."""
    assert not [line.text for line in compose_case(text, width, indent, strict, punct) if line.forced]


@SETTINGS
@given(texts, widths, indents, strictness, punctuation)
def test_lines_are_flush_and_never_too_wide(
    text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    lines = compose_case(text, width, indent, strict, punct)
    for line in lines:
        assert line.end <= line.left + line.width + FUZZ, line.text
    for line in lines[:-1]:
        body = line.text.strip()
        # A line of one cluster has no gap to stretch: one Latin word alone, or one character that the
        # prohibitions left alone (STRICT keeps —— off a line start: '一' / '一——aaaaaa ——' / '的”——的').
        one_cluster = (body.isascii() and " " not in body) or len(line.glyphs) == 1 or body in ("——", "……")
        if line.ragged:
            # Set flush left only when justifying it would spread a gap past the cap (so its slack is more than
            # one gap's worth at the cap), or when it has nothing to spread.
            assert one_cluster or line.width - line.natural > MAX_GAP_STRETCH * SIZE, line.text
        elif not one_cluster:
            assert abs(line.end - (line.left + line.width)) <= FUZZ, line.text


@SETTINGS
@given(st.one_of(texts, overlong_texts.map("".join)), widths, indents, strictness, punctuation)
def test_no_gap_stretched_past_the_cap(
    text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    """Between two Han characters (1 em each in the fixed measure) a justified line adds at most 0.33 em."""
    for line in compose_case(text, width, indent, strict, punct):
        for a, b in itertools.pairwise(line.glyphs):
            if is_han(a.text) and is_han(b.text):
                assert b.x - (a.x + a.advance) <= MAX_GAP_STRETCH * SIZE + FUZZ / 10, line.text


@SETTINGS
@given(texts, widths, st.floats(min_value=0.5, max_value=100.0), indents, strictness, punctuation)
def test_wider_measure_never_gives_more_lines(
    text: str, width: float, extra: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    narrow = compose_case(text, width, indent, strict, punct)
    wide = compose_case(text, width + extra, indent, strict, punct)
    assert len(wide) <= len(narrow)


@SETTINGS
@given(texts, widths, indents, strictness, punctuation)
def test_output_is_deterministic(
    text: str, width: float, indent: float, strict: Strictness, punct: PunctuationStyle
) -> None:
    assert compose_case(text, width, indent, strict, punct) == compose_case(text, width, indent, strict, punct)


@SETTINGS
@given(overlong_texts.map("".join), st.floats(min_value=50.0, max_value=200.0), indents)
def test_overlong_runs_break_inside_the_measure(text: str, width: float, indent: float) -> None:
    lines = set_text(text, width, first_indent=indent)
    assert squeeze("".join(line.text for line in lines)) == squeeze(text)
    for line in lines:
        assert line.end <= line.left + line.width + FUZZ, line.text
