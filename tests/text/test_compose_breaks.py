"""Line breaks of the composer, pinned as data: Han 10 pt, full-width marks 10 pt, Latin 5 pt, a space 2.5 pt."""

from __future__ import annotations

import itertools

import pytest

from layout.text.cjk import Strictness
from layout.text.compose import Alignment, ComposeOptions, PunctuationStyle, Span, compose

from .fixed import SIZE, fixed_measure, line_texts, set_text

TEN = "一二三四五六七八九十"  # exactly one 100 pt line

# ---- line starts ---------------------------------------------------------------------------------------------------

# Each of these may not start a line (GB): ten Han fill line 1 exactly, so "十" moves down with the mark.
NO_LINE_START = [
    *"、。，．：；！？‼",  # pause and stop marks
    *"”’）］｝〕】〗〉》」』",  # closing quotes and brackets
    *"–—～",  # connectors
    "·",  # 间隔号
    *"／/",  # 分隔号, full and half width
    *",.:;!?)]}",  # half-width forms inside Chinese text
]


@pytest.mark.parametrize("mark", NO_LINE_START)
def test_mark_never_starts_a_line(mark: str) -> None:
    assert line_texts(TEN + mark + "一二三") == ["一二三四五六七八九", "十" + mark + "一二三"]


@pytest.mark.parametrize(
    ("strictness", "mark", "expected"),
    [
        # BASIC lets connectors and 间隔号 start a line; GB does not.
        (Strictness.BASIC, "—", [TEN, "—一二"]),
        (Strictness.GB, "—", ["一二三四五六七八九", "十—一二"]),
        (Strictness.BASIC, "·", [TEN, "·一二"]),
        (Strictness.GB, "·", ["一二三四五六七八九", "十·一二"]),
        # STRICT also keeps iteration marks and small kana off a line start.
        (Strictness.GB, "々", [TEN, "々一二"]),
        (Strictness.STRICT, "々", ["一二三四五六七八九", "十々一二"]),
        (Strictness.GB, "ッ", [TEN, "ッ一二"]),
        (Strictness.STRICT, "ッ", ["一二三四五六七八九", "十ッ一二"]),
    ],
)
def test_line_start_rules_by_strictness(strictness: Strictness, mark: str, expected: list[str]) -> None:
    assert line_texts(TEN + mark + "一二", strictness=strictness) == expected


# ---- line ends -----------------------------------------------------------------------------------------------------

NO_LINE_END = [*"“‘（［｛〔【〖〈《「『", *"([{"]


@pytest.mark.parametrize("mark", NO_LINE_END)
def test_mark_never_ends_a_line(mark: str) -> None:
    # The mark would be the tenth character of line 1; it moves down and the line stays nine Han wide.
    assert line_texts("一二三四五六七八九" + mark + "十一二三") == ["一二三四五六七八九", mark + "十一二三"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ／ may neither start nor end a line (GB): it holds on to both neighbours.
        ("一二三四五六七八九／十一二", ["一二三四五六七八", "九／十一二"]),
        # A half-width "/" may end a line (URLs break after it), not start one.
        ("一二三四五六七八九/十一二", ["一二三四五六七八九/", "十一二"]),
        # ASCII quotes do not say whether they open or close: they hold on to both neighbours.
        ('一二三四五六七八九"十一"', ["一二三四五六七八", '九"十一"']),
    ],
)
def test_marks_held_on_both_sides(text: str, expected: list[str]) -> None:
    assert line_texts(text) == expected


# ---- inseparable pairs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "strictness", "expected"),
    [
        # —— and …… never split; GB lets them start a line, STRICT does not.
        ("一二三四五六七八九——十一", Strictness.GB, ["一二三四五六七八九", "——十一"]),
        ("一二三四五六七八九——十一", Strictness.STRICT, ["一二三四五六七八", "九——十一"]),
        ("一二三四五六七八九……十一", Strictness.GB, ["一二三四五六七八九", "……十一"]),
        ("一二三四五六七八九……十一", Strictness.STRICT, ["一二三四五六七八", "九……十一"]),
        # Fitting exactly, the pair ends line 1.
        ("一二三四五六七八——九十", Strictness.GB, ["一二三四五六七八——", "九十"]),
    ],
)
def test_dash_and_ellipsis_pairs(text: str, strictness: Strictness, expected: list[str]) -> None:
    assert line_texts(text, strictness=strictness) == expected


# ---- clusters ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Numbers with their signs, units and inner punctuation stay whole.
        ("一二三四五六七八2018-2020年", ["一二三四五六七八", "2018-2020年"]),
        ("一二三四五六七八九9:00-16:30", ["一二三四五六七八九", "9:00-16:30"]),
        ("电话58832886/58832996", ["电话", "58832886/58832996"]),
        ("一二三四五六七八九20%的增长", ["一二三四五六七八九", "20%的增长"]),
        ("一二三四五六七八2030—重大项目", ["一二三四五六七八", "2030—重大项目"]),
        # A document number keeps its year and serial: no break after 〕 although a closing mark allows one.
        ("一二三四五六〔2018〕188号", ["一二三四五六", "〔2018〕188号"]),
        ("一二三四五六七八国科发资[2018]45号", ["一二三四五六七八国科", "发资[2018]45号"]),
    ],
)
def test_clusters_never_split(text: str, expected: list[str]) -> None:
    assert line_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Wider than the line: a URL breaks after / . - ? & =, or between any two of its characters where that
        # alone keeps the line flush ("网址：http://www." would be stretched 0.5 em a gap); never inside http://.
        (
            "网址：http://www.example.com/path/to/some-file.html?id=1&x=2。",
            ["网址：http://www.exa", "mple.com/path/to/", "some-file.html?", "id=1&x=2。"],
        ),
        ("邮箱：someone.name@example-mail.com。", ["邮箱：someone.name@e", "xample-mail.com。"]),
        # With no such character (and not an address), anywhere.
        (
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
            [
                "abcdefghijklmnopqrst",
                "uvwxyzabcdefghijklmn",
                "opqrstuvwxyz",
            ],
        ),
        # Narrower than the line, a URL stays whole.
        ("见http://a.cn/xyz", ["见http://a.cn/xyz"]),
    ],
)
def test_overlong_cluster_breaks(text: str, expected: list[str]) -> None:
    assert line_texts(text) == expected


def test_overlong_cluster_lines_fit_the_measure() -> None:
    for line in set_text("http://www.miit.gov.cn/n1146295/n1652858/n1652930/n3757016/c6212005/content.html"):
        assert line.end <= line.left + line.width + 1e-6


# ---- Latin text ----------------------------------------------------------------------------------------------------


def test_mixed_latin_breaks_at_spaces_and_keeps_words_tight() -> None:
    first, second = set_text("这是English words的混排")
    assert (first.text, second.text) == ("这是English words的", "混排")
    english = [g.x for g in first.glyphs if g.text in "English"][:7]
    assert [round(b - a, 6) for a, b in itertools.pairwise(english)] == [5.0] * 6  # never letter-spaced
    space = next(g for g in first.glyphs if g.text == " ")
    assert space.advance > 2.5  # the word space takes its share of the slack


def test_break_space_is_dropped_and_mid_line_space_kept() -> None:
    lines = set_text("alpha beta gamma delta epsilon")
    assert [line.text for line in lines] == ["alpha beta gamma", "delta epsilon"]
    assert lines[0].stop == lines[1].start == len("alpha beta gamma ")


# ---- punctuation widths ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "xs", "advances"),
    [
        # Two adjacent full-width marks take 1.5 em; the half goes from the blank side.
        ("甲。”乙", [0, 10, 15, 25], [10, 5, 10, 10]),  # 。 loses its blank right
        ("甲）（乙", [0, 10, 15, 25], [10, 5, 10, 10]),  # ） loses its blank right
        ("甲》，乙", [0, 10, 15, 25], [10, 5, 10, 10]),
        ("甲，“乙", [0, 10, 15, 25], [10, 5, 10, 10]),
        ("甲“（乙", [0, 10, 15, 25], [10, 10, 5, 10]),  # （ loses its blank left: drawn 5 pt to the left
        ("甲。乙", [0, 10, 20], [10, 10, 10]),  # next to Han: full width
    ],
)
def test_punctuation_pairs_take_one_and_a_half_em(text: str, xs: list[float], advances: list[float]) -> None:
    (line,) = set_text(text)
    assert [g.x for g in line.glyphs] == xs
    assert [g.advance for g in line.glyphs] == advances


def test_closing_mark_at_line_end_is_half_width() -> None:
    first, second = set_text("一二三四五六七八九，十一", 95.0)
    assert first.text == "一二三四五六七八九，"
    assert first.natural == 95.0
    assert first.glyphs[-1].advance == 5.0
    assert first.end == pytest.approx(95.0)  # the line ends flush with the comma's ink
    assert second.text == "十一"


def test_stretch_comes_from_the_punctuation_first() -> None:
    """clreq: a line short of the measure first gives its line-end mark back its blank, and opens compressed
    pairs, before any gap between characters is spread."""
    first, _ = set_text("一二三四五六七八九，十一")
    assert first.glyphs[-1].advance == 10.0  # the comma full width again
    assert [g.x for g in first.glyphs] == [10.0 * i for i in range(10)]  # no gap spread at all
    assert first.end == pytest.approx(100.0)
    # 10 pt short: the line-end ，takes back its 5 pt, the pair 。” its 5 pt (it was set in 1.5 em).
    first, _ = set_text("一二三四五六七。”八，九十一", 110.0)
    assert first.text == "一二三四五六七。”八，"
    assert [round(g.x, 3) for g in first.glyphs] == [10.0 * i for i in range(11)]
    assert [g.advance for g in first.glyphs] == [10.0] * 11


def test_opening_mark_at_line_start_loses_its_leading_half() -> None:
    _, second = set_text(TEN + "《一二》")
    assert second.text == "《一二》"
    bracket = second.glyphs[0]
    assert (bracket.x, bracket.advance) == (-5.0, 5.0)
    assert second.glyphs[1].x == 5.0
    # At the paragraph start it stays full width.
    (only,) = set_text("《一二》")
    assert (only.glyphs[0].x, only.glyphs[0].advance) == (0.0, 10.0)


def test_push_in_before_push_out() -> None:
    # "，" may not start line 2: the mid-line comma gives up its blank half so the second comma fits on line 1.
    first, second = set_text("一二，三四五六七八九，一二三")
    assert (first.text, second.text) == ("一二，三四五六七八九，", "一二三")
    assert first.natural == 105.0
    assert first.end == pytest.approx(100.0)
    assert [g.advance for g in first.glyphs if g.text == "，"] == [5.0, 5.0]


def test_push_out_when_nothing_can_be_compressed() -> None:
    # No mark on line 1 can give room: "十" moves down with the comma, line 1 is stretched.
    first, second = set_text(TEN + "，一二")
    assert (first.text, second.text) == ("一二三四五六七八九", "十，一二")
    assert first.end == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("style", "natural", "colon_x", "colon_advance"),
    [
        (PunctuationStyle.QUANJIAO, 70.0, 50.0, 10.0),
        # Kaiming: 。！？ full, the rest half; ： has its ink centred, so it loses a quarter em each side.
        (PunctuationStyle.KAIMING, 60.0, 42.5, 5.0),
        (PunctuationStyle.BANJIAO, 55.0, 37.5, 5.0),
    ],
)
def test_punctuation_styles(style: PunctuationStyle, natural: float, colon_x: float, colon_advance: float) -> None:
    (line,) = set_text("甲，乙。丙：丁", punctuation=style)
    assert line.natural == natural
    colon = next(g for g in line.glyphs if g.text == "：")
    assert (colon.x, colon.advance) == (colon_x, colon_advance)


# ---- 孤字 ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("min_han", "expected"),
    [
        # A lone 字 on the last line: line 2 gives up a character instead.
        (2, ["一二三四五六七八", "九十一二三四五六七", "八字。"]),
        (1, ["一二三四五六七八", "九十一二三四五六七八", "字。"]),
    ],
)
def test_no_lone_character_on_the_last_line(min_han: int, expected: list[str]) -> None:
    text = "一二三四五六七八" + "九十一二三四五六七八" + "字。"
    assert line_texts(text, first_indent=20.0, min_last_line_han=min_han) == expected


def test_a_last_line_gets_two_han_characters_even_beside_a_number() -> None:
    # "〔2018〕188号" alone would leave one Han character on the last line: a second one comes down,
    # the line above stretching a little (0.07 em a gap).
    lines = line_texts("一二三四五六七八九十一二三四五〔2018〕188号", 150.0)
    assert lines == ["一二三四五六七八九十一二三四", "五〔2018〕188号"]


def test_the_han_count_yields_to_a_line_that_could_not_be_justified() -> None:
    # On a 10-character measure, giving the last line "六" would leave five gaps to absorb a whole em each.
    assert line_texts("一二三四五六〔2018〕188号") == ["一二三四五六", "〔2018〕188号"]
    # Nor is a line of one character, which has no gap to stretch, ever the price (found by hypothesis).
    assert line_texts("一一——aaaaaa ——的") == ["一一——aaaaaa", "——的"]


def test_a_long_latin_ending_suspends_the_han_count() -> None:
    # Ending in a Latin run wider than a third of the line, the paragraph cannot give its last line Han characters.
    # ("网站" could come down and fit, but the line would only look ragged on its first line instead.)
    assert line_texts("请登录网站abcdefghijklmnopq") == ["请登录网站", "abcdefghijklmnopq"]


# ---- URLs and e-mail addresses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "请登录网站" alone would be stretched 1 em a gap: the address breaks so that the line is flush.
        ("请登录网站www.ex.cn/abcde", ["请登录网站www.ex.c", "n/abcde"]),
        ("联系人电话hzch@mail.tj.cn即可", ["联系人电话hzch@mai", "l.tj.cn即可"]),
        # A URL break (after / . @ - ? & = _) is preferred to one between two letters when the line is good.
        ("一二三四五六七八九http://a.cn/x_y", ["一二三四五六七八九", "http://a.cn/x_y"]),
        ("一二三四五a@b.cn/x_abcdefg", ["一二三四五a@b.cn/x_", "abcdefg"]),
        # Never inside the scheme, never before a dot, never leaving an opening bracket at the line end.
        ("一二三四五（http://x.cn/abc）", ["一二三四五（http://", "x.cn/abc）"]),
    ],
)
def test_addresses_break_to_keep_lines_flush(text: str, expected: list[str]) -> None:
    lines = set_text(text)
    assert [line.text for line in lines] == expected
    for line in lines[:-1]:
        assert line.end == pytest.approx(line.left + line.width), line.text
        assert not line.forced


def test_no_hyphen_is_added_at_an_address_break() -> None:
    lines = set_text("请将材料发送至someone.name@example-mail.com，谢谢。")
    assert "".join(line.text for line in lines) == "请将材料发送至someone.name@example-mail.com，谢谢。"


def test_a_line_that_would_stretch_past_the_cap_is_set_ragged() -> None:
    # "一aaaaaaaaaaaa一" has two gaps to spread 15 pt over (0.75 em each): it is set flush left instead.
    first = set_text("一aaaaaaaaaaaa一一一")[0]
    assert first.text == "一aaaaaaaaaaaa一"
    assert first.ragged
    assert first.end == pytest.approx(first.natural)


# ---- CJK–Latin spacing ---------------------------------------------------------------------------------------------


def test_source_space_between_han_and_digits_prints_as_the_quarter_em() -> None:
    (spaced,) = set_text("统计2018 年数据")
    (tight,) = set_text("统计2018年数据")
    assert spaced.text == tight.text == "统计2018年数据"
    assert [(g.text, g.x, g.advance) for g in spaced.glyphs] == [(g.text, g.x, g.advance) for g in tight.glyphs]
    xs = {g.text: g.x for g in tight.glyphs}
    assert xs["2"] == 22.5  # 统计 + a quarter em
    assert xs["年"] == 22.5 + 20 + 2.5


def test_no_quarter_em_next_to_punctuation() -> None:
    (line,) = set_text("（2018）年")
    assert [g.x for g in line.glyphs] == [0, 10, 15, 20, 25, 30, 40]


# ---- line structure -------------------------------------------------------------------------------------------------


def test_newline_is_a_mandatory_break() -> None:
    lines = set_text("一二三\n四五六七八九十一二三四五")
    assert [line.text for line in lines] == ["一二三", "四五六七八九十一二三", "四五"]
    assert lines[0].end == 30.0  # a line ended by "\n" is not stretched
    assert [line.last for line in lines] == [False, False, True]
    assert (lines[0].stop, lines[1].start) == (4, 4)


@pytest.mark.parametrize(
    ("align", "xs"),
    [
        (Alignment.LEFT, [0, 10, 20]),
        (Alignment.CENTER, [35, 45, 55]),
        (Alignment.RIGHT, [70, 80, 90]),
        (Alignment.JUSTIFY, [0, 10, 20]),  # a last line is flush left
    ],
)
def test_alignment_places_a_short_line(align: Alignment, xs: list[float]) -> None:
    (line,) = set_text("一二三", align=align)
    assert [g.x for g in line.glyphs] == xs


def test_centred_lines_are_not_stretched() -> None:
    lines = set_text("一二三四五六七八九，十一二三", align=Alignment.CENTER)
    assert [line.text for line in lines] == ["一二三四五六七八九，", "十一二三"]
    assert lines[0].glyphs[0].x == 2.5  # 95 pt centred in 100
    assert lines[1].glyphs[0].x == 30.0


def test_hanging_indent() -> None:
    lines = set_text("1、一二三四五六七八九十一二三四五六七八", indent=20.0)
    assert [line.text for line in lines] == ["1、一二三四五六七八", "九十一二三四五六", "七八"]
    assert [(line.left, line.width) for line in lines] == [(0.0, 100.0), (20.0, 80.0), (20.0, 80.0)]
    assert lines[1].glyphs[0].x == 20.0
    assert lines[1].end == pytest.approx(100.0)


def test_first_line_indent() -> None:
    lines = set_text("一二三四五六七八九十一二", first_indent=20.0)
    assert [line.text for line in lines] == ["一二三四五六七八", "九十一二"]
    assert lines[0].glyphs[0].x == 20.0


@pytest.mark.parametrize(
    ("reserve", "expected"),
    [
        (0.0, ["一二三四五六七八"]),
        (25.0, ["一二三四五六", "七八"]),  # the last line must leave 25 pt free (TOC leader and page number)
    ],
)
def test_last_line_reserve(reserve: float, expected: list[str]) -> None:
    lines = set_text("一二三四五六七八", last_line_reserve=reserve)
    assert [line.text for line in lines] == expected
    assert lines[-1].end <= 100.0 - reserve


# ---- styles and indices ---------------------------------------------------------------------------------------------


def test_mixed_styles_measure_per_style() -> None:
    spans = [Span("一二", ("r", SIZE), SIZE), Span("三四", ("big", 20.0), 20.0)]
    (line,) = compose(spans, fixed_measure, ComposeOptions(width=100.0))
    assert [(g.text, g.style, g.x, g.advance) for g in line.glyphs] == [
        ("一", ("r", SIZE), 0, 10),
        ("二", ("r", SIZE), 10, 10),
        ("三", ("big", 20.0), 20, 20),
        ("四", ("big", 20.0), 40, 20),
    ]


def test_lines_tile_the_input() -> None:
    text = "  一二三四五六七八九十 abc def\n二三  "
    lines = set_text(text)
    assert [line.text for line in lines] == ["一二三四五六七八", "九十abc def", "二三"]
    assert [(line.start, line.stop) for line in lines] == [(2, 10), (10, 21), (21, len(text))]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_blank_text_gives_no_lines(text: str) -> None:
    assert set_text(text) == []


def test_empty_line_between_two_newlines() -> None:
    lines = set_text("一\n\n二")
    assert [line.text for line in lines] == ["一", "", "二"]


# ---- when no legal break exists -------------------------------------------------------------------------------------


def test_prohibition_gives_way_only_when_the_run_is_wider_than_the_line() -> None:
    # "（一）" is 2.5 em even with its closing half trimmed, the cell 2 em: it must break against a rule, and
    # breaks where the first line comes out full.
    assert line_texts("（一）", width=20.0) == ["（一", "）"]
    # With room for the run, the rule holds again.
    assert line_texts("一二（三四）", width=40.0) == ["一二", "（三四）"]


def test_a_character_wider_than_the_line_overflows_alone() -> None:
    lines = set_text("一二", width=5.0)
    assert [line.text for line in lines] == ["一", "二"]
    assert [line.end for line in lines] == [10.0, 10.0]


def test_a_number_keeps_its_unit_when_that_costs_little() -> None:
    # On a 30 em line, "…九1|年" would fit best, but "1年" reads as one: the number moves down with its unit.
    first_29 = (TEN * 3)[:29]
    assert line_texts(first_29 + "1年一二三", width=300.0) == [first_29, "1年一二三"]


@pytest.mark.parametrize("align", [Alignment.CENTER, Alignment.LEFT])
def test_unjustified_text_breaks_at_a_source_space_between_words(align: Alignment) -> None:
    # Two names in a narrow table cell: break between the names, not inside one.
    assert line_texts("张骄 贺亚男", 45.0, align=align) == ["张骄", "贺亚男"]
