"""Fact texts that will read badly as copy: notes, a bare yes or no, abbreviations, non-Dutch.

Drafts paste a brief's facts as they stand into subject lines, openers and bullets, so a
fact written as a note ("2 jaar.", "€ 2.300 bruto p/m") makes every draft read like
one. `brief check` warns about such facts, in the brief's own lines; it never fails on
them, since a fact may still be true and wanted. The checks are heuristics, kept quiet
on facts written as the example brief asks: one or two short sentences in the je-vorm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mkbcopy.checks.readability import WORD, split_sentences
from mkbcopy.checks.spelling import candidate_words, misspelled
from mkbcopy.errors import one_line
from mkbcopy.i18n import N_, Text
from mkbcopy.research.brief import FACT_KEYS, FACT_QUESTIONS, Brief, load_brief
from mkbcopy.research.yamlfile import load_yaml

# Abbreviations B1 readers trip over, with the words to write instead. Kept to the ones
# terse briefs use (not bv: it is also a company's form). Matched as written, or
# capitalised at a sentence start (O.a.); the last of several dots may be left out (i.v.m).
ABBREVIATIONS: dict[str, str] = {
    "p/m": "per maand",
    "p.m.": "per maand",
    "p/w": "per week",
    "p.w.": "per week",
    "p/j": "per jaar",
    "p.j.": "per jaar",
    "p.p.": "per persoon",
    "p.u.": "per uur",
    "t/m": "tot en met",
    "i.v.m.": "door, of omdat",
    "ivm": "door, of omdat",
    "o.a.": "onder andere",
    "bijv.": "bijvoorbeeld",
    "m.b.t.": "over",
    "t.a.v.": "voor",
    "i.p.v.": "in plaats van",
    "ipv": "in plaats van",
    "d.w.z.": "dat wil zeggen",
    "z.s.m.": "zo snel mogelijk",
    "zsm": "zo snel mogelijk",
    "i.o.m.": "samen met",
    "i.s.m.": "samen met",
    "incl.": "met",
    "excl.": "zonder",
    "ca.": "ongeveer",
    "evt.": "misschien",
    "max.": "hooguit",
    "t.z.t.": "later",
}
# A sentence that only says yes or no: copy has nothing to paste.
YES_NO = frozenset(
    "ja nee jazeker neen zeker natuurlijk klopt wel niet nooit altijd yes no".split()  # noqa: SIM905
)

# Evidence of a finite verb, for telling a sentence from a note. Forms a note rarely
# holds: auxiliaries and frequent verbs (present and past, and a few imperatives), never
# a bare stem that is also a noun (werk, kost, begin).
_FINITE = frozenset(
    """is zijn ben bent was waren wordt worden werd werden heb hebt heeft hebben had hadden
    kan kun kunt kunnen kon konden mag mogen mocht mochten moet moeten moest moesten
    wil wilt willen wilde wilden zal zult zullen zou zouden gaat gaan ging gingen
    komt komen kwam kwamen krijgt krijgen kreeg kregen doet deed deden staat staan
    stond stonden ligt liggen lag lagen blijft blijven bleef bleven geeft gaf gaven
    ziet zag zagen vindt vond vonden neemt nam namen houdt hield hielden weet wist wisten
    kent kende kenden kost kostte kostten duurt duurde duurden betaalt betaalde betaalden
    werkt werkte werkten leert leerde leerden begint begon begonnen kiest koos kozen
    leest las past verwacht wacht bestaat ontstaat laat liet lieten praat helpt hielp
    hielpen zoekt zocht zochten volgt loopt liep liepen verdient haalt maakt zit zat
    zaten kom kijk bel""".split()  # noqa: SIM905
)
_SUBJECTS = frozenset("ik je jij u hij zij ze we wij men".split())  # noqa: SIM905
# Words after which a word is a noun or adjective, not a verb: articles, possessives,
# numerals and quantities, prepositions; and the links of infinitives (bouwen en testen).
_DETERMINERS = frozenset(
    """de het een deze onze ons mijn jouw uw zijn haar hun alle veel weinig geen elke
    ieder iedere enkele sommige meer minder twee drie vier vijf zes zeven acht negen tien
    in op bij van voor met naar uit over onder tot na om aan door zonder tegen binnen
    buiten per vanaf sinds rond tussen via volgens langs naast boven""".split()  # noqa: SIM905
)
_NOT_BEFORE_VERB = _DETERMINERS | {"en", "of", "te"}
# Common words ending in -t that are no verb.
_NOT_VERBS = frozenset(
    """niet niets met tot dat wat dit het iets echt vast net recht licht want toch juist
    nooit ooit meest best eerst laatst straks direct apart contract project traject
    student docent procent moment talent klant resultaat budget respect product markt
    tekst dienst kunst winst lijst toekomst post bericht gesprek plicht kracht
    uitzicht inzicht toezicht gezicht nacht tijdschrift cliënt patiënt""".split()  # noqa: SIM905
)
_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
# Who said a quote, after it: "..." (Jan, eigenaar van X) or "..." – Jan, eigenaar van X.
_ATTRIBUTION = re.compile(r"\s*\([^()]*\)\s*$|(?<=[\"”’'])\s*[–—-]\s*[^\"“”]*$")
_STRIP = "\"'“”‘’»«()[] "


@dataclass(frozen=True)
class Problem:
    """One way a fact will read badly; `rule` is stable (for --json), `said` untranslated."""

    rule: str
    said: Text
    word: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"rule": self.rule, "word": self.word, "message": str(self.said)}


@dataclass(frozen=True)
class FactWarning:
    """Everything wrong with one fact's text, said as one line with what to do instead."""

    key: str  # the fact's key under facts:
    line: int | None
    text: str
    problems: tuple[Problem, ...]
    advice: Text | None  # how to rewrite it, when it is not a sentence

    def message(self, lang: str | None = None) -> str:
        said = "; ".join(p.said.render(lang) for p in self.problems)
        return said + (". " + self.advice.render(lang) if self.advice else "")

    def to_dict(self) -> dict[str, object]:
        return {
            "key": f"facts.{self.key}",
            "line": self.line,
            "text": self.text,
            "problems": [p.to_dict() for p in self.problems],
            "message": self.message("en"),
        }


@dataclass(frozen=True)
class FactCheck:
    """The warnings for a brief's facts; `spelling_checked` is False without hunspell-nl."""

    warnings: tuple[FactWarning, ...]
    spelling_checked: bool


def check_fact_texts(brief: Brief, path: Path | None = None) -> FactCheck:
    """Warn about each fact that will read badly when pasted into copy.

    `path` is the brief's file, for the line of each fact (None: no lines).
    """
    facts = {k: v for k in FACT_KEYS if isinstance(v := getattr(brief.facts, k), str)}
    doc = load_yaml(path, what=N_("brief")) if path is not None else None
    words = {key: candidate_words(_without_attribution(text)) for key, text in facts.items()}
    wrong = misspelled([w for found in words.values() for w in found])
    warnings: list[FactWarning] = []
    for key, text in facts.items():
        problems = fact_problems(text)
        problems += [
            Problem(
                "fact.not-dutch",
                Text(
                    N_(
                        "'%(word)s' is not in the Dutch dictionary: use a Dutch word your "
                        "reader knows, or check the spelling"
                    ),
                    {"word": word},
                ),
                word,
            )
            for word in dict.fromkeys(words[key])
            if wrong is not None and word in wrong
        ]
        if not problems:
            continue
        sentence = any(p.rule in _SENTENCE_RULES for p in problems)
        warnings.append(
            FactWarning(
                key=key,
                line=doc.line_of(("facts", key)) if doc is not None else None,
                text=text,
                problems=tuple(problems),
                advice=_advice(key) if sentence else None,
            )
        )
    warnings.sort(key=lambda w: w.line or 0)  # in the order the brief has them
    return FactCheck(tuple(warnings), spelling_checked=wrong is not None)


_SENTENCE_RULES = ("fact.no-full-stop", "fact.note", "fact.yes-no")


def fact_problems(text: str) -> list[Problem]:
    """What reads badly in one fact, spelling aside: each problem once, in order."""
    body = _without_attribution(text)
    problems: list[Problem] = []
    sentences = split_sentences(body)
    bare = [s for s in sentences if s.strip(_STRIP + ".!?…").lower() in YES_NO]
    if bare:
        problems.append(
            Problem(
                "fact.yes-no",
                Text(
                    N_("'%(answer)s' is only a yes or no, which a draft cannot use on its own"),
                    {"answer": bare[0]},
                ),
            )
        )
    elif not _END.search(body):
        said = Text(N_("has no full stop at the end: it reads as a note"))
        problems.append(Problem("fact.no-full-stop", said))
    elif any(not _has_verb(s) for s in sentences):
        problems.append(Problem("fact.note", Text(N_("reads as a note, not as a sentence"))))
    for abbreviation, full in _abbreviations_in(body):
        problems.append(
            Problem(
                "fact.abbreviation",
                Text(
                    N_("'%(word)s' is an abbreviation many readers do not know: write '%(full)s'"),
                    {"word": abbreviation, "full": full},
                ),
                abbreviation,
            )
        )
    return problems


def _without_attribution(text: str) -> str:
    """A testimonial without who said it after the quote: that part is no sentence."""
    return _ATTRIBUTION.sub("", text) if _ATTRIBUTION.search(text) else text


def _has_verb(sentence: str) -> bool:
    """Whether a sentence has a finite verb, as far as word shapes tell.

    Generous on purpose: a note slipping through costs less than a good sentence
    called a note. Evidence: a frequent verb form, a subject pronoun, a word in -t
    after a noun (de opleiding duurt), or a word in -en after a noun with more of the
    clause to come (onze studenten kijken verder), where an infinitive would end it.
    """
    for clause in _CLAUSE.split(sentence):
        words = [w.lower() for w in WORD.findall(clause)]
        for index, word in enumerate(words):
            if word in _FINITE or word in _SUBJECTS:
                return True
            if index == 0 or not word.replace("-", "").isalpha() or len(word) < 4:
                continue
            before = words[index - 1]
            if before in _NOT_BEFORE_VERB or not before.replace("-", "").isalpha():
                continue
            if word.endswith("t") and word not in _NOT_VERBS:
                return True
            if word.endswith(("de", "te")) and len(word) >= 5:  # past: de trainee draaide mee
                return True
            later = words[index + 1 :]
            if word.endswith("en") and later and later[0] not in ("en", "of"):
                # not a plural after an adjective: vaste kantoren in Enschede
                adjective = before.endswith("e") and (
                    index == 1 or words[index - 2] in _DETERMINERS
                )
                if not adjective:
                    return True
    return False


@cache
def _abbreviation_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per abbreviation: as listed anywhere, capitalised only where a sentence starts.

    Max. at a sentence's end is a name; i.v.m may lose its last dot, bijv. may not.
    """
    patterns = []
    for abbreviation in ABBREVIATIONS:
        body = re.escape(abbreviation)
        if abbreviation.count(".") > 1:
            body = re.escape(abbreviation[:-1]) + r"\.?"
        capital = body[0].upper() + body[1:]
        pattern = rf"(?:(?<![\w./]){body}|(?:^|(?<=[.!?:] )){capital})(?![\w/])"
        patterns.append((abbreviation, re.compile(pattern)))
    return tuple(patterns)


def _abbreviations_in(text: str) -> list[tuple[str, str]]:
    """(as written, what to write instead) for each listed abbreviation, in text order."""
    found: dict[str, tuple[int, str]] = {}
    for abbreviation, pattern in _abbreviation_patterns():
        match = pattern.search(text)
        if match and match.group() not in found:
            found[match.group()] = (match.start(), ABBREVIATIONS[abbreviation])
    return [(w, full) for w, (_start, full) in sorted(found.items(), key=lambda i: i[1][0])]


@cache
def _examples() -> dict[str, str]:
    """The example brief's facts, to the first sentence that is not a question.

    What a fact that reads well looks like: 'Stop je eerder? Dan betaal je niets terug.'
    """
    facts = load_brief().facts
    found: dict[str, str] = {}
    for key in FACT_KEYS:
        value = getattr(facts, key)
        if isinstance(value, str):
            sentences = split_sentences(_without_attribution(value))
            questions = next((i for i, s in enumerate(sentences) if not s.endswith("?")), 0)
            found[key] = " ".join(sentences[: questions + 1])
    return found


def _advice(key: str) -> Text:
    return Text(
        N_(
            "Drafts paste facts into sentences: write a full sentence that answers "
            "'%(question)s', like '%(example)s'"
        ),
        {"question": FACT_QUESTIONS[key], "example": _examples()[key]},
    )


def warning_line(warning: FactWarning, brief_path: Path | str) -> str:
    """`brief.yaml:12: facts.salary: ...`, as brief errors are said, in the user's language."""
    where = f"{brief_path}:{warning.line}" if warning.line is not None else str(brief_path)
    return one_line(f"{where}: facts.{warning.key}: {warning.message()}")
