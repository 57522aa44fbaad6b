"""Print the typesetting quality of rendered issues, read back from their PDFs, beside Typst on the same content.

For each issue (default: the sample and tests/cases/realistic/2019-0412.yaml, another publication with an
eight-character masthead, long contact footers and e-mail addresses and URLs in its paragraphs) it renders the
issue with bulletin and with the Typst peer template (benchmarks/typst/bulletin.typ) and measures both PDFs the
same way (layout/quality.py): kinsoku violations, flush lines, the largest extra space between characters on a
justified line and the share of lines over 0.15 em and 0.33 em, 孤字, and title or contents line breaks that
split a word. The targets (project issue 11): no kinsoku violation, no 孤字, ≥ 99 % flush, no justified line
over 0.33 em, at most 1 % over 0.15 em, no title broken inside a word.

Run: `python benchmarks/composition_report.py [ISSUE.yaml ...] [--details]`. Exit 1 when bulletin misses a
target on any issue.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ensure_dependencies

from layout.loader.issue import load_issue
from layout.quality import QualityReport, assess
from layout.render import render_issue
from layout.validate import resolve_theme

ROOT = Path(__file__).resolve().parent.parent
ISSUES = (ROOT / "issues" / "2018-0602.yaml", ROOT / "tests" / "cases" / "realistic" / "2019-0412.yaml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issues", nargs="*", type=Path, default=list(ISSUES))
    parser.add_argument("--details", action="store_true", help="list every line that misses a target")
    parser.add_argument("--no-typst", action="store_true", help="measure bulletin only")
    args = parser.parse_args(argv)
    if not args.no_typst:
        ensure_dependencies()
        from peer_typst import find_publication, typst_render
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for source in args.issues:
            theme = resolve_theme(load_issue(source))
            ours = render_issue(source, Path(tmp) / f"{source.stem}.pdf")
            reports = {"bulletin": assess(ours.path, theme)}
            pages = {"bulletin": ours.pages}
            if not args.no_typst:
                peer = Path(tmp) / f"{source.stem}-typst.pdf"
                pages["Typst"] = typst_render(source, find_publication(source), peer)
                reports["Typst"] = assess(peer, theme)
            print_table(source, reports, pages)
            if args.details:
                print_details(reports["bulletin"])
            ok = ok and reports["bulletin"].meets_targets()
            print()
    print("bulletin meets the targets" if ok else "bulletin misses a target")
    return 0 if ok else 1


def print_table(source: Path, reports: dict[str, QualityReport], pages: dict[str, int]) -> None:
    names = list(reports)
    print(f"{source.relative_to(ROOT) if source.is_relative_to(ROOT) else source}")
    print(f"  {'':<32} " + "".join(f"{name:>20}" for name in names))
    print(f"  {'pages':<32} " + "".join(f"{pages[name]:>20}" for name in names))
    figures = {name: report.figures() for name, report in reports.items()}
    for row in figures[names[0]]:
        print(f"  {row:<32} " + "".join(f"{figures[name][row]:>20}" for name in names))


def print_details(report: QualityReport) -> None:
    for title, items in (("kinsoku", report.prohibited), ("not flush", report.not_flush), ("孤字", report.lonely),
                         ("Latin tail", report.latin_tails), ("loose", report.loose),
                         ("title split", report.title_splits)):  # fmt: skip
        for item in items:
            print(f"    {title}: {item}")


if __name__ == "__main__":
    raise SystemExit(main())
