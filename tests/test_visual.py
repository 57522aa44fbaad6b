"""Key pages as small gray PNG references, compared with a tolerance: what text snapshots cannot see.

The sample's page 1 (masthead and contents), its first body page and the page with the Tianjin table,
and two fixture pages (a placed image, a table continued on a second page). References are
tests/snapshots/<name>.png, written by `python -m pytest --snapshot-update`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from snapshot_support import REF_IMAGE_LIMIT, SnapshotChecker

from layout.render import render_issue

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "issues" / "2018-0602.yaml"
CASES = Path(__file__).parent / "cases" / "snapshots"
REFERENCES = Path(__file__).parent / "snapshots"
TIANJIN_TABLE_HEADER = "接受咨询部门"  # a header cell of the only table in the sample
PAGE_NAMES = ("sample-page-masthead", "sample-page-first-body", "sample-page-tianjin-table")
CASE_PAGES = {"block-image": 1, "table-split-pages": 2}  # fixture -> 0-based page index shown


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_issue(SAMPLE, tmp_path_factory.mktemp("visual") / "sample.pdf").path


def find_page(pdf: Path, text: str) -> int:
    """The 0-based index of the first page whose text (white space removed) contains `text`."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            found = text in re.sub(r"\s+", "", textpage.get_text_range())
            textpage.close()
            page.close()
            if found:
                return index
    finally:
        document.close()
    raise AssertionError(f"no page of {pdf} shows {text!r}")


def test_sample_masthead_and_contents(sample_pdf: Path, snapshot: SnapshotChecker) -> None:
    snapshot.assert_image("sample-page-masthead", sample_pdf, 0)


def test_sample_first_body_page(sample_pdf: Path, snapshot: SnapshotChecker) -> None:
    # the masthead and the whole contents fit on page 1, so the body starts on page 2
    snapshot.assert_image("sample-page-first-body", sample_pdf, 1)


def test_sample_tianjin_table_page(sample_pdf: Path, snapshot: SnapshotChecker) -> None:
    snapshot.assert_image("sample-page-tianjin-table", sample_pdf, find_page(sample_pdf, TIANJIN_TABLE_HEADER))


@pytest.mark.parametrize(("name", "page_index"), sorted(CASE_PAGES.items()))
def test_case_page(name: str, page_index: int, tmp_path: Path, snapshot: SnapshotChecker) -> None:
    pdf = render_issue(CASES / f"{name}.yaml", tmp_path / f"{name}.pdf").path
    snapshot.assert_image(f"{name}-page-{page_index + 1}", pdf, page_index)


def test_reference_images_stay_small() -> None:
    names = {*PAGE_NAMES, *(f"{name}-page-{index + 1}" for name, index in CASE_PAGES.items())}
    images = {p.stem: p.stat().st_size for p in REFERENCES.glob("*.png")}
    assert set(images) == names, "every reference image belongs to one test above"
    assert {name: size for name, size in images.items() if size > REF_IMAGE_LIMIT} == {}
