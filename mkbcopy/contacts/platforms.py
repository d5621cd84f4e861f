"""What each mail platform needs: its own tags in the draft, a contact list in its own
columns, and a campaign.

A segment (or one A/B variant of it) becomes one campaign folder: email.html and
email.txt to paste or upload, with the platform's tags for the first name, the opt-out
and the address; campaign.json with the subject and preheader, and contacts.csv in the
columns the platform's importer maps by itself. Brevo also gets brevo-campaign.json,
the body of its createEmailCampaign call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from mkbcopy.compose.campaign import render_file
from mkbcopy.compose.rendering import Draft, Variant
from mkbcopy.contacts.addresses import normalise_email
from mkbcopy.document import Document, Inline
from mkbcopy.errors import TemplateError
from mkbcopy.i18n import _
from mkbcopy.research.brief import Brief

FILL_IN: Final = "<FILL IN: the id of the Brevo list you imported this folder's contacts.csv into>"


@dataclass(frozen=True)
class Contact:
    """One placed contact as a platform list needs it; `first_name` is "" when unusable."""

    email: str
    first_name: str
    last_name: str
    persona: str
    segment: str
    variant: str | None


def segment_label(persona: str, subgroup: str | None) -> str:
    """`werkende-vakkracht--35+`: the segment's folder name, which a spreadsheet keeps as
    text: it starts with the persona id, so `35+` and `16-34` never become a number or date."""
    label = f"{persona}--{subgroup}" if subgroup else persona
    return label if label[:1].isalpha() else f"segment {label}"


def contacts_header(platform: str, source_header: list[str], variants: bool) -> list[str]:
    """The first row of a segment's contacts.csv for `platform`."""
    if platform == "mailchimp":
        # Mailchimp's importer matches these names to its default audience fields.
        return ["Email Address", "First Name", "Last Name", "Tags"]
    if platform == "brevo":
        # Brevo maps EMAIL, FIRSTNAME and LASTNAME to its default attributes.
        return ["EMAIL", "FIRSTNAME", "LASTNAME", "PERSONA", "SEGMENT"] + (
            ["VARIANT"] if variants else []
        )
    if platform == "listmonk":
        return ["email", "name", "attributes"]  # listmonk's documented CSV import columns
    return [*source_header, "persona", "segment"] + (["variant", "leads_with"] if variants else [])


def contacts_delimiter(platform: str, source_delimiter: str) -> str:
    """Platforms read a comma; a plain list keeps the delimiter it came in (Excel opens it)."""
    return source_delimiter if platform == "plain" else ","


def contact_cells(
    platform: str, contact: Contact, source_cells: list[str], leads_with: str | None
) -> list[str]:
    """One row of contacts.csv, in contacts_header's columns."""
    email = normalise_email(contact.email)
    if platform == "mailchimp":
        tags = [contact.persona, contact.segment]
        tags += [f"variant {contact.variant}"] if contact.variant else []
        return [email, contact.first_name, contact.last_name, ",".join(tags)]
    if platform == "brevo":
        cells = [email, contact.first_name, contact.last_name, contact.persona, contact.segment]
        return cells + ([contact.variant] if contact.variant else [])
    if platform == "listmonk":
        attributes = {"first_name": contact.first_name, "persona": contact.persona}
        attributes["segment"] = contact.segment
        if contact.variant:
            attributes["variant"] = contact.variant
        # An empty name becomes one made from the address (listmonk's importer), which
        # is why the greeting reads the first_name attribute and not .Subscriber.FirstName.
        name = f"{contact.first_name} {contact.last_name}".strip()
        return [email, name, json.dumps(attributes, ensure_ascii=False)]
    cells = [*source_cells, contact.persona, contact.segment]
    return cells + ([contact.variant or "", leads_with or ""] if contact.variant else [])


def campaign_json(
    platform: str, brief: Brief, draft: Draft, segment: str, variant: Variant | None
) -> dict[str, Any]:
    """campaign.json: what to type into the platform's campaign form, beside the files."""
    meta = draft.document.meta
    body: dict[str, Any] = {
        "platform": platform,
        "segment": segment,
        "persona": draft.persona,
        "subgroup": draft.subgroup,
    }
    if variant is not None:
        body |= {"variant": variant.label, "leads_with": variant.leads_with}
    return body | {
        "subject": meta.get("subject", ""),
        "preheader": meta.get("preheader", ""),
        "from_name": brief.contact.name,
        "from_email": brief.contact.email,
        "html": "email.html",
        "text": "email.txt",
        "contacts": "contacts.csv",
        "placeholders": list(draft.missing_facts),
    }


def brevo_campaign(brief: Brief, draft: Draft, name: str, html: str) -> dict[str, Any]:
    """The body of Brevo's createEmailCampaign call for one campaign folder.

    Only fields the API reads for a plain campaign; `recipients.listIds` takes
    integers, so the marked text fails the call until the user fills in the list id.
    """
    return {
        "name": name,
        "subject": draft.document.meta.get("subject", ""),
        "sender": {"name": brief.contact.name, "email": brief.contact.email},
        "htmlContent": html,
        "recipients": {"listIds": [FILL_IN]},
    }


@dataclass(frozen=True)
class Platform:
    """A mail platform's own tags, which it fills in per contact when it sends.

    `greeting` follows "Hoi" and holds its own space, so a contact without a first
    name reads "Hoi,". None for unsubscribe or address: the brief's own value (the
    platform has no documented tag for it).
    """

    first_name: str
    greeting: str
    unsubscribe: str | None
    address: str | None


PLATFORMS = {
    # Mailchimp merge tags: conditional *|IF:|*...*|END:IF|*, *|UNSUB|*, *|LIST:ADDRESSLINE|*.
    "mailchimp": Platform(
        "*|FNAME|*", "*|IF:FNAME|* *|FNAME|**|END:IF|*", "*|UNSUB|*", "*|LIST:ADDRESSLINE|*"
    ),
    # Brevo Template Language: {% if %}...{% endif %} and the predefined {{ unsubscribe }}.
    "brevo": Platform(
        "{{ contact.FIRSTNAME }}",
        "{% if contact.FIRSTNAME %} {{ contact.FIRSTNAME }}{% endif %}",
        "{{ unsubscribe }}",
        None,
    ),
    # listmonk: Go templates, {{ if }}...{{ end }} and {{ UnsubscribeURL }}. Its importer
    # makes a name from the address when the name is empty, so .Subscriber.FirstName is
    # never empty: the first name travels as an attribute instead (contact_cells).
    "listmonk": Platform(
        "{{ .Subscriber.Attribs.first_name }}",
        "{{ if .Subscriber.Attribs.first_name }} {{ .Subscriber.Attribs.first_name }}{{ end }}",
        "{{ UnsubscribeURL }}",
        None,
    ),
    "plain": Platform("", "", None, None),
}
# Stand-ins rendered where the platform's tags go: Markdown would percent-encode a tag
# in a link, so the tags replace these in the parsed document instead.
UNSUBSCRIBE_MARKER = "https://mkbcopy.invalid/unsubscribe"
ADDRESS_MARKER = "MKBCOPYADDRESSMARKER"


def fill_tags(document: Document, tags: dict[str, str]) -> Document:
    """The document with each stand-in replaced by its tag, in text and link targets alike."""

    def text(value: str) -> str:
        for marker, tag in tags.items():
            value = value.replace(marker, tag)
        return value

    def spans(line: Inline) -> Inline:
        return tuple(
            replace(s, text=text(s.text), url=text(s.url) if s.url else s.url) for s in line
        )

    blocks = [
        replace(
            b,
            spans=spans(b.spans),
            items=tuple(spans(i) for i in b.items),
            url=text(b.url) if b.url else b.url,
        )
        for b in document.blocks
    ]
    meta = {k: text(v) for k, v in document.meta.items()}
    return Document(meta=meta, blocks=blocks, markdown=text(document.markdown))


def require_footer(draft: Draft) -> None:
    """A template of the user's that leaves out the opt-out would send mail without one."""
    if UNSUBSCRIBE_MARKER not in draft.document.links():
        raise TemplateError(
            _(
                "the email template writes no opt-out link: add %(link)s and %(address)s "
                "(see the bundled email template)"
            )
            % {"link": "[Meld je af](<{{ unsubscribe }}>)", "address": "{{ address }}"},
            path=str(draft.channel.template),
        )


def write_campaign(
    folder: Path, brief: Brief, draft: Draft, platform: str, key: str, variant: Variant | None
) -> None:
    """One campaign folder: the HTML and text to import, and what to type beside them."""
    html = render_file(draft, "html", brief)
    (folder / "email.html").write_bytes(html)
    (folder / "email.txt").write_bytes(render_file(draft, "txt", brief))
    body = campaign_json(platform, brief, draft, key, variant)
    (folder / "campaign.json").write_text(
        json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if platform == "brevo":
        name = f"{brief.campaign} - {key}" + (f" - {variant.label}" if variant else "")
        call = brevo_campaign(brief, draft, name, html.decode("utf-8"))
        (folder / "brevo-campaign.json").write_text(
            json.dumps(call, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
