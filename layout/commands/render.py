"""`bulletin render [ISSUE.yaml ...]`: render issues to PDF and say where each went."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layout.commands.progress import RenderProgress
from layout.errors import SourceError
from layout.render import render_issue

DEFAULT_SOURCE = Path("issues/2018-0602.yaml")


def run_render(args: argparse.Namespace) -> int:
    sources = [Path(s) for s in args.sources] or [DEFAULT_SOURCE]
    output = Path(args.output) if args.output else None
    if output and len(sources) > 1 and output.suffix.lower() == ".pdf":
        print("bulletin render: -o must be a folder when rendering several issues", file=sys.stderr)
        return 2
    status = 0
    for source in sources:
        target = output
        if output and (len(sources) > 1 or output.is_dir() or not output.suffix):
            target = output / f"{source.stem}.pdf"
        publication = Path(args.publication) if args.publication else None
        progress = RenderProgress(str(source))
        try:
            result = render_issue(source, target, publication=publication, theme=args.theme, pdfa=args.pdfa,
                                  progress=progress)
        except SourceError as exc:
            print(exc.report(), file=sys.stderr)
            status = 2
            continue
        except OSError as exc:
            print(f"{source}: {exc}", file=sys.stderr)
            status = max(status, 1)
            continue
        finally:
            progress.clear()
        print(f"{result.path}  {result.pages} pages  {result.seconds:.2f} s")
    return status
