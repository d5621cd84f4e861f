from __future__ import annotations

from mkbcopy.document import Span, escape_md, parse_document, plain_inline


def test_header_and_blocks() -> None:
    doc = parse_document(
        "---\nsubject: Hoi\npreheader: Lees \\*dit\\*\n---\n# Kop\n\nTekst **vet** "
        "[link](https://a.example/?x=1&y=2).\n\n- een\n- twee\n"
    )
    assert doc.meta == {"subject": "Hoi", "preheader": "Lees *dit*"}
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "bullets"]
    assert Span("vet", bold=True) in doc.blocks[1].spans
    assert doc.links() == ["https://a.example/?x=1&y=2"]
    assert len(doc.blocks[2].items) == 2


def test_escaped_brief_text_stays_literal() -> None:
    raw = "R&D <script>alert(1)</script> *ster* [x](y) &amp; # kop"
    doc = parse_document(escape_md(raw) + "\n")
    assert doc.blocks[0].spans == (Span(raw),)
    assert plain_inline(escape_md(raw)) == raw


def test_blank_line_runs_are_collapsed() -> None:
    doc = parse_document("a\n\n\n\n\nb   \n")
    assert doc.markdown == "a\n\nb\n"
