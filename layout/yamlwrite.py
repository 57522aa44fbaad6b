"""Writing YAML sources (`bulletin import`, `bulletin new`): PyYAML's emitter, so every scalar is quoted as it
must be to read back the same, in the style editors write by hand."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for a table's rows (one row a line, as editors write them)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, str) for x in data) and getattr(data, "flow", False)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


class Row(list[str]):
    flow = True


class Quoted(str):
    """Text always written in quotes: an issue number such as 0609 is text, whatever YAML 1.1 would make of it."""


def _represent_quoted(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


_Dumper.add_representer(Row, _represent_list)
_Dumper.add_representer(Quoted, _represent_quoted)


def dump_yaml(doc: dict[str, Any]) -> str:
    """YAML as an editor would write it: block style, Unicode as is, no folding of long lines."""
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=1_000_000, indent=2)
