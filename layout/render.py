"""`bulletin render`: source → model → theme → flowables → pages → PDF, written atomically."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from layout.build import build_pdf
from layout.errors import SourceError
from layout.loader import load_issue
from layout.model import Issue
from layout.theme import Theme
from layout.validate import validate_issue

DEFAULT_SOURCE = Path("issues/2018-0602.yaml")
DEFAULT_OUTPUT_DIR = Path("out")


@dataclass(frozen=True, slots=True)
class RenderResult:
    path: Path
    pages: int
    passes: int
    seconds: float
    bytes: int


def render_issue(
    source: Path, output: Path | None = None, *, publication: Path | None = None, theme: str | Path | None = None
) -> RenderResult:
    """Render one issue to `output` (default out/<stem>.pdf).

    Raises SourceError for invalid input, and then writes nothing.
    """
    started = time.perf_counter()
    issue = load_issue(Path(source), publication=publication)  # source → model
    resolved = validate_issue(issue, theme)  # → theme, every character covered by a font
    return render_loaded(issue, resolved, output, started=started)


def render_loaded(
    issue: Issue, theme: Theme, output: Path | None = None, *, started: float | None = None
) -> RenderResult:
    """Render an issue already loaded and validated (batch workers hash its inputs first) and write it."""
    started = time.perf_counter() if started is None else started
    result = build_pdf(issue, theme)  # → flowables → pages → PDF
    path = output or DEFAULT_OUTPUT_DIR / f"{issue.stem}.pdf"
    write_atomically(path, result.pdf)
    return RenderResult(path, result.pages, result.passes, time.perf_counter() - started, len(result.pdf))


def write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path`, then rename: nobody sees half a PDF, and a failure keeps the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file private (0600); give it the permissions any new file would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run_render(args: argparse.Namespace) -> int:
    sources = [Path(s) for s in args.sources] or [DEFAULT_SOURCE]
    output = Path(args.output) if args.output else None
    if output and len(sources) > 1 and output.suffix.lower() == ".pdf":
        print("bulletin render: -o must be a folder when rendering several issues", file=sys.stderr)  # noqa: T201
        return 2
    status = 0
    for source in sources:
        target = output
        if output and (len(sources) > 1 or output.is_dir() or not output.suffix):
            target = output / f"{source.stem}.pdf"
        publication = Path(args.publication) if args.publication else None
        try:
            result = render_issue(source, target, publication=publication, theme=args.theme)
        except SourceError as exc:
            print(exc.report(), file=sys.stderr)  # noqa: T201
            status = 2
            continue
        except OSError as exc:
            print(f"{source}: {exc}", file=sys.stderr)  # noqa: T201
            status = max(status, 1)
            continue
        print(f"{result.path}  {result.pages} pages  {result.seconds:.2f} s")  # noqa: T201
    return status
