"""Help that teaches: every subcommand has a one-line summary, a description and examples that parse; every
option and argument says what it does; `bulletin --version` prints the installed version."""

from __future__ import annotations

import argparse
import shlex
from importlib.metadata import version

import pytest

import layout.text
from layout.cli import build_parser, main


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def summaries() -> dict[str, str | None]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help for choice in action._choices_actions}


def examples(parser: argparse.ArgumentParser) -> list[str]:
    lines = (parser.epilog or "").partition("examples:\n")[2].splitlines()
    return [line.strip().partition("  #")[0].strip() for line in lines if line.strip()]


def test_there_are_subcommands() -> None:
    assert {"render", "check", "watch", "schema", "batch"} <= subcommands().keys()


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_has_a_summary_a_description_and_examples(name: str) -> None:
    parser = subcommands()[name]
    summary = summaries()[name]
    assert summary
    assert "\n" not in summary
    assert parser.description
    found = examples(parser)
    assert 2 <= len(found) <= 3, parser.epilog
    for example in found:
        words = shlex.split(example.split(" | ")[0].split(" > ")[0])  # the command, not the shell's pipe
        assert words[:2] == ["bulletin", name], example
        args = build_parser().parse_args(words[1:])  # every example is a valid command line
        assert args.command == name


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_option_and_argument_has_help(name: str) -> None:
    for action in subcommands()[name]._actions:
        assert action.help, f"bulletin {name}: {'/'.join(action.option_strings) or action.dest} has no help"
        assert action.help != argparse.SUPPRESS


def test_help_prints_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["watch", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n  bulletin watch" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"bulletin {version('bulletin')} (line composer: ")
    assert out.endswith(f"{layout.text.BUILD})")
