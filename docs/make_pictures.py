"""Render the sample issue and write the README's pictures: docs/sample-pages.png, two full pages, and the fitted
masthead and footer of another publication (docs/masthead-fitted.png).

Run from the repository root: `python docs/make_pictures.py`. Pictures are made by the project's own
code (render_issue, then pdfium through layout.pdfdiff), so they show exactly what `bulletin render` prints.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image

from layout.pdfdiff import render_page_images
from layout.render import render_issue

ROOT = Path(__file__).resolve().parent.parent
SPREAD_DPI = 60  # the README's side-by-side picture of pages 1 and 2
PAGE_DPI = 110  # single pages, sharp enough to judge the typesetting
PAGES = (1, 4)  # the masthead and contents; a body page with headings and justified text
GUTTER = 24  # px between the two pages of the spread
PALETTE_COLOURS = 48
REALISTIC = ROOT / "tests" / "cases" / "realistic" / "2019-0412.yaml"
MASTHEAD_SHARE = 0.31  # of the page height: the publisher line, the fitted title and the issue line
FOOTER_SHARE = 0.1  # the running footer and the folio


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = render_issue(ROOT / "issues" / "2018-0602.yaml", Path(tmp) / "sample.pdf").path
        spread = render_page_images(pdf, (1, 2), dpi=SPREAD_DPI)
        first, second = spread[1], spread[2]
        sheet = Image.new("RGB", (first.width + second.width + 3 * GUTTER, first.height + 2 * GUTTER), "#d8d8d8")
        sheet.paste(first, (GUTTER, GUTTER))
        sheet.paste(second, (first.width + 2 * GUTTER, GUTTER))
        save(sheet, ROOT / "docs" / "sample-pages.png")
        for number, image in render_page_images(pdf, PAGES, dpi=PAGE_DPI).items():
            save(image, ROOT / "docs" / f"sample-page-{number}.png")
        # Another publication's masthead, fitted: eight characters on one line, a long publisher line, the
        # three-line contact footer clear of the folio.
        other = render_issue(REALISTIC, Path(tmp) / "realistic.pdf").path
        page = render_page_images(other, (1,), dpi=PAGE_DPI)[1]
        top = page.crop((0, 0, page.width, int(page.height * MASTHEAD_SHARE)))
        foot = page.crop((0, int(page.height * (1 - FOOTER_SHARE)), page.width, page.height))
        sheet = Image.new("RGB", (page.width, top.height + foot.height + GUTTER), "#d8d8d8")
        sheet.paste(top, (0, 0))
        sheet.paste(foot, (0, top.height + GUTTER))
        save(sheet, ROOT / "docs" / "masthead-fitted.png")


def save(image: Image.Image, path: Path) -> None:
    """A palette PNG: black text, red masthead and grey antialiasing need few colours, and the repo stays small."""
    image.convert("RGB").quantize(colors=PALETTE_COLOURS, dither=Image.Dither.NONE).save(path, optimize=True)


if __name__ == "__main__":
    main()
