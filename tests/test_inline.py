"""Inline text: **bold** and automatic links are the only markup; everything else prints as written."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.inline import parse_inline
from layout.model import Run


def test_plain_text_is_one_run() -> None:
    assert parse_inline("各有关单位：") == (Run("各有关单位："),)


def test_bold_pairs() -> None:
    assert parse_inline("请**认真**贯彻**落实**。") == (
        Run("请"), Run("认真", bold=True), Run("贯彻"), Run("落实", bold=True), Run("。"))


@pytest.mark.parametrize("text", ["a ** b", "**开头", "结尾**", "a **** b", "5 ** 2 = 25"])
def test_lone_or_empty_bold_markers_print_literally(text: str) -> None:
    assert parse_inline(text) == (Run(text),)


def test_odd_marker_after_a_pair_prints_literally() -> None:
    assert parse_inline("**甲** 乙 **丙") == (Run("甲", bold=True), Run(" 乙 **丙"))


@pytest.mark.parametrize("text", ["<b>粗</b> & 5 * 3 # 标题 _下划线_ `代码` [链接](x)", "a&amp;b", "#1 ~~删除~~"])
def test_nothing_else_is_markup(text: str) -> None:
    assert parse_inline(text) == (Run(text),)


@pytest.mark.parametrize(
    ("text", "address", "target"),
    [
        ("见 http://a.cn/x?y=1&z=2 。", "http://a.cn/x?y=1&z=2", "http://a.cn/x?y=1&z=2"),
        ("见 https://a.cn/p#frag", "https://a.cn/p#frag", "https://a.cn/p#frag"),
        ("网址：www.chinamomentum.com", "www.chinamomentum.com", "http://www.chinamomentum.com"),
        ("邮箱 sjfwtxc@163.com。", "sjfwtxc@163.com", "mailto:sjfwtxc@163.com"),
        ("邮箱hzch@mail.kxjs.tj.gov.cn", "hzch@mail.kxjs.tj.gov.cn", "mailto:hzch@mail.kxjs.tj.gov.cn"),
        # A URL ends before CJK characters, full-width punctuation, quotes and sentence punctuation.
        ("http://a.cn/x中文", "http://a.cn/x", "http://a.cn/x"),
        ("http://a.cn/x，下一句", "http://a.cn/x", "http://a.cn/x"),
        ("“http://a.cn/x”", "http://a.cn/x", "http://a.cn/x"),
        ("'http://a.cn/x'", "http://a.cn/x", "http://a.cn/x"),
        ("see http://a.cn/x.", "http://a.cn/x", "http://a.cn/x"),
        ("see http://a.cn/x?!", "http://a.cn/x", "http://a.cn/x"),
        ("(www.shanghai.gov.cn) ；", "www.shanghai.gov.cn", "http://www.shanghai.gov.cn"),
        ("https://en.wikipedia.org/wiki/A_(b))", "https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)"),
        ("http://a.cn/café。", "http://a.cn/café", "http://a.cn/café"),
    ],
)
def test_links(text: str, address: str, target: str) -> None:
    runs = parse_inline(text)
    (link,) = [r for r in runs if r.link]
    assert (link.text, link.link) == (address, target)
    assert "".join(r.text for r in runs) == text  # the printed text is unchanged


def test_angle_brackets_stay_printed_around_the_link() -> None:
    assert parse_inline("(<http://www.shanghai.gov.cn/>)") == (
        Run("(<"), Run("http://www.shanghai.gov.cn/", link="http://www.shanghai.gov.cn/"), Run(">)"))


@pytest.mark.parametrize("text", ["http://", "www.", "xhttp://a.cn", "user@localhost", "a.www.b.cn", "版本 1.2.3"])
def test_not_links(text: str) -> None:
    assert parse_inline(text) == (Run(text),)


def test_mail_inside_a_url_is_part_of_the_url() -> None:
    assert parse_inline("http://u@h.cn/x") == (Run("http://u@h.cn/x", link="http://u@h.cn/x"),)


def test_bold_link() -> None:
    assert parse_inline("**详见 www.a.cn**") == (Run("详见 ", bold=True), Run("www.a.cn", True, "http://www.a.cn"))


def test_sample_cell_with_numbers_and_mail() -> None:
    runs = parse_inline("58832886/58832996 hzch@mail.kxjs.tj.gov.cn")
    assert runs == (Run("58832886/58832996 "), Run("hzch@mail.kxjs.tj.gov.cn", link="mailto:hzch@mail.kxjs.tj.gov.cn"))


PIECES = ["ab", " ", ".", ",", ")", "(", "<", ">", "中文", "，", "http://", "https://", "www.", "x@y.cn", "a.cn", "/p",
          "?", "'", "“", "\t", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_runs_preserve_text_and_links_are_addresses(text: str) -> None:
    runs = parse_inline(text)
    assert "".join(r.text for r in runs) == text  # no ** in these inputs: nothing is removed
    assert all(r.text for r in runs)
    for a, b in itertools.pairwise(runs):
        assert not (a.link is None and b.link is None and a.bold == b.bold)  # adjacent plain runs are merged
    for run in (r for r in runs if r.link):
        assert run.link in (run.text, "http://" + run.text, "mailto:" + run.text)
        assert not any(c.isspace() or unicodedata.east_asian_width(c) in "WF" or c in "<>\"'" for c in run.text)
        assert run.text[-1] not in ".,;:!?"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "**", "*"]), max_size=12).map("".join) | st.text(max_size=30))
def test_markers_are_the_only_characters_removed(text: str) -> None:
    printed = "".join(r.text for r in parse_inline(text))
    assert printed.replace("**", "") == text.replace("**", "")
    assert (len(text) - len(printed)) % 4 == 0  # markers go in pairs
