"""The `bulletin` command: argument parsing only; each subcommand is a `run_*` function in layout/commands/.

Exit codes: 0 success, 1 a failure that is not the source's fault (or differences found by
`diff`, failed issues in `batch`), 2 invalid input (every problem printed as file:line:col).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from layout import __version__
from layout.errors import describe_exception

PUBLICATION_HELP = "the publication file (default: the nearest bulletin.yaml above the issue)"
THEME_HELP = "a shipped theme's name (default) or a theme .yaml file, instead of the publication's theme"
OVERVIEW = """\
typical use:
  bulletin new                          start the next issue from the latest one
  bulletin watch issues/2018-0602.yaml  re-render on every save (open out/2018-0602.pdf beside it)
  bulletin check issues/*.yaml          validate sources: every problem as file:line:col
  bulletin render                       render issues/2018-0602.yaml to out/2018-0602.pdf

`bulletin COMMAND --help` explains a command with examples. Exit codes: 0 success, 1 failure (or
differences, failed issues), 2 invalid input (nothing written)."""


def command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str,
            *examples: str) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary (in `bulletin --help` and its own --help) and examples."""
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples) if examples else None
    return sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".", epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def add_design_options(parser: argparse.ArgumentParser) -> None:
    """--publication and --theme, which every command that lays out an issue takes alike."""
    parser.add_argument("--publication", metavar="PATH", help=PUBLICATION_HELP)
    parser.add_argument("--theme", metavar="NAME|PATH", help=THEME_HELP)


class VersionAction(argparse.Action):
    """--version: the installed version, and whether the line composer runs compiled (mypyc) or pure, and why."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from layout.text import BUILD  # imported here: the check reads the composer's sources

        print(f"bulletin {__version__} (line composer: {BUILD})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bulletin", description="Typeset Chinese bulletins from YAML into PDF.",
                                     epilog=OVERVIEW, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=VersionAction,
                        help="print the version, and whether the line composer runs compiled, and exit")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    # --debug is also accepted after the command; SUPPRESS keeps a subcommand from resetting it to False
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="on an internal error, show its traceback instead of one line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_with_parents(debug))

    render = command(sub, "render", "render issues to PDF, written to ./out/ unless -o says otherwise",
                     "bulletin render                                 # issues/2018-0602.yaml -> out/2018-0602.pdf",
                     "bulletin render issues/2018-0609.yaml -o ~/Desktop/快讯.pdf",
                     "bulletin render issues/*.yaml -o print/         # one PDF per issue in print/")
    render.add_argument("sources", nargs="*", metavar="ISSUE.yaml",
                        help="issue files to render (default: issues/2018-0602.yaml)")
    render.add_argument("-o", "--output", metavar="PATH",
                        help="the PDF to write (one issue) or a folder (several); default: out/<issue>.pdf")
    add_design_options(render)
    render.add_argument("--pdfa", action="store_true", help="write PDF/A-2b, the archival profile")

    check = command(sub, "check", "validate issue sources without rendering; every problem as file:line:col",
                    "bulletin check issues/2018-0602.yaml",
                    "bulletin check issues/*.yaml                    # bulletin.yaml is checked as a publication",
                    "bulletin check issue.yaml --theme my-theme.yaml")
    check.add_argument("sources", nargs="+", metavar="ISSUE.yaml", help="issue (or publication) files to check")
    add_design_options(check)

    fonts = command(sub, "fonts", "list the faces in use and, for an issue, fallback and missing characters",
                    "bulletin fonts", "bulletin fonts issues/2018-0602.yaml",
                    "bulletin fonts --prepare --theme my-theme.yaml   # convert a CFF font's glyphs ahead of time")
    fonts.add_argument("source", nargs="?", metavar="ISSUE.yaml",
                       help="also report which of this issue's characters come from fallback faces or none")
    add_design_options(fonts)
    fonts.add_argument("--prepare", action="store_true",
                       help="convert ahead of time the glyphs renders need from CFF fonts (.otf, .ttc): GB 2312, "
                            "ASCII, common punctuation and, with an issue, everything it prints")

    snapshot = command(sub, "snapshot", "print a stable, diff-friendly description of a PDF",
                       "bulletin snapshot out/2018-0602.pdf | less",
                       "bulletin snapshot out/2018-0602.pdf --format json > 2018-0602.json")
    snapshot.add_argument("pdf", metavar="PDF", help="the PDF to describe")
    snapshot.add_argument("--format", choices=["text", "json"], default="text",
                          help="text lines (default) or JSON")

    diff = command(sub, "diff", "compare two PDFs page by page (exit 1 when they differ)",
                   "bulletin diff old/2018-0602.pdf out/2018-0602.pdf",
                   "bulletin diff old/2018-0602.pdf out/2018-0602.pdf --images diff/")
    diff.add_argument("old", metavar="OLD.pdf", help="the reference PDF")
    diff.add_argument("new", metavar="NEW.pdf", help="the PDF to compare with it")
    diff.add_argument("--images", metavar="DIR", help="write expected/actual/difference PNGs of changed pages")

    batch = command(sub, "batch", "render every issue under folders or globs, in parallel and incrementally",
                    "bulletin batch issues/ -o out/",
                    "bulletin batch 'archive/2018/*.yaml' -j 2 --volume out/volume-2018.pdf",
                    "bulletin batch issues/ --force                  # render even what did not change")
    batch.add_argument("paths", nargs="+", metavar="PATH", help="folders, issue files or globs")
    batch.add_argument("-o", "--output", default="out", metavar="DIR", help="the folder for the PDFs (default: out)")
    batch.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPUs)")
    batch.add_argument("--force", action="store_true", help="render every issue even if unchanged")
    batch.add_argument("--volume", metavar="FILE.pdf", help="also merge the issues into one archive volume")
    add_design_options(batch)
    batch.add_argument("--executor", choices=["local", "dask"], default="local",
                       help="local worker processes (default) or a Dask cluster")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (implies --executor dask)")
    batch.add_argument("--pdfa", action="store_true", help="write PDF/A-2b issues and volume, the archival profile")

    watch = command(sub, "watch", "render an issue, then again each time it or one of its inputs changes",
                    "bulletin watch                                  # issues/2018-0602.yaml -> out/2018-0602.pdf",
                    "bulletin watch issues/2018-0609.yaml -o preview.pdf")
    watch.add_argument("source", nargs="?", metavar="ISSUE.yaml", help="the issue (default: issues/2018-0602.yaml)")
    watch.add_argument("-o", "--output", metavar="FILE.pdf", help="output PDF (default: out/<issue>.pdf)")
    add_design_options(watch)

    imp = command(sub, "import", "read an archived issue (.txt, .docx, .pdf) into issue YAML",
                  "bulletin import archive/2018-0602.pdf -o issues/2018-0602.yaml",
                  "bulletin import 快讯0609.docx")
    imp.add_argument("source", metavar="FILE", help="the archived issue: a .txt, .docx or .pdf file")
    imp.add_argument("-o", "--output", metavar="ISSUE.yaml", help="the issue file to write (default: FILE.yaml)")
    imp.add_argument("--publication", metavar="PATH",
                     help="publication file whose footer and closing to drop (default: nearest bulletin.yaml)")
    imp.add_argument("--force", action="store_true", help="overwrite an existing issue file and images")

    new = command(sub, "new", "start the next issue: number and date filled in, same sections, no articles",
                  "bulletin new                                    # after the latest issue in issues/",
                  "bulletin new --from issues/2018-0602.yaml --date 2018-06-11")
    new.add_argument("--from", dest="previous", metavar="ISSUE.yaml",
                     help="the issue to follow (default: the latest issue in issues/ or the current folder)")
    new.add_argument("-o", "--output", metavar="ISSUE.yaml", help="the file to write (default: YEAR-NUMBER.yaml)")
    new.add_argument("--date", metavar="YYYY-MM-DD", help="the new issue's date (default: a week after the last)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")

    schema = command(sub, "schema", "print the JSON Schema of issue, publication or theme files (for editors)",
                     "bulletin schema issue > issue.schema.json",
                     "bulletin schema --write schemas/                # all three, as the repository keeps them")
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


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (main() may run many times in one process)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def show_font_conversions() -> None:
    """Print the font layer's conversion notices on stderr: a font converted on first use can take minutes."""
    log = logging.getLogger("layout.fonts.convert")
    if not any(isinstance(handler, _StderrHandler) for handler in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def _with_parents(*parents: argparse.ArgumentParser) -> type[argparse.ArgumentParser]:
    """An ArgumentParser class whose instances (the subcommands) take `parents`' options too."""

    class Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["parents"] = [*parents, *kwargs.get("parents", [])]
            super().__init__(*args, **kwargs)

    return Parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    show_font_conversions()
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
    except Exception as exc:  # never a traceback: one line that says what failed and where (--debug: all of it)
        if args.debug:
            raise
        print(internal_error(args.command, exc), file=sys.stderr)
        return 1


def internal_error(command: str, exc: Exception) -> str:
    """The one line for an exception no command caught: an environment fault says which file and why; anything
    else is a bug of ours and asks for a report."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"bulletin {command}: {exc.strerror}{where}"
    return (f"bulletin {command}: internal error: {describe_exception(exc)}; please report this bug with the "
            f"output of `bulletin --debug {command} …`")  # fmt: skip
