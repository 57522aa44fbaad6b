"""The process's caches, in one place, under one rule.

The rule: an entry remembers the files it was built from and their (mtime, size) stamps; it is stale — and
rebuilt — as soon as any of those files changed, went missing or came back different. An entry built from no
file (a content-addressed parse, keyed by the bytes' hash) is never stale. A long-lived process (a batch
worker, `bulletin watch`) therefore never uses a stale face, theme or hash, and `clear_all()` empties every
cache at once (tests, or a worker that wants to drop its memory).

Every process-wide cache is a `FileCache` created here-by-name: `caches.registry()` lists them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
Stamps = tuple[tuple[int, int], ...]


def stamps(files: Iterable[Path]) -> Stamps | None:
    """(mtime_ns, size) of every file, or None when one cannot be read (which never matches a recorded entry)."""
    out = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            return None
        out.append((stat.st_mtime_ns, stat.st_size))
    return tuple(out)


class FileCache(Generic[K, V]):
    """Values by key, each valid while the files it was built from keep their stamps. Thread-safe."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[K, tuple[tuple[Path, ...], Stamps, V]] = {}
        self._lock = threading.RLock()
        with _REGISTRY_LOCK:
            _REGISTRY.append(self)

    def get(self, key: K) -> V | None:
        """The value for `key` if there is one and none of its files changed since it was stored; else None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        files, recorded, value = entry
        if files and stamps(files) != recorded:
            with self._lock:
                self._entries.pop(key, None)
            return None
        return value

    def put(self, key: K, value: V, files: Iterable[Path] = ()) -> V:
        """Store `value`, valid while `files` keep their current stamps; returns it. A file that cannot be
        read makes the entry stale at once (it is kept out)."""
        files = tuple(files)
        current = stamps(files)
        if current is not None:
            with self._lock:
                self._entries[key] = (files, current, value)
        return value

    def get_or_build(self, key: K, build: Callable[[], tuple[V, Iterable[Path]]]) -> V:
        """The fresh value for `key`, or `build()`'s (value, files it read), stored. The lock is held while
        building, so two threads never build the same entry twice."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self.get(key)
            if found is not None:
                return found
            value, files = build()
            return self.put(key, value, files)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"FileCache({self.name!r}, {len(self)} entries)"


_REGISTRY: list[FileCache[Any, Any]] = []
_REGISTRY_LOCK = threading.Lock()


def registry() -> list[FileCache[Any, Any]]:
    """Every cache of the process, in creation order."""
    with _REGISTRY_LOCK:
        return list(_REGISTRY)


def clear_all() -> None:
    """Empty every cache of the process."""
    for cache in registry():
        cache.clear()
