"""The preview gallery: every draft on one offline page, escaped, and working in a real browser."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mkbcopy.checks.spelling import unavailable_reason
from mkbcopy.cli import app
from mkbcopy.compose.campaign import plan_campaign, write_campaign
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.errors import InputError
from mkbcopy.research.brief import Brief, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.research.study import load_personas
from mkbcopy.review.gallery import build_preview, write_preview

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _generate(out: Path, brief: Brief, research: Research, **options: Any) -> dict[str, Any]:
    return write_campaign(plan_campaign(brief, research, **options), brief, out)


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example output, generated once; tests change only their own copy."""
    folder = tmp_path_factory.mktemp("example") / "out"
    _generate(folder, load_brief(), load_personas())
    return folder


@pytest.fixture
def out(tmp_path: Path, example_out: Path) -> Path:
    return Path(shutil.copytree(example_out, tmp_path / "out"))


def _manifest_paths(out: Path) -> list[str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [entry["path"] for entry in manifest["files"]]


class _Tags(HTMLParser):
    """Every start tag with its attributes, to check the page without regexes on HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


# --- the page, without a browser ---------------------------------------------------------


def test_every_manifest_file_is_on_the_page(out: Path, research: Research) -> None:
    preview = build_preview(out, research)
    paths = [attrs["data-path"] for _, attrs in _tags(preview.html) if "data-path" in attrs]
    assert sorted(paths) == sorted(_manifest_paths(out))
    assert preview.files == 24 and preview.cards == 18


def test_the_page_is_one_offline_file(out: Path, research: Research) -> None:
    page = build_preview(out, research).html
    tags = _tags(page)
    assert tags[0] == ("html", {"lang": "nl"})
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in tags
    csp = next(a["content"] for t, a in tags if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "img-src data:" in csp
    for tag, attrs in tags:
        assert not attrs.get("src", "data:").startswith(("http", "//")), (tag, attrs)
        if tag == "link":
            assert attrs["href"].startswith("data:"), attrs
        if tag == "script":
            assert "src" not in attrs
    assert "@import" not in page and "url(" not in page
    assert sum(1 for tag, _ in tags if tag == "script") == 1


def test_layout_is_by_persona_then_channel_with_coverage_last(
    out: Path, research: Research
) -> None:
    tags = _tags(build_preview(out, research).html)
    sections = [a["data-persona"] for t, a in tags if t == "section" and "data-row" in a]
    assert sections == [p.id for p in research.personas]
    first = [a["data-channel"] for t, a in tags if t == "article"][:6]
    assert first == ["flyer", "email", "linkedin", "instagram", "facebook", "x"]
    ids = [a.get("id") for t, a in tags if t in ("section", "article")]
    assert ids[-1] == "dekking"
    headings = [int(t[1]) for t, _ in tags if re.fullmatch(r"h[1-6]", t)]
    assert headings[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(headings)), headings


def test_subgroups_get_their_own_row(
    tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    out = tmp_path / "o"
    _generate(out, example_brief, research, channels=["x"])
    _generate(out, example_brief, research, channels=["x"], subgroup="35+")
    page = build_preview(out, research).html
    rows = [
        (a["data-persona"], a["id"]) for t, a in _tags(page) if t == "section" and "data-row" in a
    ]
    assert ("doelgerichte-doorstromer", "p-doelgerichte-doorstromer-35") in rows
    assert len(rows) == 5 and "Subgroep: " in page  # two personas have a 35+


def test_draft_text_is_escaped_everywhere(out: Path, research: Research) -> None:
    evil = '<script>alert("x")</script> & "quotes" <img src=x onerror=alert(1)>'
    post = out / "doelgerichte-doorstromer" / "linkedin.txt"
    post.write_text(post.read_text(encoding="utf-8") + evil + "\n", encoding="utf-8")
    mail = out / "doelgerichte-doorstromer" / "email.eml"
    mail.write_bytes(mail.read_bytes().replace(b"Subject: ", b'Subject: </iframe><b x="', 1))
    page = build_preview(out, research).html
    tags = _tags(page)
    assert sum(1 for t, _ in tags if t == "script") == 1
    assert not any(t == "img" and "onerror" in a for t, a in tags)
    # Jinja2's autoescape (markupsafe) writes a double quote as &#34;
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
    assert "&lt;/iframe&gt;&lt;b x=&#34;" in page


def test_email_html_stays_inside_its_sandboxed_frame(
    tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    out = tmp_path / "o"
    _generate(out, example_brief, research, channels=["email"], formats=["html"])
    mail = out / "nieuwsgierige-student" / "email.html"
    evil = '</iframe><script>alert(1)</script><p title="a&quot;b">'
    mail.write_text(mail.read_text(encoding="utf-8").replace("<body", evil + "<body"), "utf-8")
    tags = _tags(build_preview(out, research).html)
    assert sum(1 for t, _ in tags if t == "script") == 1
    frames = [a for t, a in tags if t == "iframe"]
    assert len(frames) == 3
    for frame in frames:
        assert frame["sandbox"] == "allow-popups allow-popups-to-escape-sandbox"
        assert "Content-Security-Policy" in frame["srcdoc"]
    assert any(evil in frame["srcdoc"] for frame in frames)


def test_a_post_over_its_limit_is_flagged_in_red(out: Path, research: Research) -> None:
    post = out / "nieuwsgierige-student" / "x.txt"
    post.write_text("Lang. " * 60 + "\n", encoding="utf-8")
    page = build_preview(out, research).html
    card = page.split('id="k-nieuwsgierige-student-alle-x"', 1)[1].split("</article>", 1)[0]
    assert "count--over" in card and "<strong>360</strong> / 280" in card
    assert "80 te veel" in card and "badge--bad" in card


def test_a_missing_or_broken_file_is_shown_not_fatal(out: Path, research: Research) -> None:
    (out / "onafhankelijke-zij-instromer" / "x.txt").unlink()
    (out / "onafhankelijke-zij-instromer" / "flyer.docx").write_bytes(b"not a zip")
    page = build_preview(out, research).html
    assert "x.txt: ontbreekt" in page
    assert "flyer.docx" in page and "is not a Word document" in page


def test_an_edited_manifest_cannot_point_outside_out(out: Path, research: Research) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][0]["path"] = "../../etc/passwd.txt"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = build_preview(out, research).html
    assert "staat buiten de uitvoermap" in page and "root:" not in page


def test_write_preview_records_index_html_as_ours(out: Path, research: Research) -> None:
    path, preview, seconds = write_preview(out, research)
    assert path == out / "index.html" and path.read_text(encoding="utf-8") == preview.html
    assert "index.html" in json.loads((out / "manifest.json").read_text())["extras"]
    assert seconds < 30


def test_preview_needs_a_generated_folder(tmp_path: Path, research: Research) -> None:
    with pytest.raises(InputError, match="run mkbcopy generate first"):
        build_preview(tmp_path, research)


def test_cli_preview_and_generate_preview(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = runner.invoke(app, ["generate", "-o", str(out), "-c", "email", "--preview"])
    assert result.exit_code == 0, result.output
    assert "index.html" in result.stdout and (out / "index.html").is_file()
    # index.html is listed as ours, so a second run may write into OUT again.
    again = runner.invoke(app, ["generate", "-o", str(out), "-c", "x", "--no-lint"])
    assert again.exit_code == 0, again.output
    result = runner.invoke(app, ["preview", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 drafts" in result.stdout
    missing = runner.invoke(app, ["preview", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1


# --- in a real browser --------------------------------------------------------------------


def _chromium(page: Path, tmp: Path, *args: str) -> tuple[str, str]:
    assert CHROMIUM is not None
    profile = tmp / f"chromium-profile-{time.monotonic_ns()}"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


def _console(stderr: str) -> list[str]:
    """Console messages and uncaught errors: a script error or a blocked request shows here."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def full_out(example_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example output with index.html, and flyer PDFs where LibreOffice is installed."""
    out = Path(shutil.copytree(example_out, tmp_path_factory.mktemp("full") / "out"))
    brief, research = load_brief(), load_personas()
    if SOFFICE is not None:
        _generate(out, brief, research, channels=["flyer"], formats=["pdf"])
    write_preview(out, research, brief)
    return out


@pytest.mark.slow
@needs_chromium
def test_page_renders_in_chromium_without_console_errors(full_out: Path, tmp_path: Path) -> None:
    index = full_out / "index.html"
    start = time.perf_counter()
    dom, stderr = _chromium(index, tmp_path, "--dump-dom")
    assert _console(stderr) == []
    rendered = {a["data-path"] for _, a in _tags(dom) if "data-path" in a}
    assert rendered == set(_manifest_paths(full_out))
    form = next(a for t, a in _tags(dom) if t == "form")
    assert "hidden" not in form, "the filter script did not run"
    assert "18 van 18 concepten zichtbaar" in dom

    shot = tmp_path / "preview.png"
    _, stderr = _chromium(index, tmp_path, f"--screenshot={shot}", "--window-size=1400,2400")
    assert _console(stderr) == []
    assert shot.read_bytes().startswith(b"\x89PNG")
    shutil.copy(shot, "/tmp/preview.png")
    print(f"chromium: {time.perf_counter() - start:.1f} s")


@pytest.mark.slow
@needs_chromium
def test_page_fits_a_phone(full_out: Path, tmp_path: Path) -> None:
    shot = tmp_path / "preview-phone.png"
    _, stderr = _chromium(
        full_out / "index.html", tmp_path, f"--screenshot={shot}", "--window-size=390,844"
    )
    assert _console(stderr) == []
    assert shot.read_bytes().startswith(b"\x89PNG")
    shutil.copy(shot, "/tmp/preview-phone.png")
    # Nothing may stick out sideways at phone width.
    result = _probe(
        full_out,
        tmp_path,
        "({width: win.innerWidth, scroll: doc.documentElement.scrollWidth})",
        width=390,
    )
    assert result["width"] == 390 and result["scroll"] <= 390, result


@pytest.mark.slow
@needs_chromium
def test_filters_hide_cards_and_everything_shows_without_js(full_out: Path, tmp_path: Path) -> None:
    result = _probe(
        full_out,
        tmp_path,
        """(function () {
          doc.querySelector('input[value="x"]').click();
          var hidden = [];
          doc.querySelectorAll("article[hidden]").forEach(function (card) {
            hidden.push(card.getAttribute("data-channel"));
          });
          return {hidden: hidden, status: doc.getElementById("shown").textContent};
        })()""",
    )
    assert result == {"hidden": ["x", "x", "x"], "status": "15 van 18 concepten zichtbaar"}

    # Without JS (a frame sandboxed without allow-scripts) every card shows, and no dead filters.
    result = _probe(
        full_out,
        tmp_path,
        """(function () {
          var shown = 0;
          doc.querySelectorAll("article").forEach(function (card) {
            if (card.getClientRects().length) { shown += 1; }
          });
          return {shown: shown, filters: doc.getElementById("filters").getClientRects().length};
        })()""",
        scripts=False,
    )
    assert result == {"shown": 18, "filters": 0}


def _probe(
    out: Path, tmp: Path, expression: str, *, width: int = 1280, scripts: bool = True
) -> Any:
    """Open the real index.html in a frame of `width` px and return `expression`'s value.

    The expression sees the page as `doc` and `win`; Chromium lets a file page read a
    file frame only with --allow-file-access-from-files, so the page itself stays as built.
    """
    probe = tmp / "probe.html"
    sandbox = "" if scripts else 'sandbox="allow-same-origin" '
    probe.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe id="f" {sandbox}src="{(out / "index.html").as_uri()}" '
        f'style="border:0;width:{width}px;height:844px"></iframe><script>'
        'window.addEventListener("load", function () {'
        ' var f = document.getElementById("f"), doc = f.contentDocument, win = f.contentWindow;'
        f" document.body.setAttribute('data-result', JSON.stringify({expression}));"
        "});</script></body></html>",
        encoding="utf-8",
    )
    dom, stderr = _chromium(probe, tmp, "--dump-dom", "--allow-file-access-from-files")
    if scripts:  # else Chromium says, rightly, that it blocked the page's script
        assert _console(stderr) == []
    result = next((a["data-result"] for t, a in _tags(dom) if t == "body"), None)
    assert result is not None, "the probe did not run"
    return json.loads(result)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_flyer_pdf_page_is_embedded_as_an_image(full_out: Path, research: Research) -> None:
    preview = build_preview(full_out, research)
    images = [a for t, a in _tags(preview.html) if t == "img"]
    assert preview.pdf_pages == 3 and len(images) == 3
    assert all(a["src"].startswith("data:image/png;base64,") and a["alt"] for a in images)


def test_your_own_channels_get_their_label_and_limit(tmp_path: Path, research: Research) -> None:
    templates = Path(__file__).parent / "fixtures" / "user_templates"
    brief = load_brief()
    out = tmp_path / "o"
    _generate(out, brief, research, channels=["whatsapp"], templates=templates)
    page = build_preview(out, research, brief, templates).html
    assert "WhatsApp-bericht" in page and " / 700 tekens" in page


# --- A/B variants ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def variants_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`generate --variants 3` output with its index.html, built once."""
    folder = tmp_path_factory.mktemp("variants") / "out"
    _generate(folder, load_brief(), load_personas(), variants=3)
    write_preview(folder, load_personas(), load_brief())
    return folder


def _panes(page: str) -> list[tuple[dict[str, str], str, list[str]]]:
    """Each variant pane: its attributes, its heading's text, and the files it lists."""
    panes = []
    for chunk in page.split('<section class="variant"')[1:]:
        pane = chunk.split("</section>", 1)[0]
        attrs = _tags(f"<section{pane.split('>', 1)[0]}>")[0][1]
        heading = re.sub(r"<[^>]+>", "", pane.split("<h4", 1)[1].split(">", 1)[1].split("</h4>")[0])
        paths = [a["data-path"] for _, a in _tags(pane) if "data-path" in a]
        panes.append((attrs, unescape(heading), paths))
    return panes


@pytest.mark.slow
def test_variants_sit_side_by_side_under_what_they_lead_with(
    variants_out: Path, research: Research
) -> None:
    preview = build_preview(variants_out, research)
    page = preview.html
    manifest = json.loads((variants_out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    on_page = [a["data-path"] for _, a in _tags(page) if "data-path" in a]
    assert sorted(on_page) == sorted(entries)
    # One card per persona and channel, each holding that channel's three variants.
    assert preview.cards == 18 and preview.files == 72
    cards = [a for t, a in _tags(page) if t == "article"]
    assert len(cards) == 18 and all("card--variants" in a["class"] for a in cards)
    assert "54 A/B-varianten" in page

    deck = load_copydeck(research)
    titles = {(p.id, m.id): m.title for p in research.personas for m in p.motivators} | {
        (p.id, d.id): deck[p.id].drempels[d.id].vraag for p in research.personas for d in p.drempels
    }
    panes = _panes(page)
    assert len(panes) == 54
    for attrs, heading, paths in panes:
        label, lead = attrs["data-variant"], attrs["data-leads-with"]
        mine = [entries[path] for path in paths]
        assert mine and {(e["variant"], e["leads_with"]) for e in mine} == {(label, lead)}
        persona = mine[0]["persona"]
        assert heading == f"Variant {label} · leidt met: {titles[(persona, lead)]}"

    # An email pane shows its own subject and preheader; a post pane its length.
    email = page.split('id="k-doelgerichte-doorstromer-alle-email-v-b"', 1)[1]
    email = email.split("</section>", 1)[0]
    message = BytesParser(policy=policy.default).parse(
        (variants_out / "doelgerichte-doorstromer" / "email--B.eml").open("rb")
    )
    assert escape(str(message["Subject"])) in email
    assert escape(str(message["X-Preheader"]).strip()) in email and "Hele e-mail tonen" in email
    post = page.split('id="k-doelgerichte-doorstromer-alle-x-v-c"', 1)[1]
    assert " / 280 gewogen tekens" in post.split("</section>", 1)[0]


def test_a_variant_that_leads_with_a_drempel_is_headed_by_its_question(
    tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    out = tmp_path / "o"
    persona = "onafhankelijke-zij-instromer"  # four motivators, so E leads with a drempel
    _generate(out, example_brief, research, channels=["x"], personas=[persona])
    _generate(out, example_brief, research, channels=["x"], personas=[persona], variants=5)
    page = build_preview(out, research).html
    deck = load_copydeck(research)
    first = research.persona(persona).drempels[0].id
    headings = {a.get("data-variant"): h for a, h, _ in _panes(page)}
    assert headings["E"] == f"Variant E · leidt met: {deck[persona].drempels[first].vraag}"
    # x.txt from the run without --variants stays on the page, in a pane of its own.
    assert headings[""] == "Zonder variant"
    on_page = [a["data-path"] for _, a in _tags(page) if "data-path" in a]
    assert sorted(on_page) == sorted(_manifest_paths(out)) and len(on_page) == 6


def test_without_variants_no_panes(out: Path, research: Research) -> None:
    page = build_preview(out, research).html
    assert not [a for _, a in _tags(page) if "variant" in a.get("class", "").split()]
    assert "A/B-varianten" not in page


@pytest.mark.slow
@needs_chromium
def test_variants_gallery_in_chromium(variants_out: Path, tmp_path: Path) -> None:
    index = variants_out / "index.html"
    dom, stderr = _chromium(index, tmp_path, "--dump-dom")
    assert _console(stderr) == []
    rendered = {a["data-path"] for _, a in _tags(dom) if "data-path" in a}
    assert rendered == set(_manifest_paths(variants_out))
    assert "18 van 18 concepten zichtbaar" in dom

    shot = tmp_path / "preview-variants.png"
    _, stderr = _chromium(index, tmp_path, f"--screenshot={shot}", "--window-size=1400,2400")
    assert _console(stderr) == []
    assert shot.read_bytes().startswith(b"\x89PNG")
    shutil.copy(shot, "/tmp/preview-variants.png")

    layout = """(function () {
      var out = {scroll: doc.documentElement.scrollWidth, width: win.innerWidth, over: []};
      doc.querySelectorAll(".card--variants").forEach(function (card, i) {
        if (i) { return; }
        out.boxes = [];
        card.querySelectorAll(".variant").forEach(function (pane) {
          var box = pane.getBoundingClientRect(), body = pane.querySelector(".variant__body");
          out.boxes.push([Math.round(box.left), Math.round(box.top),
            Math.round(body.getBoundingClientRect().top)]);
        });
      });
      doc.querySelectorAll(".variant, .variant h4").forEach(function (el) {
        if (el.scrollWidth > el.clientWidth) { out.over.push(el.id || el.textContent); }
      });
      return out;
    })()"""
    # On a laptop the three panes sit in one row, their drafts starting level; nothing
    # sticks out of a pane.
    wide = _probe(variants_out, tmp_path, layout, width=1280)
    lefts, tops, bodies = zip(*wide["boxes"], strict=True)
    assert len(lefts) == 3 and list(lefts) == sorted(set(lefts)), wide
    assert len(set(tops)) == 1 and len(set(bodies)) == 1, wide
    assert wide["over"] == [] and wide["scroll"] <= wide["width"], wide
    # On a phone they stack, and the page does not scroll sideways.
    phone = _probe(variants_out, tmp_path, layout, width=390)
    lefts, tops, _ = zip(*phone["boxes"], strict=True)
    assert len(set(lefts)) == 1 and list(tops) == sorted(set(tops)), phone
    assert phone["over"] == [] and phone["scroll"] <= 390, phone


def test_lint_findings_on_the_dutch_page_are_dutch(out: Path, research: Research) -> None:
    post = out / "nieuwsgierige-student" / "linkedin.txt"
    long = " ".join(["Dit is een zin die veel te lang doorgaat"] * 4) + ".\n"
    post.write_text(long, encoding="utf-8")
    page = unescape(build_preview(out, research).html)
    assert "zin van 36 woorden; maak er twee zinnen van" in page
    assert "sentence of" not in page and "split it" not in page


def test_generate_warnings_on_the_dutch_page_are_dutch(
    write_brief: Callable[..., Path], tmp_path: Path, research: Research
) -> None:
    """generate ran in English (the default); the manifest keeps the message, not its text."""
    brief = load_brief(write_brief(drop=("paid_by",)))
    out = tmp_path / "out"
    manifest = _generate(out, brief, research, personas=["doelgerichte-doorstromer"])
    kept = [w for e in manifest["files"] for w in e["warnings"]]
    assert kept and all(set(w) == {"msgid", "params"} for w in kept), kept
    page = unescape(build_preview(out, research).html)
    assert "ontbrekend feit 'paid_by'" in page
    assert "missing fact" not in page


@pytest.mark.skipif(
    shutil.which("hunspell") is None or unavailable_reason() is not None,
    reason="needs hunspell-nl",
)
def test_the_preview_starts_one_hunspell_for_all_files(
    out: Path, research: Research, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, log = shutil.which("hunspell"), tmp_path / "starts.log"
    wrapper = tmp_path / "bin" / "hunspell"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    preview = build_preview(out, research)
    assert preview.files == len(_manifest_paths(out)) > 10
    # one process checks every file's words; at most one more suggests corrections
    starts = log.read_text(encoding="utf-8").split()
    assert starts.count("-L") == 1 and starts.count("-a") <= 1 and len(starts) <= 2
