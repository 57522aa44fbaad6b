"""`bulletin check ISSUE.yaml …`: validate sources without rendering; every problem as file:line:col."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layout.check import check_source, punctuation_warnings
from layout.loader.publication import check_theme_option


def run_check(args: argparse.Namespace) -> int:
    """`bulletin check ISSUE.yaml …`: ok per good file, every problem on stderr; exit 0 if all fine, else 2."""
    publication = Path(args.publication) if args.publication else None
    failed = False
    if args.theme:
        problems = check_theme_option(args.theme)
        for diag in problems:
            print(diag.format(), file=sys.stderr)
        if problems:
            return 2  # every issue would fail the same way: say it once
    for name in args.sources:
        diags = check_source(Path(name), publication, args.theme)
        for diag in diags:
            print(diag.format(), file=sys.stderr)
        if diags:
            failed = True
        else:
            for warning in punctuation_warnings(Path(name), publication):
                print(warning.format(), file=sys.stderr)  # warnings do not change the exit code
            print(f"ok: {name}")
    return 2 if failed else 0
