"""The package's import graph is one-way: each module imports only from its own layer or the layers below it,
and there are no cycles. The layers are data (LAYERS); docs/architecture.md explains them.

Every import statement counts, including those inside functions (lazy imports are still dependencies).
A new module must be placed in a layer here: the test names it when it is not.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "layout"

# Bottom to top. A module belongs to the layer of the longest prefix that names it ("layout.fonts" covers
# layout.fonts.registry). `layout` itself (the package's __init__, __version__) sits below everything and covers
# no other module: a new module must be placed here.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("package", ("layout", "layout.fileio", "layout.dataclass_code")),
    ("composer", ("layout.text",)),  # pure line composition: widths come from the caller
    ("core", ("layout.errors", "layout.units", "layout.caches", "layout.model", "layout.inline",
              "layout.yamlsrc", "layout.yamlwrite", "layout.themeref", "layout.images", "layout.wordcache",
              "layout.punctuation")),
    ("fonts", ("layout.fonts", "layout.systemfonts")),
    ("theme", ("layout.theme", "layout.theme_schema")),
    ("source", ("layout.loader", "layout.schema", "layout.importer", "layout.newissue")),
    # validate checks glyph coverage of what the story and the page furniture print
    ("typesetting", ("layout.platypus", "layout.styles", "layout.typeset", "layout.buildstate", "layout.fitting",
                     "layout.flowables", "layout.templates", "layout.story", "layout.build", "layout.validate")),
    ("documents", ("layout.render", "layout.check", "layout.snapshot", "layout.pdfdiff", "layout.quality",
                   "layout.manifest", "layout.volume", "layout.executors", "layout.batch", "layout.watch",
                   "layout.pdfa")),
    ("commands", ("layout.commands",)),
    ("cli", ("layout.cli", "layout.__main__")),
]

# Third-party modules only one place may import: ReportLab's global font registry lives behind fonts.registry.
RESTRICTED: dict[str, tuple[str, ...]] = {
    "reportlab.pdfbase.pdfmetrics": ("layout.fonts.registry",),
    "reportlab.pdfbase.ttfonts": ("layout.fonts.registry",),
    "reportlab.rl_config": ("layout.fonts.registry",),
    # platypus is imported through layout.platypus, which spares every render a slow pattern compile at import
    "reportlab.platypus": ("layout.platypus",),
}
# The composer stays independent of any PDF or font engine.
COMPOSER_FORBIDDEN = ("reportlab", "fontTools", "pypdf", "pdfplumber", "PIL")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, name: str) -> set[str]:
    """Every module the file imports, absolute (relative imports resolved), including `from x import y` as x.y
    when x.y is itself a module."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known)
    return out


def layer_of(name: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # The package itself ("layout": its __init__) names only itself, not every module under it.
            covers = name == prefix or (prefix != "layout" and name.startswith(prefix + "."))
            if covers and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imported(path, name) if m in known and m != name} for name, path in known.items()}


def test_every_module_has_a_layer() -> None:
    unplaced = [name for name in modules() if layer_of(name) is None]
    assert not unplaced, f"add these modules to LAYERS in {Path(__file__).name}: {unplaced}"


def test_imports_only_go_down() -> None:
    upward = []
    for name, targets in graph().items():
        own = layer_of(name)
        for target in sorted(targets):
            there = layer_of(target)
            if own is not None and there is not None and there > own:
                upward.append(f"{name} ({LAYERS[own][0]}) imports {target} ({LAYERS[there][0]})")
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    edges = graph()
    # The package __init__ is imported implicitly by every submodule; a submodule importing it is not a cycle
    # unless __init__ imports that submodule back, which the edges then show.
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*stack[stack.index(target):], target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_restricted_third_party_imports() -> None:
    wrong = []
    for name, path in modules().items():
        for target in imported(path, name):
            for restricted, allowed in RESTRICTED.items():
                if (target == restricted or target.startswith(restricted + ".")) and name not in allowed:
                    wrong.append(f"{name} imports {target} (only {', '.join(allowed)} may)")
            if layer_of(name) == 1 and target.split(".")[0] in COMPOSER_FORBIDDEN:
                wrong.append(f"{name} (the composer) imports {target}")
    assert not wrong, "\n".join(wrong)


# --- the checker itself ----------------------------------------------------------------------------------------


def test_the_checker_sees_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lazy import of the commands layer inside a core module is found (the test can fail)."""
    source = "def f():\n    from layout.commands.render import run_render\n    return run_render\n"
    path = tmp_path / "layout" / "units.py"
    path.parent.mkdir()
    path.write_text(source, encoding="utf-8")
    found = imported(path, "layout.units")
    assert "layout.commands.render" in found
    assert layer_of("layout.commands.render") > layer_of("layout.units")  # type: ignore[operator]


def test_the_checker_resolves_relative_imports(tmp_path: Path) -> None:
    path = tmp_path / "layout" / "fonts" / "registry.py"
    path.parent.mkdir(parents=True)
    path.write_text("from .convert import resolve_truetype\nfrom .. import errors\n", encoding="utf-8")
    found = imported(path, "layout.fonts.registry")
    assert {"layout.fonts.convert", "layout"} <= found


def test_the_checker_places_no_module_by_the_package_alone() -> None:
    """A module nobody placed is reported, not silently put in the package's layer (a bug this test once had)."""
    assert layer_of("layout") == 0
    assert layer_of("layout.something_new") is None
    assert layer_of("layout.fonts.something_new") == layer_of("layout.fonts")
