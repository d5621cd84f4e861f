"""`templates check` over the built-ins and the WhatsApp fixture folder, and what the
sandbox's guards (step, output and size budgets) cost per render against Jinja2's
plain ImmutableSandboxedEnvironment on the same templates."""

from __future__ import annotations

import time
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from mkbcopy.compose.channels import load_channel, template_dirs
from mkbcopy.compose.context import Recorder, build_context
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.templatecheck import check_templates, renders_per_check
from mkbcopy.compose.templating import make_environment, render_template
from mkbcopy.document import escape_md
from mkbcopy.research.brief import load_brief
from mkbcopy.research.study import load_personas

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "user_templates"


def _plain() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs(None)])
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_md
    return env


def run(smoke: bool) -> None:
    research, brief = load_personas(), load_brief()
    for label, folder in (("built-ins", None), ("fixture", FIXTURE)):
        check_templates(folder, research=research)  # warm the template cache
        rounds = 1 if smoke else 10
        start = time.perf_counter()
        for _ in range(rounds):
            problems = check_templates(folder, research=research)
        seconds = (time.perf_counter() - start) / rounds
        renders = renders_per_check(folder, research)
        print(
            f"templates check {label}: {renders} renders, {len(problems)} problems, {seconds:.3f} s"
        )
    persona = research.persona("doelgerichte-doorstromer")
    deck = load_copydeck(research)
    n = 50 if smoke else 2000
    for name in ("email", "x"):
        meta = load_channel(name)
        times = {}
        for kind, env in (("plain sandbox", _plain()), ("mkbcopy sandbox", make_environment())):
            start = time.perf_counter()
            for _ in range(n):
                context = build_context(
                    brief, persona, None, meta, deck[persona.id], Recorder(brief)
                )
                render_template(env, meta.template, context)
            times[kind] = (time.perf_counter() - start) / n * 1e6
        print(
            f"  {name}: "
            + ", ".join(f"{k} {v:.0f} us" for k, v in times.items())
            + f" (x{times['mkbcopy sandbox'] / times['plain sandbox']:.2f})"
        )
