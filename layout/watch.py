"""`bulletin watch`: render an issue again whenever one of its inputs changes, warm.

One process keeps what a cold render pays for: imported modules, parsed fonts, resolved themes (reloaded
only when their files change) and composed paragraphs. Compositions are keyed by text, style and measure
(`ComposeCache`), so after a one-paragraph edit only that paragraph, and whatever its new line count
moves to another measure, is composed again. Each render writes its PDF atomically, so a viewer that
reloads on change never sees half a file; a broken edit leaves the last good PDF in place.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from layout.build import build_pdf
from layout.buildstate import ComposeCache
from layout.errors import Diagnostic, SourceError
from layout.fileio import write_atomically
from layout.loader.issue import load_issue
from layout.loader.publication import find_publication
from layout.manifest import issue_inputs
from layout.render import DEFAULT_OUTPUT_DIR
from layout.text.compose import Line, Span
from layout.validate import validate_issue

# Changes closer together than this are one edit (an editor's save can be a write, a rename and a chmod).
SETTLE_MS = 50
# Besides the change events, the inputs' stamps are compared this often: an edit made while a render ran, or
# before the folder watch was set up, is not lost.
CHECK_MS = 500
Stamp = tuple[int, int] | None  # (mtime_ns, size), None for a missing file


def stamp(path: Path) -> Stamp:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class WarmCache(ComposeCache):
    """Compositions kept from one render to the next; each render keeps only what it used, so edits do not
    make the cache grow without end. Counts what a render composed afresh and what it reused."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[tuple[object, ...]] = set()
        self.composed = 0

    def lines(
        self, spans: tuple[Span, ...], options_key: tuple[object, ...], make: Callable[[], list[Line]]
    ) -> list[Line]:
        self.used.add((spans, options_key))

        def compose_counted() -> list[Line]:
            self.composed += 1
            return make()

        return super().lines(spans, options_key, compose_counted)

    def start_render(self) -> None:
        self.used = set()
        self.composed = 0

    def end_render(self) -> None:
        self._lines = {key: lines for key, lines in self._lines.items() if key in self.used}


@dataclass(frozen=True, slots=True)
class WatchRender:
    """One render of a watch: the PDF written (or None when the source is broken), its problems, its cost."""

    output: Path | None
    pages: int
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)
    composed: int = 0  # compositions made afresh
    compositions: int = 0  # compositions the render used

    @property
    def ok(self) -> bool:
        return self.output is not None


class IssueWatcher:
    """Renders one issue on demand, warm, and knows which files the render read."""

    def __init__(
        self, source: Path, output: Path | None = None, *, publication: Path | None = None,
        theme: str | Path | None = None,
    ) -> None:
        self.source = source
        self.output = output
        self.publication = publication
        self.theme = theme
        self.cache = WarmCache()
        self.inputs: set[Path] = self._fallback_inputs()
        self.stamps: dict[Path, Stamp] = {}  # each input as the last render read it
        self.renders = 0

    def _fallback_inputs(self) -> set[Path]:
        """What to watch before a render has succeeded: the issue and its publication file."""
        publication = self.publication or find_publication(self.source)
        return {p.resolve() for p in (self.source, publication) if p is not None}

    def render(self) -> WatchRender:
        """Render the issue now; on invalid input write nothing and return the problems."""
        started = time.perf_counter()
        self.renders += 1
        self.stamps = {path: stamp(path) for path in self.inputs}  # before reading: a later edit is seen
        try:
            issue = load_issue(self.source, publication=self.publication)
            theme = validate_issue(issue, self.theme)
            self.inputs = {p.resolve() for p in issue_inputs(issue, theme)}
            self.stamps |= {path: stamp(path) for path in self.inputs if path not in self.stamps}
            self.cache.start_render()
            result = build_pdf(issue, theme, cache=self.cache)
        except SourceError as exc:
            added = self._fallback_inputs() - self.inputs  # a new publication file may be what fixes it
            self.inputs |= added
            self.stamps |= {path: stamp(path) for path in added}
            return WatchRender(None, 0, time.perf_counter() - started, exc.diagnostics)
        self.cache.end_render()
        path = self.output or DEFAULT_OUTPUT_DIR / f"{issue.stem}.pdf"
        write_atomically(path, result.pdf)
        return WatchRender(path, result.pages, time.perf_counter() - started, [], self.cache.composed,
                           len(self.cache.used))

    def stale(self) -> set[Path]:
        """The inputs that changed since the last render read them."""
        return {path for path in self.inputs if stamp(path) != self.stamps.get(path)}

    def changes(self, stop: threading.Event | None = None) -> Iterator[set[Path]]:
        """Each set of input files that changed together, until `stop` is set (or Ctrl-C).

        Folders are watched, not files: editors that save by writing a new file and renaming it over the
        old one would otherwise end the watch on the first save. When a render reads other files (a new
        image, another theme), the folders watched follow. A change counts when a file's stamp differs from
        what the last render read, so a save that rewrites nothing new renders nothing.
        """
        while stop is None or not stop.is_set():
            folders = self._folders()

            def is_input(change: watchfiles.Change, path: str) -> bool:
                return Path(path).resolve() in self.inputs

            for _ in watchfiles.watch(*folders, watch_filter=is_input, step=SETTLE_MS, stop_event=stop,
                                      rust_timeout=CHECK_MS, yield_on_timeout=True, recursive=False,
                                      raise_interrupt=True):
                changed = self.stale()
                if changed:
                    yield changed
                    if self._folders() != folders:
                        break  # watch the new set of folders
            else:
                return  # stopped

    def _folders(self) -> list[Path]:
        return sorted({path.parent for path in self.inputs if path.parent.is_dir()})


def watch_issue(watcher: IssueWatcher, report: Callable[[WatchRender, set[Path]], None],
                stop: threading.Event | None = None) -> None:
    """Render now, then once for every batch of changed inputs, reporting each render, until stopped."""
    report(watcher.render(), set())
    for changed in watcher.changes(stop):
        report(watcher.render(), changed)
