"""The multi-pass build: lay the issue out until the contents' page numbers stop changing, then write the PDF."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from layout import __version__
from layout.buildstate import ComposeCache, NumberingCanvas, PageRecord
from layout.errors import Diagnostic, SourceError, SourcePos
from layout.fitting import fit_problems
from layout.model import Issue
from layout.platypus import BaseDocTemplate, Flowable, LayoutError
from layout.story import StoryContext, build_story
from layout.styles import Style, resolve_styles
from layout.templates import Furniture, alternate_pages, make_templates
from layout.theme import Theme
from layout.validate import outline_problems
from layout.wordcache import remembered_words

log = logging.getLogger("layout.progress")
log.addHandler(logging.NullHandler())

MAX_PASSES = 5  # one pass, or a few when contents numbers outgrow their column; more means they oscillate


@dataclass(frozen=True, slots=True)
class BuildResult:
    pdf: bytes
    pages: int
    passes: int
    record: PageRecord


class LayoutOnlyCanvas(Canvas):
    """`check`'s trial layout: pages are laid out and anchors recorded, but no glyph is drawn or file written."""

    layout_only = True

    def save(self) -> None:
        pass

    # Nothing drawn on this canvas is kept: an image would be decoded and compressed for nothing.
    def drawImage(self, *args: object, **kwargs: object) -> None:  # noqa: N802 (ReportLab's names)
        pass

    def drawInlineImage(self, *args: object, **kwargs: object) -> None:  # noqa: N802
        pass


# Called at the end of every page a pass lays out: (pass number, pages so far in that pass).
Progress = Callable[[int, int], None]


def build_pdf(
    issue: Issue, theme: Theme, *, cache: ComposeCache | None = None, progress: Progress | None = None
) -> BuildResult:
    """Lay out `issue` and return the PDF, its contents' page numbers true (at most MAX_PASSES passes).

    One pass normally does: the contents draw each page number as a form filled in at the end of the pass
    (NumberingCanvas), and their size does not depend on the numbers while every number fits the column the
    theme reserves. When one does not, each further pass prints the previous pass's numbers in a column widened
    to the widest, until its own record matches them. A `cache` kept between builds (`bulletin watch`) spares
    composing again what did not change. `progress` hears of every page laid out (long renders show it).
    """
    with remembered_words():  # word boundaries known from earlier renders: no segmenter to load
        return _build_pdf(issue, theme, cache, progress)


def _build_pdf(issue: Issue, theme: Theme, cache: ComposeCache | None, progress: Progress | None) -> BuildResult:
    problems = fit_problems(issue, theme)  # a masthead or footer that cannot fit is refused, never clipped
    problems = problems or outline_problems(issue, theme)  # a CFF font's printed glyphs converted, up front
    if problems:
        raise SourceError(problems)
    cache = ComposeCache() if cache is None else cache
    styles = resolve_styles(theme)
    log.info("Step 4 - Layout and PDF")
    previous = PageRecord()
    record, pdf, pages = _build_once(issue, theme, styles, cache, previous, canvasmaker=NumberingCanvas,
                                     on_page=_for_pass(progress, 1))
    passes = 1
    while record.numbers_overflow or (passes > 1 and record.pages != previous.pages):
        if passes == MAX_PASSES:
            log.warning("contents page numbers still changed after %d passes", MAX_PASSES)
            break
        previous, passes = record, passes + 1
        log.info("Step 5 - Layout and PDF again, pass %d: a contents number was wider than its column", passes)
        record, pdf, pages = _build_once(issue, theme, styles, cache, previous, canvasmaker=NumberingCanvas,
                                         on_page=_for_pass(progress, passes))
    return BuildResult(pdf=pdf, pages=pages, passes=passes, record=record)


def _for_pass(progress: Progress | None, number: int) -> Callable[[str, int], None] | None:
    """ReportLab's progress callback ("PAGE", page number) for one pass, or None."""
    if progress is None:
        return None

    def on_progress(kind: str, value: int) -> None:
        if kind == "PAGE":
            progress(number, value)

    return on_progress


def trial_layout(issue: Issue, theme: Theme) -> None:
    """Lay the issue out once without writing a PDF: what `check` runs so that a block no page can hold is
    refused there, not first by `render`. Raises SourceError."""
    with remembered_words():
        _build_once(issue, theme, resolve_styles(theme), ComposeCache(), PageRecord(), canvasmaker=LayoutOnlyCanvas)


class IssueDocTemplate(BaseDocTemplate):
    """ReportLab's document template, dated by the issue: its creation date is the issue's `date:` when given
    (deterministic: it comes from the source); without one, ReportLab's fixed invariant date stays."""

    def __init__(self, buffer: io.BytesIO, issue: Issue, **kwargs: object) -> None:
        super().__init__(buffer, **kwargs)
        self.issue_date = issue.info.date
        self.current_flowable: Flowable | None = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        # Remember what is being placed, so a layout failure can name its source line.
        if flowables:
            self.current_flowable = flowables[0]
        super().handle_flowable(flowables)

    def beforeDocument(self) -> None:  # noqa: N802 (ReportLab's hook)
        if self.issue_date is not None:
            stamp = f"D:{self.issue_date:%Y%m%d}000000+08'00'"  # the issue's day, Beijing time
            self.canv.setDateFormatter(lambda *_: stamp)


def _build_once(
    issue: Issue,
    theme: Theme,
    styles: Mapping[str, Style],
    cache: ComposeCache,
    previous: PageRecord,
    *,
    canvasmaker: type[Canvas],
    on_page: Callable[[str, int], None] | None = None,
) -> tuple[PageRecord, bytes, int]:
    record = PageRecord()
    buffer = io.BytesIO()
    doc = IssueDocTemplate(
        buffer,
        issue,
        pagesize=(theme.page.width, theme.page.height),
        pageTemplates=make_templates(theme, Furniture(issue, theme, styles, record, cache)),
        title=document_title(issue),
        author=issue.publication.publisher,
        subject=f"{issue.publication.publisher} {document_title(issue)}",
        creator=f"bulletin {__version__}",
        producer=f"bulletin {__version__} (ReportLab)",
        lang="zh-CN",
        invariant=1,  # repeatable bytes: fixed dates and document ID
        displayDocTitle=1,
        allowSplitting=1,
        # The canvas starts every page in this font; ReportLab's default would embed a stray Helvetica.
        initialFontName=styles["body"].regular[0].name,
        initialFontSize=styles["body"].size,
    )
    story = [alternate_pages(), *build_story(issue, StoryContext(theme, styles, cache, record, previous))]
    if on_page is not None:
        doc.setProgressCallBack(on_page)
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except LayoutError as exc:
        raise SourceError([layout_failure(doc.current_flowable, exc)]) from exc
    return record, buffer.getvalue(), doc.page


def layout_failure(flowable: Flowable | None, exc: LayoutError) -> Diagnostic:
    """A block that fits on no page, named by its source position (not by ReportLab's object address)."""
    detail = re.sub(r"@0x[0-9A-Fa-f]+|<[^<>]*>", "", str(exc)).strip()
    return Diagnostic(
        source_of(flowable),
        "this block does not fit on a page and cannot be split",
        f"shorten it, split a long table cell or scale the image down; ReportLab said: {detail}",
    )


def source_of(flowable: Flowable | None) -> SourcePos | None:
    """The source position a flowable (or the first part of a group) came from."""
    if flowable is None:
        return None
    found = getattr(flowable, "source", None)
    if found is not None:
        return found
    for part in getattr(flowable, "parts", []):
        found = source_of(part)
        if found is not None:
            return found
    return None


def document_title(issue: Issue) -> str:
    """The PDF title, e.g. "快讯 (2018) 0602 期"."""
    return f"{issue.publication.masthead} {issue.info.line}"
