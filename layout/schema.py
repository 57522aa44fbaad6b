"""JSON Schemas of the files an editor writes, generated from the loader's own definitions.

`bulletin schema issue|publication|theme` prints them; `schemas/*.json` in the repository are these
schemas, committed so that the `# yaml-language-server: $schema=…` line of a source can point at them
(a test keeps them current). Editors with yaml-language-server (VS Code's YAML extension and others) then
complete keys and block kinds and underline mistakes while the editor types.

A schema checks shape, types, choices and ranges. What needs more than one value at a time (a table row's
cell count against its header, a placeholder's name, whether an image file exists) stays with `bulletin
check`, which also says where and how to fix it.
"""

from __future__ import annotations

import json
from typing import Any

from layout.loader.definitions import (
    BLOCK_KINDS_DEF,
    ISSUE_FILE,
    MAPPINGS,
    PARAGRAPH_AS_TEXT,
    PUBLICATION,
    BlockKind,
    Boolean,
    Choice,
    Date,
    FreeMapping,
    Length,
    ListOf,
    MappingDef,
    OnlyTrue,
    PositiveNumber,
    Ref,
    Text,
    ThemeRef,
    Value,
    WholeNumber,
)
from layout.theme_schema import json_schema as theme_schema
from layout.themeref import shipped_themes

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("issue", "publication", "theme")
# YAML reads an unquoted 2018, 1.5 or true as a number or a yes/no; where the format wants text the loader keeps
# the spelling, so the schema lets those through as text too.
SCALAR_TYPES = ["string", "number", "boolean"]
NOT_BLANK = r"\S"
LENGTH = r"^[0-9]+(\.[0-9]+)?\s*(mm|cm|pt|in)?$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def described(schema: dict[str, Any], zh: str, en: str) -> dict[str, Any]:
    return {**schema, "description": f"{zh}\n\n{en}"}


def value_schema(value: Value) -> dict[str, Any]:
    """The JSON Schema of one value type."""
    match value:
        case Text(empty=empty, quoted=quoted, pattern=pattern):
            if quoted:
                text: dict[str, Any] = {"type": "string"}
            else:
                text = {"type": SCALAR_TYPES}
            if not empty:
                text["pattern"] = NOT_BLANK
            if pattern:
                text["pattern"] = pattern
            return text
        case WholeNumber(minimum=minimum, maximum=maximum):
            number: dict[str, Any] = {"type": "integer"}
            if minimum is not None:
                number["minimum"] = minimum
            if maximum is not None:
                number["maximum"] = maximum
            return number
        case PositiveNumber():
            return {"type": "number", "exclusiveMinimum": 0}
        case Date():
            return {"type": "string", "pattern": ISO_DATE, "format": "date"}
        case Length():
            return {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string", "pattern": LENGTH}]}
        case Choice(names=names):
            return {"enum": list(names)}
        case OnlyTrue():
            return {"const": True}
        case Boolean():
            return {"type": "boolean"}
        case ThemeRef():
            return {"anyOf": [{"enum": shipped_themes()}, {"type": "string", "pattern": r"\.ya?ml$|[/\\]"}]}
        case FreeMapping():
            return {"$ref": "#/$defs/contact"}
        case ListOf(item=item, min_items=min_items, max_items=max_items):
            array: dict[str, Any] = {"type": "array", "items": value_schema(item), "minItems": min_items}
            if max_items is not None:
                array["maxItems"] = max_items
            return array
        case Ref(name=name):
            return {"$ref": f"#/$defs/{definition_name(name)}"}
    raise TypeError(f"no JSON Schema for {value!r}")


def definition_name(name: str) -> str:
    """A $defs name for a definition ("the issue file" -> "issue_file")."""
    return name.removeprefix("the ").replace(" ", "_")


def mapping_schema(definition: MappingDef) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {f.key: described(value_schema(f.value), f.zh, f.en) for f in definition.fields},
        "required": list(definition.required),
        "additionalProperties": False,
    }
    return described(schema, definition.zh, definition.en)


def block_schema(kind: BlockKind) -> dict[str, Any]:
    """One block kind: a mapping with exactly that kind's key and its options."""
    properties = {kind.name: described(value_schema(kind.value), kind.zh, kind.en)}
    properties |= {o.key: described(value_schema(o.value), o.zh, o.en) for o in kind.options}
    schema = {"title": f"{kind.name}: {kind.en.split(';')[0].split(' (')[0]}", "type": "object",
              "properties": properties, "required": [kind.name], "additionalProperties": False}
    return described(schema, kind.zh, kind.en)


def definitions() -> dict[str, Any]:
    defs = {definition_name(name): mapping_schema(definition) for name, definition in MAPPINGS.items()}
    defs["block"] = {
        "description": "正文中的一块：一段文字，或以种类为键的映射\n\nA block: text (a paragraph), or a mapping keyed "
                       "by its kind",
        "anyOf": [described({"type": SCALAR_TYPES, "pattern": NOT_BLANK}, *PARAGRAPH_AS_TEXT.split(" / ")),
                  *(block_schema(kind) for kind in BLOCK_KINDS_DEF)],
    }
    defs["contact"] = {
        "type": "object",
        "description": "名称和值，嵌套亦可\n\nnames and values, nesting allowed",
        "propertyNames": {"pattern": r"^[^.{} ]+$"},
        "additionalProperties": {"anyOf": [{"type": SCALAR_TYPES}, {"$ref": "#/$defs/contact"}]},
    }
    return defs


def document_schema(root: MappingDef, title: str) -> dict[str, Any]:
    return {"$schema": DIALECT, "title": title, "$ref": f"#/$defs/{definition_name(root.name)}",
            "$defs": definitions()}


def issue_schema() -> dict[str, Any]:
    return document_schema(ISSUE_FILE, "bulletin issue")


def publication_schema() -> dict[str, Any]:
    return document_schema(PUBLICATION, "bulletin publication (bulletin.yaml)")


def schema_for(kind: str) -> dict[str, Any]:
    """The schema of one kind of file: issue, publication or theme."""
    if kind == "issue":
        return issue_schema()
    if kind == "publication":
        return publication_schema()
    if kind == "theme":
        return theme_schema()  # the theme's own definitions (layout/theme_schema.py) make it
    raise ValueError(f"unknown schema {kind!r}; known: {', '.join(KINDS)}")


def schema_text(kind: str) -> str:
    """The schema as it is printed and committed: indented JSON, Chinese as is, ending in a newline."""
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"
