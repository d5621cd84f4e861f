"""Did-you-mean for keys: marketers type the Dutch or everyday English word, not ours."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Words a user may try for a key, by the key they mean. A word only counts where that
# key is allowed, so `naam` suggests `name` under contact: but nothing at the top.
_TRIED: dict[str, tuple[str, ...]] = {
    "campaign": ("campagne", "campagnenaam", "campaign_name", "naam_campagne"),
    "organisation": ("organisatie", "organization", "org", "hogeschool", "instelling", "school"),
    "programme": ("opleiding", "programma", "program", "course", "studie", "opleidingsnaam"),
    "facts": ("feiten", "fact", "gegevens", "info", "informatie"),
    "call_to_action": ("cta", "oproep", "actie", "call_to_actie", "aanmelden"),
    "contact": ("contactpersoon", "contactgegevens", "contact_person", "afzender", "sender"),
    "event": ("evenement", "bijeenkomst", "activiteit", "open_dag", "opendag", "meeting"),
    "brand": ("merk", "huisstijl", "branding", "stijl"),
    "templates": ("sjablonen", "template", "template_folder", "sjabloon"),
    "programme_content": ("inhoud", "programma_inhoud", "content", "lesinhoud", "wat_je_leert"),
    "weekly_schedule": ("rooster", "weekrooster", "schedule", "week", "weekindeling"),
    "duration": ("duur", "looptijd", "length", "studieduur"),
    "diploma": ("getuigschrift", "certificate", "certificaat", "degree", "graad"),
    "costs": ("kosten", "prijs", "price", "cost", "collegegeld", "tuition", "fee", "fees"),
    "paid_by": ("betaald_door", "wie_betaalt", "betaler", "funding", "financiering"),
    "salary": ("salaris", "loon", "wage", "pay", "inkomen", "income"),
    "job_security": ("baanzekerheid", "zekerheid", "contract", "security"),
    "on_quit": ("stoppen", "uitval", "quit", "stop", "opzeggen"),
    "employer_match": ("werkgever", "matching", "employer", "werkgevers", "koppeling"),
    "travel": ("reistijd", "reizen", "reisafstand", "afstand", "distance"),
    "guidance": ("begeleiding", "coaching", "coach", "support", "ondersteuning"),
    "learn_first": ("eerst_leren", "eerst_studeren", "study_first"),
    "future": ("toekomst", "perspectief", "kansen", "prospects", "carriere", "career"),
    "employer_testimonial": ("getuigenis", "testimonial", "quote", "citaat", "ervaring"),
    "text": ("tekst", "label", "knoptekst", "button"),
    "url": ("link", "website", "webadres", "adres", "href", "site"),
    "name": ("naam", "volledige_naam", "full_name"),
    "email": ("e_mail", "mail", "emailadres", "e_mailadres", "mailadres"),
    "phone": ("telefoon", "telefoonnummer", "tel", "mobiel", "nummer", "telephone"),
    "date": ("datum", "wanneer", "when", "dag", "tijd"),
    "place": ("plaats", "locatie", "location", "venue", "waar", "adres", "where", "plek"),
    "colour": ("kleur", "color", "huisstijlkleur"),
    "logo": ("beeldmerk", "image", "afbeelding"),
    "reference_docx": ("word_sjabloon", "huisstijl_docx", "reference", "docx"),
}
_MEANS: dict[str, list[str]] = {}
for _key, _words in _TRIED.items():
    for _word in _words:
        _MEANS.setdefault(_word, []).append(_key)


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def did_you_mean(name: str, allowed: Iterable[str]) -> str | None:
    """The allowed key `name` most likely stands for, or None."""
    choices = list(allowed)
    word = _normal(name)
    for key in choices:
        if _normal(key) == word:
            return key  # `Salary`, `call-to-action`
    for key in _MEANS.get(word, []):
        if key in choices:
            return key
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    if close:
        return close[0]
    tried = [w for w in _MEANS if any(k in choices for k in _MEANS[w])]
    near = difflib.get_close_matches(word, tried, n=1, cutoff=0.8)  # `salarris`
    return next(k for k in _MEANS[near[0]] if k in choices) if near else None
