"""Glyph coverage: which characters of a text no face of a chain draws, and which faces draw which."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from layout.errors import Diagnostic, SourcePos
from layout.fonts.registry import Face, FontChain
from layout.model import Text


def coverage_diagnostics(texts: Iterable[Text], chain: FontChain) -> list[Diagnostic]:
    """One diagnostic per (character, position) that no face of `chain` can draw."""
    tried = ", ".join(face.spec.path.name for face in chain)
    texts = list(texts)
    # Check each distinct character once (an issue has a few hundred); look for positions only when one is missing.
    if not chain.missing("".join({ch for text in texts for ch in text.plain})):
        return []
    seen: set[tuple[str, SourcePos]] = set()
    out: list[Diagnostic] = []
    for text in texts:
        plain = text.plain
        for i in chain.missing(plain):
            ch, pos = plain[i], text.locate(i)
            if (ch, pos) not in seen:
                seen.add((ch, pos))
                out.append(Diagnostic(pos, f"'{ch}' U+{ord(ch):04X} is in no configured font", f"fonts tried: {tried}"))
    return out


# Beside GB 2312, what Chinese text prints that GB 2312's decoding misses (Python maps its middle dot and dash to
# U+30FB and U+2015, while text uses · U+00B7 and — U+2014): Latin-1, general punctuation, CJK symbols and
# punctuation, full-width forms.
COMMON_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x205E), (0x3000, 0x303F), (0xFF01, 0xFF65), (0xFFE0, 0xFFE6))


def common_characters() -> str:
    """What `bulletin fonts --prepare` converts of a CFF font: GB 2312's 7,445 characters (its 6,763 Han characters,
    CJK and full-width punctuation, kana, Greek, Cyrillic, symbols) and COMMON_RANGES. An issue's text lies almost
    wholly within them: the sample's 878 distinct characters all do, the realistic fixture's 432 but for two
    characters of people's names (喆堃, which its render then converts in milliseconds)."""
    chars = {chr(code) for first, last in COMMON_RANGES for code in range(first, last + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # an unassigned code
    return "".join(sorted(chars))


# how many fallback characters `bulletin fonts` lists per face before "…"
MAX_LISTED_CHARACTERS = 20


def describe_face(key: str, face: Face) -> str:
    """One line for `bulletin fonts`: theme name, file, glyphs, coverage summary, ReportLab name."""
    coverage = face.coverage()
    han = sum(1 for cp in coverage if 0x4E00 <= cp <= 0x9FFF)
    latin = sum(1 for cp in coverage if 0x20 <= cp <= 0xFF)
    flags = " (synthetic bold)" if face.synthetic_bold else ""
    if face.converts_on_demand:
        flags += f" (CFF, {face.converted_glyphs()} glyphs converted so far)"
    return (
        f"{key}: {face.spec.path.name}{flags}, {face.glyph_count} glyphs, {len(coverage)} code points "
        f"(Han {han}, Latin {latin}), {face.family}, as {face.name}"
    )


def describe_fallback(chain: FontChain, texts: Sequence[Text]) -> list[str]:
    """Per face of the chain: how many characters it draws, and which ones when it is a fallback."""
    counts: dict[int, int] = {}
    first_seen: dict[int, dict[str, SourcePos]] = {}
    for text in texts:
        for offset, ch in enumerate(text.plain):
            face_index = chain.first_index(ch)
            if face_index < 0 or ch.isspace():
                continue
            counts[face_index] = counts.get(face_index, 0) + 1
            first_seen.setdefault(face_index, {}).setdefault(ch, text.locate(offset))
    lines = []
    for face_index, face in enumerate(chain):
        distinct = first_seen.get(face_index, {})
        line = f"  {face.spec.path.name}: {counts.get(face_index, 0)} characters ({len(distinct)} distinct)"
        if face_index > 0 and distinct:
            listed = [f"'{ch}' U+{ord(ch):04X} at {pos}" for ch, pos in list(distinct.items())[:MAX_LISTED_CHARACTERS]]
            more = ", …" if len(distinct) > MAX_LISTED_CHARACTERS else ""
            line += ": " + ", ".join(listed) + more
        lines.append(line)
    return lines

