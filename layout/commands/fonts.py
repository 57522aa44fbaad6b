"""`bulletin fonts [ISSUE.yaml]`: the faces and roles of a theme; for an issue, fallback and missing characters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layout.errors import SourceError, sort_diagnostics
from layout.fonts.coverage import describe_face, describe_fallback
from layout.fonts.registry import load_face
from layout.fonts.spec import FontError
from layout.loader.issue import load_issue
from layout.loader.publication import load_publication
from layout.theme import load_theme
from layout.validate import TEXT_ROLES_CHECKED, glyph_problems


def run_fonts(args: argparse.Namespace) -> int:
    """`bulletin fonts [ISSUE.yaml]`: the faces and roles of the theme; for an issue, fallback and missing characters.

    Exit 0, or 2 when the issue or theme is invalid, a font file unusable, or a character is in
    no configured font (the roles checked are those `bulletin check` and `render` check).
    """

    try:
        issue = load_issue(Path(args.source), publication=_optional_path(args.publication)) if args.source else None
        if args.theme:
            theme_ref: str | Path = args.theme
        elif issue is not None:
            theme_ref = issue.publication.theme
        elif args.publication:
            theme_ref = load_publication(Path(args.publication)).theme
        else:
            theme_ref = "default"
        theme = load_theme(theme_ref)
        faces = {key: load_face(spec) for key, spec in theme.font_specs.items()}
    except SourceError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    except FontError as exc:
        # a theme naming an unusable font is invalid input, as for `bulletin check`
        print(f"font problem: {exc}", file=sys.stderr)
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

    texts = issue.texts()
    print(f"issue: {args.source}")
    for role in TEXT_ROLES_CHECKED:
        if role in theme.roles:
            print(f"role {role}:")
            for line in describe_fallback(theme.chain(role), texts):
                print(line)
    missing = sort_diagnostics(glyph_problems(issue, theme))
    for diagnostic in missing:
        print(diagnostic.format(), file=sys.stderr)
    print(f"missing: {len(missing)} character(s) in no configured font")
    return 2 if missing else 0


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None
