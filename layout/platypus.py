"""ReportLab's page layout (platypus: document templates, frames, flowables, tables), imported through here.

Importing platypus runs reportlab/platypus/paragraph.py, which compiles a case-insensitive URL pattern over
U+00A1–U+FFFF (`uri_pat`): about 45 ms, a fifth of what `bulletin render` spends importing, for a feature of
ReportLab's Paragraph, which bulletin never uses (its own composer sets every line). While platypus is first
imported here, that module's case-insensitive patterns are compiled when first used instead; every other
pattern, and every later import, compiles as usual.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

LAZY_MODULE = "reportlab.platypus.paragraph"


class CompiledOnUse:
    """A regular expression compiled the first time one of its attributes is used."""

    __slots__ = ("_compile", "_flags", "_pattern", "_source")

    def __init__(self, source: Any, flags: int, compile_now: Callable[[Any, int], re.Pattern[Any]]) -> None:
        self._source, self._flags, self._compile = source, flags, compile_now
        self._pattern: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._pattern is None:
            self._pattern = self._compile(self._source, self._flags)
        return getattr(self._pattern, name)


@contextmanager
def paragraph_patterns_compiled_on_use() -> Iterator[None]:
    if LAZY_MODULE in sys.modules:
        yield
        return
    original = re.compile

    def compile_for_import(pattern: Any, flags: Any = 0) -> Any:
        if flags & re.IGNORECASE and sys._getframe(1).f_globals.get("__name__") == LAZY_MODULE:
            return CompiledOnUse(pattern, flags, original)
        return original(pattern, flags)

    re.compile = compile_for_import
    try:
        yield
    finally:
        re.compile = original


with paragraph_patterns_compiled_on_use():
    from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError, NextPageTemplate, PageTemplate
    from reportlab.platypus.flowables import Flowable, Image, PageBreak
    from reportlab.platypus.frames import Frame
    from reportlab.platypus.tables import Table, TableStyle

__all__ = [
    "BaseDocTemplate",
    "Flowable",
    "Frame",
    "Image",
    "LayoutError",
    "NextPageTemplate",
    "PageBreak",
    "PageTemplate",
    "Table",
    "TableStyle",
]
