"""Dataclasses made without compiling their methods again at every start.

Python's dataclasses module (3.11, 3.12) writes each method it generates (__init__, __repr__, __eq__, __hash__,
__setattr__ ...) as source text and compiles it with exec() while the class is made. A render imports about 80
dataclasses, so every process compiled some 460 small functions: about 60 ms, a sixth of a whole Typst render.
The text of a method depends only on its class's fields, so its compiled code can be kept like a .pyc file:
`install()` gives the dataclasses module an `exec` that compiles each text once, keeps the code objects in the
user's cache folder (one file per Python bytecode version, written at exit when something new was compiled),
and runs the kept code from then on. The same text gives the same code, so the classes are the same.

A file that cannot be read, is damaged or holds anything but source texts and code objects is ignored and
written anew; a cache folder that cannot be written costs only the compiling. This module sits below every
other (layout/__init__.py installs it before any dataclass is made): of the package it imports only fileio.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import sys
import threading
from pathlib import Path
from types import CodeType
from typing import Any

from layout.fileio import user_cache_dir, write_atomically

FORMAT = 1
MAX_ENTRIES = 4000  # a render needs ~460; the rest is room for other versions of the classes
_codes: dict[str, CodeType] = {}
_new: dict[str, CodeType] = {}
_lock = threading.Lock()
_path: Path | None = None  # the file read at install, written at exit


def cache_file() -> Path:
    tag = sys.implementation.cache_tag or "python"
    return user_cache_dir() / "dataclasses" / f"methods-{tag}-{importlib.util.MAGIC_NUMBER.hex()}.bin"


def compiled(source: str) -> CodeType:
    """The code of `source`, compiled as exec() in the dataclasses module would (no __future__ flags)."""
    code = _codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        with _lock:
            _codes[source] = _new[source] = code
    return code


def _exec(source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
    if isinstance(source, str):
        source = compiled(source)
    builtins.exec(source, globals, locals)


def read(path: Path) -> dict[str, CodeType]:
    """The kept code objects, or none when the file is missing, damaged or of another format."""
    try:
        version, entries = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if version != FORMAT or type(entries) is not dict:
        return {}
    return {k: v for k, v in entries.items() if type(k) is str and type(v) is CodeType}


def save() -> None:
    """Add what was compiled in this process to the file (atomically: a reader never sees half of one)."""
    with _lock:
        if not _new or _path is None:
            return
        fresh = dict(_new)
    path = _path
    entries = read(path)
    entries.update(fresh)
    if len(entries) > MAX_ENTRIES:
        entries = dict(list(entries.items())[-MAX_ENTRIES:])  # the newest kept
    try:
        write_atomically(path, marshal.dumps((FORMAT, entries)), durable=False)  # a damaged file is only ignored
    except OSError:
        return  # a read-only or full cache folder: the next process compiles again
    with _lock:
        for source in fresh:
            _new.pop(source, None)


def install() -> None:
    """Read the kept code, and have the dataclasses module run it instead of compiling (once per process)."""
    global _path
    if _path is not None or "exec" in vars(dataclasses):
        return
    _path = cache_file()
    _codes.update(read(_path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin there alone
    atexit.register(save)
