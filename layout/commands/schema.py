"""`bulletin schema [issue|publication|theme]`: print the JSON Schema of a source file, or write all of them."""

from __future__ import annotations

import argparse
from pathlib import Path

from layout.fileio import write_atomically
from layout.schema import KINDS, schema_text


def schema_file(kind: str) -> str:
    """The committed file name of a schema: schemas/issue.schema.json and so on."""
    return f"{kind}.schema.json"


def run_schema(args: argparse.Namespace) -> int:
    if args.write:
        folder = Path(args.write)
        for kind in KINDS:
            path = folder / schema_file(kind)
            write_atomically(path, schema_text(kind).encode("utf-8"))
            print(path)
        return 0
    print(schema_text(args.kind), end="")
    return 0
