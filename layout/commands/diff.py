"""`bulletin diff OLD.pdf NEW.pdf [--images DIR]`: compare two PDFs page by page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pypdfium2 as pdfium

from layout.pdfdiff import diff_pdfs, write_diff_images
from layout.snapshot import UnreadablePdfError


def run_diff(args: argparse.Namespace) -> int:
    """`bulletin diff OLD.pdf NEW.pdf [--images DIR]`: 0 when the same, 1 with a report when not, 2 when unreadable."""
    try:
        report = diff_pdfs(args.old, args.new)
    except UnreadablePdfError as exc:
        print(f"bulletin diff: {exc}", file=sys.stderr)
        return 2
    if report.same:
        print(report.format())
        return 0
    paths: list[Path] = []
    if args.images:  # before printing, so a reader that stops early (| head) still gets the images
        try:
            paths = write_diff_images(args.old, args.new, report.pages, Path(args.images))
        except pdfium.PdfiumError as exc:
            print(f"bulletin diff: cannot rasterise: {exc}", file=sys.stderr)
            return 2
    print(report.format())
    if paths:
        print(f"images in {args.images}:", *(f"  {p}" for p in paths), sep="\n")
    return 1
