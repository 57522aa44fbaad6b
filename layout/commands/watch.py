"""`bulletin watch [ISSUE.yaml]`: render, then render again on every change of the issue or its inputs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from layout.commands.render import DEFAULT_SOURCE
from layout.watch import IssueWatcher, WatchRender, watch_issue


def report(render: WatchRender, changed: set[Path]) -> None:
    """One line per render: its time and what it cost, or its problems and that the last good PDF stays."""
    stamp = time.strftime("%H:%M:%S")
    cause = f"  ({', '.join(sorted(p.name for p in changed))} changed)" if changed else ""
    if render.ok:
        print(f"{stamp}  {render.output}  {render.pages} pages  {render.seconds:.2f} s  "
              f"{render.composed} of {render.compositions} paragraphs composed{cause}", flush=True)
        return
    print(f"{stamp}  not rendered: {len(render.diagnostics)} problem{'s' * (len(render.diagnostics) != 1)}, "
          f"the last good PDF is kept{cause}", flush=True)
    for diag in render.diagnostics:
        print(diag.format(), file=sys.stderr, flush=True)


def run_watch(args: argparse.Namespace) -> int:
    source = Path(args.source) if args.source else DEFAULT_SOURCE
    if not source.is_file():
        print(f"bulletin watch: {source}: no such file", file=sys.stderr)
        return 2
    watcher = IssueWatcher(source, Path(args.output) if args.output else None,
                           publication=Path(args.publication) if args.publication else None, theme=args.theme)
    print(f"watching {source}, its publication, theme, images and fonts; Ctrl-C stops", flush=True)
    try:
        watch_issue(watcher, report)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0
