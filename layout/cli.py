"""The `bulletin` command: argument parsing only; each subcommand is a `run_*` function in layout/commands/.

Exit codes: 0 success, 1 a failure that is not the source's fault (or differences found by
`diff`, failed issues in `batch`), 2 invalid input (every problem printed as file:line:col).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from layout import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bulletin", description="Typeset Chinese bulletins from YAML into PDF.")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = sub.add_parser("render", help="render issues to PDF (default: issues/2018-0602.yaml)")
    render.add_argument("sources", nargs="*", metavar="ISSUE.yaml")
    render.add_argument("-o", "--output", metavar="PATH", help="output PDF (one issue) or folder (several)")
    render.add_argument("--publication", metavar="PATH", help="publication file (default: nearest bulletin.yaml)")
    render.add_argument("--theme", metavar="NAME|PATH", help="theme name or theme YAML file")
    render.add_argument("--pdfa", action="store_true", help="write PDF/A-2b, the archival profile")

    check = sub.add_parser("check", help="validate issue sources without rendering")
    check.add_argument("sources", nargs="+", metavar="ISSUE.yaml")
    check.add_argument("--publication", metavar="PATH")
    check.add_argument("--theme", metavar="NAME|PATH")

    fonts = sub.add_parser("fonts", help="list the faces in use and, for an issue, fallback and missing characters")
    fonts.add_argument("source", nargs="?", metavar="ISSUE.yaml")
    fonts.add_argument("--publication", metavar="PATH")
    fonts.add_argument("--theme", metavar="NAME|PATH")

    snapshot = sub.add_parser("snapshot", help="print a stable, diff-friendly description of a PDF")
    snapshot.add_argument("pdf", metavar="PDF")
    snapshot.add_argument("--format", choices=["text", "json"], default="text")

    diff = sub.add_parser("diff", help="compare two PDFs page by page (exit 1 when they differ)")
    diff.add_argument("old", metavar="OLD.pdf")
    diff.add_argument("new", metavar="NEW.pdf")
    diff.add_argument("--images", metavar="DIR", help="write expected/actual/difference PNGs of changed pages")

    batch = sub.add_parser("batch", help="render every issue under folders or globs, in parallel and incrementally")
    batch.add_argument("paths", nargs="+", metavar="PATH")
    batch.add_argument("-o", "--output", default="out", metavar="DIR")
    batch.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPUs)")
    batch.add_argument("--force", action="store_true", help="render every issue even if unchanged")
    batch.add_argument("--volume", metavar="FILE.pdf", help="also merge the issues into one archive volume")
    batch.add_argument("--publication", metavar="PATH")
    batch.add_argument("--theme", metavar="NAME|PATH")
    batch.add_argument("--executor", choices=["local", "dask"], default="local")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (implies --executor dask)")
    batch.add_argument("--pdfa", action="store_true", help="write PDF/A-2b issues and volume, the archival profile")

    watch = sub.add_parser("watch", help="render an issue, then again each time it or one of its inputs changes")
    watch.add_argument("source", nargs="?", metavar="ISSUE.yaml", help="the issue (default: issues/2018-0602.yaml)")
    watch.add_argument("-o", "--output", metavar="FILE.pdf", help="output PDF (default: out/<issue>.pdf)")
    watch.add_argument("--publication", metavar="PATH", help="publication file (default: nearest bulletin.yaml)")
    watch.add_argument("--theme", metavar="NAME|PATH", help="theme name or theme YAML file")

    imp = sub.add_parser("import", help="read an archived issue (.txt, .docx, .pdf) into issue YAML")
    imp.add_argument("source", metavar="FILE")
    imp.add_argument("-o", "--output", metavar="ISSUE.yaml", help="the issue file to write (default: FILE.yaml)")
    imp.add_argument("--publication", metavar="PATH",
                     help="publication file whose footer and closing to drop (default: nearest bulletin.yaml)")
    imp.add_argument("--force", action="store_true", help="overwrite an existing issue file and images")

    new = sub.add_parser("new", help="start the next issue: number and date filled in, same sections, no articles")
    new.add_argument("--from", dest="previous", metavar="ISSUE.yaml",
                     help="the issue to follow (default: the latest issue in issues/ or the current folder)")
    new.add_argument("-o", "--output", metavar="ISSUE.yaml", help="the file to write (default: YEAR-NUMBER.yaml)")
    new.add_argument("--date", metavar="YYYY-MM-DD", help="the new issue's date (default: a week after the last)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")

    schema = sub.add_parser("schema", help="print the JSON Schema of issue, publication or theme files (for editors)")
    schema.add_argument("kind", nargs="?", choices=["issue", "publication", "theme"], default="issue",
                        help="which file's schema (default: issue)")
    schema.add_argument("--write", metavar="DIR", help="write all three as DIR/KIND.schema.json instead")
    return parser


def command_for(name: str) -> Callable[[argparse.Namespace], int]:
    """The subcommand's function; imported on demand, so each command loads only the libraries it uses."""
    match name:
        case "render":
            from layout.commands.render import run_render

            return run_render
        case "check":
            from layout.commands.check import run_check

            return run_check
        case "fonts":
            from layout.commands.fonts import run_fonts

            return run_fonts
        case "snapshot":
            from layout.commands.snapshot import run_snapshot

            return run_snapshot
        case "diff":
            from layout.commands.diff import run_diff

            return run_diff
        case "batch":
            from layout.commands.batch import run_batch

            return run_batch
        case "watch":
            from layout.commands.watch import run_watch

            return run_watch
        case "import":
            from layout.commands.importer import run_import

            return run_import
        case "new":
            from layout.commands.new import run_new

            return run_new
        case "schema":
            from layout.commands.schema import run_schema

            return run_schema
    raise ValueError(f"unknown command {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return command_for(args.command)(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `bulletin snapshot x.pdf | head`: the reader went away; that is not an error of ours.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
