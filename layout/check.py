"""`bulletin check`: validate issue sources without rendering — the loader's rules, the theme, glyph coverage."""

from __future__ import annotations

from pathlib import Path

from layout.errors import Diagnostic, SourceError, sort_diagnostics
from layout.loader.issue import load_issue
from layout.loader.publication import PUBLICATION_FILE, read_publication
from layout.validate import validate_issue


def check_source(path: Path, publication: Path | None = None, theme: str | None = None) -> list[Diagnostic]:
    """Every problem of one issue (and its publication), then of its theme and glyph coverage; [] when fine.

    A publication file (`bulletin check issues/*.yaml` names bulletin.yaml too) is checked as a publication.
    """
    if path.name == PUBLICATION_FILE:
        return sort_diagnostics(read_publication(path)[1])
    try:
        validate_issue(load_issue(path, publication=publication), theme)
    except SourceError as exc:
        return sort_diagnostics(exc.diagnostics)
    return []
