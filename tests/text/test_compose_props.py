"""Properties of the composer over random mixes of Han, punctuation, Latin words and numbers (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from layout.text.cjk import NO_END, NO_START, Strictness
from layout.text.compose import Line, PunctuationStyle

from .fixed import set_text

SETTINGS = settings(max_examples=200, deadline=None)
FUZZ = 0.5  # pt

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
OPENING = "“‘（《〔【「(["
CLOSING = "”’）》〕】」、，。：；！？·—,.;:!?)"
PAIRS = ["——", "……"]

# A token is an optional opening mark, a base (Han, a Latin word or a number with its trailing space), an optional
# closing mark and an optional —— or ……. No unbreakable run gets wider than 72.5 pt, so a measure of 80 pt or
# more always has a legal break: every rule below must hold without exception.
latin_word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6).map(lambda w: w + " ")
number = st.text("0123456789", min_size=1, max_size=5).map(lambda w: w + " ")
base = st.one_of(st.sampled_from(HAN), st.text(HAN, min_size=2, max_size=6), latin_word, number)
token = st.tuples(
    st.sampled_from(["", "", "", *OPENING]),
    base,
    st.sampled_from(["", "", *CLOSING]),
    st.sampled_from(["", "", "", "", *PAIRS]),
).map("".join)
texts = st.lists(token, min_size=1, max_size=40).map("".join)
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
    level = strict
    lines = compose_case(text, width, indent, strict, punct)
    for before, line in itertools.pairwise(lines):
        if before.forced:
            continue  # a run with no legal break was wider than the line: some rule had to give
        body = line.text.strip()
        if body.startswith(("——", "……")):
            assert strict is not Strictness.STRICT, line.text  # the pairs may start a line below STRICT
        else:
            assert body[0] not in NO_START[level], line.text
    for line in lines[:-1]:
        if not line.forced:
            assert line.text.strip()[-1] not in NO_END[level], line.text


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
        if not one_cluster and not line.forced:  # a line cut inside a too-wide run stays ragged by design
            assert abs(line.end - (line.left + line.width)) <= FUZZ, line.text


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


# Long words and URLs wider than the measure: emergency breaks keep every line inside it.
long_word = st.text("abcdefghij./-?&=", min_size=8, max_size=60)
url = st.text("abcdefghij0123", min_size=1, max_size=12).map(lambda w: f"http://www.{w}.cn/{w}/{w}-{w}.html")
overlong_texts = st.lists(st.one_of(st.sampled_from(HAN), long_word, url, st.just(" "), st.just("（")), max_size=20)


@SETTINGS
@given(overlong_texts.map("".join), st.floats(min_value=50.0, max_value=200.0), indents)
def test_overlong_runs_break_inside_the_measure(text: str, width: float, indent: float) -> None:
    lines = set_text(text, width, first_indent=indent)
    assert squeeze("".join(line.text for line in lines)) == squeeze(text)
    for line in lines:
        assert line.end <= line.left + line.width + FUZZ, line.text
