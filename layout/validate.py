"""Checks that need more than the source file: the theme resolves, its fonts load and every character has a font."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from layout.errors import Diagnostic, SourceError
from layout.fonts.coverage import coverage_diagnostics
from layout.fonts.registry import Face
from layout.fonts.spec import FontError
from layout.model import Issue, Text
from layout.story import story_texts
from layout.templates import furniture_texts
from layout.theme import Theme, font_problems, load_theme, theme_file


def resolve_theme(issue: Issue, theme: str | Path | None = None) -> Theme:
    """The theme named on the command line, else the publication's."""
    return publication_theme(theme if theme is not None else issue.publication.theme, issue.publication.root)


def publication_theme(ref: str | Path, root: Path) -> Theme:
    """A theme used by the publication in `root`: the publication's folder contains its parents and fonts; a
    --theme file from elsewhere is contained to its own folder instead."""
    path = theme_file(ref)
    return load_theme(ref, root=root if path.is_relative_to(root) else path.parent)


def printed_texts(issue: Issue) -> list[tuple[str, Text]]:
    """Everything the pages print, each text with the style it is printed in: the story's and the page
    furniture's."""
    return [*story_texts(issue), *furniture_texts(issue)]


def runs_by_weight(text: Text) -> Iterator[tuple[bool, Text]]:
    """Each run of `text` as a Text of its own (bold or not), its characters still located in the source."""
    offset = 0
    for run in text.runs:
        col = None if text.col_offset is None else text.col_offset + offset
        yield run.bold, Text((run,), text.pos, col)
        offset += len(run.text)


def texts_by_role(issue: Issue, theme: Theme) -> dict[str, list[Text]]:
    """What each font role prints: every printed text (bold runs in the style's bold role), by role."""
    by_role: dict[str, list[Text]] = {}
    leader = Text.of(theme.toc.leader, issue.publication.pos)  # the theme's contents leader
    for style_name, text in [*printed_texts(issue), ("toc_section", leader), ("toc_article", leader)]:
        style = theme.style(style_name)
        for bold, part in runs_by_weight(text):
            by_role.setdefault(style.bold_font if bold else style.font, []).append(part)
    return by_role


def glyph_problems(issue: Issue, theme: Theme) -> list[Diagnostic]:
    """Every printed character must be in the font chain of the role it is printed in: never a .notdef box."""
    problems: list[Diagnostic] = []
    for role, texts in texts_by_role(issue, theme).items():
        problems.extend(coverage_diagnostics(texts, theme.chain(role)))
    return problems


def outline_problems(issue: Issue, theme: Theme) -> list[Diagnostic]:
    """Convert the glyphs the issue prints in faces converted on demand (CFF fonts, layout/fonts/convert.py), before
    layout: the conversion then shows its progress up front, and a font that fails to convert is reported where the
    theme names it. Each face converts what it draws (its runs in `FontChain.split`), so a CFF fallback face does
    not convert what the faces before it draw. [] when done, or when the theme has no such face (the usual case:
    nothing is walked)."""
    names = [name for name in theme.font_specs if theme.face(name).converts_on_demand]
    if not names:
        return []
    drawn: dict[Face, set[str]] = {theme.face(name): set() for name in names}
    for role, texts in texts_by_role(issue, theme).items():
        chain = theme.chain(role)
        for text in texts:
            for face, run in chain.split(text.plain):
                if face in drawn:
                    drawn[face].update(run)
    problems = []
    for name in names:
        try:
            theme.face(name).prepare(sorted(drawn[theme.face(name)]))
        except FontError as exc:
            problems.append(Diagnostic(theme.font_positions.get(name), f"font `{name}` cannot be used: {exc}"))
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
