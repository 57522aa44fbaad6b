"""The Typst peer: render an issue through benchmarks/typst/bulletin.typ, and generate large issues."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Sequence
from copy import deepcopy
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
TEMPLATE = BENCH_DIR / "typst" / "bulletin.typ"
FONT_DIR = REPO / "fonts"
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"
SAMPLE_PUBLICATION = REPO / "issues" / "bulletin.yaml"
THEMES = REPO / "layout" / "themes"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def load_font_families(font_dir: Path = FONT_DIR) -> dict[str, str]:
    """The family names Typst will see in `font_dir`: {"serif": ..., "sans": ...}, read with fontTools.

    Typst names a face by its typographic family (name ID 16), else its legacy family (ID 1).
    """
    from fontTools.ttLib import TTCollection, TTFont

    families: dict[str, str] = {}
    for path in sorted(font_dir.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        fonts = TTCollection(path).fonts if path.suffix.lower() in (".ttc", ".otc") else [TTFont(path, lazy=True)]
        for font in fonts:
            name = font["name"]
            family = name.getDebugName(16) or name.getDebugName(1) or ""
            # Prefer the Simplified Chinese member of a pan-CJK collection.
            kind = "sans" if "sans" in family.lower() else "serif"
            if kind not in families or (family.endswith(" SC") and not families[kind].endswith(" SC")):
                families[kind] = family
    missing = {"serif", "sans"} - families.keys()
    if missing:
        raise FileNotFoundError(f"no {' or '.join(sorted(missing))} font in {font_dir}")
    return families


def find_theme(issue_yaml: Path, publication_yaml: Path | None) -> Path:
    """The theme YAML the publication names: a shipped name (layout/themes/) or a path relative to it."""
    source = publication_yaml or issue_yaml
    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    if publication_yaml is None:
        data = data.get("publication", {})
    theme = str(data.get("theme", "default"))
    if "/" not in theme and not theme.endswith((".yaml", ".yml")):
        return THEMES / f"{theme}.yaml"
    return (source.parent / theme).resolve()


def build_compile_args(issue_yaml: Path, publication_yaml: Path | None, font_dir: Path = FONT_DIR) -> dict[str, object]:
    """Keyword arguments for typst.compile: root, inputs and fonts.

    Typst reads files only under its root, so the root is the deepest folder holding the
    template, the sources and the theme; the YAML paths are passed relative to it.
    """
    issue_yaml = issue_yaml.resolve()
    theme = find_theme(issue_yaml, publication_yaml)
    files = [TEMPLATE, issue_yaml, theme] + ([publication_yaml.resolve()] if publication_yaml else [])
    root = Path(os.path.commonpath([str(f.parent) for f in files]))

    def rooted(p: Path) -> str:
        return "/" + p.relative_to(root).as_posix()

    families = load_font_families(font_dir)
    sys_inputs = {
        "issue": rooted(issue_yaml),
        "publication": rooted(publication_yaml.resolve()) if publication_yaml else "",
        "theme": rooted(theme),
        "serif": families["serif"],
        "sans": families["sans"],
    }
    return {
        "root": str(root),
        "font_paths": [str(font_dir)],
        "ignore_system_fonts": True,  # only the repo's fonts, as our renderer
        "sys_inputs": sys_inputs,
    }


def count_pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF: Typst writes page objects uncompressed, so count their /Type /Page entries.

    This keeps pypdf (about 0.15 s to import) out of the timed peer process; a PDF that hides its
    page objects in object streams falls back to pypdf.
    """
    count = len(PAGE_OBJECT.findall(pdf))
    if count:
        return count
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def typst_render(issue_yaml: Path, publication_yaml: Path | None, out_pdf: Path, font_dir: Path = FONT_DIR) -> int:
    """Render one issue with Typst in this process; returns the page count of `out_pdf`.

    `publication_yaml` None means the issue carries its own `publication:` block.
    """
    import typst

    args = build_compile_args(issue_yaml, publication_yaml, font_dir)
    pdf = typst.compile(str(TEMPLATE), **args)
    out_pdf.write_bytes(pdf)
    return count_pdf_pages(pdf)


def find_publication(issue_yaml: Path) -> Path | None:
    """The nearest bulletin.yaml in the issue's folder or a parent (the source format's rule)."""
    for folder in issue_yaml.resolve().parents:
        candidate = folder / "bulletin.yaml"
        if candidate.is_file():
            return candidate
    return None


def make_large_issue(n_articles: int, path: Path) -> Path:
    """Write an issue of `n_articles` articles to `path`, with the sample's bulletin.yaml beside it.

    Articles are the sample's, round-robin, each under its original section, titles made
    distinct with a running number. Returns `path`.
    """
    sample = yaml.safe_load(SAMPLE_ISSUE.read_text(encoding="utf-8"))
    pool = [(s["title"], a) for s in sample["sections"] for a in s["articles"]]
    sections: dict[str, list[dict[str, object]]] = {s["title"]: [] for s in sample["sections"]}
    for i in range(n_articles):
        section_title, article = pool[i % len(pool)]
        copy = deepcopy(article)  # distinct objects: no YAML anchors/aliases in the output
        copy["title"] = f"{article['title']}（第 {i + 1} 篇）"
        if "toc_title" in article:
            copy["toc_title"] = f"{article['toc_title']}（第 {i + 1} 篇）"
        sections[section_title].append(copy)
    issue = {
        "issue": {"year": sample["issue"]["year"], "number": f"{n_articles:04d}"},
        "sections": [{"title": t, "articles": arts} for t, arts in sections.items() if arts],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(issue, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
    shutil.copyfile(SAMPLE_PUBLICATION, path.parent / "bulletin.yaml")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render a bulletin issue with the Typst peer template.")
    parser.add_argument("issue", type=Path, metavar="ISSUE.yaml")
    parser.add_argument("output", type=Path, metavar="OUT.pdf")
    parser.add_argument("--publication", type=Path, help="publication file (default: nearest bulletin.yaml)")
    parser.add_argument("--fonts", type=Path, default=FONT_DIR, help="font folder (default: the repo's fonts/)")
    args = parser.parse_args(argv)
    # No bulletin.yaml anywhere: the issue's own `publication:` block is used.
    publication = args.publication or find_publication(args.issue)
    pages = typst_render(args.issue, publication, args.output, args.fonts)
    print(f"{args.output}: {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
