"""The wheel carries personas.yaml and the templates: install it fresh and run it."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def test_wheel_installs_and_generates_from_an_empty_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("mkbcopy-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "mkbcopy/personas.yaml" in names
    assert "mkbcopy/campaign_templates/email/template.md.j2" in names
    assert "mkbcopy/campaign_templates/_shared/copy.yaml" in names
    assert "mkbcopy/data/example-brief.yaml" in names
    assert "mkbcopy/locale/nl/LC_MESSAGES/mkbcopy.mo" in names
    for name in ("index.html.j2", "views.html.j2", "preview.css", "preview.js"):
        assert f"mkbcopy/review/templates/{name}" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    work = tmp_path / "empty"
    work.mkdir()
    run = subprocess.run(
        [str(env_dir / "bin" / "mkbcopy"), "generate", "--preview"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    dutch = subprocess.run(
        [str(env_dir / "bin" / "mkbcopy"), "--lang", "nl", "segment", "geen.csv"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert dutch.stderr == "mkbcopy: fout: geen.csv: bestaat niet\n"
    manifest = json.loads((work / "mkbcopy-output" / "manifest.json").read_text())
    assert len(manifest["files"]) == 24
    assert (work / "mkbcopy-output" / "nieuwsgierige-student" / "flyer.docx").stat().st_size > 0
    # The preview's templates, CSS and JS came from the wheel, inlined into one page.
    page = (work / "mkbcopy-output" / "index.html").read_text(encoding="utf-8")
    assert 'id="filters"' in page and "--accent:" in page and "form.hidden = false" in page
