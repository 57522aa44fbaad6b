"""A long render's progress on a terminal: after about a second, one line updated in place with the issue,
the layout pass and the pages so far; nothing at all when the output is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

SHOW_AFTER = 1.0  # s; a quicker render says nothing until its result line
REDRAW_EVERY = 0.1  # s between redraws of the line


class RenderProgress:
    """A `layout.build.Progress` callback that draws the progress line; `clear()` removes it."""

    def __init__(self, name: str, out: TextIO | None = None, *, tty: bool | None = None,
                 show_after: float = SHOW_AFTER) -> None:
        self.name = name
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.show_after = show_after
        self.started = time.perf_counter()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, number: int, pages: int) -> None:
        if not self.tty:
            return
        now = time.perf_counter()
        if now - self.started < self.show_after or now - self.drawn < REDRAW_EVERY:
            return
        self.drawn, self.shown = now, True
        step = "layout" if number == 1 else f"layout pass {number}"  # a pass 2 only when a contents number moved
        self.out.write(f"\r\x1b[K{self.name}: {step}, {pages} page{'s' * (pages != 1)}")
        self.out.flush()

    def clear(self) -> None:
        if self.shown:
            self.out.write("\r\x1b[K")
            self.out.flush()
            self.shown = False
