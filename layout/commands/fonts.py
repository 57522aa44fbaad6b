"""`bulletin fonts [ISSUE.yaml] [--prepare]`: the faces and roles of a theme; for an issue, fallback and missing
characters; with --prepare, a CFF font's glyphs converted ahead of time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layout.errors import Diagnostic, SourceError, sort_diagnostics
from layout.fonts.coverage import common_characters, describe_face, describe_fallback
from layout.fonts.registry import Face, load_face
from layout.fonts.spec import FontError
from layout.loader.issue import load_issue
from layout.loader.publication import load_publication
from layout.model import Issue
from layout.theme import Theme, font_problems, load_theme
from layout.validate import glyph_problems, publication_theme, resolve_theme, texts_by_role


def run_fonts(args: argparse.Namespace) -> int:
    """`bulletin fonts [ISSUE.yaml]`: the faces and roles of the theme; for an issue, fallback and missing characters.
    With --prepare, first the glyphs renders need from faces converted on demand (CFF fonts) are converted.

    Exit 0, or 2 when the issue or theme is invalid, a font file unusable, or a character is in
    no configured font (the roles checked are those `bulletin check` and `render` check).
    """

    try:
        issue = load_issue(Path(args.source), publication=_optional_path(args.publication)) if args.source else None
        if issue is not None:
            theme = resolve_theme(issue, args.theme or None)  # contained to the publication's folder
        elif args.publication and not args.theme:
            publication = load_publication(Path(args.publication))
            theme = publication_theme(publication.theme, publication.root)
        else:
            theme = load_theme(args.theme or "default")
    except SourceError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    # a theme naming an unusable font is invalid input, as for `bulletin check`: said where the theme names it
    problems = font_problems(theme)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if problems:
        return 2
    faces = {key: load_face(spec) for key, spec in theme.font_specs.items()}  # each loaded once, just above
    if args.prepare and not prepare_faces(faces, issue, theme):
        return 2

    print(f"theme: {theme.name}")
    print("faces:")
    for key, face in faces.items():
        print(f"  {describe_face(key, face)}")
    print("roles:")
    for role, names in theme.roles.items():
        print(f"  {role}: {' → '.join(names)}")
    if issue is None:
        return 0

    # What each role prints (its styles' texts, bold runs in their bold role), counted in that role's chain.
    by_role = texts_by_role(issue, theme)
    print(f"issue: {args.source}")
    for role in theme.roles:
        if role not in by_role:
            print(f"role {role}: prints nothing in this issue")
            continue
        print(f"role {role}:")
        for line in describe_fallback(theme.chain(role), by_role[role]):
            print(line)
    missing = sort_diagnostics(glyph_problems(issue, theme))
    for diagnostic in missing:
        print(diagnostic.format(), file=sys.stderr)
    print(f"missing: {len(missing)} character(s) in no configured font")
    return 2 if missing else 0


def prepare_faces(faces: dict[str, Face], issue: Issue | None, theme: Theme) -> bool:
    """`--prepare`: convert the common characters (and the issue's) of every face converted on demand, saying
    what was done; False (after saying why) when a font cannot be converted."""
    if not any(face.converts_on_demand for face in faces.values()):
        print("prepared: nothing to convert, no face of the theme is a CFF font")
        return True
    chars = common_characters()
    if issue is not None:
        chars += "".join({ch for texts in texts_by_role(issue, theme).values() for text in texts for ch in text.plain})
    for key, face in faces.items():
        if not face.converts_on_demand:
            continue
        try:
            face.prepare(chars)
        except FontError as exc:
            problem = Diagnostic(theme.font_positions.get(key), f"font `{key}` cannot be used: {exc}")
            print(problem.format(), file=sys.stderr)
            return False
        print(f"prepared {key}: {face.converted_glyphs()} of {face.glyph_count} glyphs converted, in {face.path}")
    return True


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None
