"""`bulletin snapshot PDF [--format text|json]`: print a stable, diff-friendly description of a PDF."""

from __future__ import annotations

import argparse
import sys

from layout.snapshot import UnreadablePdfError, snapshot_pdf


def run_snapshot(args: argparse.Namespace) -> int:
    """`bulletin snapshot PDF [--format text|json]`: print the snapshot; exit 2 when the file cannot be read."""
    try:
        snapshot = snapshot_pdf(args.pdf)
    except UnreadablePdfError as exc:
        print(f"bulletin snapshot: {exc}", file=sys.stderr)
        return 2
    text = snapshot.to_json() if args.format == "json" else snapshot.to_text()
    sys.stdout.write(text)
    return 0
