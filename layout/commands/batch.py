"""`bulletin batch PATH…`: render an archive in parallel; a progress line, a summary table, the failures."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from layout.batch import (
    BatchOptions,
    BatchReport,
    Outcome,
    Progress,
    Status,
    bind_volume,
    display_path,
    find_sources,
    render_batch,
)
from layout.executors import BatchUsageError
from layout.loader.publication import check_theme_option


class ConsoleProgress(Progress):
    """On a terminal one updating line (done/total, failed, ETA); otherwise one plain line per finished issue."""

    def __init__(self, out: TextIO, err: TextIO, tty: bool | None = None) -> None:
        self.out, self.err = out, err
        self.tty = out.isatty() if tty is None else tty
        self.total = self.to_render = self.finished = self.failed = 0
        self.started = time.perf_counter()

    def start(self, total: int, to_render: int, workers: int) -> None:
        self.total, self.to_render, self.started = total, to_render, time.perf_counter()
        if to_render:
            self._line(f"rendering {to_render} of {total} issues with {workers} worker{'s' * (workers != 1)}")

    def update(self, outcome: Outcome) -> None:
        if outcome.status is Status.UNCHANGED:
            if not self.tty:
                self._line(f"unchanged  {outcome.source} -> {display_path(outcome.output)}")
            return
        self.finished += 1
        if outcome.status is Status.FAILED:
            self.failed += 1
            self._clear()
            self.err.write(f"failed     {outcome.source}\n")
            self.err.writelines(f"  {message}\n" for message in outcome.messages)
        elif not self.tty:
            self._line(f"rendered   {outcome.source} -> {display_path(outcome.output)}  "
                       f"{outcome.pages} pages  {outcome.seconds:.2f} s  ({outcome.reason})")
        if self.tty:
            self._status(outcome)

    def finish(self) -> None:
        self._clear()

    def eta(self) -> str:
        if not self.finished:
            return "?"
        left = (time.perf_counter() - self.started) / self.finished * (self.to_render - self.finished)
        return f"{int(left // 60)}:{int(left % 60):02d}"

    def _status(self, outcome: Outcome) -> None:
        line = (f"[{self.finished}/{self.to_render}] {self.failed} failed  ETA {self.eta()}  "
                f"{outcome.source}")
        width = shutil.get_terminal_size().columns - 1  # a wrapped line could not be redrawn in place
        self.out.write(f"\r\x1b[K{line[:width]}")
        self.out.flush()

    def _line(self, text: str) -> None:
        self._clear()
        self.out.write(f"{text}\n")

    def _clear(self) -> None:
        if self.tty:
            self.out.write("\r\x1b[K")
            self.out.flush()


def format_summary(report: BatchReport) -> str:
    """The closing table: issues, pages and seconds per status, then wall time and peak worker memory."""
    rows = [("", "issues", "pages", "seconds")]
    for status in Status:
        chosen = [o for o in report.outcomes if o.status is status]
        pages = str(sum(o.pages for o in chosen)) if status is not Status.FAILED else "-"
        seconds = f"{sum(o.seconds for o in chosen):.2f}" if status is not Status.UNCHANGED else "-"
        rows.append((status.value, str(len(chosen)), pages, seconds))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths,
                                                                                                   strict=True)))
             for row in rows]
    tail = f"wall time {report.wall:.2f} s"
    if report.workers:
        tail += f" with {report.workers} worker{'s' * (report.workers != 1)}"
    if report.peak_rss:
        tail += f"; peak worker memory {max(report.peak_rss.values()) / 2**20:.0f} MiB"
    if not report.count(Status.RENDERED) and not report.failed and not report.interrupted:
        tail += "; nothing to render, every PDF is up to date (--force renders them all)"
    retried = [o for o in report.outcomes if o.retried]
    if retried:
        names = ", ".join(str(o.source) for o in retried)
        tail += (f"\nretried after a worker process died: {len(retried)} issue{'s' * (len(retried) != 1)} "
                 f"({names})")  # fmt: skip
    return "\n".join([*lines, tail])


def parse_options(args: argparse.Namespace) -> BatchOptions:
    """Checked options from the command line; raises BatchUsageError."""
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise BatchUsageError(f"-j must be at least 1, not {jobs}")
    if args.volume and Path(args.volume).suffix.lower() != ".pdf":
        raise BatchUsageError(f"--volume {args.volume}: the volume must be a .pdf file")
    publication = None
    if args.publication:
        publication = Path(args.publication).resolve()
        if not publication.is_file():
            raise BatchUsageError(f"--publication {args.publication}: no such file")
    theme = args.theme
    if theme:
        problems = check_theme_option(theme)
        if problems:
            raise BatchUsageError("\n".join(d.format() for d in problems))
        if theme.endswith((".yaml", ".yml")) or "/" in theme:
            theme = str(Path(theme).resolve())
    if Path(args.output).exists() and not Path(args.output).is_dir():
        raise BatchUsageError(f"-o {args.output}: not a folder")
    executor = "dask" if args.scheduler else args.executor
    return BatchOptions(Path(args.output), jobs, bool(args.force), publication, theme, executor, args.scheduler,
                        pdfa=bool(args.pdfa))


def run_batch(args: argparse.Namespace) -> int:
    """`bulletin batch PATH…`: exit 0 all rendered or unchanged, 1 some failed, 2 bad arguments, 130 interrupted."""
    try:
        options = parse_options(args)
        sources = find_sources(args.paths)
        if not sources:
            raise BatchUsageError(f"no issue sources found in {' '.join(args.paths)} "
                                  "(*.yaml/*.yml files with a top-level `issue:` key)")
        report = render_batch(sources, options, ConsoleProgress(sys.stdout, sys.stderr))
    except BatchUsageError as exc:
        print(f"bulletin batch: {exc}", file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(format_summary(report))
    failed = [o for o in report.outcomes if o.status is Status.FAILED]
    for outcome in failed:
        print(f"failed: {outcome.source}", file=sys.stderr)
    if report.manifest_error:
        print(f"bulletin batch: {report.manifest_error}", file=sys.stderr)
    if report.interrupted:
        kept = "finished PDFs are kept" if report.manifest_error else "finished PDFs and the manifest are kept"
        print(f"interrupted: pending issues cancelled; {kept}", file=sys.stderr)
        return 130
    if report.manifest_error:
        return 1
    if args.volume:
        try:
            print(bind_volume(report, options.out_dir, Path(args.volume), pdfa=options.pdfa))
        except BatchUsageError as exc:
            print(f"bulletin batch: {exc}", file=sys.stderr)
            return 1
        if report.manifest_error:
            print(f"bulletin batch: {report.manifest_error}", file=sys.stderr)
            return 1
    return 1 if failed else 0
