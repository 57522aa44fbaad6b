"""`bulletin import FILE [-o ISSUE.yaml] [--publication bulletin.yaml] [--force]`: an archived issue → issue YAML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layout.errors import SourceError
from layout.fileio import write_atomically
from layout.importer import UnreadableInputError, import_file
from layout.importer.recognise import Known


def known_from(publication: Path) -> Known:
    """The footer and closing lines a publication prints: the importer drops them wherever they appear."""
    from layout.loader.publication import load_publication

    pub = load_publication(publication)
    return Known(footer=[t.plain for t in pub.footer], closing=[t.plain for t in pub.closing],
                 publisher=pub.publisher, masthead=pub.masthead)


def run_import(args: argparse.Namespace) -> int:
    from layout.check import check_source
    from layout.loader.publication import find_publication

    source = Path(args.source)
    target = Path(args.output) if args.output else source.with_suffix(".yaml")
    if target.suffix.lower() not in (".yaml", ".yml"):
        print(f"bulletin import: the output must be a .yaml file, not {target}", file=sys.stderr)
        return 2
    if target.resolve() == source.resolve():
        print(f"bulletin import: the output {target} would overwrite the input", file=sys.stderr)
        return 2
    publication = Path(args.publication) if args.publication else find_publication(target)
    try:
        known = known_from(publication) if publication else None
    except SourceError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    try:
        result = import_file(source, known=known, embed_publication=publication is None,
                             image_prefix=f"{target.stem}-")
    except UnreadableInputError as exc:
        print(f"bulletin import: {exc}", file=sys.stderr)
        return 2
    outputs = [target, *(target.parent / name for name in result.images)]
    existing = [p for p in outputs if p.exists()]
    if existing and not args.force:
        for path in existing:
            print(f"bulletin import: {path} exists (use --force to overwrite it)", file=sys.stderr)
        return 1
    for name, data in sorted(result.images.items()):
        write_atomically(target.parent / name, data)
    write_atomically(target, result.yaml_text.encode("utf-8"))
    print(f"{source} → {target}" + (f" (publication: {publication})" if publication else
                                    " (publication: written into the issue; none found beside it)"))
    for line in result.report():
        print(f"  {line}")
    problems = check_source(target, Path(args.publication) if args.publication else None)
    if problems:
        print(f"bulletin import: {target} does not pass `bulletin check`:", file=sys.stderr)
        for diag in problems:
            print(diag.format(), file=sys.stderr)
        return 1
    print("  check: ok")
    return 0
