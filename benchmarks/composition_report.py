"""Print the typesetting quality of the rendered sample issue, read back from its PDF.

Targets (project issue 4): zero prohibited line starts/ends, at least 99% of non-final body lines flush,
no 孤字, and no gap between Han characters stretched beyond 0.15 em except on lines holding an unbreakable
Latin run. Run: `python benchmarks/composition_report.py [ISSUE.yaml]`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from layout.loader.issue import load_issue
from layout.quality import assess
from layout.render import render_issue
from layout.validate import resolve_theme

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "issues" / "2018-0602.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        result = render_issue(source, Path(tmp) / "issue.pdf")
        report = assess(result.path, resolve_theme(load_issue(source)))
    print(f"{source.name}: {result.pages} pages")
    print(report.summary())
    for title, items in (("prohibited", report.prohibited), ("not flush", report.not_flush),
                         ("孤字", report.lonely), ("loose (no Latin run)", report.loose),
                         ("loose (Latin run, allowed)", report.loose_latin)):  # fmt: skip
        for item in items:
            print(f"  {title}: {item}")
    ok = not report.prohibited and not report.lonely and not report.loose and report.flush_share >= 0.99
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
