"""The trainee's own words with the scorer's evidence marked inline (Rich Text).

Used by the Debrief screen (and anything else that shows a scored reply):
earned points (apology, listening, remedy, ownership) are green, costs
(blame, discourtesy, non-apologies and other cancels) red, notes yellow. Spans
come straight from the findings, which index the original reply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from rich.style import Style
from rich.text import Text

from scoring.feedback import localize
from scoring.model import Finding

EARN_STYLE = Style(color="green", bold=True)
COST_STYLE = Style(color="red", bold=True, underline=True)
NOTE_STYLE = Style(color="yellow", underline=True)
MUTED_STYLE = Style(dim=True)
PROBLEM_LEVELS = ("cost", "cancel", "note")

# Applied in this order, so a cost over an earned span shows red.
_LEVEL_ORDER = {"earn": 0, "note": 1, "cancel": 2, "cost": 2}


def level_style(level: str) -> Style:
    """The style of a finding's span by level: earn, note, or cost/cancel."""
    if level == "earn":
        return EARN_STYLE
    if level == "note":
        return NOTE_STYLE
    return COST_STYLE


def highlight_reply(text: str, findings: Iterable[Finding]) -> Text:
    """``text`` with every finding's span styled by its level (costs drawn last)."""
    out = Text(text)
    for f in sorted(findings, key=lambda f: (_LEVEL_ORDER.get(f.level, 2), f.start, f.end)):
        start, end = max(0, f.start), min(len(text), f.end)
        if start < end:
            out.stylize(level_style(f.level), start, end)
    return out


def problems(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that cost points or explain a miss, once per rule and span text."""
    seen: set[tuple[str, str]] = set()
    out = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
        if f.level in PROBLEM_LEVELS and (f.rule, f.text) not in seen:
            seen.add((f.rule, f.text))
            out.append(f)
    return out


def problem_lines(
    findings: Sequence[Finding],
    lang: str,
    better: str,
    passed: Mapping[str, bool] | None = None,
) -> Text:
    """One block per problem: ✗ 「quote」 message, then → a better phrasing.

    ``better`` is the translated label put before the fix (e.g. "Better:").
    ``passed``: the reply's verdicts. A cancelled phrase of a criterion the
    reply passed anyway ("您看选哪个" beside a real question) is a note, "!",
    not a red ✗ on a reply that lost nothing by it.
    """
    out = Text()
    for f in problems(findings):
        level = f.level
        if level == "cancel" and passed is not None and passed.get(f.criterion):
            level = "note"
        mark = "!" if level == "note" else "✗"
        out.append(f"  {mark} ", style=level_style(level))
        out.append(f"「{f.text}」", style=level_style(level))
        out.append(f" {localize(f.message, lang)}\n")
        out.append(f"    → {better} ", style=EARN_STYLE)
        out.append(f"{localize(f.fix, lang)}\n")
    out.rstrip()
    return out


def tick(passed: bool) -> Text:
    """A green ✓ or a red ✗."""
    return Text("✓", style=EARN_STYLE) if passed else Text("✗", style=COST_STYLE)


def criteria_ticks(
    criteria: Mapping[str, bool], names: Iterable[str], label: Callable[[str], str]
) -> Text:
    """``道歉✓ 倾听✗ …``: each of ``names`` an attempt was judged on, with its tick."""
    out = Text()
    for name in names:
        if name in criteria:
            out.append(label(name))
            out.append_text(tick(criteria[name]))
            out.append(" ")
    out.rstrip()
    return out
