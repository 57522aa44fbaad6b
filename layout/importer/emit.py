"""A draft issue → issue YAML text (PyYAML's emitter, so every scalar is quoted as it must be) and the report."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from layout.importer.recognise import Draft, block_kind
from layout.yamlwrite import Quoted, Row, dump_yaml

KIND_NAMES = {"p": "paragraph", "plain": "plain", "heading": "heading", "subtitle": "subtitle", "list": "list",
              "table": "table", "signature": "signature", "attachments": "attachments", "links": "links",
              "image": "image", "page_break": "page break"}


def escape_braces(text: str) -> str:
    """Publication footer/closing lines treat {name} as a placeholder: keep literal braces literal."""
    return text.replace("{", "{{").replace("}", "}}")


def issue_document(draft: Draft, embed_publication: bool) -> dict[str, Any]:
    sections = []
    for section in draft.sections:
        articles = []
        for article in section["articles"]:
            blocks = []
            for block in article["blocks"]:
                if isinstance(block, dict) and "table" in block:
                    table = block["table"]
                    block = {"table": {"header": Row(table["header"]), "rows": [Row(r) for r in table["rows"]]}}
                blocks.append(block)
            articles.append({**article, "blocks": blocks})
        sections.append({"title": section["title"], "articles": articles})
    doc: dict[str, Any] = {}
    if embed_publication:
        footer = [escape_braces(f) for f in draft.footer[:3]] or [escape_braces(draft.publisher or "—")]
        publication: dict[str, Any] = {
            "publisher": draft.publisher or "—",
            "masthead": draft.masthead or "快讯",
            "footer": footer,
        }
        if draft.closing:
            publication["closing"] = [escape_braces(c) for c in draft.closing]
        doc["publication"] = publication
    doc["issue"] = {"year": draft.year, "number": Quoted(draft.number or "")}
    doc["sections"] = sections
    return doc


def to_yaml(draft: Draft, *, source_name: str, embed_publication: bool) -> str:
    body = dump_yaml(issue_document(draft, embed_publication))
    name = re.sub(r"[\r\n]", " ", source_name)
    header = f"# Imported by `bulletin import` from {name}: check it against the original.\n"
    return header + body


def report(draft: Draft) -> list[str]:
    """The import report: counts, then every unsure place with its input position."""
    articles = [a for s in draft.sections for a in s["articles"]]
    kinds: Counter[str] = Counter(block_kind(b) for a in articles for b in a["blocks"])
    tables = [b["table"] for a in articles for b in a["blocks"] if isinstance(b, dict) and "table" in b]
    lines = [
        f"issue: ({draft.year}) {draft.number} 期",
        f"sections: {len(draft.sections)} ({'、'.join(s['title'] for s in draft.sections)})",
        f"articles: {len(articles)}, {sum(1 for a in articles if 'doc_number' in a)} with a document number",
        "blocks: " + ", ".join(f"{KIND_NAMES.get(k, k)} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])),
        f"tables: {len(tables)}" + "".join(
            f"; {len(t['rows']) + 1}×{len(t['header'])}" for t in tables),
    ]
    if draft.notes:
        lines.append(f"unsure ({len(draft.notes)}):")
        lines.extend(f"  {note.where}: {note.message}" for note in draft.notes)
    else:
        lines.append("unsure: nothing")
    return lines
