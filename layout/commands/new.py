"""`bulletin new [--from ISSUE.yaml] [-o ISSUE.yaml] [--date YYYY-MM-DD] [--force]`: start the next issue."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from layout.fileio import write_atomically
from layout.newissue import next_issue
from layout.yamlwrite import dump_yaml


def latest_issue(folder: Path) -> Path | None:
    """The issue in `folder` (not below it) with the highest (year, number)."""
    from layout.batch import is_issue_source

    best: tuple[tuple[int, str], Path] | None = None
    for path in sorted(folder.glob("*.y*ml")):
        if not is_issue_source(path):
            continue
        try:
            info = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("issue") or {}
            key = (int(info["year"]), str(info["number"]).zfill(8))
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError):
            continue
        if best is None or key > best[0]:
            best = (key, path)
    return best[1] if best else None


def run_new(args: argparse.Namespace) -> int:
    from layout.check import check_source

    if args.previous:
        previous = Path(args.previous)
    else:
        folder = Path("issues") if Path("issues").is_dir() else Path(".")
        found = latest_issue(folder)
        if found is None:
            print(f"bulletin new: no issue in {folder}/ to follow; name one with --from ISSUE.yaml", file=sys.stderr)
            return 2
        previous = found
    problems = check_source(previous)
    if problems:
        for diag in problems:
            print(diag.format(), file=sys.stderr)
        return 2
    date = None
    if args.date:
        try:
            date = dt.date.fromisoformat(args.date)
        except ValueError:
            print(f"bulletin new: --date {args.date} is not a date such as 2018-06-09", file=sys.stderr)
            return 2
    data = yaml.safe_load(previous.read_text(encoding="utf-8"))
    doc = next_issue(data, date)
    info = doc["issue"]
    target = Path(args.output) if args.output else previous.parent / f"{info['year']}-{info['number']}.yaml"
    if target.exists() and not args.force:
        print(f"bulletin new: {target} exists (use --force to overwrite it)", file=sys.stderr)
        return 1
    # The schema line (editor completion, docs/editor.md) carries over: the new file sits beside the old one.
    first = previous.read_text(encoding="utf-8").partition("\n")[0]
    schema_line = first + "\n" if first.startswith("# yaml-language-server:") else ""
    text = (schema_line
            + f"# The issue after {previous.name}: add each section's articles (a section needs at least one).\n"
            + dump_yaml(doc))
    write_atomically(target, text.encode("utf-8"))
    print(f"{target}  ({info['year']}) {info['number']} 期" + (f"  {info['date']}" if "date" in info else "")
          + f"  {len(doc['sections'])} sections, no articles yet")
    return 0
