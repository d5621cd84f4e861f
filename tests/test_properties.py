"""Property tests: whatever a user feeds mkbcopy, it answers with output or one line.

Hypothesis writes briefs, personas files, contact lists, templates and documents full
of what users' files really hold and what an attacker would try: control characters,
NUL, lone surrogates, right-to-left marks, emoji, Markdown and Jinja2 syntax, wrong
types, empty and huge values. mkbcopy must either produce correct output (a .docx
python-docx opens, an .eml the email package parses) or raise an MkbcopyError whose
message is one line naming the file; never anything else.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

import docx
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mkbcopy.bundle import bundled_path
from mkbcopy.cli import app
from mkbcopy.compose.campaign import render_file
from mkbcopy.compose.channels import load_channel
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.rendering import render_draft
from mkbcopy.contacts.reading import open_contacts
from mkbcopy.contacts.segments import segment_contacts
from mkbcopy.document import Block, Document, Span
from mkbcopy.errors import MkbcopyError, ValidationError
from mkbcopy.research.brief import Brief, example_brief_path, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.research.study import load_personas
from mkbcopy.research.text import BAD_CHARS, MAX_TEXT
from mkbcopy.writers.docx import render_docx
from mkbcopy.writers.eml import build_message
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_markdown, render_text

# MKBCOPY_PROPERTY_SCALE=20 runs twenty times as many examples, for a long bug hunt.
_SCALE = float(os.environ.get("MKBCOPY_PROPERTY_SCALE", "1"))
_QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much]
FAST = settings(max_examples=int(150 * _SCALE), deadline=None, suppress_health_check=_QUIET)
SLOW = settings(max_examples=int(50 * _SCALE), deadline=None, suppress_health_check=_QUIET)

# What users' files and attackers' files hold, beside ordinary letters.
NASTY = (
    *("\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"),
    *("\u00a0", "\u00ad", "\u200b", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029"),
    *("\u202e", "\u2066", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff"),
    *("\U0001f600", "\U0001f469\u200d\U0001f469\u200d\U0001f467", "שלום", "مرحبا", "İı", "ß"),
    *("\r", "\n", "\r\n", "\t", " ", "&", "<b>", "&amp;", '"', "'", "*", "_", "`", "~"),
    *("{{", "}}", "{%", "%}", "{#", "#}", "[", "](", ")", "#", "\\", ":", "- ", "1. "),
    *("=", "+", "@", ";", ",", "|", "---", "%s", "$", "!!python/object", "&a", "*a"),
)
_char = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),
    st.characters(max_codepoint=0x9F),
    st.sampled_from(NASTY),
)
nasty_text = st.lists(_char, max_size=40).map("".join)


def _long(most: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda piece, size: (piece * size)[:size],
        st.sampled_from(["x", "é ", "\U0001f600", "\u202eab", "a\nb", "{{ x }}", "\x00"]),
        st.integers(MAX_TEXT - 2, most),
    )


# Files may be huge; a document reaching a writer is at most a template's output.
any_text = st.one_of(nasty_text, nasty_text, nasty_text, _long(400_000))
writer_text = st.one_of(nasty_text, nasty_text, nasty_text, _long(20_000))

# Text a valid brief may hold: no control characters, at most MAX_TEXT, not blank.
_valid_char = st.one_of(
    st.characters(exclude_categories=("Cc", "Cs")),
    st.sampled_from([c for c in NASTY if not BAD_CHARS.search(c)]),
)
valid_text = (
    st.lists(_valid_char, min_size=1, max_size=60)
    .map("".join)
    .filter(lambda s: bool(s.strip()) and not BAD_CHARS.search(s))
)
scalar = st.one_of(
    valid_text,
    any_text,
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**20),
    st.floats(),
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=4,
)

EXAMPLE: dict[str, Any] = yaml.safe_load(example_brief_path().read_text(encoding="utf-8"))
PERSONAS_FILE = bundled_path("personas.yaml")
RESEARCH: dict[str, Any] = yaml.safe_load(PERSONAS_FILE.read_text(encoding="utf-8"))
RUNNER = CliRunner()


# ---------------------------------------------------------------- helpers


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example; pytest's tmp_path is one folder per test."""
    with tempfile.TemporaryDirectory(prefix="mkbcopy-prop-") as folder:
        yield Path(folder)


def assert_one_line(message: str) -> None:
    """One line a terminal shows as written: no line breaks, controls or surrogates."""
    assert message
    bad = [
        c
        for c in message
        if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")
        or unicodedata.bidirectional(c)
        in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")
    ]
    assert not bad, f"{bad!r} in {message!r}"


def assert_reported(exc: MkbcopyError, path: Path) -> None:
    """One line per problem (errors.Problems), each naming the file."""
    event(f"refused: {type(exc).__name__}")
    for message in str(exc).split("\n"):
        assert str(path) in message, message
        assert_one_line(message)


def _containers(data: Any, found: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) in a nested structure, to pick one to change."""
    if isinstance(data, dict):
        for key, child in data.items():
            found.append((data, key))
            _containers(child, found)
    elif isinstance(data, list):
        for index, child in enumerate(data):
            found.append((data, index))
            _containers(child, found)
    return found


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """`base` with one to three values replaced, deleted or added at random places."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        places = _containers(data, [])
        if not places:
            return draw(value)
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            container[key] = draw(value)
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict):
            container[draw(nasty_text)] = draw(value)
        else:
            container.append(draw(value))
    if draw(st.integers(0, 20)) == 0:
        return draw(value)  # not a mapping at all
    return data


def serialise(draw: st.DrawFn, data: Any) -> bytes:
    """As YAML or as JSON (which is YAML too), the way a user or a script writes it."""
    kind = draw(st.sampled_from(["yaml", "yaml-ascii", "json", "json-raw"]))
    if kind.startswith("yaml"):
        text = yaml.safe_dump(data, allow_unicode=kind == "yaml", sort_keys=False)
    else:
        text = json.dumps(data, ensure_ascii=kind == "json")
    return text.encode("utf-8", "surrogatepass")


# What the brief accepts where a value becomes a mail header: no line breaks.
one_line_text = valid_text.map(
    lambda t: "".join(" " if c in "\r\n\x85\u2028\u2029" else c for c in t)
).filter(lambda t: t.strip() != "")


@st.composite
def valid_brief_data(draw: st.DrawFn) -> dict[str, Any]:
    """Briefs that pass validation but hold every kind of text a fact may hold."""
    data = copy.deepcopy(EXAMPLE)
    data.pop("brand", None)
    for key in draw(st.lists(st.sampled_from(sorted(data["facts"])), max_size=6, unique=True)):
        if draw(st.booleans()):
            data["facts"][key] = draw(valid_text)
        else:
            del data["facts"][key]
    for key in ("campaign", "organisation", "programme"):
        if draw(st.booleans()):
            data[key] = draw(one_line_text if key == "campaign" else valid_text)
    if draw(st.booleans()):
        data["contact"]["name"] = draw(one_line_text)  # it goes into mail headers
    if draw(st.booleans()):
        data["call_to_action"]["text"] = draw(valid_text)
    if draw(st.booleans()):
        data["event"]["place"] = draw(valid_text)
    data["utm"] = draw(st.booleans())
    return data


valid_briefs = valid_brief_data().map(Brief.model_validate)


@st.composite
def brief_bytes(draw: st.DrawFn) -> bytes:
    """A brief file: the example with values changed, or its text with junk spliced in,
    or a valid brief full of odd text."""
    kind = draw(st.sampled_from(["mutated", "spliced", "valid"]))
    if kind == "valid":
        return serialise(draw, draw(valid_brief_data()))
    if kind == "mutated":
        return serialise(draw, draw(mutated(EXAMPLE)))
    text = example_brief_path().read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(nasty_text) + text[at:]
    return text.encode("utf-8", "surrogatepass")


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_output(fmt: str, data: bytes) -> None:
    """Each format read back by the parser its reader uses."""
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        assert "\n".join(p.text for p in document.paragraphs) is not None
    elif fmt == "eml":
        assert all(len(line) <= 998 for line in data.split(b"\r\n"))
        message = BytesParser(policy=default).parsebytes(data)
        assert not message.defects, message.defects
        assert "\n" not in str(message["Subject"])
        for kind in ("plain", "html"):
            part = message.get_body((kind,))
            assert part is not None
            part.get_content()
    elif fmt == "html":
        parser = _Html()
        parser.feed(data.decode("utf-8"))
        parser.close()
    else:
        data.decode("utf-8")


# ---------------------------------------------------------------- the brief


@FAST
@given(data=brief_bytes())
def test_brief_loader_answers_with_a_brief_or_one_line(data: bytes) -> None:
    with scratch() as folder:
        path = folder / "campaign.yaml"
        path.write_bytes(data)
        try:
            brief = load_brief(path)
        except MkbcopyError as exc:
            assert_reported(exc, path)
            return
        assert isinstance(brief, Brief)
        for text in (brief.campaign, brief.organisation, brief.contact.name):
            assert text.strip() and not BAD_CHARS.search(text)


_TEXT_FIELDS = [
    *(("campaign",), ("organisation",), ("programme",), ("contact", "name")),
    *(("call_to_action", "text"), ("event", "place"), ("brand", "name")),
    *(("facts", key) for key in EXAMPLE["facts"]),
]
_UNHOLDABLE = st.one_of(
    st.characters(categories=["Cs"]),
    st.characters(max_codepoint=0x1F).filter(lambda c: c not in "\t\n\r"),
    st.sampled_from(["\x7f", "\ufffe", "\uffff"]),
)


@FAST
@given(
    field=st.sampled_from(_TEXT_FIELDS),
    where=st.floats(0, 1),
    char=_UNHOLDABLE,
    as_json=st.booleans(),
)
def test_a_character_word_cannot_hold_is_refused_naming_the_field(
    field: tuple[str, ...], where: float, char: str, as_json: bool
) -> None:
    """Written escaped ("\\x07"), as YAML and JSON allow; a raw one is a YAML error."""
    data = copy.deepcopy(EXAMPLE)
    parent = data
    for part in field[:-1]:
        parent = parent[part]
    text = parent[field[-1]]
    at = int(where * len(text))
    parent[field[-1]] = text[:at] + char + text[at:]
    raw = json.dumps(data) if as_json else yaml.safe_dump(data, allow_unicode=True)
    with scratch() as folder:
        path = folder / "campaign.yaml"
        path.write_text(raw, encoding="utf-8")
        with pytest.raises(ValidationError) as err:
            load_brief(path)
    assert err.value.key == ".".join(field) and err.value.line is not None
    assert f"control character U+{ord(char):04X}" in str(err.value)
    assert_reported(err.value, path)


@FAST
@given(data=st.binary(max_size=400))
def test_brief_loader_on_any_bytes(data: bytes) -> None:
    with scratch() as folder:
        path = folder / "campaign.yaml"
        path.write_bytes(data)
        try:
            load_brief(path)
        except MkbcopyError as exc:
            assert_reported(exc, path)


# ---------------------------------------------------------------- the personas file


@st.composite
def personas_bytes(draw: st.DrawFn) -> bytes:
    """The bundled research with values replaced, deleted or added."""
    return serialise(draw, draw(mutated(RESEARCH)))


@pytest.mark.slow
@FAST
@given(data=personas_bytes())
def test_personas_loader_answers_with_research_or_one_line(data: bytes) -> None:
    with scratch() as folder:
        path = folder / "personas.yaml"
        path.write_bytes(data)
        try:
            research = load_personas(path)
        except MkbcopyError as exc:
            assert_reported(exc, path)
            return
        assert isinstance(research, Research) and research.personas


# ---------------------------------------------------------------- contact lists

_cell = st.one_of(
    nasty_text,
    st.sampled_from(["a@example.nl", "werkend", "student", "hbo", "mbo", "35", "=1+1", ""]),
)
_header = st.sampled_from(
    ["E-mailadres", "email", "Voornaam", "Leeftijd", "Opleiding", "Status", "persona", ""]
)


_email = st.sampled_from(
    ["a@example.nl", "B@Example.nl", "zoë@voorbeeld.nl", "a@bäcker.nl", "x@" + "a" * 70 + ".nl"]
)
_placeable = st.tuples(
    st.one_of(nasty_text, st.sampled_from(["Zoë", "Ömer", "=HYPERLINK()", "李雷"])),
    st.one_of(_email, nasty_text),
    st.sampled_from(["19", "41", "", "12", "200", "30-40", "1985"]),
    st.sampled_from(["hbo", "mbo 4", "havo", "wo", "vmbo", ""]),
    st.sampled_from(["werkend", "student", "zzp", "werkzoekend", ""]),
).map(list)


@st.composite
def contact_bytes(draw: st.DrawFn) -> bytes:
    """A contact list as spreadsheets export it, with nasty cells, or any bytes at all."""
    kind = draw(st.sampled_from(["bytes", "random", "contacts", "contacts"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    if kind == "contacts":
        header = ["Voornaam", "E-mailadres", "Leeftijd", "Opleiding", "Werksituatie"]
        rows = draw(st.lists(_placeable, max_size=8))
    else:
        header = draw(st.lists(st.one_of(_header, nasty_text), min_size=1, max_size=5))
        rows = draw(st.lists(st.lists(_cell, max_size=6), max_size=6))
    quoting: Literal[0, 1, 3] = draw(st.sampled_from([0, 1, 3]))  # minimal, all, none
    buffer = io.StringIO()
    try:
        writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, escapechar="\\")
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:
        buffer = io.StringIO(delimiter.join(header) + "\n")
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    errors = "surrogatepass" if encoding.startswith("utf-8") else "replace"
    try:
        return text.encode(encoding, errors)
    except UnicodeEncodeError:  # utf-16 and a lone surrogate
        return text.encode("utf-8", "surrogatepass")


@FAST
@given(data=contact_bytes(), encoding=st.sampled_from([None, None, "utf-8", "cp1252"]))
def test_csv_reader_reads_or_refuses_with_the_line(data: bytes, encoding: str | None) -> None:
    with scratch() as folder:
        path = folder / "contacten.csv"
        path.write_bytes(data)
        try:
            with open_contacts(path, encoding=encoding) as reader:
                lines = [row.line for row in reader]
                keys = reader.keys
        except MkbcopyError as exc:
            assert_reported(exc, path)
            return
        assert lines == sorted(lines) and len(set(lines)) == len(lines)
        assert len(set(keys)) == len(keys)


@FAST
@given(data=contact_bytes())
def test_segment_writes_a_list_that_reads_back_or_refuses(data: bytes) -> None:
    research = load_personas()
    with scratch() as folder:
        path = folder / "contacten.csv"
        path.write_bytes(data)
        out = folder / "uit.csv"
        try:
            summary = segment_contacts(path, research, out)
        except MkbcopyError as exc:
            assert str(path) in str(exc) or str(out) in str(exc)
            assert_one_line(str(exc))
            assert not out.exists()
            return
        assert summary.placed + summary.rejected + summary.duplicates == summary.rows_read
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=summary.delimiter))
        assert len(rows) == summary.placed + 1
        assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
        assert sorted(p.name for p in folder.iterdir()) == [
            "contacten.csv",
            "uit-rejected.csv",
            "uit.csv",
        ]


# ---------------------------------------------------------------- templates and writers


@pytest.mark.slow
@SLOW
@given(brief=valid_briefs, persona=st.integers(0, 2), subgroup=st.booleans())
def test_every_channel_and_format_renders_any_valid_brief(
    brief: Brief, persona: int, subgroup: bool
) -> None:
    research = load_personas()
    target = research.personas[persona]
    sub = target.subgroups[0] if subgroup and target.subgroups else None
    deck = load_copydeck(research)
    for name in ("flyer", "email", "linkedin", "instagram", "facebook", "x"):
        channel = load_channel(name)
        draft = render_draft(brief, target, channel, deck[target.id], subgroup=sub)
        for fmt in channel.formats:
            if fmt == "pdf":
                continue
            check_output(fmt, render_file(draft, fmt, brief))
        if channel.medium == "email":
            check_output("eml", render_file(draft, "eml", brief))


_TEMPLATE_PIECES = st.sampled_from(
    [
        "{{ brief.campaign }}",
        "{{ fact('costs') }}",
        "{{ fact('kosten') }}",
        "{{ lead.kop }}",
        "{{ cta.url }}",
        "{{ 1 // 0 }}",
        "{{ 1 / 0 }}",
        "{{ 10 ** 10 ** 10 }}",
        "{{ 'x' * 10000000 }}",
        "{{ range(10**9) | list }}",
        "{% for m in motivators %}{{ m.kop }}\n{% endfor %}",
        "{% for i in range(100000) %}{% for j in range(100) %}{% endfor %}{% endfor %}",
        "{{ persona.__class__ }}",
        "{{ persona.parse_file('/etc/passwd') }}",
        "{{ ''.__class__.__mro__ }}",
        "{% include 'nope.j2' %}",
        "{% extends 'flyer/template.md.j2' %}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{{ caller() }}",
        "{% if %}",
        "{{ undefined_name }}",
        "{{ copy.kop | center(100000) }}",
        "{{ '%999999s' % 'x' }}",
        "{{ '{:>999999}'.format('x') }}",
        "{{ '\\x00' }}",
        "{{ 'a\\u2028b' }}",
        "{{ [1, 2] | sum(attribute='x') }}",
        "{{ {}|dictsort(by='nope') }}",
        "{{ 'abc' | int(base=99) }}",
        "{{ 'abc'[10] }}",
        "{{ none.x }}",
        "{{ '%d' % 'x' }}",
        "{{ 'x' | truncate(-5) }}",
        "{{ [] | first }}",
        "{{ 1 | round(10**30) }}",
        "{{ 1e308 * 10 }}",
        "[link](javascript:alert(1))",
        "---\nsubject: {{ brief.campaign }}\n---\n",
        "# ",
        "\n",
    ]
)


_BOMB = "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10) if i else 'x'}]\n" for i in range(9))
_HEADER_LINES = st.sampled_from(
    [
        "",
        "formats: " + "[" * 3000 + "]" * 3000 + "\n",
        _BOMB + "label: *a8\n",
        "label: !!python/object/apply:os.system ['true']\n",
        "limit: " + "9" * 5000 + "\n",
        "limit: -1\n",
        "name: ../../etc\n",
        "formats: [txt]\n",
        "\tlabel: x\n",
        "label: [unclosed\n",
        "hashtags: 1e400\n",
        "counting: x\nsubject_limit: 0\n",
    ]
)
# Mostly text that is UTF-8; a lone surrogate makes the file unreadable, tested once in four.
_no_surrogates = nasty_text.map(lambda t: t.encode("utf-8", "replace").decode("utf-8"))


@SLOW
@given(
    pieces=st.lists(
        st.one_of(_TEMPLATE_PIECES, _TEMPLATE_PIECES, valid_text, _no_surrogates),
        min_size=1,
        max_size=5,
    ),
    fmt=st.sampled_from(["docx", "eml", "html", "txt", "md"]),
    extra=st.one_of(_HEADER_LINES, _HEADER_LINES, nasty_text.map(lambda t: t + "\n")),
)
def test_any_user_template_renders_or_fails_with_its_file_and_line(
    pieces: list[str], fmt: str, extra: str
) -> None:
    research = load_personas()
    persona = research.personas[1]
    brief = load_brief()
    with scratch() as folder:
        path = folder / "proef" / "template.md.j2"
        path.parent.mkdir()
        header = f"{{#- mkbcopy\nformats: [{fmt}]\nmedium: email\n{extra}-#}}\n"
        path.write_bytes((header + "".join(pieces)).encode("utf-8", "surrogatepass"))
        try:
            channel = load_channel("proef", folder)
            deck = load_copydeck(research, folder)
            draft = render_draft(brief, persona, channel, deck[persona.id], user_dir=folder)
            data = render_file(draft, fmt, brief)
        except MkbcopyError as exc:
            event(f"refused: {exc.message[:25]}")
            assert_one_line(str(exc))
            assert exc.path is not None and str(exc.path).endswith("template.md.j2"), str(exc)
            return
        event("rendered")
        check_output(fmt, data)


# Writers on their own, with text no brief or template check has cleaned.
_span = st.builds(
    Span,
    text=writer_text,
    bold=st.booleans(),
    italic=st.booleans(),
    url=st.one_of(st.none(), st.just("https://example.org/?a=1&b=2"), nasty_text),
)
_inline = st.lists(_span, max_size=4).map(tuple)
_block = st.one_of(
    st.builds(Block, kind=st.just("heading"), spans=_inline, level=st.integers(-1, 9)),
    st.builds(Block, kind=st.just("paragraph"), spans=_inline),
    st.builds(Block, kind=st.just("bullets"), items=st.lists(_inline, max_size=3).map(tuple)),
)
documents = st.builds(
    Document,
    meta=st.dictionaries(st.sampled_from(["subject", "preheader"]), writer_text),
    blocks=st.lists(_block, max_size=5),
)


def _words(text: str) -> str:
    """Text as Word shows it, give or take line breaks: what XML can hold, words apart."""
    return " ".join(BAD_CHARS.sub("", text).split())


@pytest.mark.slow
@FAST
@given(document=documents, colour=st.sampled_from([None, "#0B5FA5"]))
def test_docx_writer_never_writes_a_corrupt_file(document: Document, colour: str | None) -> None:
    try:
        data = render_docx(document, title="Titel", colour=colour)
    except MkbcopyError as exc:
        assert_one_line(str(exc))
        return
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    expected = [
        _words("".join(s.text for s in spans))
        for block in document.blocks
        for spans in (block.items if block.kind == "bullets" else (block.spans,))
    ]
    assert [_words(p.text) for p in paragraphs] == expected


@FAST
@given(document=documents)
def test_text_markdown_and_html_writers(document: Document) -> None:
    for text in (render_text(document), render_markdown(document)):
        assert isinstance(text, str)
    try:
        html = render_html(document, colour="#123456", title="x")
    except MkbcopyError as exc:
        assert_one_line(str(exc))
        return
    check_output("html", html.encode("utf-8"))


@FAST
@given(
    document=documents,
    name=writer_text,
    email=st.one_of(
        st.sampled_from(["a@example.nl", "jörg@example.nl", "a@bäcker.nl", "a@xn--bcker-gra.nl"]),
        nasty_text,
    ),
)
def test_eml_writer_parses_back_or_refuses(document: Document, name: str, email: str) -> None:
    try:
        message = build_message(
            subject=document.meta.get("subject", ""),
            preheader=document.meta.get("preheader"),
            text=render_text(document),
            html=render_html(document),
            sender_name=name,
            sender_email=email,
        )
        data = bytes(message)
    except MkbcopyError as exc:
        assert_one_line(str(exc))
        return
    check_output("eml", data)


# ---------------------------------------------------------------- the real command line


def assert_cli_answer(result: Any, path: Path) -> None:
    """Exit 0, or exit 1 with one line per problem that names the file; never a traceback."""
    assert "Traceback" not in result.output
    event(f"exit {result.exit_code}")
    if result.exit_code == 0:
        return
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    lines = result.stderr.rstrip("\n").split("\n")
    if len(lines) > 1:  # several problems in the brief, then a count
        assert lines.pop() == f"mkbcopy: {len(lines)} problems in {path}; fix them all, " + (
            "then run the command again"
        )
    for line in lines:
        assert line.startswith("mkbcopy: error: ") and str(path) in line, result.stderr
        assert_one_line(line)


@pytest.mark.slow
@SLOW
@given(data=brief_bytes(), lint=st.sampled_from([False, False, False, True]))
def test_cli_generate_writes_files_or_one_line_naming_the_brief(data: bytes, lint: bool) -> None:
    with scratch() as folder:
        brief = folder / "campaign.yaml"
        brief.write_bytes(data)
        out = folder / "uit"
        args = ["generate", str(brief), "-o", str(out)]
        result = RUNNER.invoke(app, args if lint else [*args, "--no-lint"])  # lint takes 1 s
        assert_cli_answer(result, brief)
        if result.exit_code == 0:
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["complete"] is True and manifest["files"]
            for entry in manifest["files"]:
                check_output(entry["format"], (out / entry["path"]).read_bytes())
        else:
            assert not out.exists()


@SLOW
@given(data=contact_bytes())
def test_cli_segment_and_batch_write_files_or_one_line_naming_the_list(data: bytes) -> None:
    with scratch() as folder:
        contacts = folder / "contacten.csv"
        contacts.write_bytes(data)
        listed = folder / "lijst.csv"
        result = RUNNER.invoke(app, ["segment", str(contacts), "--out", str(listed)])
        assert_cli_answer(result, contacts)
        assert listed.exists() == (result.exit_code == 0)
        out = folder / "batch"
        args = ["batch", str(contacts), "--example", "-o", str(out), "--per-recipient"]
        result = RUNNER.invoke(app, [*args, "--merge-tags", "brevo"])
        assert_cli_answer(result, contacts)
        if result.exit_code == 0:
            for eml in out.glob("**/*.eml"):
                check_output("eml", eml.read_bytes())
            assert json.loads((out / "manifest.json").read_text())["complete"] is True


@pytest.mark.parametrize("lint", [True, False])
def test_cli_generate_with_lint_on_nasty_valid_facts(lint: bool) -> None:
    """Lint and the summary table print user text: emoji, RTL and Markdown must not crash."""
    data = copy.deepcopy(EXAMPLE)
    data["facts"]["costs"] = "Gratis 😀 \u202eesorp\u202c *vet* <b> {{ x }} \u200f מחיר \t tab"
    data["campaign"] = "👩\u200d👩\u200d👧 ﷽ " + "x" * 300
    with scratch() as folder:
        brief = folder / "c.yaml"
        brief.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        args = ["generate", str(brief), "-o", str(folder / "o")]
        result = RUNNER.invoke(app, args if lint else [*args, "--no-lint"])
        assert result.exit_code == 0, result.output
        assert os.path.exists(folder / "o" / "manifest.json")
