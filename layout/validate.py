"""Checks that need more than the source file: the theme resolves, its fonts load and every character has a font."""

from __future__ import annotations

from pathlib import Path

from layout.errors import Diagnostic, SourceError
from layout.fonts.coverage import coverage_diagnostics
from layout.fonts.spec import FontError
from layout.model import Issue
from layout.theme import Theme, font_problems, load_theme, theme_file

TEXT_ROLES_CHECKED = ("body", "body-bold", "heading")  # every role running text is printed in


def resolve_theme(issue: Issue, theme: str | Path | None = None) -> Theme:
    """The theme named on the command line, else the publication's."""
    return publication_theme(theme if theme is not None else issue.publication.theme, issue.publication.root)


def publication_theme(ref: str | Path, root: Path) -> Theme:
    """A theme used by the publication in `root`: the publication's folder contains its parents and fonts; a
    --theme file from elsewhere is contained to its own folder instead."""
    path = theme_file(ref)
    return load_theme(ref, root=root if path.is_relative_to(root) else path.parent)


def glyph_problems(issue: Issue, theme: Theme) -> list[Diagnostic]:
    """Every character must be printable by each role's font chain: never a .notdef box."""
    problems: list[Diagnostic] = []
    for role in TEXT_ROLES_CHECKED:
        if role in theme.roles:
            problems.extend(coverage_diagnostics(issue.texts(), theme.chain(role)))
    return problems


def validate_issue(issue: Issue, theme: str | Path | None = None) -> Theme:
    """Resolve the theme, load its fonts and check glyph coverage; raises SourceError with every problem."""
    resolved = resolve_theme(issue, theme)
    problems = font_problems(resolved)  # a file that is no usable font, where the theme names it
    if problems:
        raise SourceError(problems)
    try:
        problems = glyph_problems(issue, resolved)
    except FontError as exc:  # font_problems loaded every face: this is a font changed on disk meanwhile
        raise SourceError([Diagnostic(issue.publication.pos, f"font problem: {exc}")]) from exc
    if problems:
        raise SourceError(problems)
    return resolved
