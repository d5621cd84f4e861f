"""A whole campaign: choose drafts, render them all, then write them all.

Rendering everything before writing anything is what lets --strict leave no
file behind, and lets the manifest say up front what a run will write.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkbcopy import __version__
from mkbcopy.compose.channels import ChannelMeta, load_channel, load_channels
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.rendering import Draft, plan_variants, render_draft
from mkbcopy.errors import MissingFactsError, OutputError, UsageError, ValidationError
from mkbcopy.i18n import N_, _, ngettext
from mkbcopy.research.brief import FACT_QUESTIONS, Brief
from mkbcopy.research.personas import Persona, Research, Subgroup
from mkbcopy.research.qualifiers import sentences
from mkbcopy.writers.eml import build_message
from mkbcopy.writers.folder import (
    MANIFEST,
    atomic_write,
    check_out,
    is_owned,
    keep_manifest,
    missing_files,
    out_lock,
    owned_in,
    prepare_out,
    read_manifest,
    write_manifest,
)
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_markdown, render_text


@dataclass
class Plan:
    """Rendered drafts and the files they become, before anything is written."""

    drafts: list[Draft]
    files: list[tuple[Draft, str, str]]  # draft, format, path relative to OUT
    notes: list[str] = field(default_factory=list)

    def missing_facts(self) -> dict[str, list[str]]:
        """fact key -> personas whose drafts lack it, in fact order."""
        missing: dict[str, list[str]] = {}
        for key in FACT_QUESTIONS:
            personas = sorted({d.persona for d in self.drafts if key in d.missing_facts})
            if personas:
                missing[key] = personas
        return missing

    def left_out(self) -> dict[str, list[Draft]]:
        """fact key -> the email and flyer drafts that had no room for it, in fact order."""
        left: dict[str, list[Draft]] = {}
        for key in FACT_QUESTIONS:
            drafts = [d for d in self.drafts if key in d.left_out]
            if drafts:
                left[key] = drafts
        return left


def _templates_dir(brief: Brief, templates: Path | None) -> Path | None:
    if templates is not None:
        return templates
    return Path(brief.templates) if brief.templates else None


def _targets(
    research: Research, persona_ids: Sequence[str], subgroup_id: str | None
) -> list[tuple[Persona, Subgroup | None]]:
    """The personas and subgroup asked for; an unknown id is wrong usage (exit 2)."""
    try:
        personas = [research.persona(p) for p in persona_ids] if persona_ids else research.personas
        if subgroup_id is None:
            return [(p, None) for p in personas]
        if persona_ids:
            return [(p, p.subgroup(subgroup_id)) for p in personas]
    except ValidationError as exc:
        raise UsageError(str(exc)) from None
    chosen: list[tuple[Persona, Subgroup | None]] = [
        (p, s) for p in personas for s in p.subgroups if s.id == subgroup_id
    ]
    if not chosen:
        known = sorted({s.id for p in personas for s in p.subgroups})
        raise UsageError(
            _("no persona has subgroup '%(subgroup)s' (known: %(known)s)")
            % {"subgroup": subgroup_id, "known": ", ".join(known)}
        )
    return chosen


def plan_campaign(
    brief: Brief,
    research: Research,
    *,
    personas: Sequence[str] = (),
    channels: Sequence[str] = (),
    formats: Sequence[str] = (),
    subgroup: str | None = None,
    templates: Path | None = None,
    variants: int = 0,
    paper: str | None = None,
) -> Plan:
    """Render every persona x channel that was asked for; pure apart from reading templates.

    `paper` (a4, a5) overrides the page size of every one-page (`layout: flyer`) channel.
    """
    user_dir = _templates_dir(brief, templates)
    metas = [load_channel(c, user_dir) for c in channels] if channels else load_channels(user_dir)
    if paper is not None:
        metas = [m.model_copy(update={"paper": paper}) if m.layout == "flyer" else m for m in metas]
    deck = load_copydeck(research, user_dir)
    plan = Plan(drafts=[], files=[])
    for meta in metas:
        wanted = [f for f in formats if _supports(meta, f)] if formats else list(meta.formats)
        skipped = [f for f in formats if f not in wanted]
        if skipped:
            needs = "; ".join(dict.fromkeys(_(_NEEDS.get(f, N_("not supported"))) for f in skipped))
            plan.notes.append(
                _("%(channel)s: skipped format %(formats)s (%(needs)s)")
                % {"channel": meta.name, "formats": ", ".join(skipped), "needs": needs}
            )
        if not wanted:
            continue
        for persona, sub in _targets(research, personas, subgroup):
            chosen = plan_variants(persona, sub, variants, deck[persona.id]) if variants else [None]
            for variant in chosen:
                draft = render_draft(
                    brief,
                    persona,
                    meta,
                    deck[persona.id],
                    subgroup=sub,
                    user_dir=user_dir,
                    variant=variant,
                )
                plan.drafts.append(draft)
                name = f"{meta.name}--{variant.label}" if variant else meta.name
                for fmt in wanted:
                    plan.files.append((draft, fmt, f"{draft.slug}/{name}.{fmt}"))
    if not plan.files:
        raise UsageError(_("nothing to write: no channel supports the formats you asked for"))
    if brief.brand and any(fmt in ("docx", "pdf") for _, fmt, _ in plan.files):
        from mkbcopy.writers.docx import check_brand_files  # python-docx is slow to import

        check_brand_files(_path(brief.brand.reference_docx), _path(brief.brand.logo_file()))
    if any(fmt == "pdf" for _, fmt, _ in plan.files):
        from mkbcopy.writers.pdf import require_soffice

        require_soffice()  # before anything is written, not at the first flyer
    return plan


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


_NEEDS = {
    "eml": N_("needs an email channel"),
    "pdf": N_("needs a print channel such as flyer"),
}


def _supports(meta: ChannelMeta, fmt: str) -> bool:
    if fmt == "eml":
        return meta.medium == "email"
    if fmt == "pdf":  # a PDF of every social post would only slow the run down
        return meta.medium == "print" or bool({"docx", "pdf"} & set(meta.formats))
    return True


def render_file(draft: Draft, fmt: str, brief: Brief) -> bytes:
    """One draft in one format, as bytes."""
    doc = draft.document
    colour = brief.brand.colour if brief.brand else None
    logo = brief.brand.logo_url() if brief.brand else None
    if fmt == "txt":
        return render_text(doc).encode("utf-8")
    if fmt == "md":
        return render_markdown(doc).encode("utf-8")
    if fmt == "html":
        return render_html(doc, colour=colour, title=brief.campaign, logo=logo).encode("utf-8")
    if fmt == "eml":
        message = build_message(
            subject=doc.meta.get("subject", brief.campaign),
            preheader=doc.meta.get("preheader"),
            text=render_text(doc),
            html=render_html(doc, colour=colour, title=brief.campaign, logo=logo),
            sender_name=brief.contact.name,
            sender_email=brief.contact.email,
        )
        return bytes(message)
    if fmt in ("docx", "pdf"):
        from mkbcopy.writers.docx import render_docx_page  # python-docx is slow to import

        brand = brief.brand
        word, draft.page = render_docx_page(
            doc,
            title=brief.campaign,
            colour=colour,
            reference_docx=Path(brand.reference_docx) if brand and brand.reference_docx else None,
            logo=_path(brand.logo_file()) if brand else None,
            layout=draft.channel.layout,
            paper=draft.channel.paper,
        )
        if fmt == "docx":
            return word
        from mkbcopy.writers.pdf import docx_to_pdf

        # The PDF is LibreOffice's print of the same Word file, so the two never differ.
        return docx_to_pdf(word, name=f"{draft.slug}/{draft.channel.name}.pdf")
    raise UsageError(_("unknown format '%(value)s'") % {"value": fmt})


def _entry(draft: Draft, fmt: str, path: str) -> dict[str, Any]:
    variant = {}
    if draft.variant is not None:
        variant = {"variant": draft.variant.label, "leads_with": draft.variant.leads_with}
    return variant | {
        "path": path,
        "persona": draft.persona,
        "subgroup": draft.subgroup,
        "channel": draft.channel.name,
        "format": fmt,
        "motivators": draft.motivators,
        "drempels": draft.drempels,
        "warnings": [{"msgid": w.msgid, "params": dict(w.params)} for w in draft.warnings],
    }


def _kept_from_earlier_run(out: Path, paths: set[str]) -> tuple[list[Any], list[str]]:
    """Files an earlier run wrote and this one does not replace stay listed, so stay ours."""
    old = read_manifest(out) or {}
    files = [
        e
        for e in old.get("files", [])
        if isinstance(e, dict)
        and isinstance(e.get("path"), str)
        and e["path"] not in paths
        and (out / e["path"]).is_file()
    ]
    extras = [e for e in old.get("extras", []) if isinstance(e, str) and (out / e).is_file()]
    return files, extras


def lint_terms(brief: Brief) -> dict[str, list[str]]:
    """What `mkbcopy lint OUT` needs later: the brief's names and each fact's first sentence."""
    values = [getattr(brief.facts, key) for key in FACT_QUESTIONS]
    return {"names": brief.names(), "facts": [sentences(v)[0] for v in values if v]}


def write_campaign(
    plan: Plan,
    brief: Brief,
    out: Path,
    *,
    force: bool = False,
    strict: bool = False,
    brief_path: Path | None = None,
    progress: Callable[[str], None] | None = None,
    personas_path: Path | None = None,
) -> dict[str, Any]:
    """Write every planned file atomically and return the manifest; it names the study
    (`personas_path`, None for the bundled one) so coverage and preview read the same."""
    missing = plan.missing_facts()
    if strict and missing:
        first, personas = next(iter(missing.items()))
        raise MissingFactsError(
            ngettext(
                "the brief lacks %(count)s fact the copy needs: '%(fact)s' "
                "(%(question)s) for %(personas)s; nothing written",
                "the brief lacks %(count)s facts the copy needs, e.g. '%(fact)s' "
                "(%(question)s) for %(personas)s; nothing written",
                len(missing),
            )
            % {
                "count": len(missing),
                "fact": first,
                "question": FACT_QUESTIONS[first],
                "personas": ", ".join(personas),
            },
            path=brief_path,
        )
    paths = [path for _, _, path in plan.files]
    check_out(out, force=force)
    with out_lock(out):
        prepare_out(out, paths, force=force)
        earlier = read_manifest(out)
        saved = keep_manifest(out)
        try:
            return _write_files(
                plan, brief, out, paths, missing, brief_path, progress, personas_path
            )
        except BaseException:
            _restore_manifest(out, earlier, saved, paths)
            raise
        finally:
            if saved is not None:
                saved.unlink(missing_ok=True)


def _write_files(
    plan: Plan,
    brief: Brief,
    out: Path,
    paths: list[str],
    missing: dict[str, list[str]],
    brief_path: Path | None,
    progress: Callable[[str], None] | None,
    personas_path: Path | None = None,
) -> dict[str, Any]:
    earlier, extras = _kept_from_earlier_run(out, set(paths))
    manifest: dict[str, Any] = {
        "tool": "mkbcopy",
        "version": __version__,
        "brief": str(brief_path) if brief_path else "(bundled example)",
        "campaign": brief.campaign,
        "complete": False,
        "planned": paths,
        "files": earlier,
        "extras": extras,
    }
    if personas_path is not None:
        manifest["personas"] = str(personas_path.resolve())
    write_manifest(out, manifest)
    for draft, fmt, path in plan.files:
        atomic_write(out / path, render_file(draft, fmt, brief))
        manifest["files"].append(_entry(draft, fmt, path))
        if progress:
            progress(path)
    gone = missing_files(out, manifest)
    if gone:
        raise OutputError(
            _("'%(file)s' was removed while mkbcopy wrote; run the command again")
            % {"file": gone[0]},
            path=out,
        )
    manifest["complete"] = True
    del manifest["planned"]
    manifest["missing_facts"] = missing
    manifest["lint"] = lint_terms(brief)
    write_manifest(out, manifest)
    return manifest


def _restore_manifest(
    out: Path, earlier: dict[str, Any] | None, saved: Path | None, paths: list[str]
) -> None:
    """A failed run leaves the earlier manifest as it was; what it wrote stays ours."""
    if earlier is None or saved is None:
        return  # the unfinished manifest of this run says which files are ours
    new = [p for p in paths if not is_owned(p, owned_in(earlier)) and (out / p).is_file()]
    if new:
        with suppress(OSError):
            write_manifest(out, earlier | {"planned": [*earlier.get("planned", []), *new]})
            return
    with suppress(OSError):
        os.replace(saved, out / MANIFEST)  # a rename: works on a full disk too
