"""Make docs/editor-completion.png and docs/editor-mistake.png: the issue schema at work in an editor.

VS Code cannot be installed everywhere, so the picture shows its editor, Monaco, with monaco-yaml (the
yaml-language-server build for Monaco) loaded with schemas/issue.schema.json, in headless Chromium. It types
a new block into an issue whose number is not quoted and asks for completion (the first picture: the block
kinds offered, the mistake underlined), then hovers over the mistake (the second: what the schema expects).

Needs: node and npm (monaco-editor, monaco-yaml and esbuild are installed into out/editor-picture/), a
Chromium on PATH (`apt-get install chromium`), and `pip install playwright` (it drives that Chromium; no
browser download).

    python docs/make_editor_picture.py
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "out" / "editor-picture"
PICTURE = REPO / "docs" / "editor-completion.png"
MISTAKE_PICTURE = REPO / "docs" / "editor-mistake.png"
PACKAGES = ["monaco-editor@0.52", "monaco-yaml@5", "esbuild@0.24"]

ISSUE = """\
# yaml-language-server: $schema=../schemas/issue.schema.json
issue:
  year: 2018
  number: 0610
  date: 2018-06-11
sections:
  - title: 政策文件
    articles:
      - title: 关于开展2018年度中小企业服务活动的通知
        doc_number: 工信部企业函〔2018〕201号
        blocks:
          - plain: 各有关单位：
          - 为贯彻落实《中小企业促进法》，现将有关事项通知如下。
""" + "          - \n"  # the new block being typed: the cursor after its "- "

MAIN_JS = """\
import * as monaco from 'monaco-editor/esm/vs/editor/editor.main.js';
import { configureMonacoYaml } from 'monaco-yaml';
import schema from './schemas/issue.schema.json';

window.MonacoEnvironment = {
  getWorker(_, label) {
    return new Worker(label === 'yaml' ? 'yaml.worker.js' : 'editor.worker.js');
  },
};
// No file is mapped to the schema here: the file's own `# yaml-language-server: $schema=../schemas/issue.schema.json`
// line names it, as in VS Code. The schema is handed over under the name that line resolves to (a web page
// cannot read files), with no fileMatch of its own.
configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  schemas: [{ uri: 'file:///schemas/issue.schema.json', fileMatch: [], schema }],
});
const uri = monaco.Uri.parse('file:///issues/2018-0610.yaml');
const model = monaco.editor.createModel(window.ISSUE, 'yaml', uri);
window.editor = monaco.editor.create(document.getElementById('editor'), {
  model, fontSize: 15, lineHeight: 22, minimap: { enabled: false }, automaticLayout: true,
  fontFamily: '"Noto Sans Mono CJK SC", "Noto Sans CJK SC", monospace', renderWhitespace: 'none',
  unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false },
});
window.monaco = monaco;
"""

PAGE = """\
<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="main.css">
<style>html,body{margin:0;height:100%} #editor{width:980px;height:560px}</style>
<div id="editor"></div><script>window.ISSUE = ISSUE_TEXT;</script><script src="main.js"></script>
"""


def build() -> None:
    """Install the packages (once) and bundle the page and its two workers with esbuild."""
    WORK.mkdir(parents=True, exist_ok=True)
    if not (WORK / "node_modules" / "monaco-yaml").is_dir():
        (WORK / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", *PACKAGES], cwd=WORK, check=True)
    (WORK / "schemas").mkdir(exist_ok=True)
    shutil.copy(REPO / "schemas" / "issue.schema.json", WORK / "schemas" / "issue.schema.json")
    (WORK / "main.src.js").write_text(MAIN_JS, encoding="utf-8")
    (WORK / "index.html").write_text(PAGE.replace("ISSUE_TEXT", json.dumps(ISSUE)), encoding="utf-8")
    esbuild = str(WORK / "node_modules" / ".bin" / "esbuild")
    common = ["--bundle", "--format=iife", "--log-level=error"]
    subprocess.run([esbuild, "main.src.js", "--outfile=main.js", "--loader:.ttf=file", *common], cwd=WORK,
                   check=True)
    for entry, out in (("monaco-editor/esm/vs/editor/editor.worker.js", "editor.worker.js"),
                       ("monaco-yaml/yaml.worker.js", "yaml.worker.js")):
        subprocess.run([esbuild, entry, f"--outfile={out}", *common], cwd=WORK, check=True)


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(WORK))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


def shoot(url: str) -> None:
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser_path is None:
        sys.exit("no Chromium on PATH: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path)
        page = browser.new_page(viewport={"width": 980, "height": 560}, device_scale_factor=1)
        page.goto(url)
        page.wait_for_function("window.editor !== undefined")
        # The unquoted 0610 gets its squiggle once the YAML language server has validated the model.
        page.wait_for_selector(".squiggly-error, .squiggly-warning", timeout=30_000)
        lines = ISSUE.rstrip("\n").splitlines()
        # 1. Completion: the block kinds offered after "- " in blocks, with the chosen one's description.
        page.evaluate(f"""() => {{
            editor.focus();
            editor.setPosition({{lineNumber: {len(lines)}, column: {len(lines[-1]) + 1}}});
            editor.trigger('picture', 'editor.action.triggerSuggest', {{}});
        }}""")
        page.wait_for_selector(".suggest-widget.visible .monaco-list-row", timeout=30_000)
        page.keyboard.press("Control+Space")  # a second Ctrl+Space opens the details pane
        page.wait_for_timeout(800)
        page.screenshot(path=str(PICTURE))
        # 2. The mistake: the unquoted issue number, with what the schema expects.
        page.keyboard.press("Escape")
        number = next(i for i, line in enumerate(lines, 1) if "number:" in line)
        page.evaluate(f"""() => {{
            editor.setPosition({{lineNumber: {number}, column: {lines[number - 1].index("0610") + 2}}});
            editor.trigger('picture', 'editor.action.showHover', {{}});
        }}""")
        page.wait_for_selector(".monaco-hover .hover-contents", timeout=30_000)
        page.wait_for_timeout(800)
        page.screenshot(path=str(MISTAKE_PICTURE))
        browser.close()


def main() -> int:
    build()
    server, url = serve()
    try:
        shoot(url)
    finally:
        server.shutdown()
    sys.stdout.write(f"{PICTURE}\n{MISTAKE_PICTURE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
