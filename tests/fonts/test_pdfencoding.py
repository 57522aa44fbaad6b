"""Face.pdf_chunks (layout/fonts/pdfencoding.py) gives exactly the pieces, codes and subsets ReportLab gives."""

from __future__ import annotations

import gc
import random
import weakref

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument

from layout.fonts.registry import bundled_fonts_dir, load_face
from layout.fonts.spec import FontSpec


def texts(seed: int) -> list[str]:
    """Pieces of text as drawing hands them over: enough distinct Han characters for several 256-glyph subsets,
    repeats, Latin, spaces, a no-break space and characters the face lacks."""
    rng = random.Random(seed)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 900)]
    extra = ["A", "b", "1", " ", "\u00a0", "，", "。", "\U0001f600", "\u0378"]
    out = []
    for _ in range(400):
        pool = han if rng.random() < 0.8 else extra
        out.append("".join(rng.choice(pool + extra) for _ in range(rng.randint(1, 30))))
    return out


def test_pdf_chunks_match_reportlab_piece_for_piece() -> None:
    face = load_face(FontSpec(bundled_fonts_dir() / "NotoSerifSC-Regular.ttf"))
    font = pdfmetrics.getFont(face.name)
    ours, theirs = PDFDocument(), PDFDocument()
    for text in texts(7):
        expected = [(font.getSubsetInternalName(n, theirs), chunk) for n, chunk in font.splitString(text, theirs)]
        assert face.pdf_chunks(text, ours) == expected, text
    assert len(font.state[ours].subsets) > 2  # the texts did span several subsets
    assert font.state[ours].subsets == font.state[theirs].subsets
    assert font.state[ours].assignments == font.state[theirs].assignments
    assert ours.fontMapping == theirs.fontMapping


def test_pdf_chunks_of_nothing() -> None:
    face = load_face(FontSpec(bundled_fonts_dir() / "NotoSerifSC-Regular.ttf"))
    assert face.pdf_chunks("", PDFDocument()) == []


def test_a_document_is_not_kept_alive_by_its_encodings() -> None:
    """A process that renders many issues (watch, batch workers) must not keep every document it drew."""
    face = load_face(FontSpec(bundled_fonts_dir() / "NotoSerifSC-Regular.ttf"))
    document = PDFDocument()
    face.pdf_chunks("中文字国", document)
    gone = weakref.ref(document)
    del document
    gc.collect()
    assert gone() is None
