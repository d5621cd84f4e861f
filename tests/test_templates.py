"""User templates: overrides, new channels, checks, the sandbox and Word house style.

Everything runs on real files: real template folders in tmp_path, real Jinja2,
real .docx files made and read back with python-docx.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import RGBColor

from mkbcopy.compose.campaign import plan_campaign, write_campaign
from mkbcopy.compose.channels import builtin_templates_dir, channel_names, load_channel
from mkbcopy.compose.context import CONTEXT_NAMES, Recorder, build_context
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.rendering import render_draft
from mkbcopy.compose.sandbox import KEPT_GLOBALS
from mkbcopy.compose.templatecheck import (
    Problem,
    blocks_used,
    check_templates,
    describe_channels,
    find_template,
    init_templates,
)
from mkbcopy.compose.templating import make_environment
from mkbcopy.errors import (
    InputError,
    MkbcopyError,
    OutputError,
    TemplateError,
)
from mkbcopy.research.brief import Brief, load_brief
from mkbcopy.research.personas import Research

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "user_templates"
DOCS = REPO / "docs" / "templates.md"
HEADER = "{{#- mkbcopy\nformats: [{formats}]\nmedium: {medium}\n{extra}-#}}\n"


def channel(
    root: Path,
    name: str,
    body: str,
    *,
    formats: str = "txt",
    medium: str = "social",
    extra: str = "",
) -> Path:
    """Write `root/name/template.md.j2` with a metadata header and `body`."""
    path = root / name / "template.md.j2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(formats=formats, medium=medium, extra=extra) + body, "utf-8")
    return path


def tiny_png() -> bytes:
    """A valid 1x1 RGB PNG, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00"))
        + chunk(b"IEND", b"")
    )


# --- overrides and new channels ---------------------------------------------------------


def test_builtin_templates_pass_the_check(research: Research) -> None:
    assert check_templates(None, research=research) == []


def test_user_folder_overrides_one_channel_and_adds_one(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    assert channel_names(FIXTURE) == [
        "flyer",
        "email",
        "linkedin",
        "instagram",
        "facebook",
        "x",
        "whatsapp",
    ]
    out = tmp_path / "out"
    plan = plan_campaign(example_brief, research, templates=FIXTURE)
    manifest = write_campaign(plan, example_brief, out)
    entries = {e["path"]: e for e in manifest["files"]}
    for persona in research.personas:
        whatsapp = entries[f"{persona.id}/whatsapp.txt"]
        assert whatsapp["channel"] == "whatsapp"
        assert whatsapp["motivators"]
        assert whatsapp["warnings"] == []
        text = (out / persona.id / "whatsapp.txt").read_text(encoding="utf-8")
        lead = next(m for m in persona.motivators if m.id == whatsapp["motivators"][0])
        assert getattr(example_brief.facts, lead.needs[0]) in text
        assert "utm_source=whatsapp&utm_medium=chat" in text
        # The override: its own header (md as well as txt), its own first line.
        assert f"{persona.id}/linkedin.md" in entries
        assert (out / persona.id / "linkedin.md").read_text(encoding="utf-8").startswith("**")
        # Everything else is built in, including the macros and copy the new channel used.
        assert f"{persona.id}/flyer.docx" in entries
    deck = load_copydeck(research)
    first = research.personas[0]
    text = (out / first.id / "whatsapp.txt").read_text(encoding="utf-8")
    assert deck[first.id].motivators[first.motivators[0].id].vraag in text
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["channel"] for e in on_disk["files"]} >= {"whatsapp", "linkedin", "flyer"}


def test_new_channel_over_its_limits_warns_in_generate_and_fails_the_check(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    folder = tmp_path / "t"
    channel(
        folder,
        "sms",
        '{% import "_shared/macros.j2" as m with context %}'
        "{{ m.intro() }} {{ m.hashtag_line() }}\n",
        extra="limit: 50\nhashtags: 1\n",
    )
    plan = plan_campaign(example_brief, research, channels=["sms"], templates=folder)
    for draft in plan.drafts:
        assert any("characters; sms allows 50" in str(w) for w in draft.warnings), draft.warnings
    manifest = write_campaign(plan, example_brief, tmp_path / "out")
    assert all(e["warnings"] for e in manifest["files"])
    problems = check_templates(folder, research=research)
    over = [p for p in problems if "sms allows 50" in p.message]
    slugs = {p.message.split(":")[0] for p in over}
    targets = {p.id for p in research.personas} | {
        f"{p.id}--{s.id}" for p in research.personas for s in p.subgroups
    }
    assert slugs == targets  # every persona and every subgroup, not just the first
    assert all(p.severity == "error" and p.path.endswith("sms/template.md.j2") for p in over)


def test_user_macros_and_copy_override_file_by_file(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    folder = tmp_path / "t"
    (folder / "_shared").mkdir(parents=True)
    macros = (builtin_templates_dir() / "_shared" / "macros.j2").read_text(encoding="utf-8")
    macros = macros.replace("- {{ p.text }}", "- >> {{ p.text }}")
    (folder / "_shared" / "macros.j2").write_text(macros, encoding="utf-8")
    copy = (builtin_templates_dir() / "_shared" / "copy.yaml").read_text(encoding="utf-8")
    copy = copy.replace(
        "vraag: Verder leren zonder te stoppen met werken?",
        "vraag: Eigen kop uit mijn map?",
    )
    (folder / "_shared" / "copy.yaml").write_text(copy, encoding="utf-8")
    plan = plan_campaign(
        example_brief,
        research,
        channels=["instagram", "flyer"],
        personas=["doelgerichte-doorstromer"],
        templates=folder,
    )
    instagram, flyer = plan.drafts
    assert ">> " in instagram.document.markdown  # the user's macro, in a built-in channel
    assert flyer.document.markdown.startswith("# Eigen kop uit mijn map?")
    assert find_template("_shared/macros.j2", folder).overrides_builtin
    assert find_template("flyer", folder).builtin


def test_brief_templates_key_is_used_and_a_missing_folder_is_an_error(
    research: Research, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    shutil.copytree(FIXTURE, tmp_path / "mijn-templates")
    brief = load_brief(write_brief(templates="mijn-templates"))
    plan = plan_campaign(brief, research, channels=["whatsapp"])
    assert {d.channel.name for d in plan.drafts} == {"whatsapp"}
    with pytest.raises(InputError, match="templates folder not found"):
        plan_campaign(load_brief(write_brief(templates="tikfout")), research)


def test_describe_channels_lists_blocks_and_origin() -> None:
    infos = {i.name: i for i in describe_channels(FIXTURE)}
    assert infos["flyer"].builtin and "points" in infos["flyer"].blocks
    assert not infos["whatsapp"].builtin
    assert infos["whatsapp"].blocks == ["opening", "points", "fact_bullets"]
    assert infos["whatsapp"].meta is not None and infos["whatsapp"].meta.limit == 700
    assert blocks_used(make_environment(None), "x/template.md.j2") == ["opening", "points"]


def test_init_copies_builtins_and_never_clobbers(tmp_path: Path) -> None:
    folder = tmp_path / "mijn"
    written = init_templates(folder)
    assert folder / "README.md" in written
    assert (folder / "email" / "template.md.j2").read_bytes() == (
        builtin_templates_dir() / "email" / "template.md.j2"
    ).read_bytes()
    assert (folder / "_shared" / "copy.yaml").is_file()
    (folder / "email" / "template.md.j2").write_text("mijn werk", encoding="utf-8")
    with pytest.raises(OutputError, match="exist already"):
        init_templates(folder)
    assert (folder / "email" / "template.md.j2").read_text(encoding="utf-8") == "mijn werk"
    init_templates(folder, force=True)
    assert (folder / "email" / "template.md.j2").read_text(encoding="utf-8") != "mijn werk"


# --- templates check ---------------------------------------------------------------------


def test_check_reports_every_problem_across_files(research: Research, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    flyer = channel(folder, "flyer", "# {{ copy.kop }}\n\n{{ m.intro( }}\n", formats="docx")
    email = channel(
        folder,
        "email",
        "Hoi {{ frist_name }},\n\n{{ copy.kopp }}\n{{ cta.text }}\n",
        medium="email",
    )
    channel(folder, "whatsapp", "x\n", formats="txt, gif", extra="hashtags: -1\ncolour: rood\n")
    (folder / "vacature").mkdir()
    (folder / "_shared").mkdir()
    (folder / "_shared" / "copy.yaml").write_text(
        "nieuwsgierige-student:\n  aanbod: 12\n", encoding="utf-8"
    )
    problems = check_templates(folder, research=research)
    lines = [str(p) for p in problems]
    assert (
        f"{flyer}:7: error: syntax error: a ')' is missing before '}}' | {{{{ m.intro( }}}}"
        in lines
    )
    assert (
        f"{email}:5: error: unknown variable 'frist_name'; did you mean 'first_name'? "
        "| Hoi {{ frist_name }}," in lines
    )
    assert any(
        p.path == str(email) and p.line == 7 and "did you mean 'kop'?" in p.message
        for p in problems
    )
    header = [p for p in problems if "whatsapp" in p.path]
    assert [p.line for p in header] == [2, 4, 5]  # formats, hashtags, colour: each on its line
    assert any(p.severity == "warning" and p.path.endswith("vacature") for p in problems)
    copy_errors = [p for p in problems if p.path.endswith("copy.yaml")]
    assert any("must be text, not a number" in p.message for p in copy_errors)
    assert any(
        "has no copy for persona 'onafhankelijke-zij-instromer'" in p.message for p in copy_errors
    )
    assert len({(p.path, p.line, p.message) for p in problems}) == len(problems)


def test_check_catches_what_only_a_bare_brief_shows(research: Research, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    channel(folder, "uitnodiging", "Kom naar {{ event.name }} en bel {{ contact.phone }}.\n")
    problems = check_templates(folder, research=research)
    assert len(problems) == 1, problems
    assert problems[0].line == 5 and "brief that has no event" in problems[0].message


def test_check_reports_render_errors_with_did_you_mean(research: Research, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    channel(folder, "post", "{% for item in motivators %}{{ item.kopp }}{% endfor %}\n")
    (problem,) = check_templates(folder, research=research)
    assert problem == Problem(
        str(folder / "post" / "template.md.j2"),
        5,
        "unknown field 'kopp'; did you mean 'kop'? "
        "(fields here: facts, guidance, id, kind, kop, kort, needs, text)",
        "error",
        "{% for item in motivators %}{{ item.kopp }}{% endfor %}",
    )


def test_header_name_must_match_folder(tmp_path: Path) -> None:
    channel(tmp_path, "vacature", "x\n", extra="name: vacatures\n")
    with pytest.raises(TemplateError, match="must be the folder name 'vacature'"):
        load_channel("vacature", tmp_path)


# --- the sandbox ---------------------------------------------------------------------------

ESCAPES = [
    ("{{ ''.__class__.__mro__ }}", "unsafe"),
    ("{{ cycler.__init__.__globals__ }}", "unknown variable 'cycler'"),
    ("{{ joiner() }}", "unknown variable 'joiner'"),
    ("{{ self._TemplateReference__context }}", "unsafe"),
    ("{{ lipsum.__globals__ }}", "unknown variable 'lipsum'"),
    ("{{ range(10**9) | list | length }}", "Range too big"),
    ("{{ 'a' * 10**9 }}", "too large"),
    ("{{ 10 ** 100000 }}", "too large"),
    ("{{ persona.parse_file('/etc/passwd') }}", "unsafe"),
    ("{{ channel.model_fields }}", "unsafe"),
    ("{{ persona.__class__.__init__.__globals__ }}", "unsafe"),
    ("{{ fact.__self__.brief }}", "unsafe"),
    ("{{ link.__globals__['__builtins__'] }}", "unsafe"),
    ("{{ motivators.append(1) }}", "unsafe"),
    ("{{ ('{0.__cl' ~ 'ass__}').format(1) }}", "unsafe"),
    ("{{ persona | attr('__class__') }}", "unsafe"),
    ("{{ '{:>999999999}'.format(1) }}", "too large"),
    ("{{ '%999999999s' | format(1) }}", "too large"),
    ("{{ 'x'.ljust(10**8) }}", "unsafe"),
    ("{{ 'x' | center(10**9) }}", "too large"),
    ("{{ [1] | slice(10**9) | list }}", "too large"),
    ("{% include '/etc/passwd' %}", "template not found: /etc/passwd"),
    ("{% include '../../x' %}", "template not found: ../../x"),
    ("{% import '../../x' as x %}", "template not found"),
    (
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        "too much work",
    ),
    ("{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('ab') }}", "too large"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "itself without end"),
    ("{% include 'evil/template.md.j2' %}", "itself without end"),
    (
        "{% set a = 'x' * 1000000 %}{% set b %}{% for i in range(10) %}{{ a }}{% endfor %}"
        "{% endset %}",
        "writes too much",
    ),
]


@pytest.mark.parametrize(("source", "expected"), ESCAPES, ids=[s for s, _ in ESCAPES])
def test_sandbox_escapes_fail_with_one_line_naming_file_and_line(
    source: str, expected: str, research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    root = tmp_path / "a" / "b"
    (tmp_path / "x").write_text("GEHEIM", encoding="utf-8")  # what ../../x would reach
    path = channel(root, "evil", "regel\n" + source + "\n")
    persona = research.personas[0]
    deck = load_copydeck(research)
    with pytest.raises(TemplateError) as caught:
        render_draft(
            example_brief, persona, load_channel("evil", root), deck[persona.id], user_dir=root
        )
    message = str(caught.value)
    assert "\n" not in message and "GEHEIM" not in message and "root:" not in message
    assert expected in message
    if "itself" not in expected:
        assert message.startswith(f"{path}:6: "), message


def test_symlink_out_of_the_template_folder_is_refused(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM", encoding="utf-8")
    root = tmp_path / "t"
    channel(root, "evil", "{% include 'evil/link.j2' %}{% include 'evil/ok.j2' %}\n")
    (root / "evil" / "link.j2").symlink_to(secret)
    persona = research.personas[0]
    deck = load_copydeck(research)
    with pytest.raises(TemplateError, match="is a symbolic link") as caught:
        load_channel("evil", root)  # any symbolic link in the folder, before any render
    assert str(caught.value).startswith(f"{root / 'evil' / 'link.j2'}: ")
    assert "GEHEIM" not in str(caught.value)
    with pytest.raises(TemplateError, match="is a symbolic link"):
        find_template("evil/link.j2", root)  # `templates show` does not follow it either
    (root / "evil" / "link.j2").unlink()
    # An include that stays inside the folder works.
    channel(root, "good", "{% include 'evil/ok.j2' %}\n")
    (root / "evil" / "ok.j2").write_text("binnen de map", encoding="utf-8")
    draft = render_draft(
        example_brief, persona, load_channel("good", root), deck[persona.id], user_dir=root
    )
    assert draft.document.markdown == "binnen de map\n"


def test_only_the_needed_globals_remain() -> None:
    env = make_environment(None)
    assert set(env.globals) == set(KEPT_GLOBALS)
    template = env.from_string(
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}"
        "{% endfor %}{{ ns.n }} {{ dict(a=1).a }}"
    )
    assert template.render() == "3 1"


def test_control_characters_from_a_template_are_an_error(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    channel(tmp_path, "bel", "ding{{ '\\x07' }}dong\n")
    persona = research.personas[0]
    deck = load_copydeck(research)
    with pytest.raises(TemplateError, match="control character U\\+0007"):
        render_draft(
            example_brief,
            persona,
            load_channel("bel", tmp_path),
            deck[persona.id],
            user_dir=tmp_path,
        )


# --- escaping: & < " ' survive every writer -------------------------------------------------

NASTY_FACT = "Kosten <1.000 euro> & \"gratis\" 'boeken' *niet* [link](x)"
NASTY_TEMPLATE = "Tom & Jerry <b>\"vet\"</b> 'enkel' &amp; 5 < 6"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_special_characters_survive_docx_html_and_eml(
    research: Research,
    write_brief: Callable[..., Path],
    example_data: dict[str, Any],
    tmp_path: Path,
) -> None:
    facts = {**example_data["facts"], "costs": NASTY_FACT}
    brief = load_brief(write_brief(facts=facts, organisation="Bakker & Zn. <BV> \"'"))
    folder = tmp_path / "t"
    channel(
        folder,
        "proef",
        "---\nsubject: Tom & Jerry <b> \"x\" 'y'\n---\n"
        f"# {NASTY_TEMPLATE}\n\n{{{{ fact('costs') }}}}\n\n- {{{{ brief.organisation }}}}\n",
        formats="docx, html, eml, txt",
        medium="email",
    )
    out = tmp_path / "out"
    plan = plan_campaign(
        brief, research, channels=["proef"], personas=["doelgerichte-doorstromer"], templates=folder
    )
    write_campaign(plan, brief, out)
    base = out / "doelgerichte-doorstromer"
    heading = "Tom & Jerry <b>\"vet\"</b> 'enkel' & 5 < 6"
    organisation = "Bakker & Zn. <BV> \"'"

    flyer = docx.Document(str(base / "proef.docx"))
    texts = [p.text for p in flyer.paragraphs]
    assert texts == [heading, NASTY_FACT, organisation]

    html = (base / "proef.html").read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(html)
    visible = "".join(parser.parts)
    assert heading in visible and NASTY_FACT in visible and organisation in visible
    assert "<b>" not in html.split("<body", 1)[1].replace("&lt;b&gt;", "")

    message = BytesParser(policy=default).parsebytes((base / "proef.eml").read_bytes())
    assert message["Subject"] == "Tom & Jerry <b> \"x\" 'y'"
    plain = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert plain is not None and html_part is not None
    assert NASTY_FACT in plain.get_content() and heading in plain.get_content()
    parser = _Text()
    parser.feed(html_part.get_content())
    assert NASTY_FACT in "".join(parser.parts)
    assert message.defects == [] and all(not p.defects for p in message.walk())


# --- Word house style -------------------------------------------------------------------------


def make_reference(path: Path, *, drop: tuple[str, ...] = ()) -> None:
    """A house-style .docx: Georgia dark-red Heading 1, a header and footer, example body text."""
    ref = docx.Document()
    heading = ref.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    ref.sections[0].header.paragraphs[0].text = "Hogeschool Rivierland, huisstijl"
    ref.sections[0].footer.paragraphs[0].text = "Voettekst van de huisstijl"
    ref.add_paragraph("Voorbeeldtekst die niet in de flyer hoort.")
    for name in drop:
        element = ref.styles[name].element
        element.getparent().remove(element)
    ref.save(str(path))


def _flyer(
    research: Research,
    write_brief: Callable[..., Path],
    tmp_path: Path,
    brand: dict[str, str],
) -> docx.document.Document:
    brief = load_brief(write_brief(brand=brand))
    out = tmp_path / "out"
    plan = plan_campaign(
        brief, research, channels=["flyer"], personas=["onafhankelijke-zij-instromer"]
    )
    write_campaign(plan, brief, out, force=True)
    return docx.Document(str(out / "onafhankelijke-zij-instromer" / "flyer.docx"))


def test_reference_docx_house_style_and_logo_survive_into_the_flyer(
    research: Research, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    make_reference(tmp_path / "huisstijl.docx")
    (tmp_path / "logo.png").write_bytes(tiny_png())
    flyer = _flyer(
        research,
        write_brief,
        tmp_path,
        {"name": "Rivierland", "reference_docx": "huisstijl.docx", "logo": "logo.png"},
    )
    style = flyer.styles["Heading 1"]
    assert style.font.name == "Georgia"
    assert style.font.color.rgb == RGBColor(0x8B, 0x00, 0x00)
    headings = [p for p in flyer.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 1
    # No brand colour set: the heading keeps the reference's colour (no run override).
    assert all(run.font.color.rgb is None for run in headings[0].runs)
    assert flyer.sections[0].header.paragraphs[0].text == "Hogeschool Rivierland, huisstijl"
    assert flyer.sections[0].footer.paragraphs[0].text == "Voettekst van de huisstijl"
    text = "\n".join(p.text for p in flyer.paragraphs)
    assert "Voorbeeldtekst" not in text and "Vragen?" in text
    assert len(flyer.inline_shapes) == 2  # the logo and the QR code
    assert [p.style.name for p in flyer.paragraphs].count("List Bullet") > 0


def test_explicit_brand_colour_overrides_the_reference_heading(
    research: Research, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    make_reference(tmp_path / "huisstijl.docx")
    flyer = _flyer(
        research, write_brief, tmp_path, {"reference_docx": "huisstijl.docx", "colour": "#0B5FA5"}
    )
    heading = next(p for p in flyer.paragraphs if p.style.name == "Heading 1")
    assert heading.runs[0].font.color.rgb == RGBColor(0x0B, 0x5F, 0xA5)
    assert flyer.styles["Heading 1"].font.name == "Georgia"


def test_reference_without_list_bullet_or_heading_2_falls_back(
    research: Research, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    make_reference(tmp_path / "kaal.docx", drop=("List Bullet", "Heading 2"))
    flyer = _flyer(research, write_brief, tmp_path, {"reference_docx": "kaal.docx"})
    styles = [p.style.name for p in flyer.paragraphs]
    assert "List Bullet" not in styles
    bullets = [p.text for p in flyer.paragraphs if p.text.startswith("\u2022\t")]
    assert len(bullets) >= 3  # the benefits, drawn as bullets by hand
    assert flyer.styles["Heading 1"].font.name == "Georgia"


@pytest.mark.parametrize(
    ("brand", "message"),
    [
        ({"reference_docx": "weg.docx"}, "reference document not found"),
        ({"reference_docx": "logo.png"}, "not a .docx file"),
        ({"logo": "weg.png"}, "logo not found"),
        ({"logo": "campaign.yaml"}, "logo is not a PNG or JPEG image"),
    ],
)
def test_bad_brand_files_stop_before_anything_is_written(
    research: Research,
    write_brief: Callable[..., Path],
    tmp_path: Path,
    brand: dict[str, str],
    message: str,
) -> None:
    (tmp_path / "logo.png").write_bytes(tiny_png())
    brief = load_brief(write_brief(brand=brand))
    with pytest.raises(InputError, match=message):
        plan_campaign(brief, research, channels=["flyer"])
    # Channels without a Word file do not need the brand files.
    plan_campaign(brief, research, channels=["x"])


# --- the docs --------------------------------------------------------------------------------


def _sample_context(example_brief: Brief, research: Research) -> dict[str, Any]:
    persona = research.persona("doelgerichte-doorstromer")
    deck = load_copydeck(research)
    return build_context(
        example_brief,
        persona,
        persona.subgroup("35+"),
        load_channel("linkedin"),
        deck[persona.id],
        Recorder(example_brief),
    )


def _example_rows(text: str) -> list[tuple[str, str]]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 3 and cells[1].startswith("`{") and cells[2].startswith("`"):
            source, result = (c[1:-1].replace("\\|", "|") for c in cells[1:])
            rows.append((source, result.replace("\\n", "\n")))
    return rows


def test_every_example_in_the_docs_renders_as_shown(
    example_brief: Brief, research: Research
) -> None:
    env = make_environment(None)
    context = _sample_context(example_brief, research)
    rows = _example_rows(DOCS.read_text(encoding="utf-8"))
    assert len(rows) > 80
    for source, expected in rows:
        template = env.from_string('{% import "_shared/macros.j2" as m with context %}' + source)
        assert template.render(context) == expected, source


def test_docs_cover_every_variable_filter_macro_and_header_key() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in (*CONTEXT_NAMES, *KEPT_GLOBALS):
        assert f"`{name}`" in text, name
    for name in make_environment(None).filters:
        if not name.startswith("_"):
            assert f"| `{name}` |" in text, name
    macros = (builtin_templates_dir() / "_shared" / "macros.j2").read_text(encoding="utf-8")
    for name in re.findall(r"{% macro (\w+)\(", macros):
        assert f"`m.{name}(" in text, name
    from mkbcopy.compose.channels import FORMATS, ChannelMeta

    formats_row = next(line for line in text.splitlines() if line.startswith("| `formats` |"))
    for fmt in FORMATS:
        assert f"`{fmt}`" in formats_row, fmt
    for key in ChannelMeta.model_fields:
        if key != "path":
            assert f"| `{key}` |" in text, key
    whatsapp = (FIXTURE / "whatsapp" / "template.md.j2").read_text(encoding="utf-8")
    assert whatsapp in text  # the worked example is the tested fixture, verbatim


def test_context_names_match_build_context(example_brief: Brief, research: Research) -> None:
    assert tuple(_sample_context(example_brief, research)) == CONTEXT_NAMES


def test_mkbcopy_errors_are_one_line(research: Research, tmp_path: Path) -> None:
    channel(tmp_path, "kapot", "{% if %}\n")
    problems = check_templates(tmp_path, research=research)
    assert problems and all("\n" not in str(p) for p in problems)
    assert issubclass(TemplateError, MkbcopyError)
