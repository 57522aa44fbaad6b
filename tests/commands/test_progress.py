"""Progress of long renders: on a terminal one line redrawn in place (pass, pages so far); nothing otherwise."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from layout.build import build_pdf
from layout.cli import main
from layout.commands import progress as progress_module
from layout.commands.progress import RenderProgress
from layout.loader.issue import load_issue
from layout.render import render_issue
from layout.validate import validate_issue

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "issues" / "2018-0602.yaml"


def test_the_build_reports_every_page_of_every_pass() -> None:
    issue = load_issue(SAMPLE)
    seen: list[tuple[int, int]] = []
    result = build_pdf(issue, validate_issue(issue), progress=lambda number, pages: seen.append((number, pages)))
    passes = sorted({number for number, _ in seen})
    assert passes == list(range(1, result.passes + 1))
    for number in passes:
        pages = [p for n, p in seen if n == number]
        assert pages == list(range(1, len(pages) + 1))
    assert [p for n, p in seen if n == result.passes][-1] == result.pages


def test_on_a_terminal_the_line_shows_pass_and_pages_and_is_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every page redraws: what the line shows must not depend on how fast this machine lays out a pass.
    monkeypatch.setattr(progress_module, "REDRAW_EVERY", 0.0)
    out = io.StringIO()
    progress = RenderProgress("2018-0602.yaml", out, tty=True, show_after=0)
    result = render_issue(SAMPLE, tmp_path / "x.pdf", progress=progress)
    drawn = out.getvalue()
    assert "\r\x1b[K2018-0602.yaml: layout, 1 page" in drawn
    assert "\r\x1b[K2018-0602.yaml: layout, 20 pages" in drawn
    assert result.passes == 1  # the sample needs no second pass: its contents numbers fit their column
    progress.clear()
    assert out.getvalue().endswith("\r\x1b[K")


def test_a_quick_render_or_no_terminal_prints_nothing(tmp_path: Path) -> None:
    quick, piped = io.StringIO(), io.StringIO()
    render_issue(SAMPLE, tmp_path / "a.pdf", progress=RenderProgress("a", quick, tty=True, show_after=3600))
    render_issue(SAMPLE, tmp_path / "b.pdf", progress=RenderProgress("b", piped, tty=False, show_after=0))
    assert quick.getvalue() == piped.getvalue() == ""


def test_render_output_stays_one_line_when_not_a_terminal(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(SAMPLE), "-o", str(tmp_path / "x.pdf")]) == 0
    out = capsys.readouterr().out
    assert "\r" not in out
    assert out.count("\n") == 1
