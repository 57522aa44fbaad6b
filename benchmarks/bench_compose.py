"""Benchmark the Chinese line composer against ReportLab's wordWrap='CJK' on the sample issue, and audit its output."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Hashable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import yaml
from fontTools.ttLib import TTFont

from layout.text.cjk import NO_END, NO_START, CharClass, Strictness, classify, is_han
from layout.text.clusters import parse_segments
from layout.text.compose import ComposeOptions, Line, Span, compose

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"
FONT = REPO / "fonts" / "NotoSerifSC-Regular.ttf"
BODY_SIZE = 10.5  # pt, the body size of the default theme
MEASURE_EM = 28  # line width in em
STRETCH_LIMIT = 0.15  # em per gap: more than this reads as gappy
FLUSH_FUZZ = 0.5  # pt


def load_strings(path: Path) -> list[str]:
    """Every string the issue file holds (keys excluded), markup stars removed, in document order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [s.replace("**", "") for s in _walk(data) if s.strip()]


def _walk(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield str(node)


def load_advances(path: Path) -> tuple[dict[int, int], int]:
    """Advance widths by code point, in font units, read straight from hmtx+cmap, and the font's units per em."""
    font = TTFont(path, lazy=True)
    hmtx = font["hmtx"]
    advances = {cp: hmtx[glyph][0] for cp, glyph in font.getBestCmap().items()}
    return advances, font["head"].unitsPerEm


def make_measure(advances: dict[int, int], upem: int) -> tuple[object, set[str]]:
    missing: set[str] = set()
    notdef = advances.get(0x3000, upem)

    def measure(style: Hashable, ch: str) -> float:
        size = style[1]  # type: ignore[index]
        adv = advances.get(ord(ch))
        if adv is None:
            missing.add(ch)
            adv = notdef
        return adv * size / upem

    return measure, missing


def time_ours(
    texts: list[str], measure: object, options: ComposeOptions, repeat: int
) -> tuple[float, list[list[Line]]]:
    style = ("serif", BODY_SIZE)
    best = float("inf")
    out: list[list[Line]] = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = [compose([Span(t, style, BODY_SIZE)], measure, options) for t in texts]  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - started)
    return best, out


def time_reportlab(texts: list[str], width: float, repeat: int) -> tuple[float, int]:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
    from reportlab.platypus import Paragraph

    if "bench-NotoSerifSC" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(RLTTFont("bench-NotoSerifSC", str(FONT)))
    style = ParagraphStyle(
        "bench",
        fontName="bench-NotoSerifSC",
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.6,
        firstLineIndent=2 * BODY_SIZE,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
    )
    best = float("inf")
    lines = 0
    for _ in range(repeat):
        started = time.perf_counter()
        lines = 0
        for t in texts:
            para = Paragraph(escape(t), style)
            para.wrap(width, 1e6)
            lines += len(para.blPara.lines)
        best = min(best, time.perf_counter() - started)
    return best, lines


def audit(texts: list[str], results: list[list[Line]], em: float) -> dict[str, object]:
    """Prohibition violations, flush share, 孤字, and the gaps stretched beyond STRETCH_LIMIT."""
    no_start, no_end = NO_START[Strictness.GB], NO_END[Strictness.GB]
    violations: list[str] = []
    orphans: list[str] = []
    loose: list[tuple[float, str, bool]] = []
    ragged: list[tuple[bool, str]] = []
    nonfinal = flush = 0
    total_lines = 0
    for text, lines in zip(texts, results, strict=True):
        total_lines += len(lines)
        for i, line in enumerate(lines):
            body = line.text.strip()
            if i > 0 and body and body[0] in no_start:
                violations.append(f"starts with {body[0]!r}: {line.text}")
            if not line.last and body and body[-1] in no_end:
                violations.append(f"ends with {body[-1]!r}: {line.text}")
            if line.last:
                continue
            nonfinal += 1
            if abs(line.end - (line.left + line.width)) <= FLUSH_FUZZ:
                flush += 1
            else:
                inside = not text[line.stop - 1].isspace() and _in_latin_run(text, line.stop)
                ragged.append((inside, f"{line.end - line.left - line.width:+.2f} pt: {line.text}"))
            gaps = _gap_count(text[line.start : line.stop].strip())
            if gaps:
                per_gap = (line.end - line.left - line.natural) / gaps / em
                if per_gap > STRETCH_LIMIT:
                    segment = text[line.start : line.stop]
                    has_run = any(len(w) > 8 for w in segment.split()) or _long_latin(segment)
                    loose.append((per_gap, line.text, has_run))
        # 孤字: a last line holding one Han character and nothing else but punctuation.
        rest = [c for c in lines[-1].text if not c.isspace() and classify(c) != CharClass.PUNCT]
        if len(lines) > 1 and (len(rest) == 0 or (len(rest) == 1 and is_han(rest[0]))):
            orphans.append(lines[-1].text)
    return {
        "lines": total_lines,
        "violations": violations,
        "nonfinal": nonfinal,
        "flush": flush,
        "ragged": ragged,
        "orphans": orphans,
        "loose": loose,
    }


def _in_latin_run(text: str, index: int) -> bool:
    """Whether a break before text[index] falls inside a run of Latin characters (a split URL or word)."""
    return all(classify(c) == CharClass.LATIN for c in text[index - 1 : index + 1])


def _gap_count(segment: str) -> int:
    """Junctions between clusters on a line: where justification puts its slack."""
    segs = parse_segments(segment, Strictness.GB)
    return sum(max(0, len(s.begins) - 1) for s in segs)


def _long_latin(segment: str) -> bool:
    run = 0
    for ch in segment:
        run = run + 1 if ch.isascii() and not ch.isspace() else 0
        if run >= 12:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine; the best time counts")
    parser.add_argument("--issue", type=Path, default=SAMPLE_ISSUE)
    args = parser.parse_args(argv)
    if not FONT.exists():
        print(f"missing {FONT}: build it first (python fonts/build_fonts.py)", file=sys.stderr)
        return 1
    texts = load_strings(args.issue)
    chars = sum(len(t) for t in texts)
    advances, upem = load_advances(FONT)
    measure, missing = make_measure(advances, upem)
    width = MEASURE_EM * BODY_SIZE
    options = ComposeOptions(width=width, first_indent=2 * BODY_SIZE)

    ours, results = time_ours(texts, measure, options, args.repeat)
    theirs, rl_lines = time_reportlab(texts, width, args.repeat)
    report = audit(texts, results, BODY_SIZE)

    print(f"sample: {args.issue.name}, {len(texts)} strings, {chars} characters")
    print(f"measure {MEASURE_EM} em at {BODY_SIZE} pt, first line indent 2 em, justified")
    print(f"  ours      compose():             {ours * 1000:8.1f} ms  {chars / ours:10.0f} chars/s")
    print(f"  reportlab Paragraph(CJK).wrap(): {theirs * 1000:8.1f} ms  {chars / theirs:10.0f} chars/s")
    print(f"  ratio ours/reportlab time: {ours / theirs:.2f}x")
    if missing:
        print(f"  characters missing from the font (measured as 1 em): {''.join(sorted(missing))}")
    print(f"lines: ours {report['lines']}, reportlab {rl_lines}")
    violations = report["violations"]
    print(f"prohibition violations: {len(violations)}")  # type: ignore[arg-type]
    for v in violations:  # type: ignore[attr-defined]
        print(f"    {v}")
    nonfinal, flush, ragged = report["nonfinal"], report["flush"], report["ragged"]
    split = sum(1 for inside, _ in ragged if inside)  # type: ignore[attr-defined]
    print(f"non-final lines flush: {flush}/{nonfinal} = {100 * flush / max(1, nonfinal):.2f}%")  # type: ignore[operator]
    print(
        f"  leaving out the {split} lines that end inside a split URL (nothing to stretch, ragged by design): "
        f"{flush}/{nonfinal - split} = {100 * flush / max(1, nonfinal - split):.2f}%"  # type: ignore[operator]
    )
    for inside, r in ragged:  # type: ignore[attr-defined]
        print(f"    {'[split URL] ' if inside else ''}{r}")
    orphans = report["orphans"]
    print(f"孤字 (last line of one Han character and punctuation): {len(orphans)}")  # type: ignore[arg-type]
    for o in orphans:  # type: ignore[attr-defined]
        print(f"    {o}")
    loose = report["loose"]
    print(f"lines with gaps stretched beyond {STRETCH_LIMIT} em: {len(loose)}")  # type: ignore[arg-type]
    for per_gap, text, has_run in sorted(loose, reverse=True):  # type: ignore[attr-defined]
        tag = "long Latin run" if has_run else "NO long Latin run"
        print(f"    {per_gap:.3f} em/gap [{tag}] {text}")
    if loose:
        print(f"  median stretch of those: {statistics.median(p for p, _, _ in loose):.3f} em/gap")  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
