"""`bulletin check`: validate issue sources without rendering — the loader's rules, the theme, glyph coverage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layout.errors import Diagnostic, SourceError, sort_diagnostics
from layout.loader import PUBLICATION_FILE, check_theme_option, load_issue, read_publication
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


def run_check(args: argparse.Namespace) -> int:
    """`bulletin check ISSUE.yaml …`: ok per good file, every problem on stderr; exit 0 if all fine, else 2."""
    publication = Path(args.publication) if args.publication else None
    failed = False
    if args.theme:
        problems = check_theme_option(args.theme)
        for diag in problems:
            print(diag.format(), file=sys.stderr)  # noqa: T201
        if problems:
            return 2  # every issue would fail the same way: say it once
    for name in args.sources:
        diags = check_source(Path(name), publication, args.theme)
        for diag in diags:
            print(diag.format(), file=sys.stderr)  # noqa: T201
        if diags:
            failed = True
        else:
            print(f"ok: {name}")  # noqa: T201
    return 2 if failed else 0
