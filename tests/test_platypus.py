"""layout.platypus imports ReportLab's platypus with paragraph.py's case-insensitive patterns compiled on first
use: they still work, and re.compile is left as it was."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import re
original = re.compile
import layout.platypus
import reportlab.platypus.paragraph as paragraph
assert re.compile is original
assert type(paragraph.uri_pat).__name__ == "CompiledOnUse", type(paragraph.uri_pat)
assert paragraph.uri_pat.match("https://www.miit.gov.cn/n1146295/content.html")
assert not paragraph.uri_pat.match("not a url")
assert type(paragraph._wsc_re_split("a b")) is list
print("ok")
"""


def test_paragraph_patterns_compile_on_use_and_still_match() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
