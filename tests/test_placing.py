"""Placing a contact in the research's personas and subgroups: vocabularies, ages, the rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkbcopy.contacts.ages import Age, age_of
from mkbcopy.contacts.placing import Placement, Placer, place
from mkbcopy.research.personas import Research
from mkbcopy.research.vocabulary import normalise_education, normalise_status

TODAY = date(2025, 6, 1)
STUDENT = "nieuwsgierige-student"
DOORSTROMER = "doelgerichte-doorstromer"
ZIJ = "onafhankelijke-zij-instromer"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("havo", "havo"),
        ("VWO", "vwo"),
        ("mbo 4", "mbo"),
        ("MBO-niveau 3", "mbo"),
        ("mbo4", "mbo"),
        ("hbo", "hbo"),
        ("HBO bachelor", "hbo"),
        ("hbo-master", "hbo"),
        ("wo", "wo"),
        ("WO master", "wo"),
        ("universiteit", "wo"),
        ("Universiteit van Amsterdam", "wo"),
        ("master", "wo"),
        ("bachelor", "hbo"),
        ("Associate degree", "hbo"),
        ("University of Applied Sciences", "hbo"),
        ("Hoger beroepsonderwijs", "hbo"),
        ("middelbaar beroepsonderwijs", "mbo"),
        ("Voorbereidend middelbaar beroepsonderwijs", "vmbo"),
        ("vmbo", "vmbo"),
        ("vmbo-tl", "vmbo"),
        ("mavo", "vmbo"),
        ("gymnasium", "vwo"),
        ("havo/vwo", "vwo"),
        ("vmbo, daarna mbo 2", "mbo"),
        ("basisonderwijs", "basisonderwijs"),
        ("Basisschool", "basisonderwijs"),
        ("", None),
        ("middelbare school", None),
        ("weet ik niet", None),
        ("woensdag", None),
    ],
)
def test_normalise_education(text: str, level: str | None) -> None:
    assert normalise_education(text) == level


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("student", "student"),
        ("Studente", None),
        ("studenten", "student"),
        ("scholier", "scholier"),
        ("leerling havo 5", "scholier"),
        ("werkend", "werkend"),
        ("Werkend (parttime)", "werkend"),
        ("in loondienst", "werkend"),
        ("zzp", "werkend"),
        ("zzp'er", "werkend"),
        ("ZZP-er", "werkend"),
        ("ondernemer", "werkend"),
        ("eigen bedrijf", "werkend"),
        ("employed", "werkend"),
        ("self-employed", "werkend"),
        ("werkzoekend", "werkzoekend"),
        ("op zoek naar werk", "werkzoekend"),
        ("geen werk", "werkzoekend"),
        ("job seeker", "werkzoekend"),
        ("unemployed", "werkzoekend"),
        ("werkend en studerend", "student"),
        ("gepensioneerd", "gepensioneerd"),
        ("retired", "gepensioneerd"),
        ("", None),
        ("subscribed", None),
    ],
)
def test_normalise_status(text: str, status: str | None) -> None:
    assert normalise_status(text) == status


@pytest.mark.parametrize(
    ("fields", "age"),
    [
        ({"age": "34"}, Age(34, 34)),
        ({"age": " 35 jaar "}, Age(35, 35)),
        ({"age": "35.0"}, Age(35, 35)),
        ({"age": "25-34"}, Age(25, 34)),
        ({"age": "35+"}, Age(35, 120)),
        ({"age": "onbekend"}, None),
        ({"age": "250"}, None),
        ({"age": "1990"}, Age(34, 35)),  # a birth year in the age column
        ({"birth_year": "1990"}, Age(34, 35)),  # birthday this year or not yet: unknown
        ({"birth_year": "2030"}, None),
        ({"birth_date": "01-06-1990"}, Age(35, 35)),  # birthday today
        ({"birth_date": "02-06-1990"}, Age(34, 34)),
        ({"birth_date": "02/06/1990"}, Age(34, 34)),
        ({"birth_date": "1990-06-02"}, Age(34, 34)),
        ({"birth_date": "1990-06-01 00:00:00"}, Age(35, 35)),
        ({"birth_date": "12/31/1990"}, Age(34, 34)),  # US order only when day-first is impossible
        ({"birth_date": "05/17"}, None),  # Mailchimp birthday: no year
        ({"birth_date": "01-01-2030"}, None),
        ({"age": "", "birth_date": "", "birth_year": ""}, None),
        ({"age": "x", "birth_date": "02-06-1990"}, Age(34, 34)),
        ({"age": "40", "birth_year": "1990"}, Age(40, 40)),
    ],
)
def test_age_of(fields: dict[str, str], age: Age | None) -> None:
    assert age_of(fields, TODAY) == age


def fields(**values: str) -> dict[str, str]:
    return values


@pytest.mark.parametrize(
    ("given", "persona", "subgroup"),
    [
        # students and pupils: subgroup by education
        (fields(status="student", education="hbo"), STUDENT, "hbo"),
        (fields(status="student", education="wo"), STUDENT, "hbo"),
        (fields(status="student", education="universiteit"), STUDENT, "hbo"),
        (fields(status="student", education="bachelor"), STUDENT, "hbo"),
        (fields(status="student", education="master"), STUDENT, "hbo"),
        (fields(status="scholier", education="havo"), STUDENT, "havo-vwo-mbo"),
        (fields(status="scholier", education="vwo"), STUDENT, "havo-vwo-mbo"),
        (fields(status="student", education="mbo 4"), STUDENT, "havo-vwo-mbo"),
        (fields(status="student"), STUDENT, None),  # no education: the general draft
        (fields(status="student", education="iets anders"), STUDENT, None),
        (fields(status="student", education="hbo", age="45"), STUDENT, "hbo"),
        # working or job-seeking, middle educated: doorstromer by age
        (fields(status="werkend", education="mbo", age="22"), DOORSTROMER, "16-34"),
        (fields(status="werkend", education="havo", age="34"), DOORSTROMER, "16-34"),
        (fields(status="werkzoekend", education="vwo", age="35"), DOORSTROMER, "35+"),
        (fields(status="in loondienst", education="MBO-niveau 3", age="58"), DOORSTROMER, "35+"),
        (fields(status="werkend", education="mbo"), DOORSTROMER, None),  # no age
        (fields(status="werkend", education="mbo", birth_year="1990"), DOORSTROMER, None),
        (fields(status="werkend", education="mbo", birth_year="1989"), DOORSTROMER, "35+"),
        (fields(status="werkend", education="mbo", birth_date="02-06-1990"), DOORSTROMER, "16-34"),
        (fields(status="werkend", education="mbo", age="30-39"), DOORSTROMER, None),
        (fields(status="werkend", education="mbo", age="30-34"), DOORSTROMER, "16-34"),
        (fields(status="werkend", education="mbo", age="12-20"), DOORSTROMER, None),
        # working or job-seeking, higher educated: zij-instromer by age
        (fields(status="zzp'er", education="hbo", age="29"), ZIJ, "16-34"),
        (fields(status="employed", education="wo", age="50"), ZIJ, "35+"),
        (fields(status="job seeker", education="HBO bachelor", age="35 jaar"), ZIJ, "35+"),
        (fields(status="ondernemer", education="master"), ZIJ, None),
        # an explicit persona column wins
        (fields(persona=DOORSTROMER, status="student", education="hbo"), DOORSTROMER, None),
        (fields(persona="Onafhankelijke zij-instromer", age="40"), ZIJ, "35+"),
        (fields(persona="student", education="havo"), STUDENT, "havo-vwo-mbo"),
        (fields(persona="doorstromer", age="20"), DOORSTROMER, "16-34"),
        (fields(persona="zij-instromer"), ZIJ, None),
        (fields(persona="Zij-instromers"), ZIJ, None),
        (fields(persona="NIEUWSGIERIGE STUDENT"), STUDENT, None),
    ],
)
def test_place(
    research: Research, given: dict[str, str], persona: str, subgroup: str | None
) -> None:
    assert place(given, research, TODAY) == Placement(persona, subgroup, None)


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (fields(status="werkend", education="vmbo", age="30"), "outside the research's groups"),
        (fields(status="scholier", education="vmbo-t"), "opleidingsniveau 'vmbo-t'"),
        (fields(status="werkend", education="basisonderwijs"), "outside"),
        (fields(status="student", education="hbo", age="15"), "age 15"),
        (fields(status="werkend", education="mbo", birth_date="01-01-2012"), "age 13"),
        (fields(status="gepensioneerd", education="hbo"), "werksituatie 'gepensioneerd'"),
        (fields(education="hbo", age="40"), "no werksituatie"),
        (fields(status="vrijwilliger", education="hbo"), "not recognised"),
        (fields(status="werkend", age="40"), "no opleidingsniveau"),
        (fields(status="werkend", education="middelbare school"), "'middelbare school' not"),
        (fields(persona="marketeer"), "unknown persona"),
        (fields(persona="er"), "unknown persona"),
    ],
)
def test_not_placed(research: Research, given: dict[str, str], words: str) -> None:
    result = place(given, research, TODAY)
    assert result.persona is None and result.subgroup is None
    assert result.reason is not None and words in result.reason


def test_ambiguous_short_persona_is_refused(research: Research) -> None:
    persona, why = Placer(research, TODAY).resolve_persona("stromer")
    assert persona is None and why is not None and "could be" in why


def test_the_rule_comes_from_the_research(research: Research) -> None:
    """Change the yaml's subgroup bounds and the rule changes with it."""
    personas = []
    for persona in research.personas:
        subs = [
            s.model_copy(update={"match": s.match.model_copy(update={"min_age": 18})})
            if s.match.min_age == 16
            else s
            for s in persona.subgroups
        ]
        personas.append(persona.model_copy(update={"subgroups": subs}))
    rules = [
        r.model_copy(update={"opleidingsniveau": ["HBO"]}) if r.persona == ZIJ else r
        for r in research.segmentation.rules
    ]
    changed = research.model_copy(
        update={
            "personas": personas,
            "segmentation": research.segmentation.model_copy(update={"rules": rules}),
        }
    )
    placer = Placer(changed, TODAY)
    assert placer.min_age == 18
    assert "starts at 18" in (
        placer.place(fields(status="werkend", education="mbo", age="17")).reason or ""
    )
    wo = placer.place(fields(status="werkend", education="wo", age="40"))
    assert wo.persona is None and "opleidingsniveau 'wo'" in (wo.reason or "")
    assert placer.place(fields(status="werkend", education="hbo", age="40")).persona == ZIJ


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["age", "birth_year", "birth_date", "education", "status", "persona"]),
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                ["student", "werkend", "hbo", "mbo", "vmbo", "35", "1990", "doorstromer"]
            ),
        ),
    )
)
def test_place_always_answers(research: Research, given: dict[str, str]) -> None:
    result = place(given, research, TODAY)
    if result.persona is None:
        assert result.reason and result.subgroup is None
    else:
        assert result.reason is None
        subgroups = [s.id for s in research.persona(result.persona).subgroups]
        assert result.subgroup is None or result.subgroup in subgroups


def test_a_remembered_placement_is_the_one_computed_afresh(research: Research) -> None:
    people = [
        {"education": edu, "status": status, "age": age, "persona": persona}
        for edu in ("havo", "hbo", "mbo 4", "MBO-niveau 3", "wo", "")
        for status in ("scholier", "student", "werkend", "werkzoekend", "")
        for age in ("17", "23", "41", "1985", "")
        for persona in ("", "stromer")
    ]
    placer = Placer(research, TODAY)
    first = [placer.place(fields) for fields in people]
    again = [placer.place(fields) for fields in people]
    fresh = [Placer(research, TODAY).place(fields) for fields in people]
    assert first == again == fresh
    keys = ["Opleiding", "Werksituatie", "Leeftijd", "Persona", "E-mail"]
    index = {"education": 0, "status": 1, "age": 2, "persona": 3, "email": 4}
    place_cells = placer.for_cells(keys, index)
    rows = [[f" {p['education']}", p["status"], p["age"], p["persona"], "x"] for p in people]
    assert [place_cells(cells) for cells in rows * 2] == first * 2
    assert len({p.persona for p in first}) > 2 and any(p.reason for p in first)
