"""`mkbcopy generate` (the bundled example: 18 drafts in 24 files, lint included) from a
fresh process, against the naive way and the floor, all measured in the same run.

- naive: what one would write by hand: read the brief and the study with PyYAML, then
  per draft render a Jinja2 template and write it (python-docx for the flyer, the
  email package for the email); no fitting, no checks, no lint.
- floor: a fresh Python process writing the same bytes mkbcopy wrote.
- `mkbcopy --help` beside a bare Typer app's `--help`: the start-up floor of any CLI.

Best of 5 runs each (1 with --smoke). `make bench` compiles mkbcopy's modules first,
as installing a wheel does; time a run from a fresh process, as a user starts it.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAIVE = """
import sys
from email.message import EmailMessage
from pathlib import Path

import docx
import jinja2
import yaml

from mkbcopy.bundle import bundled_path
from mkbcopy.research.brief import example_brief_path

TEMPLATE = '''{{ brief.campaign }}: {{ persona.name }} ({{ channel }})
{% for key, value in brief.facts.items() %}- {{ key }}: {{ value }}
{% endfor %}
{{ brief.call_to_action.text }}: {{ brief.call_to_action.url }}
'''
out = Path(sys.argv[1])
brief = yaml.safe_load(example_brief_path().read_text(encoding="utf-8"))
study = yaml.safe_load(bundled_path("personas.yaml").read_text(encoding="utf-8"))
channels = ["flyer", "email", "linkedin", "instagram", "facebook", "x"]
for persona in study["personas"]:
    folder = out / persona["id"]
    folder.mkdir(parents=True, exist_ok=True)
    for channel in channels:
        template = jinja2.Environment(autoescape=False).from_string(TEMPLATE)
        text = template.render(brief=brief, persona=persona, channel=channel)
        if channel == "flyer":
            word = docx.Document()
            for line in text.splitlines():
                word.add_paragraph(line)
            word.save(str(folder / "flyer.docx"))
        elif channel == "email":
            html = "<p>" + "<br>".join(text.splitlines()) + "</p>"
            message = EmailMessage()
            message["Subject"] = brief["campaign"]
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            (folder / "email.eml").write_bytes(bytes(message))
            (folder / "email.html").write_text(html, encoding="utf-8")
            (folder / "email.txt").write_text(text, encoding="utf-8")
        else:
            (folder / f"{channel}.txt").write_text(text, encoding="utf-8")
"""
FLOOR = """
import marshal, os, sys
files = marshal.loads(open(sys.argv[2], "rb").read())
out = sys.argv[1]
for rel, data in files.items():
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
"""
BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def main() -> None: ...
app()
"""


def _time(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def run(smoke: bool) -> None:
    rounds = 1 if smoke else 5
    py = sys.executable
    generate = [py, "-m", "mkbcopy", "generate"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run(
            [*generate, "--out", str(folder / "written")], check=True, capture_output=True
        )
        written = {
            str(p.relative_to(folder / "written")): p.read_bytes()
            for p in sorted((folder / "written").rglob("*"))
            if p.is_file()
        }
        packed = folder / "files.marshal"
        packed.write_bytes(marshal.dumps(written))
        runs: dict[str, list[float]] = {}
        for i in range(rounds):  # interleaved: a change in the machine's load hits each alike
            for name, args in {
                "ours": [*generate, "--out", str(folder / f"ours{i}")],
                "no_lint": [*generate, "--no-lint", "--out", str(folder / f"no-lint{i}")],
                "naive": [py, "-c", NAIVE, str(folder / f"naive{i}")],
                "floor": [py, "-c", FLOOR, str(folder / f"floor{i}"), str(packed)],
                "help": [py, "-m", "mkbcopy", "--help"],
                "bare": [py, "-c", BARE_TYPER, "--help"],
            }.items():
                runs.setdefault(name, []).append(_time(args))
    best = {name: min(times) for name, times in runs.items()}
    ours, no_lint, naive, floor = best["ours"], best["no_lint"], best["naive"], best["floor"]
    size = sum(len(b) for b in written.values())
    print(f"generate, the example brief: 18 drafts, {len(written)} files with the manifest,")
    print(f"{size:,} bytes; a fresh process each, best of {rounds}:")
    print(f"  mkbcopy generate (lint included):                {ours:6.2f} s")
    print(f"  mkbcopy generate --no-lint:                      {no_lint:6.2f} s")
    print(f"  naive (Jinja2 + python-docx + email, no checks): {naive:6.2f} s")
    print(f"  floor (a fresh Python writing the same bytes):   {floor:6.2f} s")
    print(f"  ours is {ours / naive:.2f}x the naive way's time and {ours / floor:.1f}x the floor's")
    print(f"  mkbcopy --help {best['help']:.2f} s; a bare Typer app's --help {best['bare']:.2f} s")
