"""`bulletin import`: an archived bulletin (.txt, .docx, .pdf) → issue YAML.

One reader per format turns the file into logical lines with layout hints (`lines.py`); one recogniser
applies the bulletin's conventions to them (`recognise.py`); `emit.py` writes the YAML and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.importer.emit import report, to_yaml
from layout.importer.lines import ReadResult
from layout.importer.recognise import Draft, Known, Note, recognise
from layout.importer.text_reader import UnreadableInputError, read_text

__all__ = ["SUFFIXES", "ImportResult", "UnreadableInputError", "import_file", "read_input"]

SUFFIXES = (".txt", ".docx", ".pdf")


@dataclass
class ImportResult:
    draft: Draft
    yaml_text: str
    images: dict[str, bytes] = field(default_factory=dict)

    def report(self) -> list[str]:
        return report(self.draft)


def read_input(path: Path, image_prefix: str = "") -> ReadResult:
    """The reader for the file's format. Raises UnreadableInputError for a missing, unsupported or broken file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableInputError(f"{path}: no such file")
    if suffix == ".txt":
        return read_text(path)
    if suffix == ".docx":
        from layout.importer.docx_reader import read_docx

        return read_docx(path, image_prefix)
    if suffix == ".pdf":
        from layout.importer.pdf_reader import read_pdf

        return read_pdf(path, image_prefix)
    raise UnreadableInputError(f"{path}: unsupported file type '{suffix or path.name}' (import reads "
                          f"{', '.join(SUFFIXES)})")


def import_file(path: Path, *, known: Known | None = None, embed_publication: bool = True,
                image_prefix: str = "") -> ImportResult:
    """Read and recognise one archived issue. `known` comes from the publication the issue will use."""
    result = read_input(path, image_prefix)
    if not any(line.text.strip() or line.table or line.image for line in result.lines):
        raise UnreadableInputError(f"{path}: no text to import")
    known = known or Known()
    if not known.footer and result.running:
        known = Known(footer=result.running, closing=known.closing, publisher=known.publisher,
                      masthead=known.masthead)
    draft = recognise(result.lines, known)
    draft.notes[:0] = [Note(where, message) for where, message in result.notes]
    fill_issue_info(draft, path)
    return ImportResult(draft, to_yaml(draft, source_name=path.name, embed_publication=embed_publication),
                        result.images)


def fill_issue_info(draft: Draft, path: Path) -> None:
    """Year and number come from the masthead; failing that, from the file name (2018-0602.txt)."""
    import re

    if draft.year is not None and draft.number is not None:
        return
    match = re.search(r"(\d{4})\D{0,3}(\d{2,4})", path.stem)
    if match:
        draft.year, draft.number = int(match.group(1)), match.group(2)
        draft.unsure(path.name, f"year and number taken from the file name: ({draft.year}) {draft.number} 期")
    else:
        draft.year, draft.number = 2000, "1"
        draft.unsure(path.name, "no year and number found: written as (2000) 1 期, correct them by hand")
