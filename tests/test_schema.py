"""The JSON Schemas editors get (`bulletin schema`, schemas/*.json) agree with the loader: every good source
validates, and every broken fixture that `check` refuses, the schema refuses too (jsonschema, the maintained
reference implementation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from yaml.nodes import MappingNode, Node, SequenceNode

from layout.check import check_source
from layout.cli import main
from layout.commands.schema import schema_file
from layout.loader.definitions import BLOCK_KINDS, MAPPINGS
from layout.schema import KINDS, schema_for, schema_text
from layout.yamlsrc import BOOL, FLOAT, INT, NULL, load_yaml

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
GOOD_ISSUES = sorted([REPO / "issues" / "2018-0602.yaml", REPO / "tests" / "cases" / "loader" / "ok.yaml",
                      *(REPO / "tests" / "cases" / "snapshots").glob("[!b]*.yaml"),
                      *(REPO / "tests" / "cases" / "snapshots").glob("block-*.yaml")])
GOOD_PUBLICATIONS = sorted(REPO.glob("issues/bulletin.yaml")) + sorted(REPO.glob("tests/cases/*/bulletin.yaml"))


def as_json(node: Node) -> Any:
    """A composed YAML node as the JSON data an editor's YAML language server sees (YAML 1.2: yes/no and
    on/off are text, dates are text)."""
    if isinstance(node, MappingNode):
        return {key.value: as_json(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [as_json(item) for item in node.value]
    if node.tag == NULL:
        return None
    if node.tag == INT and node.value.lstrip("+-").isdigit():
        return int(node.value)
    if node.tag in (INT, FLOAT):
        try:
            return float(node.value)
        except ValueError:
            return node.value
    if node.tag == BOOL and node.value.lower() in ("true", "false"):
        return node.value.lower() == "true"
    return node.value


def schema_errors(kind: str, path: Path) -> list[str]:
    source = load_yaml(path)
    assert source.root is not None, [d.format() for d in source.diagnostics]
    validator = jsonschema.Draft202012Validator(schema_for(kind), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(as_json(source.root))]


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_valid_json_schemas(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema_for(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schemas_are_current(kind: str) -> None:
    committed = (SCHEMAS / schema_file(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), "regenerate them: bulletin schema --write schemas"


def test_the_cli_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "issue"]) == 0
    assert json.loads(capsys.readouterr().out) == schema_for("issue")


def test_samples_point_at_the_committed_schemas() -> None:
    for path, kind in ((REPO / "issues" / "2018-0602.yaml", "issue"), (REPO / "issues" / "bulletin.yaml",
                                                                          "publication")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{schema_file(kind)}"
        assert (path.parent / first.partition("$schema=")[2]).is_file()


def test_a_new_issue_keeps_the_schema_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "issues").mkdir()
    (tmp_path / "schemas").mkdir()
    for name in ("2018-0602.yaml", "bulletin.yaml"):
        (tmp_path / "issues" / name).write_bytes((REPO / "issues" / name).read_bytes())
    (tmp_path / "schemas" / "issue.schema.json").write_text(schema_text("issue"), encoding="utf-8")
    assert main(["new", "--from", str(tmp_path / "issues" / "2018-0602.yaml"), "-o",
                 str(tmp_path / "issues" / "next.yaml")]) == 0
    first = (tmp_path / "issues" / "next.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/issue.schema.json"


def test_the_schema_names_every_key_and_block_kind_with_both_descriptions() -> None:
    defs = schema_for("issue")["$defs"]
    kinds = [next(iter(option["required"]), None) for option in defs["block"]["anyOf"][1:]]
    assert kinds == list(BLOCK_KINDS)
    for definition in MAPPINGS.values():
        name = definition.name.removeprefix("the ").replace(" ", "_")
        properties = defs[name]["properties"]
        assert list(properties) == [f.key for f in definition.fields]
        for field in definition.fields:
            zh, _, en = properties[field.key]["description"].partition("\n\n")
            assert (zh, en) == (field.zh, field.en)


@pytest.mark.parametrize("path", GOOD_ISSUES, ids=lambda p: p.name)
def test_good_issues_validate(path: Path) -> None:
    assert check_source(path) == []
    assert schema_errors("issue", path) == []


@pytest.mark.parametrize("path", GOOD_PUBLICATIONS, ids=lambda p: str(p.relative_to(REPO)))
def test_good_publications_validate(path: Path) -> None:
    assert schema_errors("publication", path) == []


@pytest.mark.parametrize("path", sorted((REPO / "layout" / "themes").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_themes_validate(path: Path) -> None:
    assert schema_errors("theme", path) == []


PUBLICATION = "publisher: 甲\nmasthead: 快讯\nfooter: [页脚]\n"
BASE = ('issue:\n  year: 2018\n  number: "0602"\n  date: 2018-06-04\nsections:\n  - title: 政策\n    articles:\n'
        "      - title: 标题\n        blocks:\n          - 正文\n")

# One mistake each: (name, old, new) applied to BASE, or a whole file.
BROKEN: list[tuple[str, str, str]] = [
    ("unknown top-level key", "sections:", "sectoins:"),
    ("misspelt article key", "      - title: 标题", "      - titel: 标题"),
    ("year in quotes", "year: 2018", 'year: "2018"'),
    ("issue number without quotes", 'number: "0602"', "number: 0602"),
    ("date not ISO", "date: 2018-06-04", "date: 2018/06/04"),
    ("date that does not exist", "date: 2018-06-04", "date: 2018-02-30"),
    ("no sections", "sections:\n", "sections: []\nx:\n"),
    ("empty articles", "    articles:\n      - title: 标题\n        blocks:\n          - 正文\n", "    articles: []\n"),
    ("empty title", "title: 标题", 'title: ""'),
    ("title is a list", "title: 标题", "title: [甲, 乙]"),
    ("missing blocks", "        blocks:\n          - 正文\n", "        doc_number: 〔2018〕1号\n"),
    ("unknown block kind", "- 正文", "- paragraf: 正文"),
    ("two kinds in one block", "- 正文", "- plain: 甲\n            heading: 乙"),
    ("unknown heading option", "- 正文", "- heading: 一、要求\n            levle: 2"),
    ("heading level out of range", "- 正文", "- heading: 一、要求\n            level: 4"),
    ("page break written yes", "- 正文", "- page_break: yes"),
    ("links that are not addresses", "- 正文", "- links: [见附件]"),
    ("unknown alignment", "- 正文", "- table: {header: [a, b], rows: [[1, 2]], align: [centre, left]}"),
    ("negative column width", "- 正文", "- table: {header: [a, b], rows: [[1, 2]], widths: [1, -2]}"),
    ("empty table cell", "- 正文", "- table: {header: [a, b], rows: [[1, ~]]}"),
    ("table without rows", "- 正文", "- table: {header: [a, b]}"),
    ("image width in pixels", "- 正文", "- image: {path: qr.png, width: 40px}"),
    ("image with unknown key", "- 正文", "- image: {path: qr.png, size: 40mm}"),
    ("block is a list", "- 正文", "- [甲, 乙]"),
]
BROKEN_PUBLICATIONS: list[tuple[str, str]] = [
    ("four footer lines", PUBLICATION.replace("footer: [页脚]", "footer: [a, b, c, d]")),
    ("missing masthead", PUBLICATION.replace("masthead: 快讯\n", "")),
    ("unknown theme", PUBLICATION + "theme: fancy\n"),
    ("misspelt key", PUBLICATION + "contcat: {phone: '1'}\n"),
    ("contact name with a dot", PUBLICATION + "contact: {a.b: '1'}\n"),
]


@pytest.mark.parametrize(("what", "old", "new"), BROKEN, ids=[row[0] for row in BROKEN])
def test_the_schema_refuses_what_check_refuses(tmp_path: Path, what: str, old: str, new: str) -> None:
    (tmp_path / "bulletin.yaml").write_text(PUBLICATION, encoding="utf-8")
    (tmp_path / "qr.png").write_bytes((REPO / "tests" / "cases" / "loader" / "qr.png").read_bytes())
    assert old in BASE
    issue = tmp_path / "issue.yaml"
    issue.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    assert check_source(issue), f"check accepts {what}"
    assert schema_errors("issue", issue), f"the schema accepts {what}"


@pytest.mark.parametrize(("what", "text"), BROKEN_PUBLICATIONS, ids=[row[0] for row in BROKEN_PUBLICATIONS])
def test_the_publication_schema_refuses_what_check_refuses(tmp_path: Path, what: str, text: str) -> None:
    publication = tmp_path / "bulletin.yaml"
    publication.write_text(text, encoding="utf-8")
    assert check_source(publication), f"check accepts {what}"
    assert schema_errors("publication", publication), f"the schema accepts {what}"


def test_the_base_of_the_broken_fixtures_is_good(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text(PUBLICATION, encoding="utf-8")
    issue = tmp_path / "issue.yaml"
    issue.write_text(BASE, encoding="utf-8")
    assert check_source(issue) == []
    assert schema_errors("issue", issue) == []
    assert schema_errors("publication", tmp_path / "bulletin.yaml") == []


# --- drift: every field of every definition, made wrong, is refused by both ----------------------------------
def full_documents() -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid issue that uses every field of every definition, and its publication."""
    table = {"header": ["序号", "内容"], "rows": [[1, "甲"]], "widths": [1, 3], "align": ["center", "left"],
             "caption": "表"}
    image = {"path": "qr.png", "width": "20mm", "caption": "扫码"}
    blocks = ["正文", {"p": "正文"}, {"plain": "各单位："}, {"heading": "一、要求", "level": 2}, {"subtitle": "副题"},
              {"list": ["1、甲"]}, {"table": table}, {"signature": ["某部"]}, {"attachments": ["附件"]},
              {"links": ["http://www.example.com"]}, {"image": image}, {"page_break": True}]
    article = {"title": "标题", "toc_title": "短标题", "doc_number": "〔2018〕1号", "blocks": blocks}
    issue = {"issue": {"year": 2018, "number": "0602", "date": "2018-06-04"},
             "sections": [{"title": "政策", "articles": [article]}]}
    publication = {"publisher": "甲", "masthead": "快讯", "contact": {"phone": "1"}, "footer": ["{publisher}"],
                   "closing": ["谢谢"], "theme": "default"}
    return issue, publication


def locate(issue: dict[str, Any], publication: dict[str, Any], name: str) -> dict[str, Any]:
    article = issue["sections"][0]["articles"][0]
    return {"the issue file": issue, "issue": issue["issue"], "section": issue["sections"][0], "article": article,
            "table": article["blocks"][6]["table"], "image": article["blocks"][10]["image"],
            "the publication": publication}[name]


def wrong_value(value: Any) -> Any:
    """A value of the wrong type (or out of range) for a definition's value type."""
    from layout.loader import definitions as d

    match value:
        case d.Text():
            return ["甲", "乙"]
        case d.WholeNumber() | d.PositiveNumber():
            return "many"
        case d.Date():
            return "June 4th"
        case d.Length():
            return "40px"
        case d.Choice():
            return "sideways"
        case d.ThemeRef():
            return "no-such-theme"
        case d.FreeMapping():
            return ["a"]
        case d.ListOf():
            return []
        case d.Ref():
            return "text"
        case d.Boolean():
            return "yes"
    raise TypeError(value)


FIELDS = [(definition.name, field.key) for definition in MAPPINGS.values() for field in definition.fields
          if field.key != "publication"]  # an inline publication beside a bulletin.yaml is refused as such


def write_documents(folder: Path, issue: dict[str, Any], publication: dict[str, Any]) -> Path:
    import yaml

    folder.mkdir(exist_ok=True)
    (folder / "qr.png").write_bytes((REPO / "tests" / "cases" / "loader" / "qr.png").read_bytes())
    (folder / "bulletin.yaml").write_text(yaml.safe_dump(publication, allow_unicode=True), encoding="utf-8")
    path = folder / "issue.yaml"
    path.write_text(yaml.safe_dump(issue, allow_unicode=True), encoding="utf-8")
    return path


def test_the_full_document_is_good(tmp_path: Path) -> None:
    path = write_documents(tmp_path, *full_documents())
    assert check_source(path) == []
    assert schema_errors("issue", path) == []
    assert schema_errors("publication", tmp_path / "bulletin.yaml") == []


@pytest.mark.parametrize(("where", "key"), FIELDS, ids=[f"{w}.{k}" for w, k in FIELDS])
def test_a_wrong_value_in_any_field_is_refused_by_both(tmp_path: Path, where: str, key: str) -> None:
    issue, publication = full_documents()
    field = MAPPINGS[where].field(key)
    locate(issue, publication, where)[key] = wrong_value(field.value)
    path = write_documents(tmp_path, issue, publication)
    kind, target = ("publication", tmp_path / "bulletin.yaml") if where == "the publication" else ("issue", path)
    assert check_source(path), f"check accepts a wrong {where}.{key}"
    assert schema_errors(kind, target), f"the schema accepts a wrong {where}.{key}"


@pytest.mark.parametrize(("where", "key"), [(w, k) for w, k in FIELDS if MAPPINGS[w].field(k).required])
def test_a_missing_required_field_is_refused_by_both(tmp_path: Path, where: str, key: str) -> None:
    issue, publication = full_documents()
    del locate(issue, publication, where)[key]
    path = write_documents(tmp_path, issue, publication)
    kind, target = ("publication", tmp_path / "bulletin.yaml") if where == "the publication" else ("issue", path)
    assert check_source(path), f"check accepts {where} without {key}"
    assert schema_errors(kind, target), f"the schema accepts {where} without {key}"
