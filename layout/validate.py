"""Checks that need more than the source file: the theme resolves and every character has a font."""

from __future__ import annotations

from pathlib import Path

from layout.errors import Diagnostic, SourceError
from layout.fonts.coverage import coverage_diagnostics
from layout.fonts.spec import FontError
from layout.model import Issue
from layout.theme import Theme, load_theme

TEXT_ROLES_CHECKED = ("body", "body-bold", "heading")  # every role running text is printed in


def resolve_theme(issue: Issue, theme: str | Path | None = None) -> Theme:
    """The theme named on the command line, else the publication's."""
    return load_theme(theme if theme is not None else issue.publication.theme)


def glyph_problems(issue: Issue, theme: Theme) -> list[Diagnostic]:
    """Every character must be printable by each role's font chain: never a .notdef box."""
    problems: list[Diagnostic] = []
    for role in TEXT_ROLES_CHECKED:
        if role in theme.roles:
            problems.extend(coverage_diagnostics(issue.texts(), theme.chain(role)))
    return problems


def validate_issue(issue: Issue, theme: str | Path | None = None) -> Theme:
    """Resolve the theme and check glyph coverage; raises SourceError with every problem."""
    try:
        resolved = resolve_theme(issue, theme)
    except FontError as exc:
        raise SourceError([Diagnostic(issue.publication.pos, f"font problem: {exc}")]) from exc
    problems = glyph_problems(issue, resolved)
    if problems:
        raise SourceError(problems)
    return resolved
