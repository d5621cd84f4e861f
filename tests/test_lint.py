"""The draft linter: hand-made drafts with known faults, in every format we write."""

from __future__ import annotations

import json
from email.policy import SMTP
from pathlib import Path

import pytest

from mkbcopy.checks.lint import (
    BriefTerms,
    Finding,
    LintReport,
    infer_channel,
    lint_document,
    lint_documents,
    lint_draft,
    lint_path,
    lint_paths,
    read_draft,
)
from mkbcopy.checks.spelling import unavailable_reason
from mkbcopy.compose.channels import load_channel
from mkbcopy.document import parse_document
from mkbcopy.errors import InputError
from mkbcopy.writers.docx import render_docx
from mkbcopy.writers.eml import build_message
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_markdown, render_text

SPELLING = unavailable_reason()
needs_hunspell = pytest.mark.skipif(
    SPELLING is not None, reason=f"spelling checks need hunspell-nl: {SPELLING}"
)

# A clean B1 email, written like the bundled templates write one.
CLEAN_EMAIL = """---
subject: Je hbo-diploma halen terwijl je blijft werken
preheader: Je blijft werken en je leert in de praktijk. Lees wat het kost.
---

Hoi Sam,

Je wilt verder in je werk. Met de Mkb-route in het hbo haal je een hbo-diploma.
Je blijft werken en je leert in de praktijk.

### Je leert door te doen

Je haalt een hbo-diploma naast je werk. Je werkt drie dagen per week. Je hebt één dag
per week les.

### Wat kost het?

Het collegegeld is 1.320 euro per jaar. Je werkgever betaalt het collegegeld.

### Jouw vragen

- **Wat als je wilt stoppen?** Stop je eerder? Dan betaal je niets terug.
- **Hoe ver moet je reizen?** Alle bedrijven liggen binnen 30 minuten van Arnhem.

**[Meld je aan voor een kennismaking](https://www.hogeschoolrivierland.example/mkb-route)**

Heb je nog een vraag? Mail of bel me gerust.

Groet,
Priya Raghoenath, Hogeschool Rivierland
"""

LONG_SENTENCE = (
    "Met de Mkb-route in het hbo haal je een erkend diploma terwijl je bij een bedrijf "
    "in de buurt werkt en elke maand gewoon een salaris krijgt voor je werk."
)


def rules(findings: list[Finding] | tuple[Finding, ...], severity: str | None = None) -> set[str]:
    return {f.rule for f in findings if severity is None or f.severity == severity}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def email(
    body: str, subject: str = "Leren en werken tegelijk", preheader: str | None = None
) -> str:
    preheader = preheader or "Je leert het vak op school en in de praktijk. Lees hoe het werkt."
    return f"---\nsubject: {subject}\npreheader: {preheader}\n---\n\n{body}\n"


def test_clean_b1_email_has_no_errors_or_warnings(tmp_path: Path) -> None:
    report = lint_path(write(tmp_path, "email.md", CLEAN_EMAIL))
    assert report.channel == "email"
    assert rules(report.findings, "error") == set()
    assert rules(report.findings, "warning") == set()
    assert report.readability is not None and report.readability.score >= 65


def test_a_25_word_sentence_is_too_long(tmp_path: Path) -> None:
    assert len(LONG_SENTENCE.split()) == 30
    sentence = " ".join(LONG_SENTENCE.split()[:24]) + " werk."
    report = lint_path(write(tmp_path, "email.md", email(f"Hoi,\n\n{sentence}\n\nMeld je aan.")))
    [finding] = [f for f in report.findings if f.rule == "sentence.too-long"]
    assert finding.severity == "warning"
    assert finding.excerpt == sentence
    assert "25 words" in finding.message
    # 20 words is still fine
    short = " ".join(LONG_SENTENCE.split()[:19]) + " werk."
    assert "sentence.too-long" not in rules(lint_draft(parse_document(short), None))


def test_average_sentence_length(tmp_path: Path) -> None:
    text = " ".join([" ".join(LONG_SENTENCE.split()[:17]) + " werk."] * 3)
    assert "sentence.average" in rules(lint_draft(parse_document(text), None), "warning")
    assert "sentence.average" not in rules(lint_draft(parse_document(CLEAN_EMAIL), None))


@needs_hunspell
def test_misspelling_is_an_error(tmp_path: Path) -> None:
    report = lint_path(write(tmp_path, "linkedin.txt", "Je volgt een opleidnig bij ons.\n"))
    [finding] = [f for f in report.findings if f.rule == "spelling"]
    assert finding.severity == "error"
    assert "'opleidnig'" in finding.message and "opleiding" in finding.message
    assert finding.excerpt == "Je volgt een opleidnig bij ons."


def test_x_post_over_280_weighted_characters(tmp_path: Path) -> None:
    post = ("Je leert en werkt tegelijk bij een mkb-bedrijf. " * 7)[:300]
    report = lint_path(write(tmp_path, "x.txt", post))
    assert report.channel == "x"
    [finding] = [f for f in report.findings if f.rule == "length.limit"]
    assert finding.severity == "error" and "300" in finding.message


def test_x_counts_a_url_as_23(tmp_path: Path) -> None:
    url = "https://www.hogeschoolrivierland.example/mkb-route?utm_source=x&utm_medium=social"
    fits = "Werken en leren tegelijk. " * 9 + url  # 234 + 23 weighted; 316 raw
    assert len(fits) > 280
    assert "length.limit" not in rules(lint_path(write(tmp_path, "x.txt", fits)).findings)
    too_long = "Werken en leren tegelijk. " * 10 + url  # 260 + 23 weighted
    assert "length.limit" in rules(lint_path(write(tmp_path, "x.txt", too_long)).findings)


def test_long_subject_and_short_preheader(tmp_path: Path) -> None:
    subject = "Haal je hbo-diploma, terwijl je blijft werken bij een mkb-bedrijf"
    assert len(subject) == 65
    text = email("Hoi,\n\nMeld je aan.", subject=subject, preheader="Lees meer.")
    report = lint_path(write(tmp_path, "email.md", text))
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["length.subject"].severity == "error"
    assert by_rule["length.subject"].excerpt == subject
    assert by_rule["length.preheader"].severity == "warning"
    long_preheader = email("Hoi,\n\nMeld je aan.", preheader="Je leert het vak. " * 6)
    assert "length.preheader" in rules(
        lint_path(write(tmp_path, "email.md", long_preheader)).findings
    )


def test_six_instagram_hashtags(tmp_path: Path) -> None:
    tags = "#MkbRoute #WerkenEnLeren #Hbo #Studiekeuze #Werkervaring"
    five = f"Werken en leren tegelijk? Dat kan.\n\n{tags}\n"
    assert "hashtags" not in rules(lint_path(write(tmp_path, "instagram.txt", five)).findings)
    six = five.replace(tags, tags + " #Mkb")
    [finding] = [
        f for f in lint_path(write(tmp_path, "instagram.txt", six)).findings if f.rule == "hashtags"
    ]
    assert finding.severity == "error" and finding.message.startswith("6 hashtags")


def test_unfilled_placeholder(tmp_path: Path) -> None:
    text = "De opleiding duurt \\[AANVULLEN: hoe lang duurt de opleiding?\\]. Meld je aan."
    report = lint_path(write(tmp_path, "facebook.txt", text))
    [finding] = [f for f in report.findings if f.rule == "placeholder"]
    assert finding.severity == "error"
    assert finding.excerpt == "[AANVULLEN: hoe lang duurt de opleiding?]"
    assert "capitals" not in rules(report.findings)  # AANVULLEN is ours, not shouting


def test_gratis_in_capitals_with_exclamation_marks(tmp_path: Path) -> None:
    report = lint_path(write(tmp_path, "linkedin.txt", "De opleiding is GRATIS!!! Meld je aan."))
    found = {f.rule: f for f in report.findings}
    for rule in ("spam-word", "capitals", "exclamation"):
        assert found[rule].severity == "warning"
        assert found[rule].excerpt == "De opleiding is GRATIS!!!"


def test_spam_words_match_whole_words_only() -> None:
    hits = rules(lint_draft(parse_document("Klik hier voor 100% zekerheid."), None))
    assert "spam-word" in hits
    clean = lint_draft(parse_document("Je krijgt een winterjas en een actieve coach."), None)
    assert "spam-word" not in rules(clean)


def test_known_abbreviations_in_capitals_are_fine() -> None:
    text = "Je volgt de BBL. Je haalt een HAVO of VMBO diploma. Vraag het UWV."
    assert "capitals" not in rules(lint_draft(parse_document(text), None))


def test_hard_flyer_text_misses_the_b1_score(tmp_path: Path) -> None:
    text = (
        "# Carrièremogelijkheden\n\n"
        "Gedurende de opleidingsperiode ontvangt de deelnemer een marktconforme vergoeding. "
        "De werkgeversbijdrage is afhankelijk van de individuele arbeidsovereenkomst.\n"
    )
    report = lint_path(write(tmp_path, "flyer.md", text))
    assert report.channel == "flyer"
    [finding] = [f for f in report.findings if f.rule == "readability.score"]
    assert finding.severity == "warning" and "B1" in finding.message
    # a social post is not scored: three lines say little
    assert "readability.score" not in rules(lint_path(write(tmp_path, "x.txt", text)).findings)


def test_passive_is_a_hint() -> None:
    findings = lint_draft(parse_document("Het collegegeld wordt betaald door je werkgever."), None)
    [finding] = [f for f in findings if f.rule == "passive"]
    assert finding.severity == "info"


def test_every_format_reads_back_the_same(tmp_path: Path) -> None:
    document = parse_document(CLEAN_EMAIL.replace("Je werkt drie", "Je werkt GRATIS drie"))
    html = render_html(document)
    message = build_message(
        subject=document.meta["subject"],
        text=render_text(document),
        html=html,
        sender_name="Priya Raghoenath",
        sender_email="mkbroute@hogeschoolrivierland.example",
        preheader=document.meta["preheader"],
    )
    folder = tmp_path / "doelgerichte-doorstromer"
    folder.mkdir()
    (folder / "email.txt").write_text(render_text(document), encoding="utf-8")
    (folder / "email.md").write_text(render_markdown(document), encoding="utf-8")
    (folder / "email.html").write_text(html, encoding="utf-8")
    (folder / "email.eml").write_bytes(message.as_bytes(policy=SMTP))
    (folder / "flyer.docx").write_bytes(render_docx(document))
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "description.txt").write_text("not a draft", encoding="utf-8")

    reports = {p.path.name: p for p in lint_paths([tmp_path]) if p.path is not None}
    assert sorted(reports) == ["email.eml", "email.html", "email.md", "email.txt", "flyer.docx"]
    scores = {r.readability.score for r in reports.values() if r.readability is not None}
    assert len(scores) == 1
    for name, report in reports.items():
        assert rules(report.findings, "warning") == {"spam-word", "capitals"}, name
    for name in ("email.md", "email.html", "email.eml"):
        meta = read_draft(folder / name).meta
        assert meta["subject"] == "Je hbo-diploma halen terwijl je blijft werken", name
        assert meta["preheader"].startswith("Je blijft werken en je leert"), name
    html_doc = read_draft(folder / "email.html")
    assert [b.kind for b in html_doc.blocks] == [b.kind for b in document.blocks]
    assert html_doc.links() == document.links()
    assert reports["flyer.docx"].channel == "flyer"


def test_channel_from_file_name() -> None:
    assert infer_channel(Path("out/email.eml")) == load_channel("email")
    assert infer_channel(Path("drafts/doorstromer-instagram.txt")) == load_channel("instagram")
    assert infer_channel(Path("notes.txt")) is None


def test_paths_errors_and_report_output(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        lint_paths([tmp_path / "missing.txt"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no draft files"):
        lint_paths([empty])
    broken = tmp_path / "flyer.docx"
    broken.write_bytes(b"not a zip file")
    notes = write(tmp_path, "notes.txt", "Meld je aan.\n")
    [bad, good] = lint_paths([broken, notes, notes])
    assert bad.findings[0].rule == "file" and bad.fails("error")
    assert good.channel is None and not good.fails("warning")
    assert isinstance(good, LintReport)
    data = json.loads(json.dumps([bad.to_dict(), good.to_dict()]))
    assert data[1]["readability"]["sentences"] == 1
    assert data[0]["findings"][0]["severity"] == "error"


def test_linting_many_drafts_together_gives_each_draft_its_own_report() -> None:
    email = load_channel("email")
    faulty = parse_document("Je volgt een opleidnig bij de wrekgever. KOOP NU!!\n")
    terms = BriefTerms()
    drafts = [
        (parse_document(CLEAN_EMAIL), email, Path("a.txt"), terms),
        (faulty, email, Path("b.txt"), terms),
        (faulty, None, None, terms),
    ]
    together = lint_documents(drafts)
    assert together == [lint_document(d, c, path=p) for d, c, p, _ in drafts]
    assert together[1].findings != ()
