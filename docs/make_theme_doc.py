"""Write docs/theme.md, the theme reference, from the schema in layout/theme_schema.py.

Run from the repository root: `python docs/make_theme_doc.py`. tests/test_theme.py fails when the committed
page differs from what this writes, so the reference cannot drift from what `bulletin check` enforces.
"""

from __future__ import annotations

from pathlib import Path

from layout.theme_schema import markdown

if __name__ == "__main__":
    (Path(__file__).resolve().parent / "theme.md").write_text(markdown(), encoding="utf-8")
