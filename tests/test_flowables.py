"""Page-break behaviour of the flowables: no orphans, no widows, heads kept with what follows."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from layout.buildstate import ComposeCache
from layout.flowables import Stack, TextBlock, text_block
from layout.model import Text
from layout.styles import Style, resolve_style
from layout.theme import Theme, load_theme

WIDTH = 300.0
CANVAS = Canvas(io.BytesIO())  # split() may measure with the canvas, as in a frame


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme("default")


def style(theme: Theme, name: str) -> Style:
    return resolve_style(theme, theme.style(name))


def paragraph(theme: Theme, lines: int) -> TextBlock:
    """A body paragraph that sets in exactly `lines` lines at WIDTH."""
    body = style(theme, "body")
    per_line = int(WIDTH // body.size)
    block = text_block(Text.of("中" * (per_line * lines - 4)), body, ComposeCache())
    block.wrap(WIDTH, 1e6)
    assert len(block.compose(WIDTH)) == lines
    return block


@pytest.mark.parametrize(
    ("lines", "room", "expected"),
    [
        (6, 4, (4, 2)),  # a plain split
        (6, 5, (4, 2)),  # never one line alone at the top of the next page (no widow)
        (6, 1, None),  # never one line alone at the foot of a page (no orphan): move it all
        (3, 2, None),  # three lines cannot split without an orphan or a widow
        (4, 3, (2, 2)),
    ],
)
def test_paragraph_splits_leave_two_lines_each_side(
    theme: Theme, lines: int, room: int, expected: tuple[int, int] | None
) -> None:
    block = paragraph(theme, lines)
    leading = theme.style("body").leading
    parts = block.split(WIDTH, room * leading + 0.5)
    if expected is None:
        assert parts == []
    else:
        assert tuple(len(p.compose(WIDTH)) for p in parts) == expected
        assert "".join(line.text for p in parts for line in p.compose(WIDTH)) == "".join(
            line.text for line in block.compose(WIDTH)
        )


def test_a_heading_moves_with_the_first_lines_of_its_text(theme: Theme) -> None:
    heading = text_block(Text.of("一、总体要求"), style(theme, "heading1"), ComposeCache(), keep_with_next=True)
    body = paragraph(theme, 6)
    group = Stack([heading], body, frame_height=700)
    heading_height = theme.style("heading1").leading
    gap = max(heading.getSpaceAfter(), body.getSpaceBefore())
    leading = theme.style("body").leading
    # Room for the heading and one body line only: the heading must not stay behind alone.
    assert group.splitOn(CANVAS, WIDTH, heading_height + gap + leading + 1) == []
    # Room for the heading and three lines: it goes with three of them.
    head, tail = group.splitOn(CANVAS, WIDTH, heading_height + gap + 3 * leading + 1)
    assert isinstance(head, Stack)
    assert head.heads == [heading]
    assert len(head.follower.compose(WIDTH)) == 3
    assert len(tail.compose(WIDTH)) == 3


def test_a_group_taller_than_a_page_flows_on_a_fresh_page(theme: Theme) -> None:
    heading = text_block(Text.of("一、总体要求"), style(theme, "heading1"), ComposeCache(), keep_with_next=True)
    group = Stack([heading], paragraph(theme, 6), frame_height=100)
    assert group.splitOn(CANVAS, WIDTH, 100) == group.parts
