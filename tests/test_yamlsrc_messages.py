"""YAML mistakes in an editor's words: a table of broken inputs and the one message each must give.

Each row is a slip editors make (wrong indentation, a missing '- ', a ': ' inside text, an unclosed quote or
bracket, a tab) and the full `file:line:col: message (hint)` line `bulletin check` prints for it. Both parsers
(libyaml and PyYAML's pure-Python one) must say the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.check import check_source
from layout.errors import sort_diagnostics
from layout.yamlsrc import BoundedLoader, PureLoader, load_yaml

LOADERS = sorted({BoundedLoader, PureLoader}, key=lambda cls: cls.__name__)

MESSAGES: list[tuple[str, str, str]] = [
    # (what, broken YAML, expected message)
    ("a key indented one space too far",
     'issue:\n  year: 2018\n   number: "0602"\n',
     "x.yaml:3:4: line 3 is indented more than line 2 above it (3 spaces against 2) "
     "(lines of one mapping or list start in the same column; remove 1 space)"),
    ("a key indented one space too little",
     'issue:\n  year: 2018\n number: "0602"\n',
     "x.yaml:3:2: line 3 is indented 1 space, unlike the lines above it "
     "(indent it 2 spaces like line 2, or 0 spaces like line 1)"),
    ("a key under a list item indented too far",
     "sections:\n  - title: 政策\n    articles:\n      - title: 标题\n         blocks: [正文]\n",
     "x.yaml:5:10: line 5 is indented more than line 4 above it (9 spaces against 8) "
     "(lines of one mapping or list start in the same column; remove 1 space)"),
    ("a list item indented too little",
     "blocks:\n  - 正文一\n - 正文二\n",
     "x.yaml:3:2: line 3 is indented 1 space, unlike the lines above it "
     "(indent it 2 spaces like line 2, or 0 spaces like line 1)"),
    ("a list item whose '- ' stands one column too far (the key below it then fits neither column)",
     "articles:\n   - title: 甲\n    blocks: [正文]\n",
     "x.yaml:3:5: line 3 is indented 4 spaces, unlike the lines above it "
     "(indent it 5 spaces like line 2; or, if line 2 is the one out of place, start its '- ' in the column of "
     "the other items of its list)"),
    ("a paragraph without its '- '",
     "blocks:\n  - 正文一\n  正文二\n",
     "x.yaml:3:3: line 3 has no '- ' but stands in the list of line 2 "
     "(start it with '- ' like line 2, or indent it under the item it belongs to)"),
    ("an article without its '- '",
     "sections:\n  - title: 政策\n    articles: []\n  title: 其他\n",
     "x.yaml:4:3: line 4 has no '- ' but stands in the list of line 2 "
     "(start it with '- ' like line 2, or indent it under the item it belongs to)"),
    ("a ': ' inside a title",
     "title: 通知: 关于开展活动\n",
     'x.yaml:1:10: a \': \' inside text makes YAML read the text before it as a key '
     '(put the whole text in quotes: title: "通知: 关于开展活动")'),
    ("a ': ' inside a list item's title",
     "articles:\n  - title: 通知: 关于开展活动\n",
     'x.yaml:2:14: a \': \' inside text makes YAML read the text before it as a key '
     '(put the whole text in quotes: - title: "通知: 关于开展活动")'),
    ("a ': ' inside text that holds double quotes",
     'title: 关于"通知": 全文\n',
     "x.yaml:1:14: a ': ' inside text makes YAML read the text before it as a key "
     "(put the whole text in quotes: title: '关于\"通知\": 全文')"),
    ("an unclosed double quote at the end of the file",
     'title: "关于通知\n',
     'x.yaml:1:8: the quote " that starts here is never closed (end the text with " on the same line)'),
    ("an unclosed single quote",
     "title: '关于通知\nnext: 1\n",
     "x.yaml:1:8: the quote ' that starts here is never closed (end the text with ' on the same line)"),
    ("an unclosed quote that a later quote closes",
     'title: "关于通知\nnext: "正文"\n',
     'x.yaml:1:8: the quote " that starts here is not closed on its line (end the text with " on the same line)'),
    ("an unclosed bracket",
     "list: [甲, 乙\nnext: 1\n",
     "x.yaml:1:7: the [ that starts here is never closed "
     "(end it with ] on the same line, or put text that starts with [ in quotes)"),
    ("an unclosed brace",
     "image: {path: qr.png\nnext: 1\n",
     "x.yaml:1:8: the { that starts here is never closed "
     "(end it with } on the same line, or put text that starts with { in quotes)"),
    ("a tab in the indentation",
     "issue:\n\tyear: 2018\n",
     "x.yaml:2:1: tab character in the indentation (YAML indents with spaces only; replace the tab with spaces)"),
    ("a tab inside a line",
     "title: 关于\t通知\n",
     "x.yaml:1:10: tab character (replace it with a space)"),
]


@pytest.mark.parametrize("loader", LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(("what", "text", "expected"), MESSAGES, ids=[row[0] for row in MESSAGES])
def test_yaml_mistake_gives_one_plain_message(tmp_path: Path, loader: type, what: str, text: str,
                                              expected: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    src = load_yaml(path, "x.yaml", loader=loader)
    assert [d.format() for d in src.diagnostics] == [expected]


def test_errors_after_a_tab_are_left_out(tmp_path: Path) -> None:
    """A tab read as one space shifts the indentation: the parser's error that follows is not reported."""
    path = tmp_path / "x.yaml"
    path.write_text("issue:\n  year: 2018\n\tnumber: '1'\n  date: 2018-06-04\n", encoding="utf-8")
    src = load_yaml(path, "x.yaml")
    assert [d.format() for d in src.diagnostics] == [
        "x.yaml:3:1: tab character in the indentation (YAML indents with spaces only; replace the tab with spaces)"]


def test_an_error_before_the_first_tab_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("title: 通知: 关于\nnext:\n\tx: 1\n", encoding="utf-8")
    messages = [d.format() for d in sort_diagnostics(load_yaml(path, "x.yaml").diagnostics)]
    assert messages[0].startswith("x.yaml:1:10: a ': ' inside text")
    assert messages[1].startswith("x.yaml:3:1: tab character in the indentation")


def test_a_list_item_indented_into_the_text_above(tmp_path: Path) -> None:
    """YAML itself accepts this (the item becomes more of the paragraph above); check refuses it."""
    (tmp_path / "bulletin.yaml").write_text("publisher: 甲\nmasthead: 快讯\nfooter: [页脚]\n", encoding="utf-8")
    issue = tmp_path / "i.yaml"
    issue.write_text('issue:\n  year: 2018\n  number: "1"\nsections:\n  - title: 政策\n    articles:\n'
                     "      - title: 标题\n        blocks:\n          - 正文一\n           - 正文二\n",
                     encoding="utf-8")
    assert [d.format().replace(str(issue), "i.yaml") for d in check_source(issue)] == [
        "i.yaml:10:12: line 10 is indented more than line 9, so YAML reads it as more of that line's text "
        "(start its '- ' in column 11, like line 9)"]
