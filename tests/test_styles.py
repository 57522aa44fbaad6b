"""Resolved styles (layout/styles.py): the theme's names and em lengths become chains, CMYK and points, once."""

from __future__ import annotations

import pytest

from layout.styles import DISPLAY_STYLES, resolve_styles
from layout.text.compose import Alignment
from layout.theme import Theme, load_theme


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme("default")


def test_every_theme_style_is_resolved_to_points_colours_and_chains(theme: Theme) -> None:
    styles = resolve_styles(theme)
    assert set(styles) == set(theme.styles)
    for name, source in theme.styles.items():
        style = styles[name]
        assert style.regular is theme.chain(source.font)
        assert style.bold is theme.chain(source.bold_font)
        assert style.color == theme.colors[source.color]
        assert style.first_indent == pytest.approx(source.first_indent * source.size)
        assert style.compose.indent == pytest.approx(source.indent * source.size)
        assert style.tracking == pytest.approx(source.letter_spacing * source.size)
        assert style.right_inset == pytest.approx(source.right_inset * source.size)
        assert style.align is source.align
        assert style.compose.strictness is theme.strictness
        assert style.compose.punctuation is theme.punctuation


def test_the_last_line_rule_is_for_running_text_only(theme: Theme) -> None:
    styles = resolve_styles(theme)
    assert styles["body"].compose.min_last_line_han == theme.min_last_line_han > 0
    assert styles["table_cell"].compose.min_last_line_han == theme.min_last_line_han
    for name in DISPLAY_STYLES & set(styles):
        assert styles[name].compose.min_last_line_han == 0, name
    assert DISPLAY_STYLES <= set(theme.styles), "a display style the default theme does not define"


def test_a_variant_leaves_the_shared_style_alone(theme: Theme) -> None:
    body = resolve_styles(theme)["body"]
    cell = body.but(align=Alignment.CENTER, first_indent=0.0, space_before=0.0)
    assert (cell.align, cell.first_indent, cell.space_before) == (Alignment.CENTER, 0.0, 0.0)
    assert (body.align, body.first_indent) == (Alignment.JUSTIFY, 2 * body.size)
    assert body.space_before == theme.style("body").space_before
    assert cell.compose.indent == body.compose.indent  # what was not named is kept
    assert cell.options(300.0).width == 300.0
    assert body.compose.width == 0.0


def test_link_runs_take_the_theme_link_colour_when_it_has_one(theme: Theme) -> None:
    body = resolve_styles(theme)["body"]
    assert body.link_color == theme.colors.get("link", body.color)
