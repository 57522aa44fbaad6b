"""Reading sources: encodings, tabs, control characters, YAML errors, and hostile input refused within limits."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from layout.check import check_source
from layout.errors import Diagnostic, SourcePos
from layout.yamlsrc import (
    MAX_DEPTH,
    MAX_DIAGNOSTICS,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_SCALAR_CHARS,
    BoundedLoader,
    PureLoader,
    YamlSource,
    guess_encoding,
    load_yaml,
)

PUB = "publisher: 甲\nmasthead: 快讯\nfooter: [页脚]\n"
ISSUE = "issue:\n  year: 2018\n  number: '1'\nsections:\n  - title: 政策\n    articles:\n      - title: 标题\n" \
        "        blocks:\n          - 正文\n"
# Hostile input must be refused with bounded work: the caps (file size, values, depth, string length) stop it,
# and each test checks the cap's own message. Memory is checked here; time is for benchmarks, not tests.
MAX_PYTHON_MEMORY = 64 << 20


REPO = Path(__file__).resolve().parents[1]
LOADERS = sorted({BoundedLoader, PureLoader}, key=lambda cls: cls.__name__)  # libyaml-backed one when available


def source(tmp_path: Path, data: bytes | str, loader: type | None = None) -> YamlSource:
    path = tmp_path / "x.yaml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return load_yaml(path, "x.yaml", loader=loader)


def only(src: YamlSource) -> Diagnostic:
    assert len(src.diagnostics) == 1, [d.format() for d in src.diagnostics]
    return src.diagnostics[0]


def at(line: int, col: int) -> SourcePos:
    return SourcePos("x.yaml", line, col)


# --- encodings ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "name"),
    [("gbk", "GBK"), ("gb18030", "GBK"), ("big5", "Big5"), ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16")],
)
def test_non_utf8_names_the_likely_encoding(tmp_path: Path, encoding: str, name: str) -> None:
    title = "關於發布科技創新行動計劃的通知，請認真貫徹落實" if name == "Big5" else "关于发布科技创新行动计划的通知"
    text = f"title: {title}\n" if "16" in encoding else f"# comment\ntitle: {title}\n"
    src = source(tmp_path, text)
    diag = only(source(tmp_path, text.encode(encoding)))
    assert src.root is not None  # the same text in UTF-8 is fine
    assert f"file is not UTF-8: it looks like {name}" in diag.message
    assert "UTF-8" in (diag.hint or "")
    assert f"iconv -f {name}" in (diag.hint or "")
    if "16" not in encoding:
        assert diag.pos == at(2, 8)  # the first byte of 关/關


def test_undecodable_bytes_without_a_guess(tmp_path: Path) -> None:
    diag = only(source(tmp_path, b"a: b\nc: \xff\xfe\xfd\x80\n"))
    assert diag.pos == at(2, 4)
    assert diag.message == "file is not UTF-8 (byte 0xFF here)"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    src = source(tmp_path, "\ufeffa: 甲\n")
    assert src.diagnostics == []
    assert src.root is not None


def test_guess_encoding_leaves_plain_ascii_alone() -> None:
    assert guess_encoding(b"\xff\xfeA\x00") == "UTF-16"
    assert guess_encoding("中文".encode("gbk")) == "GBK"


# --- tabs and control characters ------------------------------------------------------------------------------
def test_tabs_are_pointed_at_and_parsing_goes_on(tmp_path: Path) -> None:
    src = source(tmp_path, "a:\n\tb: 1\nc: [x,\ty]\nd: e\tf\t\n")
    assert [(d.pos, d.message) for d in src.diagnostics] == [
        (at(2, 1), "tab character in the indentation"), (at(3, 7), "tab character"), (at(4, 5), "tab character")]
    assert src.root is not None  # replaced by spaces, the rest of the file is still checked


def test_raw_control_characters(tmp_path: Path) -> None:
    src = source(tmp_path, "a: 甲\x07乙\nb: \x1b[31m\nc: \u0085\n")
    assert [(d.pos, d.message) for d in src.diagnostics] == [
        (at(1, 5), "control character U+0007 in the file"),
        (at(2, 4), "control character U+001B in the file"),
        (at(3, 4), "control character U+0085 in the file"),
    ]
    assert src.root is not None


def test_too_many_problems_are_capped(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text(PUB, encoding="utf-8")
    issue = tmp_path / "issue.yaml"
    issue.write_text(ISSUE + "".join(f"          - 正文\t{i}\n" for i in range(300)), encoding="utf-8")
    diags = check_source(issue)
    assert len(diags) == MAX_DIAGNOSTICS + 1
    assert all(d.message == "tab character" for d in diags[:-1])
    assert diags[-1].pos is None
    assert diags[-1].message == f"… and {300 - MAX_DIAGNOSTICS} more problems not shown"


# --- YAML errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "pos", "message"),
    [
        ("a: [1, 2\nb: 3\n", at(1, 4), "the [ that starts here is never closed"),
        ("a: 1\n---\nb: 2\n", at(2, 1), "invalid YAML: but found another document"),
        ("a: *missing\n", at(1, 4), "invalid YAML: found undefined alias 'missing'"),
        ("a: 'open\n", at(1, 4), "the quote ' that starts here is never closed"),
        ("a: @b\n", at(1, 4), "invalid YAML: found character that cannot start any token; found '@'"),
    ],
)
def test_yaml_errors_carry_their_mark(tmp_path: Path, text: str, pos: SourcePos, message: str) -> None:
    diag = only(source(tmp_path, text))
    assert diag.pos == pos
    assert diag.message == message


def test_empty_file(tmp_path: Path) -> None:
    diag = only(source(tmp_path, "# only a comment\n"))
    assert diag.pos == at(1, 1)
    assert diag.message == "file is empty"


def test_missing_file(tmp_path: Path) -> None:
    src = load_yaml(tmp_path / "nope.yaml", "nope.yaml")
    assert src.root is None
    assert [d.format() for d in src.diagnostics] == ["nope.yaml: no such file"]


# --- hostile input --------------------------------------------------------------------------------------------
def bounded(tmp_path: Path, data: bytes | str, loader: type | None = None) -> YamlSource:
    """Load hostile `data`, checking that Python's memory stays bounded while it is refused."""
    tracemalloc.start()
    try:
        src = source(tmp_path, data, loader)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_PYTHON_MEMORY
    return src


@pytest.mark.parametrize("loader", LOADERS)
def test_alias_bomb_is_refused_while_composing(tmp_path: Path, loader: type) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(9))
    diag = only(bounded(tmp_path, bomb, loader))  # fully expanded: 10**10 values
    assert diag.message == (f"the document expands to more than {MAX_NODES:,} values "
                            "(aliases counted in full): refusing it")
    assert diag.pos is not None
    assert diag.pos.line == 5


def test_modest_aliases_are_allowed(tmp_path: Path) -> None:
    src = source(tmp_path, "a: &sig [工作组, 2018年5月31日]\nb: *sig\n")
    assert src.diagnostics == []
    assert src.root.value[0][1] is src.root.value[1][1]


@pytest.mark.parametrize("loader", LOADERS)
def test_recursive_alias_is_refused(tmp_path: Path, loader: type) -> None:
    diag = only(source(tmp_path, "a: &a [1, *a]\n", loader))
    assert diag.pos == at(1, 11)
    assert "refers to a value that contains it" in diag.message


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 50_000])
def test_deep_nesting_is_refused(tmp_path: Path, depth: int, loader: type) -> None:
    diag = only(bounded(tmp_path, "[" * depth + "]" * depth, loader))
    assert diag.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert diag.pos == at(1, MAX_DEPTH + 1)


def test_nesting_at_the_limit_is_fine(tmp_path: Path) -> None:
    assert source(tmp_path, "[" * MAX_DEPTH + "]" * MAX_DEPTH).diagnostics == []


def test_file_size_is_checked_before_parsing(tmp_path: Path) -> None:
    diag = only(bounded(tmp_path, b"[" * (MAX_FILE_BYTES + 1)))  # would be a nesting error if it were parsed
    assert diag.pos == at(1, 1)
    assert diag.message == f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes"


def test_many_small_values_hit_the_node_limit(tmp_path: Path) -> None:
    diag = only(bounded(tmp_path, "[" + "1," * (MAX_NODES + 10) + "]"))
    assert "expands to more than" in diag.message


def test_long_string_is_refused(tmp_path: Path) -> None:
    src = source(tmp_path, "a: ok\nb: " + "长" * (MAX_SCALAR_CHARS + 1) + "\n")
    diag = only(src)
    assert diag.pos == at(2, 4)
    assert diag.message == (f"text of {MAX_SCALAR_CHARS + 1:,} characters is longer than the limit "
                            f"of {MAX_SCALAR_CHARS:,}")


def test_limits_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "source-format.md").read_text(encoding="utf-8")
    limits = doc[doc.index("## Limits") :]
    values = (MAX_FILE_BYTES, MAX_NODES, MAX_DEPTH, MAX_SCALAR_CHARS, MAX_DIAGNOSTICS)
    for value in (f"{v:,}" for v in values):
        assert value in limits


def flatten(node: object) -> list[tuple]:
    """(kind, tag, value, line, column, plain?) of every node, in document order."""
    out = [(type(node).__name__, node.tag, node.value if isinstance(node.value, str) else None,  # type: ignore[attr-defined]
            node.start_mark.line, node.start_mark.column, not getattr(node, "style", None))]  # type: ignore[attr-defined]
    if isinstance(node.value, list):  # type: ignore[attr-defined]
        for item in node.value:  # type: ignore[attr-defined]
            for child in item if isinstance(item, tuple) else (item,):
                out += flatten(child)
    return out


def test_both_parsers_give_the_same_nodes_for_the_sample(tmp_path: Path) -> None:
    text = (REPO / "issues" / "2018-0602.yaml").read_text(encoding="utf-8")
    fast, pure = (flatten(source(tmp_path, text, loader).root) for loader in (BoundedLoader, PureLoader))
    assert fast == pure
    assert len(fast) > 600
