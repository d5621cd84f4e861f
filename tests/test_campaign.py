"""`generate` end to end through the library: real files read back with real parsers."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import docx
import pytest

from mkbcopy.compose.campaign import plan_campaign, write_campaign
from mkbcopy.compose.plan import placeholder
from mkbcopy.errors import MissingFactsError, OutputError, UsageError
from mkbcopy.research.brief import Brief, load_brief
from mkbcopy.research.personas import Research


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    from mkbcopy.research.study import load_personas

    out = tmp_path_factory.mktemp("run") / "out"
    brief = load_brief()
    manifest = write_campaign(plan_campaign(brief, load_personas()), brief, out)
    return out, manifest


def test_manifest_lists_every_file_written(full_run: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, manifest = full_run
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    listed = {entry["path"] for entry in manifest["files"]}
    assert on_disk == listed | {"manifest.json"}
    assert json.loads((out / "manifest.json").read_text())["complete"] is True
    assert len(listed) == 3 * (1 + 3 + 4)  # flyer docx, email x3, four social txt
    entry = manifest["files"][0]
    assert set(entry) == {
        "path",
        "persona",
        "subgroup",
        "channel",
        "format",
        "motivators",
        "drempels",
        "warnings",
    }


def test_each_persona_addresses_all_its_motivators_and_drempels(
    full_run: tuple[Path, dict],  # type: ignore[type-arg]
    research: Research,
) -> None:
    _, manifest = full_run
    for persona in research.personas:
        entries = [e for e in manifest["files"] if e["persona"] == persona.id]
        motivators = {m for e in entries for m in e["motivators"]}
        drempels = {d for e in entries for d in e["drempels"]}
        assert motivators == {m.id for m in persona.motivators}
        assert drempels == {d.id for d in persona.drempels}


def test_flyer_docx_has_headings_bullets_and_the_briefs_facts(
    full_run: tuple[Path, dict],  # type: ignore[type-arg]
    example_brief: Brief,
    research: Research,
) -> None:
    out, _ = full_run
    for persona in research.personas:
        document = docx.Document(str(out / persona.id / "flyer.docx"))
        styles = [p.style.name for p in document.paragraphs]
        assert styles.count("Heading 1") == 1
        assert styles.count("List Bullet") >= 3
        cells = [p for t in document.tables for c in t._cells for p in c.paragraphs]
        paragraphs = [*document.paragraphs, *cells]
        text = "\n".join(p.text for p in paragraphs)
        counts = [text.count(getattr(example_brief.facts, key)) for key in persona.needs()]
        # The page chooses what fits (at least five facts) and says each at most once.
        assert max(counts) == 1 and sum(counts) >= 5, (persona.id, counts)
        links = [h.address for p in paragraphs for h in p.hyperlinks]
        assert any(a.startswith(example_brief.call_to_action.url) for a in links)


def test_email_drafts_parse_and_carry_subject_and_preheader(
    full_run: tuple[Path, dict],  # type: ignore[type-arg]
    example_brief: Brief,
) -> None:
    out, _ = full_run
    for eml in out.glob("*/email.eml"):
        raw = eml.read_bytes()
        msg = BytesParser(policy=default).parsebytes(raw)
        assert msg["X-Unsent"] == "1"
        assert 0 < len(msg["Subject"]) <= 60
        assert msg["X-Preheader"]
        assert msg["From"].addresses[0].addr_spec == example_brief.contact.email
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        assert plain is not None and html is not None
        assert example_brief.call_to_action.text in plain.get_content()
        assert "<li" in html.get_content()
        assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_social_posts_keep_platform_limits(full_run: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    from mkbcopy.compose.measure import HASHTAG, x_length

    out, manifest = full_run
    assert all(not e["warnings"] for e in manifest["files"])
    for path in out.glob("*/x.txt"):
        text = path.read_text()
        assert x_length(text) <= 280 and "https://" in text and "#" in text
    for path in out.glob("*/instagram.txt"):
        text = path.read_text()
        assert len(text) <= 2200 and len(HASHTAG.findall(text)) <= 5
    for path in out.glob("*/linkedin.txt"):
        assert len(path.read_text()) <= 3000


def test_links_carry_utm_tags(full_run: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, _ = full_run
    text = (out / "doelgerichte-doorstromer" / "linkedin.txt").read_text()
    assert "utm_source=linkedin&utm_medium=social" in text
    assert "utm_content=doelgerichte-doorstromer" in text


def test_another_brief_its_facts_and_no_example_facts(
    write_brief: Callable[..., Path], research: Research, tmp_path: Path
) -> None:
    facts = {
        key: f"Feit {i} van de Bakkerij-route."
        for i, key in enumerate(
            [
                "programme_content",
                "weekly_schedule",
                "duration",
                "diploma",
                "costs",
                "paid_by",
                "salary",
                "job_security",
                "on_quit",
                "employer_match",
                "travel",
                "guidance",
                "learn_first",
                "future",
                "employer_testimonial",
            ]
        )
    }
    path = write_brief(
        facts=facts, campaign="Bakkers van morgen", organisation="Bakkersgilde Oost", brand=None
    )
    brief = load_brief(path)
    out = tmp_path / "out"
    write_campaign(plan_campaign(brief, research, channels=["flyer", "email"]), brief, out)
    flyer = _word_text(docx.Document(str(out / "doelgerichte-doorstromer" / "flyer.docx")))
    assert "Feit 4 van de Bakkerij-route." in flyer
    assert "Bakkersgilde Oost" in flyer
    assert "1.320 euro" not in flyer and "Rivierland" not in flyer


def _word_text(document: docx.document.Document) -> str:
    """Paragraphs and table cells: the flyer puts its key facts and call to action in tables."""
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_missing_fact_gives_placeholder_and_warning(
    write_brief: Callable[..., Path], research: Research, tmp_path: Path
) -> None:
    brief = load_brief(write_brief(drop=("paid_by",)))
    plan = plan_campaign(brief, research, channels=["flyer"])
    assert plan.missing_facts() == {
        "paid_by": ["doelgerichte-doorstromer", "onafhankelijke-zij-instromer"]
    }
    manifest = write_campaign(plan, brief, tmp_path / "out")
    flyer = docx.Document(str(tmp_path / "out" / "doelgerichte-doorstromer" / "flyer.docx"))
    assert placeholder("paid_by") in _word_text(flyer)
    assert placeholder("paid_by") == "[AANVULLEN: wie betaalt de opleiding?]"
    warned = [e for e in manifest["files"] if e["warnings"]]
    assert {e["persona"] for e in warned} == {
        "doelgerichte-doorstromer",
        "onafhankelijke-zij-instromer",
    }


def test_strict_writes_nothing(
    write_brief: Callable[..., Path], research: Research, tmp_path: Path
) -> None:
    brief = load_brief(write_brief(drop=("travel",)))
    with pytest.raises(MissingFactsError, match="travel"):
        write_campaign(plan_campaign(brief, research), brief, tmp_path / "out", strict=True)
    assert not (tmp_path / "out").exists()


def test_subgroup_leads_with_what_it_stresses(research: Research, example_brief: Brief) -> None:
    plan = plan_campaign(example_brief, research, channels=["email"], subgroup="16-34")
    assert [d.slug for d in plan.drafts] == [
        "doelgerichte-doorstromer--16-34",
        "onafhankelijke-zij-instromer--16-34",
    ]
    for draft in plan.drafts:
        persona = research.persona(draft.persona)
        stress = persona.subgroup("16-34").stress
        first_motivator = next(s for s in stress if s in {m.id for m in persona.motivators})
        assert draft.motivators[0] == first_motivator


def test_unknown_subgroup_and_persona(research: Research, example_brief: Brief) -> None:
    with pytest.raises(UsageError, match="no persona has subgroup"):
        plan_campaign(example_brief, research, subgroup="50+")
    with pytest.raises(Exception, match="unknown persona"):
        plan_campaign(example_brief, research, personas=["student"])


def test_out_with_user_files_is_refused_unless_force(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mijn-notities.docx").write_text("van mij")
    plan = plan_campaign(example_brief, research, channels=["x"])
    with pytest.raises(OutputError, match=r"mijn-notities\.docx"):
        write_campaign(plan, example_brief, out)
    write_campaign(plan, example_brief, out, force=True)
    assert (out / "mijn-notities.docx").read_text() == "van mij"
    # Our own earlier output is ours to replace.
    write_campaign(plan, example_brief, tmp_path / "again")
    write_campaign(plan, example_brief, tmp_path / "again")


def test_symlinked_file_in_out_is_replaced_not_written_through(
    research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    plan = plan_campaign(
        example_brief, research, channels=["x"], personas=["nieuwsgierige-student"]
    )
    write_campaign(plan, example_brief, out)
    target = out / "nieuwsgierige-student" / "x.txt"
    target.unlink()
    target.symlink_to(victim)
    with pytest.raises(OutputError):
        write_campaign(plan, example_brief, out)
    write_campaign(plan, example_brief, out, force=True)
    assert victim.read_text() == "precious"
    assert not target.is_symlink()


@pytest.mark.slow
def test_docx_opens_in_libreoffice(full_run: tuple[Path, dict], tmp_path: Path) -> None:  # type: ignore[type-arg]
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    out, _ = full_run
    flyer = out / "nieuwsgierige-student" / "flyer.docx"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(flyer),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (tmp_path / "flyer.txt").read_text(encoding="utf-8-sig")
    assert "Meld je aan voor een kennismaking" in text and "Vragen?" in text


def test_docx_bytes_roundtrip_small() -> None:
    from mkbcopy.document import parse_document
    from mkbcopy.writers.docx import render_docx

    data = render_docx(parse_document("# A\n\nb\n"))
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "A"
