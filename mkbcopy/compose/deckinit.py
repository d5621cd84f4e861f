"""A copy deck skeleton for a new persona study, with the research beside each line.

A study says what matters to each persona; only a writer can say it in the reader's
words. The skeleton names every line a deck needs, leaves it empty, and shows the
research it has to carry as comments, so `templates check` can list what is left.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from mkbcopy.compose.copydeck import COPY_FILE
from mkbcopy.errors import OutputError
from mkbcopy.i18n import _
from mkbcopy.research.personas import Motivator, Research
from mkbcopy.writers.folder import atomic_write

_HEADER = """\
# Copy deck for {study}: the Dutch lines (B1, je-vorm) that frame each persona's
# motivators and drempels. Written by `mkbcopy personas init-deck`.
#
# Fill in every empty line; `mkbcopy templates check {folder} --personas {study}`
# lists what is left. The research each line carries is in the comments above it.
#
# Only the brief asserts. These lines frame, ask and invite; they never state
# money, time, a job, who pays or prospects: every claim in a draft is a fact
# from the brief, placed after these lines. A question is safe ("Wat kost het?");
# a promise is not.
#
#   aanbod:    the offer in one sentence; {{organisation}} and {{programme}} come
#              from the brief, e.g. "Bij {{organisation}} volg je {{programme}}."
#   vraag:     optional for a persona; the question that opens its drafts
#   onderwerp: an email subject for when no fact sentence fits in one
#   hashtags:  a list, without '#', e.g. [WerkenEnLeren, Hbo]
#   volgorde:  optional; the motivators and drempels to put first, strongest first
#   kop:       optional; a short label for a motivator or drempel (flyer, headings)
#   vraag:     the question a reader asks; opens a draft that leads with it
#   opent:     false: never the default opening (e.g. what happens if you stop)
#   subgroups: vraag: optional; the opening question for that subgroup
"""


def render_deck_skeleton(research: Research, study: str, folder: str) -> str:
    """The skeleton as YAML text: every id of the study, every value to fill in empty."""
    out = [_HEADER.format(study=study, folder=folder)]
    for persona in research.personas:
        out.append(f"{_key(persona.id)}:")
        out += _comment(f"{persona.name}, {persona.share}%: {persona.profile or ''}", 2)
        out += ["  aanbod:", "  vraag:", "  onderwerp:", "  hashtags:"]
        for kind, items in (("motivators", persona.motivators), ("drempels", persona.drempels)):
            out.append(f"  {kind}:")
            for item in items:
                text = (
                    f"{item.title}: {item.guidance}"
                    if isinstance(item, Motivator)
                    else item.description
                )
                out.append(f"    {_key(item.id)}:")
                out += _comment(text, 6)
                out += _comment(f"the brief states: {', '.join(item.needs) or '-'}", 6)
                out += ["      kop:", "      vraag:"]
        if persona.subgroups:
            out.append("  subgroups:")
            for sub in persona.subgroups:
                out.append(f"    {_key(sub.id)}:")
                out += _comment(f"{sub.name}: {' '.join(sub.nuances)}", 6)
                out.append("      vraag:")
        out.append("")
    return "\n".join(out)


def write_deck_skeleton(
    research: Research, study: Path, folder: Path, *, force: bool = False
) -> Path:
    """Write FOLDER/_shared/copy.yaml; an existing deck is replaced only with `force`."""
    target = folder / COPY_FILE
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputError(_("already exists; use --force to overwrite it"), path=target)
    text = render_deck_skeleton(research, str(study), str(folder))
    atomic_write(target, text.encode("utf-8"))
    return target


def _key(item_id: str) -> str:
    """An id as a YAML key that reads back as text: '2024' would read as a number."""
    return json.dumps(item_id) if re.fullmatch(r"[0-9+.-]+", item_id) else item_id


def _comment(text: str, indent: int) -> list[str]:
    pad = " " * indent + "# "
    flat = " ".join(text.split())
    return textwrap.wrap(flat, width=88, initial_indent=pad, subsequent_indent=pad)
