"""The campaign brief: the facts of one concrete route, which the research cannot know."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

from mkbcopy.errors import InputError, ValidationError
from mkbcopy.i18n import N_, _
from mkbcopy.research.text import Strict, Text
from mkbcopy.research.yamlfile import load_yaml, validate

# Every fact the copy may state, with the question a placeholder asks the user.
FACT_QUESTIONS: dict[str, str] = {
    "programme_content": "hoe ziet het programma eruit?",
    "weekly_schedule": "hoeveel dagen per week werk je en hoeveel leer je?",
    "duration": "hoe lang duurt de opleiding?",
    "diploma": "welk diploma haal je?",
    "costs": "wat kost de opleiding?",
    "paid_by": "wie betaalt de opleiding?",
    "salary": "welk salaris krijg je?",
    "job_security": "hoe zeker zijn je baan en je salaris?",
    "on_quit": "wat gebeurt er als je stopt?",
    "employer_match": "hoe kom je bij een werkgever terecht?",
    "travel": "hoe ver moet je reizen?",
    "guidance": "welke begeleiding krijg je?",
    "learn_first": "kun je eerst leren en later gaan werken?",
    "future": "wat zijn je kansen na de opleiding?",
    "employer_testimonial": "wat zegt een werkgever over het diploma?",
}
FACT_KEYS = tuple(FACT_QUESTIONS)
# A short label for each fact, where copy names what a line is about (a flyer's benefits).
FACT_LABELS: dict[str, str] = {
    "programme_content": "Wat je leert",
    "weekly_schedule": "Je week",
    "duration": "Duur",
    "diploma": "Diploma",
    "costs": "Kosten",
    "paid_by": "Wie betaalt",
    "salary": "Salaris",
    "job_security": "Zekerheid",
    "on_quit": "Stoppen",
    "employer_match": "Je werkgever",
    "travel": "Reistijd",
    "guidance": "Begeleiding",
    "learn_first": "Eerst leren",
    "future": "Na je diploma",
    "employer_testimonial": "Een werkgever",
}

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[A-Za-z]{2,}$")
_COLOUR = re.compile(r"^#?[0-9a-fA-F]{6}$")


def _url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(
            _("'%(value)s' is not a web address (start it with https://)") % {"value": value}
        )
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(_("'%(value)s' is not an email address") % {"value": value})
    local, _at, domain = value.rpartition("@")
    if not local.isascii():  # an .eml header cannot carry it
        raise ValueError(
            _("'%(value)s': use only a-z, 0-9 and . _ - + before the @") % {"value": value}
        )
    try:
        domain.encode("idna")
    except UnicodeError:
        raise ValueError(
            _("'%(value)s' has a domain that cannot exist") % {"value": value}
        ) from None
    return value


MAX_UNSUBSCRIBE = 75  # longer, and the email package RFC 2047-encodes List-Unsubscribe


def _unsubscribe(value: str) -> str:
    """An opt-out a mail program can act on: https for one click, or a mailto address."""
    if len(value) > MAX_UNSUBSCRIBE:
        raise ValueError(
            _(
                "is %(length)s characters; use a link of at most %(limit)s, "
                "or mail programs cannot read it from the List-Unsubscribe header"
            )
            % {"length": len(value), "limit": MAX_UNSUBSCRIBE}
        )
    if value.lower().startswith("mailto:"):
        _email(value[len("mailto:") :].partition("?")[0])
        if any(c in value for c in " <>"):
            raise ValueError(_("'%(value)s' may not hold spaces or < >") % {"value": value})
        return value
    if not value.lower().startswith("https://"):
        raise ValueError(
            _("'%(value)s' is not an opt-out link: start it with https:// or mailto:")
            % {"value": value}
        )
    _url(value)
    if any(c in value for c in "<>"):
        raise ValueError(_("'%(value)s' may not hold < or >") % {"value": value})
    return value


def _colour(value: str) -> str:
    if not _COLOUR.match(value):
        raise ValueError(
            _("'%(value)s' is not a colour; write it as #RRGGBB, e.g. #0B5FA5") % {"value": value}
        )
    return "#" + value.lstrip("#").upper()


def _one_line(value: str) -> str:
    """Values that become mail headers (From, Subject) must be one line."""
    if any(c in value for c in "\r\n\x85\u2028\u2029"):
        raise ValueError(_("must be one line: it goes into the email's headers"))
    return value


Line = Annotated[Text, AfterValidator(_one_line)]
Url = Annotated[Text, AfterValidator(_url)]
Email = Annotated[Text, AfterValidator(_email)]
Colour = Annotated[Text, AfterValidator(_colour)]
Unsubscribe = Annotated[Text, AfterValidator(_unsubscribe)]


class Facts(Strict):
    """Each fact optional: a missing one becomes a visible placeholder, never an invention."""

    programme_content: Text | None = None
    weekly_schedule: Text | None = None
    duration: Text | None = None
    diploma: Text | None = None
    costs: Text | None = None
    paid_by: Text | None = None
    salary: Text | None = None
    job_security: Text | None = None
    on_quit: Text | None = None
    employer_match: Text | None = None
    travel: Text | None = None
    guidance: Text | None = None
    learn_first: Text | None = None
    future: Text | None = None
    employer_testimonial: Text | None = None

    def missing(self) -> list[str]:
        return [key for key in FACT_KEYS if getattr(self, key) is None]


class CallToAction(Strict):
    text: Text
    url: Url


class Contact(Strict):
    name: Line
    email: Email
    phone: Text | None = None
    # Commercial email needs both (Telecommunicatiewet 11.7, the platforms' rules):
    # batch refuses to write drafts without them.
    unsubscribe: Unsubscribe | None = None
    address: Line | None = None


# What `batch` needs under contact:, and what to write there (N_: said in the user's language).
MAIL_FIELDS: dict[str, str] = {
    "unsubscribe": N_("an opt-out link (https://...) or mailto: address"),
    "address": N_("your organisation's postal address on one line"),
}


def mail_gaps(brief: Brief) -> list[str]:
    """The contact: fields an email to real contacts needs and the brief lacks."""
    return [key for key in MAIL_FIELDS if getattr(brief.contact, key) is None]


def check_mail_fields(brief: Brief, path: Path | None = None) -> None:
    """Refuse to write mail without an opt-out and a postal address, and say what to add."""
    missing = mail_gaps(brief)
    if not missing:
        return
    line = load_yaml(path, what=N_("brief")).line_of(["contact"]) if path else None
    wanted = "; ".join(f"{key}: ({_(MAIL_FIELDS[key])})" for key in missing)
    raise ValidationError(
        _("email needs an opt-out and a postal address: add %(fields)s under contact:")
        % {"fields": wanted},
        path=path,
        line=line,
        key="contact",
    )


class Event(Strict):
    name: Text
    date: Text
    place: Text
    url: Url | None = None


class Brand(Strict):
    name: Text | None = None
    colour: Colour | None = None
    logo: Text | None = None  # a PNG or JPEG file, or a hosted https:// image
    reference_docx: Text | None = None

    def logo_url(self) -> str | None:
        """A hosted logo, which email can show (a mail client loads no local file)."""
        return self.logo if self.logo and _is_web(self.logo) else None

    def logo_file(self) -> str | None:
        """A logo file, which the Word flyer embeds."""
        return self.logo if self.logo and not _is_web(self.logo) else None

    def reference_file(self) -> str | None:
        """A local reference .docx; brief check reads it as the Word writer will."""
        docx = self.reference_docx
        return docx if docx and not _is_web(docx) else None


def _is_web(value: str) -> bool:
    return value.lower().startswith(("https://", "http://"))


class Brief(Strict):
    campaign: Line
    organisation: Text
    programme: Text
    facts: Facts = Facts()
    call_to_action: CallToAction
    contact: Contact
    event: Event | None = None
    brand: Brand | None = None
    templates: Text | None = None
    personas: Text | None = None
    utm: bool = True

    def names(self) -> list[str]:
        """The brief's own names, which copy may write as the brief spells them (HBO-ICT)."""
        found = [self.campaign, self.organisation, self.programme, self.contact.name]
        found += [self.event.name] if self.event else []
        found += [self.brand.name] if self.brand and self.brand.name else []
        return found


def example_brief_path() -> Path:
    """The bundled example brief for a fictional route."""
    return Path(str(resources.files("mkbcopy") / "data" / "example-brief.yaml"))


def commented_example_path(lang: str) -> Path:
    """The example brief `init` writes, its comments in `lang`; the data is the same."""
    dutch = Path(str(resources.files("mkbcopy") / "data" / "example-brief.nl.yaml"))
    return dutch if lang == "nl" else example_brief_path()


def load_brief(path: Path | None = None) -> Brief:
    """Read and validate a brief; None means the bundled example."""
    path = path or example_brief_path()
    doc = load_yaml(path, what=N_("brief"))
    if not isinstance(doc.data, dict):
        raise InputError(_("a brief must be a mapping of keys (campaign:, facts:, ...)"), path=path)
    return _resolve_paths(validate(doc, Brief), path.parent)


def _resolve_paths(brief: Brief, base: Path) -> Brief:
    """Paths in a brief are relative to the brief's own folder, as users expect."""

    def resolve(value: str | None) -> str | None:
        if value is None or _is_web(value):
            return value
        return str(base / Path(value).expanduser())

    update: dict[str, object] = {
        "templates": resolve(brief.templates),
        "personas": resolve(brief.personas),
    }
    if brief.brand is not None:
        update["brand"] = brief.brand.model_copy(
            update={
                "logo": resolve(brief.brand.logo),
                "reference_docx": resolve(brief.brand.reference_docx),
            }
        )
    return brief.model_copy(update=update)
