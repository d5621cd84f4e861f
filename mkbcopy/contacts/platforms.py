"""What each mail platform imports: a contact list in its own columns, and a campaign.

A segment (or one A/B variant of it) becomes one campaign folder: email.html and
email.txt to paste or upload, campaign.json with the subject and preheader, and
contacts.csv in the columns the platform's importer maps by itself. Brevo also
gets brevo-campaign.json, the body of its createEmailCampaign call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from mkbcopy.compose.rendering import Draft, Variant
from mkbcopy.contacts.addresses import normalise_email
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
