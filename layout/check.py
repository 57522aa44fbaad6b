"""`bulletin check`: validate issue sources without rendering — the loader's rules, the theme, glyph coverage, and
one trial layout (a block no page can hold)."""

from __future__ import annotations

from pathlib import Path

from layout.build import trial_layout
from layout.errors import Diagnostic, SourceError, sort_diagnostics
from layout.fitting import fit_problems
from layout.loader.issue import load_issue
from layout.loader.publication import PUBLICATION_FILE, read_publication
from layout.punctuation import find_halfwidth, suggestion
from layout.theme import font_problems
from layout.validate import publication_theme, validate_issue


def check_source(path: Path, publication: Path | None = None, theme: str | None = None) -> list[Diagnostic]:
    """Every problem of one issue (and its publication), then of its theme, glyph coverage and layout; [] when fine.

    A publication file (`bulletin check issues/*.yaml` names bulletin.yaml too) is checked as a publication,
    with its theme and the theme's fonts.
    """
    if path.name == PUBLICATION_FILE:
        pub, problems = read_publication(path)
        if pub is not None and not problems:  # its theme too: every issue of the publication would use it
            try:
                problems = font_problems(publication_theme(theme or pub.theme, pub.root))
            except SourceError as exc:
                problems = exc.diagnostics
        return sort_diagnostics(problems)
    try:
        issue = load_issue(path, publication=publication)
        resolved = validate_issue(issue, theme)
        trial_layout(issue, resolved)  # what render would meet from this input, but writing
    except SourceError as exc:
        return sort_diagnostics(exc.diagnostics)
    return sort_diagnostics(fit_problems(issue, resolved))  # the masthead and footer fit as the theme asks


def punctuation_warnings(path: Path, publication: Path | None = None) -> list[Diagnostic]:
    """Half-width , ; : ( ) typed between Chinese characters, each with its position and the full-width mark to use
    (warnings: they do not fail the check). None when the publication converts them itself."""
    try:
        issue = load_issue(path, publication=publication)
    except SourceError:
        return []
    if issue.publication.normalize_punctuation:
        return []
    out: list[Diagnostic] = []
    for text in issue.texts():
        for found in find_halfwidth(text.plain):
            out.append(Diagnostic(text.locate(found.index), f"warning: {suggestion(found)}",
                                  "or set normalize_punctuation: true in the publication"))  # fmt: skip
    return sort_diagnostics(out)
