"""The multi-pass build reaches a fixed point even when printing the contents' numbers moves the pages.

A theme that reserves room for one digit in a contents of three-digit page numbers: the real pass widens the
number column to the widest number, every entry (sized to just fit the narrow column) wraps onto a second line,
the contents grow by pages, and every article's page number changes. Only a further pass prints true numbers, so
a build that stopped after one real pass fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from layout.loader.issue import load_issue
from layout.render import render_issue
from layout.theme import load_theme

from .pdfread import body_lines, read_lines, squeeze

ISSUES = Path(__file__).resolve().parents[2] / "issues"
ARTICLES = 120  # one page each: page numbers reach three digits
TITLE_CHAR = "政"


def entry_chars(folder: Path) -> int:
    """How many Han characters fill a contents entry's one line beside a one-digit number column, but not beside a
    three-digit one (the entry's indent, its minimum leader, the column and its gap all taken off the measure)."""
    theme = load_theme(folder / "narrow.yaml", root=folder)
    style, toc = theme.style("toc_article"), theme.toc
    taken = (style.first_indent + toc.min_leader + toc.number_width + toc.number_gap) * style.size
    return int((theme.page.text_width - taken) // style.size)  # a Han character is 1 em wide


def write_issue(folder: Path) -> Path:
    shutil.copy(ISSUES / "bulletin.yaml", folder / "bulletin.yaml")
    publication = (folder / "bulletin.yaml").read_text(encoding="utf-8").replace("theme: default", "theme: narrow.yaml")
    (folder / "bulletin.yaml").write_text(publication, encoding="utf-8")
    (folder / "narrow.yaml").write_text("parent: default\ntoc:\n  number_width: 0.5\n", encoding="utf-8")
    entry = TITLE_CHAR * entry_chars(folder)  # every entry alike: numbers and title pages are compared in order
    articles = [
        {"title": f"第{n}篇", "toc_title": entry, "blocks": [f"第{n}篇正文。", {"page_break": True}]}
        for n in range(1, ARTICLES + 1)
    ]
    source = {"issue": {"year": 2020, "number": "0002"}, "sections": [{"title": "栏目", "articles": articles}]}
    path = folder / "issue.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def contents_numbers_and_title_pages(path: Path, pdf: Path, root: Path) -> tuple[list[int], list[int]]:
    """The page numbers the contents print, and the pages the articles' titles stand on, in order."""
    theme = load_theme(load_issue(path).publication.theme, root=root)
    lines = body_lines(read_lines(pdf), theme)
    title_size = round(theme.style("article_title").size, 1)
    entry_size = round(theme.style("toc_article").size, 1)
    title_pages = [
        line.page for line in lines if line.size == title_size and re.fullmatch(r"第\d+篇", squeeze(line.text))
    ]
    numbers = [
        int(found.group(1))
        for line in lines
        if line.size == entry_size and line.page < title_pages[0]  # the contents pages
        and (found := re.search(r"(\d+)$", squeeze(line.text)))
    ]
    return numbers, title_pages


def test_contents_numbers_are_true_after_the_numbers_moved_the_pages(tmp_path: Path) -> None:
    path = write_issue(tmp_path)
    result = render_issue(path, tmp_path / "issue.pdf")
    assert result.passes >= 3, "printing three-digit numbers must have moved the pages (else this test tests nothing)"
    numbers, title_pages = contents_numbers_and_title_pages(path, result.path, tmp_path)
    assert len(title_pages) == ARTICLES
    assert max(title_pages) >= 100
    assert numbers == title_pages


def test_numbers_that_fit_their_column_are_true_after_one_pass(tmp_path: Path) -> None:
    """The default theme's column holds three digits: the one pass fills in every number at its end (forms),
    though the contents run over several pages and no number was known when they were drawn."""
    path = write_issue(tmp_path)
    (tmp_path / "narrow.yaml").write_text("parent: default\n", encoding="utf-8")
    result = render_issue(path, tmp_path / "issue.pdf")
    assert result.passes == 1
    numbers, title_pages = contents_numbers_and_title_pages(path, result.path, tmp_path)
    assert len(title_pages) == ARTICLES
    assert min(title_pages) > 2  # the contents fill pages before the first article
    assert max(title_pages) >= 100
    assert numbers == title_pages
