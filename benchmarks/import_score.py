"""How close `bulletin import` comes to the hand-made issue: scores an imported YAML against a reference YAML.

    python benchmarks/import_score.py IMPORTED.yaml [REFERENCE.yaml]   # one file, figures printed
    python benchmarks/import_score.py --all                            # every input kind the tests use

The figures (targets from issue #14):
- sections, article titles, document numbers: share of the reference's found in the import, in order.
  Titles are compared after Unicode NFKC without spaces (a contents entry and its body title may differ in
  full/half-width punctuation and stray spaces). Target 100 %.
- body characters: recall and precision of the whitespace-free text of every block, article by article,
  matched in order (longest common subsequence blocks). Target ≥ 99 %.
- non-paragraph blocks: share of the reference's headings (with their level), plain lines, lists, tables,
  signatures, attachments, links, subtitles and images found in the import with the same kind and text.
  Target ≥ 90 %.
- table cells: share of the reference's cells (header included) equal in the import. Target ≥ 98 %.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "issues" / "2018-0602.yaml"
TARGETS = {"sections": 1.0, "titles": 1.0, "doc_numbers": 1.0, "recall": 0.99, "precision": 0.99,
           "blocks": 0.90, "cells": 0.98}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text).replace("**", "")))


def bare(text: Any) -> str:
    """Whitespace-free text as printed (bold markup and <> around addresses removed)."""
    return re.sub(r"\s+", "", str(text).replace("**", ""))


def block_kind(block: Any) -> str:
    if isinstance(block, str):
        return "p"
    kind = next(k for k in block if k != "level")
    if kind == "heading":
        return f"heading{block.get('level', 1)}"
    return kind


def block_strings(block: Any) -> list[str]:
    if isinstance(block, str):
        return [block]
    kind = next(k for k in block if k != "level")
    value = block[kind]
    if kind == "table":
        return [str(c) for c in value["header"]] + [str(c) for row in value["rows"] for c in row]
    if kind == "image":
        return [str(value.get("caption", ""))]
    if kind == "page_break":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def articles_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for s in doc.get("sections") or [] for a in s.get("articles") or []]


def matched_share(reference: list[str], found: list[str]) -> float:
    """Share of `reference` items found in `found` in the same order (longest common subsequence)."""
    if not reference:
        return 1.0
    matcher = difflib.SequenceMatcher(None, reference, found, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(reference)


@dataclass
class Scores:
    sections: float
    titles: float
    doc_numbers: float
    recall: float
    precision: float
    blocks: float
    cells: float

    def figures(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in TARGETS}

    def failures(self) -> list[str]:
        return [f"{name} {value:.1%} < {TARGETS[name]:.0%}" for name, value in self.figures().items()
                if value < TARGETS[name] - 1e-9]

    def line(self) -> str:
        return "  ".join(f"{name} {value:6.1%}" for name, value in self.figures().items())


def pair_articles(ref: list[dict[str, Any]], imp: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict | None]]:
    by_title = {squeeze(a["title"]): a for a in imp}
    return [(a, by_title.get(squeeze(a["title"]))) for a in ref]


def score(imported: dict[str, Any], reference: dict[str, Any]) -> Scores:
    ref_articles, imp_articles = articles_of(reference), articles_of(imported)
    sections = matched_share([squeeze(s["title"]) for s in reference["sections"]],
                             [squeeze(s["title"]) for s in imported.get("sections") or []])
    titles = matched_share([squeeze(a["title"]) for a in ref_articles], [squeeze(a["title"]) for a in imp_articles])
    pairs = pair_articles(ref_articles, imp_articles)
    # document numbers: every reference article's number (or its absence) must be the import's
    doc_ok = sum(1 for ref, imp in pairs if imp is not None and squeeze(ref.get("doc_number", "")) == squeeze(
        imp.get("doc_number", "")))
    doc_numbers = doc_ok / len(pairs) if pairs else 1.0
    # body characters, article by article
    common = ref_total = imp_total = 0
    for ref, imp in pairs:
        ref_text = "".join(bare(s) for b in ref["blocks"] for s in block_strings(b))
        ref_total += len(ref_text)
        if imp is None:
            continue
        imp_text = "".join(bare(s) for b in imp["blocks"] for s in block_strings(b))
        matcher = difflib.SequenceMatcher(None, ref_text, imp_text, autojunk=False)
        common += sum(b.size for b in matcher.get_matching_blocks())
    matched_imp = {id(imp) for _, imp in pairs if imp is not None}
    for imp in imp_articles:
        imp_total += len("".join(bare(s) for b in imp["blocks"] for s in block_strings(b)))
        if id(imp) not in matched_imp:
            continue
    recall = common / ref_total if ref_total else 1.0
    precision = common / imp_total if imp_total else 0.0
    # non-paragraph blocks of the right kind
    wanted = found = 0
    cells_total = cells_ok = 0
    for ref, imp in pairs:
        imp_blocks = [(block_kind(b), squeeze("".join(block_strings(b))), b) for b in (imp or {}).get("blocks", [])]
        start = 0
        for block in ref["blocks"]:
            kind = block_kind(block)
            if kind == "table":
                cells_total += len(block_strings(block))
            if kind == "p":
                continue
            wanted += 1
            text = squeeze("".join(block_strings(block)))
            for k in range(start, len(imp_blocks)):
                imp_kind, imp_text, imp_block = imp_blocks[k]
                if imp_kind == kind and (imp_text == text or difflib.SequenceMatcher(
                        None, text, imp_text, autojunk=False).ratio() >= 0.9):
                    found += 1
                    start = k + 1
                    if kind == "table":
                        cells_ok += sum(1 for a, b in zip(block_strings(block), block_strings(imp_block), strict=False)
                                        if bare(a) == bare(b))
                    break
    blocks = found / wanted if wanted else 1.0
    cells = cells_ok / cells_total if cells_total else 1.0
    return Scores(sections, titles, doc_numbers, recall, precision, blocks, cells)


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("imported", nargs="?", type=Path)
    parser.add_argument("reference", nargs="?", type=Path, default=REFERENCE)
    parser.add_argument("--all", action="store_true", help="import and score every input kind the tests use")
    args = parser.parse_args(argv)
    if args.all:
        sys.path.insert(0, str(REPO / "tests"))
        from import_fixtures import all_inputs  # the tests' own fixtures: seed text, Word, Typst PDF, our PDF

        from layout.importer import import_file

        failed = False
        for kind, path in all_inputs(REPO / "out" / "import-score"):
            scores = score(yaml.safe_load(import_file(path).yaml_text), load(args.reference))
            print(f"{kind:<12} {scores.line()}")
            failed |= bool(scores.failures())
        return 1 if failed else 0
    if args.imported is None:
        parser.error("give IMPORTED.yaml, or --all")
    scores = score(load(args.imported), load(args.reference))
    print(scores.line())
    for failure in scores.failures():
        print(f"below target: {failure}")
    return 1 if scores.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
