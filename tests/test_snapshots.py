"""Text snapshots (`bulletin snapshot` format) of the sample issue and of small fixtures, one behaviour each.

Fixtures are the issues in tests/cases/snapshots/ (beside their own bulletin.yaml); references are
tests/snapshots/<name>.txt. Each fixture is rendered once per run (module fixtures), into a temporary folder.
After a deliberate change: `python -m pytest --snapshot-update`, then review the diff of tests/snapshots/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from snapshot_support import SnapshotChecker

from layout.render import render_issue
from layout.snapshot import Snapshot, TextItem, snapshot_pdf
from layout.text.cjk import CLOSING, MARKS, OPENING, PAUSES, STOPS
from layout.theme import load_theme

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "issues" / "2018-0602.yaml"
CASES = Path(__file__).parent / "cases" / "snapshots"
REFERENCES = Path(__file__).parent / "snapshots"
SAMPLE_NAME = "sample-2018-0602"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.yaml") if p.name != "bulletin.yaml")
# Page 1 (masthead and a one-entry contents) is the same in every fixture: it is left out of their snapshots,
# so a masthead change touches the sample's reference, not every fixture's. These fixtures are about page 1.
FRONT_PAGE_CASES = frozenset({"contents-60-articles"})
# Marks that never start a line and marks that never end one, at every strictness level.
NO_LINE_START = frozenset(PAUSES + STOPS + MARKS + CLOSING)
NO_LINE_END = frozenset(OPENING)


@pytest.fixture(scope="module")
def render_case(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Snapshot]:
    """Renders a fixture (by name) once for the whole module and returns its snapshot."""
    out = tmp_path_factory.mktemp("snapshot-cases")

    @cache
    def render(name: str) -> Snapshot:
        return snapshot_pdf(render_issue(CASES / f"{name}.yaml", out / f"{name}.pdf").path)

    return render


def compose_case_text(name: str, snapshot: Snapshot) -> str:
    """The text kept for a fixture: the whole snapshot, or everything but page 1 (see FRONT_PAGE_CASES)."""
    if name in FRONT_PAGE_CASES:
        return snapshot.to_text()
    lines = [*snapshot.head_lines(), *(line for page in snapshot.pages[1:] for line in page.lines())]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return snapshot_pdf(render_issue(SAMPLE, tmp_path_factory.mktemp("sample") / "sample.pdf").path)


def test_sample_issue(sample_snapshot: Snapshot, snapshot: SnapshotChecker) -> None:
    snapshot.assert_match(SAMPLE_NAME, sample_snapshot.to_text())


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name: str, render_case: Callable[[str], Snapshot], snapshot: SnapshotChecker) -> None:
    snapshot.assert_match(name, compose_case_text(name, render_case(name)))


def test_every_reference_belongs_to_a_test() -> None:
    # a renamed or deleted fixture must not leave its old reference behind
    expected = {SAMPLE_NAME, *CASE_NAMES}
    assert {p.stem for p in REFERENCES.glob("*.txt")} <= expected


def test_fixtures_are_small(render_case: Callable[[str], Snapshot]) -> None:
    # the suite stays fast only while fixtures stay at 1-3 pages (the long contents is the one exception)
    big = {name: len(render_case(name).pages) for name in CASE_NAMES if name not in FRONT_PAGE_CASES}
    assert {name: pages for name, pages in big.items() if pages > 3} == {}


def iter_visual_lines(snapshot: Snapshot, first_page: int) -> Iterator[tuple[int, list[TextItem]]]:
    """(page number, items left to right) for each line of text inside the text block, from `first_page` on."""
    page_geometry = load_theme("default").page
    top, bottom = page_geometry.height - page_geometry.margin_top, page_geometry.margin_bottom
    for page in snapshot.pages[first_page - 1 :]:
        rows: dict[float, list[TextItem]] = {}
        for item in page.texts:
            if bottom <= item.y <= top and item.angle == 0:
                rows.setdefault(item.y, []).append(item)
        for _, items in sorted(rows.items(), reverse=True):
            yield page.number, sorted(items, key=lambda item: item.x)


@pytest.mark.parametrize("name", [SAMPLE_NAME, *(name for name in CASE_NAMES if name.startswith("compose-"))])
def test_lines_keep_the_line_start_and_end_rules(
    name: str, render_case: Callable[[str], Snapshot], sample_snapshot: Snapshot
) -> None:
    # the snapshots record where lines break; this states the rule they must all keep, whatever the tuning
    rendered = sample_snapshot if name == SAMPLE_NAME else render_case(name)
    lines = list(iter_visual_lines(rendered, first_page=2))
    assert len(lines) >= 5, "the body text was found"
    broken = [
        f"page {page}: {' '.join(item.text for item in items)}"
        for page, items in lines
        if items[0].text[0] in NO_LINE_START or items[-1].text[-1] in NO_LINE_END
    ]
    assert broken == []
