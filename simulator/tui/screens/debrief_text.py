"""The Debrief's summary texts: the score and what it cost, one line per
criterion, the scenario's own checks, and the promises beyond the policy.

Pure functions of a scored session (``SessionResult``) and the language, so
the screen only lays them out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text

from scoring.feedback import CRITERION_NAMES, localize
from simulator.exams import ran_out
from simulator.tui.widgets.evidence import COST_STYLE, EARN_STYLE, MUTED_STYLE, tick

if TYPE_CHECKING:
    from simulator.scenario_model import Scenario
    from simulator.session import SessionResult
    from simulator.store.base import Attempt


def score_text(
    r: SessionResult, hints: int, attempt: Attempt | None, t: Callable[..., str], lang: str
) -> Text:
    """The score after hints, how the conversation ended, and what each
    deduction (failed checks, broken promises, hints, the exam clock) cost."""
    from simulator.session import BREACH_COST, CHECK_COST, score_after_hints

    out = Text()
    score = score_after_hints(r.score, hints)
    out.append(t("debrief.score", score=score), style="bold")
    if r.ending:
        outcome = t(f"debrief.outcome.{r.outcome}") if r.outcome else r.ending
        # The outcome is a label; the scenario's summary tells the story
        # ("结局（平台介入）：买家申请了平台介入并留下差评。").
        if r.summary:
            line = t("debrief.ending", outcome=outcome, summary=localize(r.summary, lang))
        else:
            line = t("debrief.ending_bare", outcome=outcome)
        out.append("\n" + line)
    else:
        out.append("\n" + t("debrief.not_ended"))
    if r.failed_checks:
        cost = CHECK_COST * r.failed_checks
        out.append("\n" + t("debrief.checks_cost", n=r.failed_checks, cost=cost))
    if r.distinct_breaches:
        cost = BREACH_COST * r.distinct_breaches
        out.append("\n" + t("debrief.breaches_cost", n=r.distinct_breaches, cost=cost))
    if hints:
        out.append("\n" + t("debrief.hints", n=hints, cost=r.score - score), style=MUTED_STYLE)
    if attempt is not None and (attempt.result or {}).get("timed_out"):
        key = "debrief.ran_out" if ran_out(attempt) else "debrief.timed_out"
        out.append("\n" + t(key), style="bold")
    return out


def criteria_text(r: SessionResult, lang: str) -> Text:
    """One line per criterion: a tick, then the feedback (what went wrong, how to fix)."""
    conv = r.conversation
    lines = [localize(m, lang).lstrip("✓✗ ") for m in conv.feedback]
    out = Text()
    for i, (name, crit) in enumerate(conv.criteria.items()):
        same = len(lines) == len(conv.criteria)
        line = lines[i] if same else localize(CRITERION_NAMES[name], lang)
        # A blank after the name's colon: a Chinese message is one long "word"
        # to the wrapper, which would otherwise leave the tick alone on its line.
        head, colon, rest = line.partition("：" if "：" in line else ":")
        if colon and rest and not rest.startswith(" "):
            line = f"{head}{colon} {rest}"
        out.append_text(tick(crit.passed))
        out.append(f" {line}\n", style=None if crit.passed else COST_STYLE)
    out.rstrip()
    return out


def checks_text(scenario: Scenario, r: SessionResult, lang: str) -> Text:
    """The scenario's own checks, each ticked or crossed."""
    out = Text()
    for check in scenario.checks:
        # A check's text says what the reply should do, must-not ones too
        # ("不让买家垫付运费"): a "must not" label before it would read as a
        # double negative.
        out.append_text(tick(r.checks.get(check.id, False)))
        out.append(f" {localize(check.text, lang)}\n")
    out.rstrip()
    return out


def breaches_text(r: SessionResult, lang: str) -> Text:
    """Each promise beyond the policy card, once."""
    out = Text()
    for text in dict.fromkeys(localize(b, lang) for b in r.breaches):
        out.append(f"✗ {text}\n", style=COST_STYLE)
    out.rstrip()
    return out


def legend(t: Callable[..., str]) -> Text:
    """What the two highlight colours in the transcript mean."""
    out = Text()
    out.append(t("debrief.legend_earn"), style=EARN_STYLE)
    out.append("  ")
    out.append(t("debrief.legend_cost"), style=COST_STYLE)
    return out
