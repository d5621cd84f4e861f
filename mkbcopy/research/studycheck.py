"""Every problem in a persona study at once, each with file, line and key.

The models check each value's shape; this checks what only the whole study can
show: shares, repeated ids, stresses, and segmentation rules no contact could meet.
`load_personas` refuses a study with any of these; `personas check` lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pydantic

from mkbcopy.errors import ValidationError, one_line
from mkbcopy.i18n import N_, _
from mkbcopy.research.personas import (
    AGE,
    BUILTIN_COLUMNS,
    Condition,
    Match,
    Research,
    Segmentation,
    Subgroup,
    parse_range,
)
from mkbcopy.research.vocabulary import (
    EDUCATION_LEVELS,
    WORK_STATUSES,
    normalise_education,
    normalise_status,
    plain_words,
)
from mkbcopy.research.yamlfile import YamlDoc, error_message, format_key, load_yaml

Key = tuple[str | int, ...]


class _Report:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.problems: list[ValidationError] = []

    def add(self, key: Sequence[str | int], message: str) -> None:
        self.problems.append(
            ValidationError(
                message,
                path=self.doc.path,
                line=self.doc.line_of(tuple(key)),
                key=format_key(tuple(key)) or None,
            )
        )


def study_problems(doc: YamlDoc) -> list[ValidationError]:
    """Every problem in the study, in file order; empty when it is sound."""
    report = _Report(doc)
    data = doc.data
    if not isinstance(data, dict):
        report.add((), _("must be a mapping with a top-level 'personas:' list"))
        return report.problems
    try:
        Research.model_validate(data)
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
            report.add(loc, error_message(err))
    raw_personas = data.get("personas")
    subgroups = _subgroups(raw_personas)
    segmentation = _one_valid(Segmentation, data.get("segmentation"))
    _check_shares(report, raw_personas)
    _check_ids(report, raw_personas)
    _check_stress(report, raw_personas, subgroups)
    if segmentation is not None:
        _check_segmentation(report, segmentation, subgroups, raw_personas)
    report.problems.sort(key=lambda p: p.line or 0)
    return report.problems


Subgroups = dict[tuple[int, str], list[tuple[int, Subgroup]]]
"""(persona index, persona id) -> its valid subgroups with their index."""


def _subgroups(raw: Any) -> Subgroups:
    """Each subgroup validated on its own, so one bad persona field hides none of them."""
    out: Subgroups = {}
    for index, persona in _dicts(raw):
        pid = persona.get("id")
        found: list[tuple[int, Subgroup]] = []
        for j, item in _dicts(persona.get("subgroups")):
            try:
                found.append((j, Subgroup.model_validate(item)))
            except pydantic.ValidationError:
                continue  # reported by the whole-study validation
        out[(index, pid if isinstance(pid, str) else "")] = found
    return out


def _one_valid(model: type[Segmentation], raw: Any) -> Segmentation | None:
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError:
        return None


def _check_shares(report: _Report, raw: Any) -> None:
    if not isinstance(raw, list) or not raw:
        return
    shares: list[tuple[str, int]] = []
    for index, persona in enumerate(raw):
        share = persona.get("share") if isinstance(persona, dict) else None
        if not isinstance(share, int) or isinstance(share, bool):
            return  # a share that is not a number is reported on its own
        shares.append((one_line(str(persona.get("id", index))), share))
    total = sum(share for _, share in shares)
    if total != 100:
        each = ", ".join(f"{pid} {share}" for pid, share in shares)
        report.add(
            ("personas",),
            _("shares add up to %(total)s, not 100 (%(each)s)") % {"total": total, "each": each},
        )


def _check_ids(report: _Report, raw: Any) -> None:
    if not isinstance(raw, list):
        return
    ids: list[tuple[Key, Any]] = [(("personas", i, "id"), p.get("id")) for i, p in _dicts(raw)]
    _repeats(report, ids, N_("persona id '%(id)s' is used twice (first on line %(line)s)"))
    for i, persona in _dicts(raw):
        items: list[tuple[Key, Any]] = []
        for kind in ("motivators", "drempels"):
            items += [
                ((("personas", i, kind, j, "id")), it.get("id"))
                for j, it in _dicts(persona.get(kind))
            ]
        _repeats(
            report,
            items,
            N_("motivator or drempel id '%(id)s' is used twice (first on line %(line)s)"),
        )
        subs: list[tuple[Key, Any]] = [
            (("personas", i, "subgroups", j, "id"), s.get("id"))
            for j, s in _dicts(persona.get("subgroups"))
        ]
        _repeats(report, subs, N_("subgroup id '%(id)s' is used twice (first on line %(line)s)"))


def _dicts(raw: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(raw, list):
        return []
    return [(i, item) for i, item in enumerate(raw) if isinstance(item, dict)]


def _repeats(report: _Report, items: list[tuple[Key, Any]], message: str) -> None:
    """Ids used twice; `message` (N_) says which kind of id, with %(id)s and %(line)s."""
    first: dict[str, Key] = {}
    for key, value in items:
        if not isinstance(value, str):
            continue
        if value in first:
            line = report.doc.line_of(first[value])
            report.add(key, _(message) % {"id": one_line(value), "line": line})
        else:
            first[value] = key


def _check_stress(report: _Report, raw: Any, subgroups: Subgroups) -> None:
    personas = dict(_dicts(raw))
    for (index, pid), subs in subgroups.items():
        ids = {
            item_id
            for kind in ("motivators", "drempels")
            for _, item in _dicts(personas[index].get(kind))
            if isinstance(item_id := item.get("id"), str)
        }
        for j, sub in subs:
            for k, item_id in enumerate(sub.stress):
                if item_id not in ids:
                    report.add(
                        ("personas", index, "subgroups", j, "stress", k),
                        _("'%(item)s' is not a motivator or drempel of persona '%(persona)s'")
                        % {"item": item_id, "persona": pid},
                    )


def _check_segmentation(
    report: _Report,
    seg: Segmentation,
    subgroups: Subgroups,
    raw_personas: Any,
) -> None:
    for name, column in seg.columns.items():
        if name in BUILTIN_COLUMNS and (column.values or column.numeric):
            report.add(
                ("segmentation", "columns", name),
                _("'%(name)s' is a built-in vocabulary: give it only headers, required or label")
                % {"name": name},
            )
        elif column.numeric and column.values:
            report.add(
                ("segmentation", "columns", name),
                _("a numeric column is matched by ranges; it cannot also list values"),
            )
    for r, rule in enumerate(seg.rules):
        where: Key = ("segmentation", "rules", r)
        if isinstance(raw_personas, list) and rule.persona not in _raw_ids(raw_personas):
            report.add(
                (*where, "persona"),
                _("names unknown persona '%(persona)s'") % {"persona": rule.persona},
            )
        _check_match(report, seg, rule, where, _raw_at(report.doc.data, where))
    for (index, pid), subs in subgroups.items():
        rules = [r for r in seg.rules if r.persona == pid]
        for j, sub in subs:
            where = ("personas", index, "subgroups", j, "match")
            raw = _raw_at(report.doc.data, where)
            if _check_match(report, seg, sub.match, where, raw) and rules:
                _check_fits_rules(report, seg, sub.match, rules, where, raw, pid)


def _raw_ids(raw: list[Any]) -> set[str]:
    return {pid for _, p in _dicts(raw) if isinstance(pid := p.get("id"), str)}


def _raw_at(data: Any, key: Key) -> dict[str, Any]:
    for part in key:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return {}
    return data if isinstance(data, dict) else {}


def _yaml_key(name: str, raw: dict[str, Any]) -> str:
    """The key as the file writes it: age may be `leeftijd:` or `min_age:`."""
    if name == AGE and AGE not in raw:
        return "min_age" if "min_age" in raw else "max_age"
    return name


def _check_match(
    report: _Report, seg: Segmentation, match: Match, where: Key, raw: dict[str, Any]
) -> bool:
    """Report conditions no contact could meet; True when every one could be met."""
    sound = True
    for name, condition in match.conditions().items():
        key = (*where, _yaml_key(name, raw))
        problem = _condition_problem(seg, name, condition)
        if problem:
            report.add(key, _("no contact could match: %(problem)s") % {"problem": problem})
            sound = False
    return sound


def _condition_problem(seg: Segmentation, name: str, condition: Condition) -> str | None:
    column = seg.columns.get(name)
    if column is None and name not in BUILTIN_COLUMNS:
        defined = ", ".join(dict.fromkeys([*BUILTIN_COLUMNS, *seg.columns]))
        return _(
            "'%(name)s' is not a column (define it under segmentation.columns; known: %(known)s)"
        ) % {"name": one_line(name), "known": defined}
    numeric = name == AGE or (column is not None and column.numeric)
    if numeric:
        bounds = parse_range(condition) if isinstance(condition, str | int) else None
        if bounds is None:
            return _("'%(value)s' is not a range like 16-34, 35+ or -34") % {
                "value": one_line(str(condition))
            }
        low, high = bounds
        if low is not None and high is not None and low > high:
            return _("the range %(low)s-%(high)s is empty") % {"low": low, "high": high}
        return None
    if not isinstance(condition, list):
        return _("'%(value)s' is not a list of values") % {"value": one_line(str(condition))}
    if not condition:
        return _("the list of values is empty")
    for value in condition:
        if _normalise(seg, name, value) is None:
            return _("'%(value)s' is not a value of %(name)s (%(known)s)") % {
                "value": one_line(value),
                "name": name,
                "known": _known(seg, name),
            }
    return None


def _normalise(seg: Segmentation, name: str, value: str) -> str | None:
    if name == "werkzaamheid":
        return normalise_status(value)
    if name == "opleidingsniveau":
        return normalise_education(value)
    column = seg.columns.get(name)
    if column is None or not column.values:
        return plain_words(value) or None
    wanted = plain_words(value)
    for canonical, spellings in column.values.items():
        if wanted in {plain_words(canonical), *(plain_words(s) for s in spellings)}:
            return plain_words(canonical)
    return None


def _known(seg: Segmentation, name: str) -> str:
    if name == "werkzaamheid":
        return _("the built-in vocabulary knows %(values)s") % {"values": ", ".join(WORK_STATUSES)}
    if name == "opleidingsniveau":
        return _("the built-in vocabulary knows %(values)s") % {
            "values": ", ".join(EDUCATION_LEVELS)
        }
    return _("known: %(values)s") % {"values": ", ".join(seg.columns[name].values)}


def _check_fits_rules(
    report: _Report,
    seg: Segmentation,
    match: Match,
    rules: list[Any],
    where: Key,
    raw: dict[str, Any],
    persona_id: str,
) -> None:
    """A subgroup asking for what its persona's rules never place there is unreachable."""
    for name, condition in match.conditions().items():
        allowed = [r.conditions().get(name) for r in rules]
        if any(a is None for a in allowed):
            continue  # some rule lets any value of this column through
        if any(_overlap(seg, name, condition, a) for a in allowed if a is not None):
            continue
        report.add(
            (*where, _yaml_key(name, raw)),
            _(
                "no contact could match: the segmentation rule places no contact with this "
                "%(name)s in persona '%(persona)s'"
            )
            % {"name": name, "persona": persona_id},
        )


def _overlap(seg: Segmentation, name: str, one: Condition, other: Condition) -> bool:
    if isinstance(one, list) and isinstance(other, list):
        mine = {_normalise(seg, name, v) for v in one}
        theirs = {_normalise(seg, name, v) for v in other}
        return bool(mine & theirs)
    a = parse_range(one) if isinstance(one, str | int) else None
    b = parse_range(other) if isinstance(other, str | int) else None
    if a is None or b is None:
        return True  # reported as a bad range
    low = max(a[0] or 0, b[0] or 0)
    high = min(a[1] if a[1] is not None else 10**6, b[1] if b[1] is not None else 10**6)
    return low <= high


def check_study(path: Path) -> list[ValidationError]:
    """Every problem in the study file (a file that is not YAML raises InputError)."""
    return study_problems(load_yaml(path, what=N_("personas file")))
